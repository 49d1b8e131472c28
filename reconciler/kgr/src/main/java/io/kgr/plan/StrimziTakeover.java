package io.kgr.plan;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kgr.desired.ClusterSpec;
import io.kgr.desired.DesiredState;
import io.kgr.kube.ClusterModel;
import io.kgr.kube.ServerProperties;
import io.kgr.model.Labels;
import io.kgr.observe.LiveKube;
import io.kgr.observe.LiveState;
import io.kgr.tls.CertSecrets;
import io.kgr.tls.Pki;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes a cluster that Strimzi's cluster operator made over in place, with the operator's consent
 * ({@value Labels#TAKE_OVER}{@code : strimzi} on the {@code Kafka} in Git): the objects kgr's model names (pods,
 * Services, node ConfigMaps, volumes, the CA and node certificate Secrets) become kgr's as they are — labels and
 * annotations added, owner references to Strimzi's resources dropped — and Strimzi's pod sets are deleted last, their
 * pods orphaned. Nothing restarts: a Strimzi pod is recorded at the revision Git gives it, which is honest only because
 * the takeover is refused unless Strimzi's {@code Kafka} is paused, Strimzi reconciled its current generation, and Git's
 * specs equal the ones Strimzi ran. Strimzi's objects that kgr's model does not name are left as they are.
 *
 * <p>The rest of the plan is made against the namespace as it will be after these steps ({@link Result#live}), so that
 * one plan shows the whole takeover and apply does exactly that.
 */
final class StrimziTakeover {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String PAUSE = "strimzi.io/pause-reconciliation";

    /**
     * @param live the namespace as the rest of the plan should see it: the taken-over objects as kgr's, and Strimzi's
     *             objects that are not taken over left out
     */
    record Result(List<Step> steps, List<Refusal> refusals, List<String> notes, LiveKube live) {
    }

    private final DesiredState desired;
    private final ClusterSpec spec;
    private final LiveKube live;
    private final Optional<LiveState> kafka;
    private final String newClusterId;
    private final KubePlanner.Options options;

    private StrimziTakeover(DesiredState desired, ClusterSpec spec, LiveKube live, Optional<LiveState> kafka,
                            String newClusterId, KubePlanner.Options options) {
        this.desired = desired;
        this.spec = spec;
        this.live = live;
        this.kafka = kafka;
        this.newClusterId = newClusterId;
        this.options = options;
    }

    /**
     * The takeover's part of the plan; empty when Strimzi made nothing of this cluster here, or when it did and Git does
     * not consent (the Kubernetes planner then refuses the cluster, saying how to go on).
     */
    static Optional<Result> plan(DesiredState desired, ClusterSpec spec, LiveKube live, Optional<LiveState> kafka,
                                 String newClusterId, KubePlanner.Options options) {
        return new StrimziTakeover(desired, spec, live, kafka, newClusterId, options).plan();
    }

    private Optional<Result> plan() {
        List<HasMetadata> strimzi = strimziObjects();
        if (strimzi.isEmpty()) {
            // a takeover stopped after its last object but before Strimzi's pod sets went: they go now
            List<Step> releases = takenBefore() ? releases(List.of()) : List.of();
            return releases.isEmpty() ? Optional.empty() : Optional.of(new Result(releases, List.of(), List.of(), live));
        }
        List<String> notes = new ArrayList<>();
        // a first view to learn which objects kgr's model names: every Strimzi object as if it were kgr's
        LiveKube all = view(strimzi, o -> takeOver(o, Map.of()), List.of());
        KubePlanner first = new KubePlanner(spec, all, kafka, newClusterId, options);
        ClusterModel.Objects model = first.desiredObjects();
        TreeSet<String> named = new TreeSet<>();
        model.all().forEach(o -> named.add(o.getKind() + "/" + o.getMetadata().getName()));
        for (String ca : List.of(CertSecrets.CLUSTER_CA, CertSecrets.CLIENTS_CA)) {
            named.add("Secret/" + CertSecrets.caKey(spec.name(), ca));
            named.add("Secret/" + CertSecrets.caCert(spec.name(), ca));
        }
        model.pods().forEach(p -> named.add("Secret/" + p.getMetadata().getName()));
        desired.users().values().stream().filter(u -> u.authentication().equals("tls")).forEach(u -> named.add("Secret/" + u.name()));
        List<HasMetadata> taken = strimzi.stream().filter(o -> named.contains(key(o))).toList();
        List<HasMetadata> leftAlone = strimzi.stream().filter(o -> !named.contains(key(o))).toList();
        if (!leftAlone.isEmpty()) {
            notes.add(leftAlone.size() + " object(s) Strimzi made for cluster " + spec.name() + " are not used by kgr and are"
                    + " left as they are (" + leftAlone.stream().map(StrimziTakeover::key).limit(8).collect(Collectors.joining(", "))
                    + (leftAlone.size() > 8 ? ", …" : "") + "): they go with Strimzi's Kafka resource when you delete it");
        }
        if (taken.isEmpty()) {
            return Optional.of(new Result(takenBefore() ? releases(List.of()) : List.of(), List.of(), notes,
                    view(List.of(), o -> o, leftAlone)));
        }
        String consent = annotation(manifest("Kafka", spec.name()).map(d -> d.body().path("metadata").path("annotations")), Labels.TAKE_OVER);
        if (!"strimzi".equals(consent)) return Optional.empty();

        List<Refusal> refusals = preconditions();
        if (!refusals.isEmpty()) return Optional.of(new Result(List.of(), refusals, notes, live));
        if (!pausedSeen()) {
            // the annotation is there, but a running operator finishes the reconciliation it is in (a roll, say) first
            notes.add("Strimzi's Kafka " + spec.name() + " is annotated " + PAUSE + " but shows no ReconciliationPaused"
                    + " condition: if Strimzi's operator still runs, it may not have seen the pause yet and may still be"
                    + " rolling a pod; wait for the condition (kubectl wait kafka/" + spec.name() + " -n " + live.namespace()
                    + " --for=condition=ReconciliationPaused), or make sure the operator is stopped, before applying");
        }
        String clusterId = clusterId().orElseThrow();

        Map<String, Pod> wantedPods = new TreeMap<>();
        model.pods().forEach(p -> wantedPods.put(p.getMetadata().getName(), p));
        Map<String, HasMetadata> wanted = new TreeMap<>();
        model.all().forEach(o -> wanted.put(key(o), o));
        List<Step> steps = new ArrayList<>();
        List<String> podSteps = new ArrayList<>();
        Map<String, HasMetadata> after = new TreeMap<>();
        for (HasMetadata o : taken) {
            SortedMap<String, String> labels = new TreeMap<>();
            SortedMap<String, String> annotations = new TreeMap<>();
            annotations.put(Labels.TAKEN_OVER, Labels.STRIMZI_OPERATOR);
            HasMetadata model1 = wanted.get(key(o));
            if (model1 != null && model1.getMetadata().getLabels() != null) labels.putAll(model1.getMetadata().getLabels());
            labels.put(Labels.MANAGED_BY, Labels.KGR);
            labels.put(Labels.CLUSTER, spec.name());
            boolean nodeCertificate = false;
            switch (o.getKind()) {
                case "Pod" -> {
                    // the pod runs what Git says (checked above): recorded at Git's revision, with its certificates' state
                    Pod want = wantedPods.get(o.getMetadata().getName());
                    // a certificate this plan re-issues is not the one the pod runs: it is not recorded, and the pod rolls
                    if (!first.reissuedNodeCertificates().contains(o.getMetadata().getName())) want.getMetadata().getAnnotations().forEach((k, v) -> {
                        if (k.equals(ClusterModel.REVISION) || k.equals(ClusterModel.INTERNAL_LISTENERS)
                                || k.startsWith("strimzi.io/") || k.equals(CertSecrets.CERT_GENERATION)) annotations.put(k, v);
                    });
                    annotations.put(ClusterModel.INTERNAL_LISTENERS, ServerProperties.InternalNames.STRIMZI.recorded());
                }
                case "PersistentVolumeClaim" -> {
                    annotations.put(ClusterModel.CLUSTER_ID, clusterId);
                    annotations.put(ClusterModel.DELETE_CLAIM, String.valueOf("true".equals(annotation(o, "strimzi.io/delete-claim"))));
                }
                case "Secret" -> {
                    labels.putAll(secretLabels((Secret) o));
                    annotations.putAll(secretAnnotations((Secret) o));
                    nodeCertificate = "node".equals(labels.get(CertSecrets.CERTIFICATE_LABEL));
                }
                default -> {
                }
            }
            Change.TakeOverObject change = new Change.TakeOverObject(o.getKind(), o.getMetadata().getName(),
                    o.getMetadata().getUid(), labels, annotations, nodeCertificate);
            Step step = new Step(Step.idOf(change), Phase.KUBERNETES_PREREQUISITES, change, Risk.SAFE, fields(o, labels),
                    "made by Strimzi's cluster operator; taken over as it runs" + (nodeCertificate
                            ? " (kgr's PEM files are added from the key and certificate it holds; nothing is re-issued)" : ""),
                    List.of());
            steps.add(step);
            if (o.getKind().equals("Pod")) podSteps.add(step.id());
            after.put(key(o), takeOver(o, change));
        }
        steps.addAll(releases(podSteps));
        notes.add("cluster " + spec.name() + " is taken over from Strimzi in place: its " + wantedPods.keySet().stream()
                .filter(p -> after.containsKey("Pod/" + p)).count() + " pod(s) keep running as Strimzi made them, recorded at"
                + " the revision Git gives them; each is replaced by kgr's pod at the next change that needs a restart");
        return Optional.of(new Result(steps, List.of(), notes, view(taken, o -> after.get(key(o)), leftAlone)));
    }

    /**
     * Strimzi's pod sets of the cluster, deleted with their pods orphaned once those pods are kgr's ({@code after}: the
     * steps that take them over; apply checks again that no pod names a pod set as its owner).
     */
    private List<Step> releases(List<String> after) {
        List<Step> out = new ArrayList<>();
        for (GenericKubernetesResource set : strimziPodSets()) {
            var change = new Change.DeleteKubeObject("StrimziPodSet", set.getMetadata().getName());
            out.add(new Step(Step.idOf(change), Phase.KUBERNETES_PREREQUISITES, change, Risk.SAFE, List.of(),
                    "Strimzi's pod set, once kgr has taken its pods over: deleted with its pods orphaned (they keep running)",
                    after));
        }
        return out;
    }

    /** Whether kgr took pods of this cluster over from Strimzi in an earlier run (they record it). */
    private boolean takenBefore() {
        return live.pods().values().stream().anyMatch(p -> Labels.managedByKgr(p) && spec.name().equals(Labels.clusterOf(p))
                && p.getMetadata().getAnnotations() != null && p.getMetadata().getAnnotations().containsKey(Labels.TAKEN_OVER));
    }

    /**
     * The Kubernetes part with the takeover's steps first: every step on an object taken over waits for its takeover (a
     * failed takeover leaves the object Strimzi's, untouched).
     */
    static KubePlanner.Part first(Optional<Result> takeover, KubePlanner.Part part) {
        if (takeover.isEmpty()) return part;
        Map<String, String> stepOf = new TreeMap<>();
        for (Step s : takeover.get().steps()) {
            if (s.change() instanceof Change.TakeOverObject t) stepOf.put(t.subject(), s.id());
        }
        List<Step> steps = new ArrayList<>(takeover.get().steps());
        for (Step s : part.steps()) {
            Change c = s.change();
            String subject = c instanceof Change.ApplyKubeObject || c instanceof Change.DeleteKubeObject ? c.subject()
                    : c instanceof Change.ExpandVolume e ? "PersistentVolumeClaim/" + e.claim()
                    : c instanceof Change.RollPod r ? "Pod/" + r.pod()
                    : c instanceof Change.IssueCertificate i ? "Secret/" + i.secret() : "";
            String after = stepOf.get(subject);
            if (after == null || s.dependsOn().contains(after)) {
                steps.add(s);
                continue;
            }
            List<String> deps = new ArrayList<>(s.dependsOn());
            deps.add(after);
            steps.add(new Step(s.id(), s.phase(), s.change(), s.risk(), s.fields(), s.reason(), deps));
        }
        List<String> notes = new ArrayList<>(takeover.get().notes());
        notes.addAll(part.notes());
        return new KubePlanner.Part(steps, part.refusals(), notes);
    }

    /**
     * Why the takeover cannot go on: Strimzi's operator could still act (the Kafka not paused, or not reconciled at its
     * current generation), or Git does not say what the pods run (then recording them at Git's revision would be a lie).
     */
    private List<Refusal> preconditions() {
        List<Refusal> out = new ArrayList<>();
        if (!spec.kraft()) {
            out.add(new Refusal("Kafka", spec.name(), "cluster " + spec.name() + " runs in ZooKeeper mode: kgr takes only KRaft"
                    + " clusters over in place; migrate it to KRaft with Strimzi first"));
            return out;
        }
        Optional<GenericKubernetesResource> kafkaResource = live.strimziResources().map(m -> m.get("Kafka/" + spec.name()));
        if (kafkaResource.isEmpty()) {
            out.add(new Refusal("Kafka", spec.name(), "cannot take cluster " + spec.name() + " over from Strimzi: its Kafka"
                    + " resource is not in namespace " + live.namespace() + " (or kgr may not read kafka.strimzi.io), so kgr"
                    + " cannot check that Strimzi's operator is paused and ran what Git says"));
            return out;
        }
        GenericKubernetesResource k = kafkaResource.get();
        if (!"true".equals(annotation(k, PAUSE))) {
            out.add(new Refusal("Kafka", spec.name(), "cannot take cluster " + spec.name() + " over while Strimzi's cluster"
                    + " operator may still act on it: stop the operator, then annotate the Kafka resource"
                    + " (kubectl annotate kafka " + spec.name() + " -n " + live.namespace() + " " + PAUSE + "=true)"));
        }
        JsonNode resource = JSON.valueToTree(k);
        long generation = resource.path("metadata").path("generation").asLong(-1);
        long observed = resource.path("status").path("observedGeneration").asLong(-2);
        if (generation != observed) {
            out.add(new Refusal("Kafka", spec.name(), "Strimzi has not reconciled the Kafka resource's current spec"
                    + " (generation " + generation + ", observed " + (observed < 0 ? "none" : observed) + "): its pods may not run"
                    + " what the resource says; let Strimzi finish (remove the pause) before taking the cluster over"));
        }
        List<String> differences = new ArrayList<>();
        for (DesiredState.Declared d : desired.declared()) {
            if (!d.kind().equals("Kafka") && !d.kind().equals("KafkaNodePool")) continue;
            GenericKubernetesResource running = live.strimziResources().get().get(d.kind() + "/" + d.name());
            if (running == null) {
                differences.add(d.kind() + " " + d.name() + " is in Git but not on the cluster");
                continue;
            }
            List<FieldChange> diff = new ArrayList<>();
            MirrorPlanner.differences(specOnly(d.body()), specOnly(JSON.valueToTree(running))).forEach(diff::add);
            diff.forEach(f -> differences.add(d.kind() + " " + d.name() + " " + f.field() + ": " + f.before() + " on the cluster, "
                    + f.after() + " in Git"));
        }
        if (!differences.isEmpty()) {
            out.add(new Refusal("Kafka", spec.name(), "Git's specs differ from what Strimzi runs (" + String.join("; ",
                    differences.subList(0, Math.min(5, differences.size()))) + (differences.size() > 5 ? "; …" : "") + "): a"
                    + " takeover keeps Strimzi's pods running as they are, which is right only while Git says what they run;"
                    + " make Git equal to the cluster first (kgr import), take it over, then change it"));
        }
        // kgr learns the node ids from the pods: a pod Strimzi's pod sets list but that is gone would get another id
        List<String> missing = new ArrayList<>();
        for (GenericKubernetesResource set : strimziPodSets()) {
            Object pods = set.getAdditionalProperties().get("spec") instanceof Map<?, ?> m ? m.get("pods") : null;
            if (!(pods instanceof List<?> list)) continue;
            for (Object pod : list) {
                if (pod instanceof Map<?, ?> p && p.get("metadata") instanceof Map<?, ?> meta && meta.get("name") != null
                        && !live.pods().containsKey(String.valueOf(meta.get("name")))) {
                    missing.add(meta.get("name") + " (StrimziPodSet " + set.getMetadata().getName() + ")");
                }
            }
        }
        if (!missing.isEmpty()) {
            out.add(new Refusal("Kafka", spec.name(), "Strimzi's pod sets list pods that do not run: " + String.join(", ", missing)
                    + "; kgr takes over only nodes it can see (a missing one's id would be given again): let Strimzi"
                    + " bring them back (remove the pause until they run), then take the cluster over"));
        }
        if (clusterId().isEmpty()) {
            out.add(new Refusal("Kafka", spec.name(), "the cluster's id is unknown: neither the Kafka resource's status"
                    + " (clusterId) nor Kafka says it; kgr will not record the volumes without it"));
        }
        return out;
    }

    /** Whether Strimzi's operator said it saw the pause (its Kafka's condition ReconciliationPaused is True). */
    private boolean pausedSeen() {
        JsonNode k = JSON.valueToTree(live.strimziResources().orElseThrow().get("Kafka/" + spec.name()));
        for (JsonNode c : k.path("status").path("conditions")) {
            if ("ReconciliationPaused".equals(c.path("type").asString("")) && "True".equals(c.path("status").asString(""))) return true;
        }
        return false;
    }

    private static JsonNode specOnly(JsonNode resource) {
        var out = JSON.createObjectNode();
        out.set("spec", resource.path("spec").isObject() ? resource.get("spec") : JSON.createObjectNode());
        return out;
    }

    /** The id the cluster's volumes were formatted with: Strimzi's status says it, else Kafka does. */
    private Optional<String> clusterId() {
        Optional<String> fromStatus = live.strimziResources().map(m -> m.get("Kafka/" + spec.name()))
                .map(k -> JSON.valueToTree(k).path("status").path("clusterId").asString(""))
                .filter(s -> !s.isBlank());
        return fromStatus.or(() -> kafka.map(LiveState::clusterId).filter(s -> s != null && !s.isBlank()));
    }

    /**
     * The generations kgr keeps on a certificate Secret (a node's or a TLS user's), where Strimzi's did not say them: the
     * certificate counts as signed by its CA's current key only if that key's certificate verifies it (else kgr
     * re-issues it, and a node's pod rolls, as the plan then says).
     */
    private SortedMap<String, String> certificateAnnotations(Secret secret, String prefix, String signer, List<String> trusts) {
        SortedMap<String, String> out = new TreeMap<>();
        out.put(CertSecrets.CERT_GENERATION, String.valueOf(Math.max(0, CertSecrets.annotation(secret, CertSecrets.CERT_GENERATION, 0))));
        for (String ca : trusts) {
            out.put(CertSecrets.generationOf(ca, "cert"), String.valueOf(CertSecrets.annotation(
                    live.secrets().get(CertSecrets.caCert(spec.name(), ca)), CertSecrets.CA_CERT_GENERATION, 0)));
        }
        Optional<X509Certificate> ca = CertSecrets.certificate(live.secrets().get(CertSecrets.caCert(spec.name(), signer)), "ca.crt");
        Optional<X509Certificate> cert = CertSecrets.certificate(secret, prefix + ".crt");
        if (ca.isPresent() && cert.isPresent() && Pki.signedBy(cert.get(), ca.get())) {
            out.put(CertSecrets.generationOf(signer, "key"), String.valueOf(CertSecrets.annotation(
                    live.secrets().get(CertSecrets.caKey(spec.name(), signer)), CertSecrets.CA_KEY_GENERATION, 0)));
        }
        return out;
    }

    /** What the plan shows of a takeover: the labels kgr adds (values of a Secret are never shown). */
    private static List<FieldChange> fields(HasMetadata o, SortedMap<String, String> labels) {
        List<FieldChange> out = new ArrayList<>();
        out.add(FieldChange.of("metadata.labels." + Labels.MANAGED_BY, Labels.STRIMZI_OPERATOR, Labels.KGR));
        List<String> owners = o.getMetadata().getOwnerReferences() == null ? List.of() : o.getMetadata().getOwnerReferences()
                .stream().filter(r -> r.getApiVersion() != null && r.getApiVersion().contains("strimzi.io/"))
                .map(r -> r.getKind() + "/" + r.getName()).toList();
        // without them, deleting Strimzi's resources no longer deletes the object
        if (!owners.isEmpty()) out.add(FieldChange.of("metadata.ownerReferences", String.join(", ", owners), "(none)"));
        return out;
    }

    /** The object as the takeover leaves it (a copy): the change's labels and annotations, Strimzi's owners dropped. */
    private static HasMetadata takeOver(HasMetadata o, Change.TakeOverObject c) {
        return takeOver(o, c.labels(), c.annotations());
    }

    private HasMetadata takeOver(HasMetadata o, Map<String, String> extraAnnotations) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(Labels.MANAGED_BY, Labels.KGR);
        Map<String, String> annotations = new TreeMap<>(extraAnnotations);
        annotations.put(Labels.TAKEN_OVER, Labels.STRIMZI_OPERATOR);
        // the id the volumes were formatted with: else the model would give the pods a new one (and a new revision)
        if (o.getKind().equals("PersistentVolumeClaim")) clusterId().ifPresent(id -> annotations.put(ClusterModel.CLUSTER_ID, id));
        if (o.getKind().equals("Pod")) annotations.put(ClusterModel.INTERNAL_LISTENERS, ServerProperties.InternalNames.STRIMZI.recorded());
        if (o instanceof Secret secret) {
            labels.putAll(secretLabels(secret));
            annotations.putAll(secretAnnotations(secret));
        }
        return takeOver(o, labels, annotations);
    }

    /** A TLS user's Secret, as Strimzi's User Operator made it (its certificate from the clients CA). */
    private static boolean userSecret(HasMetadata o) {
        return o instanceof Secret && o.getMetadata().getLabels() != null
                && "KafkaUser".equals(o.getMetadata().getLabels().get("strimzi.io/kind"));
    }

    /** What a certificate Secret is to kgr: a CA's, a node's or a TLS user's. */
    private Map<String, String> secretLabels(Secret s) {
        Map<String, String> out = new TreeMap<>();
        out.put(Labels.MANAGED_BY, Labels.KGR);
        if (userSecret(s)) {
            out.put(CertSecrets.CERTIFICATE_LABEL, "user");
            out.put("kgr.io/user", s.getMetadata().getName());
            return out;
        }
        String name = s.getMetadata().getName();
        boolean ca = name.startsWith(spec.name() + "-cluster-ca") || name.startsWith(spec.name() + "-clients-ca");
        out.put(CertSecrets.CERTIFICATE_LABEL, ca ? "ca" : "node");
        out.put("strimzi.io/kind", "Kafka");
        return out;
    }

    private SortedMap<String, String> secretAnnotations(Secret s) {
        if (userSecret(s)) return certificateAnnotations(s, "user", CertSecrets.CLIENTS_CA, List.of(CertSecrets.CLIENTS_CA));
        if ("node".equals(secretLabels(s).get(CertSecrets.CERTIFICATE_LABEL))) {
            return certificateAnnotations(s, s.getMetadata().getName(), CertSecrets.CLUSTER_CA,
                    List.of(CertSecrets.CLUSTER_CA, CertSecrets.CLIENTS_CA));
        }
        return new TreeMap<>();
    }

    private static HasMetadata takeOver(HasMetadata o, Map<String, String> labels, Map<String, String> annotations) {
        HasMetadata copy = SERIALIZATION.unmarshal(SERIALIZATION.asJson(o));
        Map<String, String> l = new TreeMap<>(copy.getMetadata().getLabels() == null ? Map.of() : copy.getMetadata().getLabels());
        l.putAll(labels);
        copy.getMetadata().setLabels(l);
        Map<String, String> a = new TreeMap<>(copy.getMetadata().getAnnotations() == null ? Map.of() : copy.getMetadata().getAnnotations());
        a.putAll(annotations);
        copy.getMetadata().setAnnotations(a);
        copy.getMetadata().setOwnerReferences(Labels.ownersOtherThanStrimzi(copy.getMetadata().getOwnerReferences()));
        return copy;
    }

    /**
     * The namespace with {@code changed} objects replaced by {@code how} of them and {@code hidden} ones left out (they
     * are Strimzi's, and kgr does not use them).
     */
    @SuppressWarnings("unchecked")
    private LiveKube view(List<HasMetadata> changed, Function<HasMetadata, HasMetadata> how, List<HasMetadata> hidden) {
        var services = new TreeMap<>(live.services());
        var configMaps = new TreeMap<>(live.configMaps());
        var claims = new TreeMap<>(live.claims());
        var pods = new TreeMap<>(live.pods());
        var secrets = new TreeMap<>(live.secrets());
        var budgets = new TreeMap<>(live.disruptionBudgets());
        Map<String, TreeMap<String, ? extends HasMetadata>> byKind = Map.of("Service", services, "ConfigMap", configMaps,
                "PersistentVolumeClaim", claims, "Pod", pods, "Secret", secrets, "PodDisruptionBudget", budgets);
        for (HasMetadata o : hidden) byKind.get(o.getKind()).remove(o.getMetadata().getName());
        for (HasMetadata o : changed) {
            ((TreeMap<String, HasMetadata>) byKind.get(o.getKind())).put(o.getMetadata().getName(), how.apply(o));
        }
        return new LiveKube(live.namespace(), services, configMaps, claims, pods, live.podSets(), live.storageClasses(),
                secrets, budgets, live.strimziResources());
    }

    /**
     * Strimzi's objects of this cluster in the namespace: what its cluster operator labelled as its own, and the Secrets
     * its User Operator made for the TLS users Git declares (kgr issues their certificates once it runs the cluster).
     */
    private List<HasMetadata> strimziObjects() {
        List<HasMetadata> out = new ArrayList<>();
        for (Map<String, ? extends HasMetadata> objects : List.of(live.pods(), live.services(), live.secrets(),
                live.configMaps(), live.claims(), live.disruptionBudgets())) {
            for (HasMetadata o : objects.values()) {
                if (Labels.managedByStrimzi(o) && spec.name().equals(Labels.clusterOf(o))) out.add(o);
            }
        }
        desired.users().values().stream().filter(u -> u.authentication().equals("tls")).forEach(u -> {
            Secret s = live.secrets().get(u.name());
            if (s != null && !Labels.managedByKgr(s) && userSecret(s) && spec.name().equals(Labels.clusterOf(s))) out.add(s);
        });
        return out;
    }

    private List<GenericKubernetesResource> strimziPodSets() {
        return live.strimziResources().map(m -> m.entrySet().stream().filter(e -> e.getKey().startsWith("StrimziPodSet/"))
                .map(Map.Entry::getValue).filter(s -> spec.name().equals(Labels.clusterOf(s))).toList()).orElse(List.of());
    }

    private Optional<DesiredState.Declared> manifest(String kind, String name) {
        return desired.declared().stream().filter(d -> d.kind().equals(kind) && d.name().equals(name)).findFirst();
    }

    private static String annotation(Optional<JsonNode> annotations, String key) {
        return annotations.map(a -> a.path(key).asString("")).orElse("");
    }

    private static String annotation(HasMetadata o, String key) {
        return o.getMetadata().getAnnotations() == null ? null : o.getMetadata().getAnnotations().get(key);
    }

    private static String key(HasMetadata o) {
        return o.getKind() + "/" + o.getMetadata().getName();
    }
}
