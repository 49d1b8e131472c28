package io.kgr.plan;

import io.kgr.model.Labels;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.kgr.desired.ClusterSpec;
import io.kgr.kube.Names;
import io.kgr.kube.ServerProperties;
import io.kgr.observe.LiveKube;
import io.kgr.tls.CertSecrets;
import io.kgr.tls.Pki;

import javax.security.auth.x500.X500Principal;

/**
 * Plans a cluster's certificates, as Strimzi keeps them: its two CAs, a certificate per node, kgr's own client
 * certificate and one per TLS user. Pure: it reads the certificates in the observed Secrets and decides, at the plan's
 * time, what is missing, what no longer fits (names, subject, the CA key that signed it) and what is due for renewal
 * ({@code renewalDays} before it expires, or asked for with Strimzi's {@code strimzi.io/force-renew} /
 * {@code strimzi.io/force-replace} annotations). Keys are made at apply time: a plan holds subjects, names,
 * fingerprints and dates, never key material.
 *
 * <p>Renewals keep clients connected, in Strimzi's order. A renewed CA certificate (same key) is trusted by the nodes
 * after one roll and everything it signed stays valid. A replaced CA key takes three runs, each a roll of every node:
 * trust the new CA next to the old one; re-issue the certificates with the new key; drop the old CA certificate once
 * nothing it signed is left.
 */
final class CertPlanner {
    /**
     * The certificates' part of a plan (phase 1).
     *
     * @param podAnnotations the annotations each pod gets from its certificates (what it trusts, which it serves)
     * @param podSteps       the step that writes a pod's certificate Secret, when this plan writes it
     */
    record Certificates(List<Step> steps, List<Refusal> refusals, List<String> notes,
                        Map<String, SortedMap<String, String>> podAnnotations, Map<String, String> podSteps) {
        static Certificates none() {
            return new Certificates(List.of(), List.of(), List.of(), Map.of(), Map.of());
        }
    }

    private final List<Step> steps = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, SortedMap<String, String>> podAnnotations = new TreeMap<>();
    private final Map<String, String> podSteps = new TreeMap<>();

    private final ClusterSpec spec;
    private final LiveKube live;
    private final Instant now;
    private final Map<String, CaState> cas = new TreeMap<>();

    /** A CA after this plan: its generations, and the step that changes it (null: unchanged). */
    private record CaState(String ca, Secret key, Secret cert, int certGeneration, int keyGeneration, int liveKeyGeneration,
                           String step, boolean usable) {
    }

    private CertPlanner(ClusterSpec spec, LiveKube live, Instant now) {
        this.spec = spec;
        this.live = live;
        this.now = now;
    }

    /**
     * Plans both CAs, each node's certificate and kgr's, and the TLS users' certificates: none for a cluster that
     * uses no certificates.
     *
     * @param ids         the node ids by pool, as the plan assigns them
     * @param internalTls whether the cluster's own listeners (controller, replication) use mTLS
     * @param now         the plan's time: certificates due for renewal by then are renewed
     */
    static Certificates plan(ClusterSpec spec, LiveKube live, Instant now, Map<String, SortedSet<Integer>> ids,
                             boolean internalTls, List<String> tlsUsers) {
        return plan(spec, live, now, ids, internalTls, tlsUsers, CertSecrets.kgrSubject(spec.name()));
    }

    /** @param adminSubject the subject of kgr's own client certificate (a super user of the cluster's nodes) */
    static Certificates plan(ClusterSpec spec, LiveKube live, Instant now, Map<String, SortedSet<Integer>> ids,
                             boolean internalTls, List<String> tlsUsers, String adminSubject) {
        if (!needed(spec, internalTls)) return Certificates.none();
        CertPlanner planner = new CertPlanner(spec, live, now);
        planner.plan(ids, internalTls, adminSubject);
        planner.users(tlsUsers);
        return new Certificates(List.copyOf(planner.steps), List.copyOf(planner.refusals), List.copyOf(planner.notes),
                planner.podAnnotations, Map.copyOf(planner.podSteps));
    }

    /** Whether the cluster uses certificates at all: KRaft clusters always do (their own listeners are mTLS). */
    static boolean needed(ClusterSpec spec, boolean internalTls) {
        return internalTls || spec.anyTlsListener();
    }

    /** Plans both CAs, then each node's certificate and kgr's. */
    private void plan(Map<String, SortedSet<Integer>> ids, boolean internalTls, String adminSubject) {
        ca(CertSecrets.CLUSTER_CA, spec.clusterCa());
        ca(CertSecrets.CLIENTS_CA, spec.clientsCa());
        if (!usable()) return;
        for (ClusterSpec.Pool pool : spec.pools()) {
            for (int id : ids.getOrDefault(pool.name(), new TreeSet<>())) node(pool, id);
        }
        if (internalTls) {
            String secret = CertSecrets.kgr(spec.name());
            leaf(secret, "kgr", adminSubject, List.of(), CertSecrets.CLUSTER_CA,
                    spec.clusterCa(), List.of(CertSecrets.CLUSTER_CA), "kgr's own admin client (a super user)");
        }
        dropOldCertificates(ids);
    }

    /** The TLS users' certificates, from the clients CA, in Secrets named after them. */
    private void users(List<String> users) {
        if (!usable()) return;
        for (String user : users) {
            leaf(user, "user", "CN=" + user, List.of(), CertSecrets.CLIENTS_CA, spec.clientsCa(), List.of(CertSecrets.CLIENTS_CA),
                    "KafkaUser " + user + " authenticates with TLS");
        }
    }

    private boolean usable() {
        return cas.values().stream().allMatch(CaState::usable);
    }

    private void ca(String ca, ClusterSpec.Ca settings) {
        String keyName = CertSecrets.caKey(spec.name(), ca);
        String certName = CertSecrets.caCert(spec.name(), ca);
        Secret key = live.secrets().get(keyName);
        Secret cert = live.secrets().get(certName);
        int certGen = CertSecrets.annotation(cert, CertSecrets.CA_CERT_GENERATION, 0);
        int keyGen = CertSecrets.annotation(key, CertSecrets.CA_KEY_GENERATION, 0);
        Optional<X509Certificate> current = CertSecrets.certificate(cert, "ca.crt");
        boolean keyReadable = current.isPresent() && matches(CertSecrets.text(key, "ca.key"), current.get());
        String field = ca.equals(CertSecrets.CLUSTER_CA) ? "spec.clusterCa" : "spec.clientsCa";
        if (!settings.generate()) {
            if (current.isEmpty() || !keyReadable) {
                refusals.add(new Refusal("Secret", current.isEmpty() ? certName : keyName, field
                        + ".generateCertificateAuthority is false, so the " + ca.replace("-ca", " CA") + " is yours to supply:"
                        + " create Secret " + keyName + " (key ca.key) and Secret " + certName + " (key ca.crt) with the key's"
                        + " certificate, as for Strimzi"));
                cas.put(ca, new CaState(ca, key, cert, certGen, keyGen, keyGen, null, false));
                return;
            }
            Instant expires = current.get().getNotAfter().toInstant();
            if (!now.isBefore(expires.minus(Duration.ofDays(settings.renewalDays())))) {
                notes.add("the " + ca.replace("-ca", " CA") + " you supply (Secret " + certName + ") expires at " + expires
                        + (now.isAfter(expires) ? " — it has expired" : "") + ": kgr does not renew a CA it did not generate;"
                        + " put the new one into " + keyName + " and " + certName + " and raise their generation annotations");
            }
            cas.put(ca, new CaState(ca, key, cert, certGen, keyGen, keyGen, null, true));
            return;
        }
        for (Secret s : new Secret[] {key, cert}) {
            if (s != null && !CertSecrets.managedByKgr(s)) {
                refusals.add(new Refusal("Secret", s.getMetadata().getName(), "exists and was not made by kgr: kgr does not"
                        + " replace a CA it did not generate (set " + field + ".generateCertificateAuthority: false to use it"
                        + " as it is)"));
                cas.put(ca, new CaState(ca, key, cert, certGen, keyGen, keyGen, null, false));
                return;
            }
        }
        String cn = ca + " v";
        Optional<String> staged = CertSecrets.text(key, CertSecrets.STAGED_KEY);
        if (staged.isPresent()) {
            // a key replacement stopped between its writes: it is finished with the key it staged, never with a new CA
            // (that would re-issue everything at once, and nodes on either side would stop trusting each other)
            int stagedGen = CertSecrets.annotation(key, CertSecrets.STAGED_KEY_GENERATION, keyGen + 1);
            boolean certWritten = current.isPresent() && matches(staged, current.get());
            int newCertGen = certWritten ? certGen : certGen + 1;
            String subject = certWritten ? current.get().getSubjectX500Principal().getName()
                    : "CN=" + cn + stagedGen + ",O=io.strimzi";
            Step step = step(new Change.IssueCa(spec.name(), ca, "replace-key", subject, settings.validityDays(), newCertGen,
                    stagedGen), Risk.SAFE, caFields(current.orElse(null), subject, settings.validityDays()),
                    "a replacement of this CA's key stopped before its last write (Secret " + keyName + " holds the new key"
                    + " beside the old one): it is finished with that key; 1 of 3: nodes trust the new CA next to the old"
                    + " one", List.of());
            cas.put(ca, new CaState(ca, key, cert, newCertGen, stagedGen, keyGen, step.id(), true));
            return;
        }
        if (current.isEmpty() || !keyReadable) {
            boolean fresh = key == null && cert == null;
            int newKeyGen = fresh ? 0 : keyGen + 1;
            int newCertGen = fresh ? 0 : certGen + 1;
            Step step = step(new Change.IssueCa(spec.name(), ca, "create", "CN=" + cn + newKeyGen + ",O=io.strimzi",
                            settings.validityDays(), newCertGen, newKeyGen), Risk.SAFE,
                    caFields(null, "CN=" + cn + newKeyGen + ",O=io.strimzi", settings.validityDays()),
                    fresh ? "the cluster has no " + ca.replace("-ca", " CA") + " yet"
                            : "Secret " + (current.isEmpty() ? certName : keyName) + " holds no readable CA; a new one is made",
                    List.of());
            // what the unreadable CA signed cannot be trusted any more: it is all re-issued from the new key
            cas.put(ca, new CaState(ca, key, cert, newCertGen, newKeyGen, newKeyGen, step.id(), true));
            return;
        }
        X509Certificate c = current.get();
        Instant expires = c.getNotAfter().toInstant();
        boolean due = !now.isBefore(expires.minus(Duration.ofDays(settings.renewalDays())));
        boolean replace = CertSecrets.flag(key, CertSecrets.FORCE_REPLACE) || (due && settings.policy().equals("replace-key"));
        boolean renew = CertSecrets.flag(cert, CertSecrets.FORCE_RENEW) || due;
        String why = CertSecrets.flag(key, CertSecrets.FORCE_REPLACE) ? "Secret " + keyName + " is annotated strimzi.io/force-replace"
                : CertSecrets.flag(cert, CertSecrets.FORCE_RENEW) ? "Secret " + certName + " is annotated strimzi.io/force-renew"
                : "it expires at " + expires + ", within " + field + ".renewalDays (" + settings.renewalDays() + ")";
        if (replace && CertSecrets.holdsOldCertificates(cert)) {
            notes.add("the " + ca.replace("-ca", " CA") + "'s key is still being replaced: a new replacement waits until it is done");
            replace = false;
            renew = false;
        }
        if (replace) {
            String subject = "CN=" + cn + (keyGen + 1) + ",O=io.strimzi";
            Step step = step(new Change.IssueCa(spec.name(), ca, "replace-key", subject, settings.validityDays(), certGen + 1,
                    keyGen + 1), Risk.SAFE, caFields(c, subject, settings.validityDays()), why
                    + "; 1 of 3: nodes trust the new CA next to the old one (then the certificates are re-issued, then the"
                    + " old CA certificate goes), each a roll of every node", List.of());
            cas.put(ca, new CaState(ca, key, cert, certGen + 1, keyGen + 1, keyGen, step.id(), true));
        } else if (renew) {
            String subject = c.getSubjectX500Principal().getName();
            Step step = step(new Change.IssueCa(spec.name(), ca, "renew-certificate", subject, settings.validityDays(),
                    certGen + 1, keyGen), Risk.SAFE, caFields(c, subject, settings.validityDays()), why
                    + "; same key: what it signed stays valid, the nodes roll to trust the new certificate", List.of());
            cas.put(ca, new CaState(ca, key, cert, certGen + 1, keyGen, keyGen, step.id(), true));
        } else {
            cas.put(ca, new CaState(ca, key, cert, certGen, keyGen, keyGen, null, true));
        }
    }

    /** Whether the PEM key is the private half of the certificate's key (a run stopped between the two writes). */
    private static boolean matches(Optional<String> pem, X509Certificate cert) {
        try {
            return pem.isPresent() && Pki.publicKey(Pki.privateKey(pem.get())).equals(cert.getPublicKey());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private List<FieldChange> caFields(X509Certificate old, String subject, int days) {
        List<FieldChange> out = new ArrayList<>();
        out.add(FieldChange.of("subject", old == null ? null : old.getSubjectX500Principal().getName(), subject));
        out.add(FieldChange.of("expires", old == null ? null : old.getNotAfter().toInstant().toString(),
                days + " days after apply"));
        out.add(FieldChange.of("fingerprint", old == null ? null : Pki.fingerprint(old), "(made at apply)"));
        out.add(new FieldChange("ca.key", old == null ? null : "(sensitive)", "(sensitive)", true));
        return out;
    }

    private void node(ClusterSpec.Pool pool, int id) {
        String pod = Names.pod(spec, pool, id);
        List<String> trusts = List.of(CertSecrets.CLUSTER_CA, CertSecrets.CLIENTS_CA);
        String step = leaf(pod, "node", CertSecrets.nodeSubject(spec.name()), nodeNames(pool, id), CertSecrets.CLUSTER_CA,
                spec.clusterCa(), trusts, "node " + id + " serves TLS");
        if (step != null) podSteps.put(pod, step);
        SortedMap<String, String> a = new TreeMap<>();
        for (String ca : trusts) a.put(CertSecrets.generationOf(ca, "cert"), String.valueOf(cas.get(ca).certGeneration()));
        a.put(CertSecrets.CERT_GENERATION, String.valueOf(nextGeneration.getOrDefault(pod, 0)));
        podAnnotations.put(pod, a);
    }

    private final Map<String, Integer> nextGeneration = new TreeMap<>();
    private final Set<String> waitingForTrust = new TreeSet<>();

    /** Whether every node of the cluster runs with the CA's current certificate among those it trusts. */
    private boolean everyNodeTrusts(String caName) {
        String want = String.valueOf(cas.get(caName).certGeneration());
        for (Pod p : live.pods().values()) {
            var labels = p.getMetadata().getLabels();
            if (labels == null || !spec.name().equals(labels.get(Labels.CLUSTER)) || p.getMetadata().getAnnotations() == null) continue;
            String g = p.getMetadata().getAnnotations().get(CertSecrets.generationOf(caName, "cert"));
            if (g != null && !g.equals(want)) return false;
        }
        return true;
    }

    /**
     * A certificate signed by {@code signer} in Secret {@code secret}, trusting the CAs in {@code trusts}: issued when
     * missing, re-issued when its subject or names differ, when the CA key that signed it was replaced, when it is due
     * or forced; its trusted CA certificates brought up to date when a CA certificate changed. The step's id, if any.
     */
    private String leaf(String secret, String purpose, String subject, List<String> names, String signer, ClusterSpec.Ca settings,
                        List<String> trusts, String why) {
        Secret s = live.secrets().get(secret);
        CaState ca = cas.get(signer);
        SortedMap<String, String> generations = new TreeMap<>();
        for (String t : trusts) generations.put(CertSecrets.generationOf(t, "cert"), String.valueOf(cas.get(t).certGeneration()));
        int generation = CertSecrets.annotation(s, CertSecrets.CERT_GENERATION, -1);
        if (s != null && !CertSecrets.managedByKgr(s)) {
            refusals.add(new Refusal("Secret", secret, "exists and was not made by kgr: kgr does not write " + purpose
                    + " certificates into it (" + why + ")"));
            nextGeneration.put(secret, Math.max(generation, 0));
            return null;
        }
        String certKey = switch (purpose) {
            case "node" -> secret + ".crt";
            case "kgr" -> "kgr.crt";
            default -> "user.crt";
        };
        Optional<X509Certificate> cert = CertSecrets.certificate(s, certKey);
        int signedWith = CertSecrets.annotation(s, CertSecrets.generationOf(signer, "key"), -1);
        String reissue = null;
        if (s == null) reissue = "missing";
        else if (cert.isEmpty()) reissue = "Secret " + secret + " holds no readable certificate";
        else if (!cert.get().getSubjectX500Principal().getName().equals(new X500Principal(subject).getName())) {
            reissue = "its subject changes";
        } else if (!new TreeSet<>(Pki.describe(cert.get()).names()).equals(new TreeSet<>(names))) {
            reissue = "its names change";
        } else if (signedWith != ca.liveKeyGeneration() && everyNodeTrusts(signer)) {
            reissue = "the " + signer.replace("-ca", " CA") + "'s key was replaced (2 of 3: certificates from the new key)";
        } else if (signedWith != ca.liveKeyGeneration()) {
            // a certificate from the new key before every node trusts the new CA would lock those nodes out
            if (waitingForTrust.add(signer)) {
                notes.add("the " + signer.replace("-ca", " CA") + "'s key was replaced, but not every node has rolled to"
                        + " trust the new CA yet: certificates are re-issued from the new key once they all have");
            }
        } else if (!now.isBefore(cert.get().getNotAfter().toInstant().minus(Duration.ofDays(settings.renewalDays())))) {
            reissue = "it expires at " + cert.get().getNotAfter().toInstant() + ", within the CA's renewalDays ("
                    + settings.renewalDays() + ")";
        } else if (CertSecrets.flag(s, CertSecrets.FORCE_RENEW)) {
            reissue = "Secret " + secret + " is annotated strimzi.io/force-renew";
        }
        // a certificate made by this plan is signed at apply, by the CA's key as this plan leaves it
        int keyGeneration = reissue != null ? ca.keyGeneration() : signedWith;
        generations.put(CertSecrets.generationOf(signer, "key"), String.valueOf(keyGeneration));
        int next = reissue == null ? Math.max(generation, 0) : generation + 1;
        generations.put(CertSecrets.CERT_GENERATION, String.valueOf(next));
        nextGeneration.put(secret, next);
        boolean trustChanges = false;
        for (String t : trusts) {
            String k = CertSecrets.generationOf(t, "cert");
            if (s != null && CertSecrets.annotation(s, k, -1) != cas.get(t).certGeneration()) trustChanges = true;
        }
        if (reissue == null && !trustChanges) return null;
        List<String> after = new ArrayList<>();
        for (String t : new LinkedHashSet<>(concat(signer, trusts))) {
            if (cas.get(t).step() != null) after.add(cas.get(t).step());
        }
        List<FieldChange> fields = new ArrayList<>();
        if (reissue != null) {
            fields.add(FieldChange.of("subject", cert.map(c -> c.getSubjectX500Principal().getName()).orElse(null), subject));
            if (!names.isEmpty() || cert.isPresent() && !Pki.describe(cert.get()).names().isEmpty()) {
                fields.add(FieldChange.of("names", cert.map(c -> String.join(", ", Pki.describe(c).names())).orElse(null),
                        String.join(", ", names)));
            }
            fields.add(FieldChange.of("expires", cert.map(c -> c.getNotAfter().toInstant().toString()).orElse(null),
                    settings.validityDays() + " days after apply (at most the CA's expiry)"));
            fields.add(FieldChange.of("fingerprint", cert.map(Pki::fingerprint).orElse(null), "(made at apply)"));
            fields.add(new FieldChange("private key", s == null ? null : "(sensitive)", "(sensitive)", true));
        }
        for (String t : trusts) {
            String k = CertSecrets.generationOf(t, "cert");
            int have = CertSecrets.annotation(s, k, -1);
            if (s != null && have != cas.get(t).certGeneration()) {
                fields.add(FieldChange.of("trusts " + t.replace("-ca", " CA") + " certificate generation",
                        have < 0 ? null : String.valueOf(have), String.valueOf(cas.get(t).certGeneration())));
            }
        }
        Step step = step(new Change.IssueCertificate(secret, purpose, spec.name(), subject, names, settings.validityDays(),
                reissue != null, s != null, generations), Risk.SAFE, fields,
                reissue == null ? "a CA certificate it trusts changed" : why + (s == null ? "" : "; " + reissue), after);
        return step.id();
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }

    /**
     * The last part of a key replacement: once every certificate the CA signs comes from its new key and every node
     * has rolled to the new trust, the old CA certificate is dropped (and the nodes roll once more to stop trusting it).
     */
    private void dropOldCertificates(Map<String, SortedSet<Integer>> ids) {
        for (CaState ca : cas.values()) {
            if (ca.step() != null || !CertSecrets.holdsOldCertificates(ca.cert()) || !CertSecrets.managedByKgr(ca.cert())) continue;
            boolean pending = steps.stream().anyMatch(st -> st.change() instanceof Change.IssueCertificate c && c.newKey()
                    && c.generations().containsKey(CertSecrets.generationOf(ca.ca(), "key")));
            boolean signedByOld = live.secrets().values().stream().filter(CertSecrets::managedByKgr)
                    .anyMatch(s -> CertSecrets.annotation(s, CertSecrets.generationOf(ca.ca(), "key"), ca.keyGeneration())
                            != ca.keyGeneration());
            boolean rolled = everyNodeTrusts(ca.ca());
            if (pending || signedByOld || !rolled) continue;
            String subject = CertSecrets.certificate(ca.cert(), "ca.crt").map(c -> c.getSubjectX500Principal().getName()).orElse("");
            Step step = step(new Change.IssueCa(spec.name(), ca.ca(), "drop-old-certificates", subject, 0,
                    ca.certGeneration() + 1, ca.keyGeneration()), Risk.SAFE, List.of(FieldChange.of("certificates",
                            String.valueOf(CertSecrets.caCertificates(ca.cert()).size()), "1")),
                    "3 of 3: everything the old key signed was re-issued; the nodes roll to stop trusting it", List.of());
            cas.put(ca.ca(), new CaState(ca.ca(), ca.key(), ca.cert(), ca.certGeneration() + 1, ca.keyGeneration(),
                    ca.keyGeneration(), step.id(), true));
            // every node's trust follows
            List<String> trusting = new ArrayList<>(podAnnotations.keySet());
            for (String pod : trusting) podAnnotations.get(pod).put(CertSecrets.generationOf(ca.ca(), "cert"),
                    String.valueOf(ca.certGeneration() + 1));
            refreshTrust(ca.ca(), step.id());
        }
    }

    /** After dropping an old CA certificate: the Secrets that trust that CA get the new set. */
    private void refreshTrust(String caName, String after) {
        for (Secret s : live.secrets().values()) {
            if (!CertSecrets.managedByKgr(s) || s.getMetadata().getLabels() == null) continue;
            String purpose = s.getMetadata().getLabels().get(CertSecrets.CERTIFICATE_LABEL);
            if (purpose == null || purpose.equals("ca")) continue;
            String k = CertSecrets.generationOf(caName, "cert");
            if (s.getMetadata().getAnnotations() == null || !s.getMetadata().getAnnotations().containsKey(k)) continue;
            String name = s.getMetadata().getName();
            if (steps.stream().anyMatch(st -> st.change() instanceof Change.IssueCertificate c && c.secret().equals(name))) continue;
            SortedMap<String, String> generations = new TreeMap<>(s.getMetadata().getAnnotations().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("strimzi.io/") || e.getKey().equals(CertSecrets.CERT_GENERATION))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
            generations.put(k, String.valueOf(cas.get(caName).certGeneration()));
            Step step = step(new Change.IssueCertificate(name, purpose, spec.name(), "", List.of(), 0, false, true, generations),
                    Risk.SAFE, List.of(FieldChange.of("trusts " + caName.replace("-ca", " CA") + " certificate generation",
                            s.getMetadata().getAnnotations().get(k), String.valueOf(cas.get(caName).certGeneration()))),
                    "the replaced CA certificate is no longer trusted", List.of(after));
            if (podAnnotations.containsKey(name)) podSteps.put(name, step.id());
        }
    }

    /**
     * The names a node's certificate carries (Strimzi's): its pod's DNS names, and for brokers the cluster's bootstrap
     * and brokers Services and each listener's Services, in every form a client may use.
     */
    private List<String> nodeNames(ClusterSpec.Pool pool, int id) {
        String ns = live.namespace();
        Set<String> out = new LinkedHashSet<>();
        String pod = Names.pod(spec, pool, id);
        String host = ServerProperties.podDns(spec, ns, pod);
        out.add(host);
        out.add(host + ".cluster.local");
        serviceForms(Names.brokersService(spec), ns, out);
        if (pool.isBroker()) {
            serviceForms(Names.bootstrapService(spec), ns, out);
            for (ClusterSpec.Listener l : spec.listeners()) {
                out.addAll(l.alternativeNames());
                if (l.advertisedHosts().containsKey(id)) out.add(l.advertisedHosts().get(id));
                if (l.type().equals("internal")) continue;
                serviceForms(Names.listenerBootstrapService(spec, l), ns, out);
                if (!l.type().equals("cluster-ip")) serviceForms(Names.perBrokerService(spec, pool, l, id), ns, out);
            }
        }
        return List.copyOf(out);
    }

    private static void serviceForms(String service, String ns, Set<String> out) {
        out.add(service);
        out.add(service + "." + ns);
        out.add(service + "." + ns + ".svc");
        out.add(service + "." + ns + ".svc.cluster.local");
    }

    private Step step(Change change, Risk risk, List<FieldChange> fields, String reason, List<String> dependsOn) {
        Step s = new Step(Step.idOf(change), Phase.KUBERNETES_PREREQUISITES, change, risk, fields, reason, dependsOn);
        steps.add(s);
        return s;
    }
}
