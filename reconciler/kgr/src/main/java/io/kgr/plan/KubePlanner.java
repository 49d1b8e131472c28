package io.kgr.plan;

import io.fabric8.kubernetes.api.model.Secret;
import io.kgr.kube.Pods;
import io.kgr.model.Labels;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kgr.desired.ClusterSpec;
import io.kgr.kube.ClusterModel;
import io.kgr.kube.ServerProperties;
import io.kgr.kube.NodeIds;
import io.kgr.observe.LiveKube;
import io.kgr.observe.LivePartition;
import io.kgr.observe.LiveState;
import io.kgr.tls.CertSecrets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plans a cluster's Kubernetes objects (phases 2–5 and the node part of 9): compares what {@link ClusterModel}
 * generates from Git with the namespace's live objects. Pure. Objects are compared on the fields kgr sets only (the
 * API server adds defaults), so applying the same commit twice plans nothing, and pods roll only when their revision
 * (what needs a restart) changed.
 */
final class KubePlanner {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The Kubernetes part of a plan: steps of phases 1–4 and of the prune phase, in the order they are applied within
     * each phase (rolls wait for each other).
     */
    record Part(List<Step> steps, List<Refusal> refusals, List<String> notes) {
        /** The part's steps of one phase. */
        List<Step> in(Phase phase) {
            return steps.stream().filter(s -> s.phase() == phase).toList();
        }
    }

    /**
     * What the plan's policy says about this cluster's objects.
     *
     * @param prune            objects with kgr's label that no declared node or listener accounts for are deleted
     * @param deleteNothing    Git does not answer: nodes and Services Git removed stay until it answers
     * @param allowNodeRemoval with the operator's consent, the nodes of a pool Git no longer has are removed
     * @param tlsUsers         the cluster's TLS users: each gets a certificate from its clients CA
     * @param now              the plan's time: certificates due for renewal by then are renewed
     * @param kgrMoves         partitions that kgr's own moves of earlier runs are still moving (topic → partitions):
     *                         a node they empty is removed once they are done, without a refusal meanwhile
     * @param kgrDraining      the nodes those moves are still emptying: a lost pod of one is made again until they are done
     */
    record Options(boolean prune, boolean deleteNothing, boolean allowNodeRemoval, List<String> tlsUsers, Instant now,
                   Map<String, Set<Integer>> kgrMoves, Set<Integer> kgrDraining) {
        static Options defaults() {
            return new Options(false, false, false, List.of(), Instant.now(), Map.of(), Set.of());
        }

        Options pruning(boolean on) {
            return new Options(on, deleteNothing, allowNodeRemoval, tlsUsers, now, kgrMoves, kgrDraining);
        }
    }

    private final List<Step> prerequisites = new ArrayList<>();
    private final List<Step> volumes = new ArrayList<>();
    private final List<Step> podSets = new ArrayList<>();
    private final List<Step> rolls = new ArrayList<>();
    private final List<Step> prune = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private final ClusterSpec spec;
    private final LiveKube live;
    private final Optional<LiveState> kafka;
    private final String newClusterId;
    private final Options options;
    private final boolean pruneOrphans;
    private final boolean allowNodeRemoval;
    private final boolean deleteNothing;
    private final Map<String, SortedSet<Integer>> existing;
    private final Map<String, SortedSet<Integer>> ids;
    private final CertPlanner.Certificates certificates;
    private final ClusterModel.Objects desired;
    private Reassignments moves = Reassignments.none();
    private boolean planned;

    /** A planner with the default options (no pruning), as tests use it. */
    KubePlanner(ClusterSpec spec, LiveKube live, Optional<LiveState> kafka, String newClusterId) {
        this(spec, live, kafka, newClusterId, Options.defaults());
    }

    /**
     * @param kafka        the live brokers and partitions, when the cluster answers (a new cluster does not yet)
     * @param newClusterId the id a cluster without pod sets gets (kept for its lifetime once created)
     */
    KubePlanner(ClusterSpec spec, LiveKube live, Optional<LiveState> kafka, String newClusterId, Options options) {
        this.spec = spec;
        this.live = live;
        this.kafka = kafka;
        this.newClusterId = newClusterId;
        this.options = options;
        this.pruneOrphans = options.prune();
        this.allowNodeRemoval = options.allowNodeRemoval();
        this.deleteNothing = options.deleteNothing();
        this.existing = existingNodeIds();
        existing.remove("zookeeper"); // ZooKeeper's own ids are not Kafka node ids
        this.ids = NodeIds.assign(spec.pools(), existing);
        boolean internalTls = spec.kraft() && !plaintextInternals();
        this.takenOverCluster = takenOverCluster();
        this.certificates = CertPlanner.plan(spec, live, options.now(), ids, internalTls, options.tlsUsers(),
                takenOverCluster ? CertSecrets.STRIMZI_OPERATOR_SUBJECT : CertSecrets.kgrSubject(spec.name()));
        this.desired = new ClusterModel(spec, live.namespace(), ids, clusterId(), security(internalTls)).generate();
    }

    private ClusterModel.Security security(boolean internalTls) {
        return new ClusterModel.Security(internalTls, CertPlanner.needed(spec, internalTls), certificates.podAnnotations(),
                internalNames(), takenOverCluster);
    }

    private final boolean takenOverCluster;

    /** Whether kgr took this cluster over from Strimzi: its pod sets record it for good, its pods while Strimzi's run. */
    private boolean takenOverCluster() {
        return Stream.concat(live.pods().values().stream(), live.podSets().values().stream())
                .anyMatch(o -> mine(o) && o.getMetadata().getAnnotations() != null
                        && o.getMetadata().getAnnotations().containsKey(Labels.TAKEN_OVER));
    }

    /**
     * The names of the cluster's own listeners: what its pods or pod sets record, else what its nodes' configuration shows,
     * else kgr's older names for nodes made before the names were recorded; Strimzi's for a new cluster. A cluster never
     * changes them: nodes renamed one by one would stop finding each other's replication and controller listeners.
     */
    private ServerProperties.InternalNames internalNames() {
        for (HasMetadata o : Stream.concat(live.pods().values().stream(), live.podSets().values().stream()).toList()) {
            if (!mine(o) || o.getMetadata().getAnnotations() == null) continue;
            String recorded = o.getMetadata().getAnnotations().get(ClusterModel.INTERNAL_LISTENERS);
            if (ServerProperties.InternalNames.STRIMZI.recorded().equals(recorded)) return ServerProperties.InternalNames.STRIMZI;
        }
        for (ConfigMap cm : live.configMaps().values()) {
            if (!mine(cm) || cm.getData() == null) continue;
            var shown = ServerProperties.InternalNames.of(cm.getData().getOrDefault("server.properties", ""));
            if (shown.isPresent()) return shown.get();
        }
        boolean nodes = live.podSets().values().stream().anyMatch(this::mine) || live.pods().values().stream().anyMatch(this::mine);
        return nodes ? ServerProperties.InternalNames.KGR : ServerProperties.InternalNames.STRIMZI;
    }

    /** The objects Git's model gives the cluster, as this planner made them. */
    ClusterModel.Objects desiredObjects() {
        return desired;
    }

    /** The nodes whose certificates this plan issues anew (a new key): their pods run with the old one until they roll. */
    Set<String> reissuedNodeCertificates() {
        Set<String> out = new TreeSet<>();
        for (Step s : certificates.steps()) {
            if (s.change() instanceof Change.IssueCertificate c && c.purpose().equals("node") && c.newKey()) out.add(c.secret());
        }
        return out;
    }

    /** The same planner with pruning on or off. */
    KubePlanner pruning(boolean on) {
        return new KubePlanner(spec, live, kafka, newClusterId, options.pruning(on));
    }

    /**
     * The certificate Secrets of TLS users this plan prunes (kgr's, for this cluster): they go after the user's
     * ACLs ({@code after}: the user's prune steps).
     */
    List<Step> userCertificatesPruned(Set<String> prunedUsers, Map<String, List<String>> after) {
        List<Step> out = new ArrayList<>();
        for (String user : new TreeSet<>(prunedUsers)) {
            Secret s = live.secrets().get(user);
            if (s == null || !mine(s) || !"user".equals(s.getMetadata().getLabels().get(CertSecrets.CERTIFICATE_LABEL))) continue;
            var change = new Change.DeleteKubeObject("Secret", user);
            out.add(new Step(Step.idOf(change), Phase.PRUNE, change, Risk.DESTRUCTIVE,
                    List.of(new FieldChange("private key", "(sensitive)", null, true)),
                    "the certificate kgr issued for a user removed from Git; pruning is on", after.getOrDefault(user, List.of())));
        }
        return out;
    }

    /**
     * Whether the cluster's own listeners run plaintext now: a cluster kgr created before it issued certificates.
     * Switching them to TLS node by node would cut replication between rolled and unrolled nodes, so they stay.
     */
    private boolean plaintextInternals() {
        for (ConfigMap cm : live.configMaps().values()) {
            if (!mine(cm) || cm.getData() == null) continue;
            String p = cm.getData().getOrDefault("server.properties", "");
            if (p.contains("REPLICATION:PLAINTEXT") || p.contains("CONTROLLER:PLAINTEXT")) return true;
        }
        return false;
    }

    /**
     * Whether Strimzi's cluster operator made this cluster's objects in the namespace (its pods, Services, Secrets,
     * ConfigMaps, volumes), and what to do then: kgr does not take over a running Strimzi cluster in place.
     */
    private Optional<String> madeByStrimzi() {
        TreeMap<String, Integer> found = new TreeMap<>();
        List<Map<String, ? extends HasMetadata>> all = List.of(live.pods(), live.services(), live.secrets(),
                live.configMaps(), live.claims(), live.disruptionBudgets());
        for (Map<String, ? extends HasMetadata> objects : all) {
            for (HasMetadata o : objects.values()) {
                Map<String, String> labels = o.getMetadata().getLabels();
                if (labels != null && STRIMZI_OPERATOR.equals(labels.get(ClusterModel.MANAGED_BY))
                        && spec.name().equals(labels.get(ClusterModel.CLUSTER))) {
                    found.merge(o.getKind(), 1, Integer::sum);
                }
            }
        }
        if (found.isEmpty()) return Optional.empty();
        String what = found.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
        return Optional.of("cluster " + spec.name() + " in namespace " + live.namespace() + " was made by Strimzi (" + what
                + " labelled " + ClusterModel.MANAGED_BY + "=" + STRIMZI_OPERATOR + "): kgr does not take over a running"
                + " Strimzi cluster in place without your consent. To manage its topics and users beside Strimzi, keep its"
                + " Kafka and KafkaNodePool manifests out of this source's path; to take it over as it runs, stop Strimzi's"
                + " operator, pause the Kafka resource and annotate the Kafka in Git " + Labels.TAKE_OVER + ": strimzi"
                + " (docs/migration.md, (a) and (b))");
    }

    private static final String STRIMZI_OPERATOR = "strimzi-cluster-operator";

    /** Why the cluster's id cannot be trusted, if it cannot: the plan is then refused (see {@link #clusterId}). */
    private String clusterIdProblem;

    /**
     * The KRaft cluster id every node is formatted with: what kgr recorded on its pod sets, else what the running
     * cluster says (the pod sets were lost); a new id only for a cluster that has no node yet. A wrong id would roll
     * every pod, and a node with ephemeral storage would format itself into a foreign cluster.
     */
    private String clusterId() {
        Optional<String> recorded = existingClusterId();
        Optional<String> running = kafka.map(LiveState::clusterId).filter(s -> s != null && !s.isBlank());
        if (recorded.isEmpty() && running.isEmpty() && live.claims().values().stream().anyMatch(this::mine)) {
            // a volume formatted with one id and started with another makes its broker crash-loop on the mismatch
            clusterIdProblem = "the cluster's id is unknown: its volumes exist (" + live.claims().values().stream()
                    .filter(this::mine).map(c -> c.getMetadata().getName()).sorted().limit(5)
                    .collect(Collectors.joining(", ")) + "), but no pod set or volume records the id they"
                    + " were formatted with and Kafka does not answer; kgr will not format them into a new cluster"
                    + " (restore the pod sets, or annotate the claims " + ClusterModel.CLUSTER_ID + " with the id from their"
                    + " meta.properties)";
        } else if (recorded.isEmpty() && running.isEmpty() && live.pods().values().stream().anyMatch(this::mine)) {
            clusterIdProblem = "the cluster's id is unknown: its pods exist, but the pod sets that record the id are gone"
                    + " and Kafka does not answer; kgr will not give the nodes a new id (restore the pod sets, or bring a"
                    + " broker back so that Kafka says its id)";
        }
        return recorded.or(() -> running).orElse(newClusterId);
    }

    /** The ids of the brokers whose pods Git removes (a pool scaled down or gone). */
    Set<Integer> leavingBrokers() {
        Set<Integer> out = new TreeSet<>();
        if (deleteNothing) return out;
        for (Pod p : removedPods()) {
            if (isBroker(p)) Pods.nodeId(p.getMetadata().getName()).ifPresent(out::add);
        }
        for (Pod p : losingBrokerRole()) Pods.nodeId(p.getMetadata().getName()).ifPresent(out::add);
        return out;
    }

    /**
     * Nodes that stay but stop being brokers (a broker or dual-role node made controller-only): for the broker part this
     * is a node removal, so their replicas move off first, and they restart only after that.
     */
    private List<Pod> losingBrokerRole() {
        List<Pod> out = new ArrayList<>();
        for (Pod wanted : desired.pods()) {
            Pod current = live.pods().get(wanted.getMetadata().getName());
            if (current != null && mine(current) && isBroker(current) && !isBroker(wanted)) out.add(wanted);
        }
        return out;
    }

    /** The ids of brokers whose pods this plan creates (scale-up, or a missing pod): they are up before topics change. */
    Set<Integer> joiningBrokers() {
        Set<Integer> out = new TreeSet<>();
        for (Pod p : desired.pods()) {
            if (isBroker(p) && !live.pods().containsKey(p.getMetadata().getName())) {
                Pods.nodeId(p.getMetadata().getName()).ifPresent(out::add);
            }
        }
        return out;
    }

    Part plan() {
        return plan(Reassignments.none());
    }

    /**
     * Plans the cluster's objects once.
     *
     * @param moves the replica moves that the topic part of the same plan makes before nodes are removed
     */
    Part plan(Reassignments moves) {
        if (planned) throw new IllegalStateException("a KubePlanner plans once");
        planned = true;
        this.moves = moves;
        Optional<String> strimzi = madeByStrimzi();
        if (strimzi.isPresent()) {
            // one refusal that says what to do, not one per object Strimzi made (and nothing planned beside them)
            return new Part(List.of(), List.of(new Refusal("Kafka", spec.name(), strimzi.get())), List.of());
        }
        if (clusterIdProblem != null) refusals.add(new Refusal("cluster", spec.name(), clusterIdProblem));
        checkQuorum(existing, ids);
        kafka.ifPresent(k -> checkRelease(k.metadataVersionLevel()));

        if (spec.kraft() && plaintextInternals()) {
            notes.add("cluster " + spec.name() + " was created before kgr issued certificates: its controller and replication"
                    + " listeners stay plaintext (switching them node by node would cut replication between nodes)");
        }
        prerequisites.addAll(certificates.steps());
        refusals.addAll(certificates.refusals());
        notes.addAll(certificates.notes());
        for (Service s : desired.services()) applyObject(s, live.services().get(s.getMetadata().getName()), prerequisites, Phase.KUBERNETES_PREREQUISITES);
        for (ConfigMap c : desired.configMaps()) applyObject(c, live.configMaps().get(c.getMetadata().getName()), prerequisites, Phase.KUBERNETES_PREREQUISITES);
        for (var b : desired.disruptionBudgets()) {
            applyObject(b, live.disruptionBudgets().get(b.getMetadata().getName()), prerequisites, Phase.KUBERNETES_PREREQUISITES);
        }
        for (PersistentVolumeClaim c : desired.claims()) claim(c, live.claims().get(c.getMetadata().getName()));
        for (GenericKubernetesResource p : desired.podSets()) applyObject(p, live.podSets().get(p.getMetadata().getName()), podSets, Phase.POD_SETS);
        pods(desired.pods());
        lostWhileDraining();
        removed();
        List<Step> steps = new ArrayList<>();
        for (List<Step> phase : List.of(prerequisites, volumes, podSets, rolls, prune)) steps.addAll(phase);
        return new Part(List.copyOf(steps), List.copyOf(refusals), List.copyOf(notes));
    }

    private Optional<String> existingClusterId() {
        return Stream.concat(live.podSets().values().stream(), live.claims().values().stream())
                .filter(this::mine)
                .map(p -> p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get(ClusterModel.CLUSTER_ID))
                .filter(Objects::nonNull).findFirst();
    }

    /** The ids of the cluster's nodes now, by pool: the pods kgr made (a missing pod's id is in its pod set). */
    private Map<String, SortedSet<Integer>> existingNodeIds() {
        Map<String, SortedSet<Integer>> out = new TreeMap<>();
        for (Pod p : live.pods().values()) {
            if (!mine(p)) continue;
            String pool = p.getMetadata().getLabels().get(ClusterModel.POOL);
            Pods.nodeId(p.getMetadata().getName()).ifPresent(id -> out.computeIfAbsent(pool, k -> new TreeSet<>()).add(id));
        }
        for (GenericKubernetesResource set : live.podSets().values()) {
            if (!mine(set)) continue;
            String pool = set.getMetadata().getLabels().get(ClusterModel.POOL);
            Object pods = set.getAdditionalProperties().get("spec") instanceof Map<?, ?> s ? s.get("pods") : null;
            if (pods instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> pod && pod.get("metadata") instanceof Map<?, ?> meta) {
                        Pods.nodeId(String.valueOf(meta.get("name"))).ifPresent(id -> out.computeIfAbsent(pool, k -> new TreeSet<>()).add(id));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The controller quorum is compared by the voters' identities, not by their count: a static quorum's members are
     * fixed in every node's {@code controller.quorum.voters}, and a controller that is not one of them starts an empty,
     * new quorum. A renamed controller pool, or the controller role moved to other nodes, keeps the count and loses the
     * cluster's metadata; both are refused, as is any change of the count.
     */
    private void checkQuorum(Map<String, SortedSet<Integer>> existing, Map<String, SortedSet<Integer>> ids) {
        if (!spec.kraft()) return;
        SortedSet<Integer> wanted = new TreeSet<>();
        for (ClusterSpec.Pool p : spec.pools()) {
            if (p.isController()) wanted.addAll(ids.getOrDefault(p.name(), new TreeSet<>()));
        }
        // the quorum as declared before (pods and the pod sets' records of them): a controller pod that was deleted or
        // evicted is still a voter to bring back, not a change of the quorum
        SortedSet<Integer> now = existingControllerIds();
        if (now.isEmpty() || now.equals(wanted)) return;
        String size = now.size() == wanted.size() ? "keeps " + now.size() + " nodes but its voters would change"
                : "would change from " + now.size() + " to " + wanted.size() + " nodes";
        SortedSet<Integer> leaving = new TreeSet<>(now);
        leaving.removeAll(wanted);
        refusals.add(new Refusal("cluster", spec.name(), "the controller quorum " + size + " (voters " + now + " → "
                + wanted + "): kgr runs a static quorum (controller.quorum.voters), whose members cannot change; new"
                + " controllers would form an empty quorum and the cluster's metadata would be lost"
                + (leaving.isEmpty() ? "" : ", and controller(s) " + leaving + " would be removed while they are voters")
                + ". Keep the controller pool's name, replicas and roles as they are on the cluster"));
    }

    /**
     * A release below the cluster's finalized metadata version cannot start on its data (Kafka refuses to downgrade
     * metadata): every node would roll onto it and crash-loop. A change to such a release is refused, with the way back.
     */
    private void checkRelease(short finalized) {
        // only a change of release rolls the nodes onto it: where they run this image already, nothing is planned
        // (a pod taken over from Strimzi runs Strimzi's image of the release Git says: the takeover checked Git's specs)
        boolean changes = live.pods().values().stream().filter(this::mine).filter(p -> !takenOver(p)).anyMatch(p -> p.getSpec() != null
                && p.getSpec().getContainers().stream().noneMatch(c -> spec.image().equals(c.getImage())));
        if (finalized < 0 || !changes) return;
        KafkaReleases.highestMetadataVersion(spec.version()).ifPresent(highest -> {
            if (highest.featureLevel() < finalized) {
                refusals.add(new Refusal("cluster", spec.name(), "Kafka " + spec.version() + " cannot run this cluster: its"
                        + " metadata.version is finalized at " + KafkaReleases.name(finalized) + ", and " + spec.version()
                        + " runs at most " + highest.version() + " (Kafka cannot lower a finalized metadata version);"
                        + " keep spec.kafka.version at a release of " + KafkaReleases.name(finalized).split("-")[0]
                        + " or later"));
            }
        });
    }

    /** Node ids with the controller role: kgr's live pods and the pods its pod sets record (a lost pod is still one). */
    private SortedSet<Integer> existingControllerIds() {
        SortedSet<Integer> out = new TreeSet<>();
        for (Pod p : live.pods().values()) {
            if (mine(p) && "true".equals(p.getMetadata().getLabels().get(Labels.CONTROLLER_ROLE))) {
                Pods.nodeId(p.getMetadata().getName()).ifPresent(out::add);
            }
        }
        for (GenericKubernetesResource set : live.podSets().values()) {
            if (!mine(set)) continue;
            Object pods = set.getAdditionalProperties().get("spec") instanceof Map<?, ?> s ? s.get("pods") : null;
            if (!(pods instanceof List<?> list)) continue;
            for (Object o : list) {
                if (o instanceof Map<?, ?> pod && pod.get("metadata") instanceof Map<?, ?> meta
                        && meta.get("labels") instanceof Map<?, ?> labels && "true".equals(labels.get(Labels.CONTROLLER_ROLE))) {
                    Pods.nodeId(String.valueOf(meta.get("name"))).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    /** A pod kgr took over from Strimzi that still runs as Strimzi made it. */
    private static boolean takenOver(Pod p) {
        return p.getMetadata().getAnnotations() != null && p.getMetadata().getAnnotations().containsKey(Labels.TAKEN_OVER);
    }

    private boolean mine(HasMetadata o) {
        Map<String, String> labels = o.getMetadata().getLabels();
        return labels != null && "kgr".equals(labels.get(ClusterModel.MANAGED_BY))
                && spec.name().equals(labels.get(ClusterModel.CLUSTER));
    }

    private void applyObject(HasMetadata desired, HasMetadata current, List<Step> into, Phase phase) {
        String kind = desired.getKind();
        String name = desired.getMetadata().getName();
        String manifest = SERIALIZATION.asJson(desired);
        if (current == null) {
            into.add(step(phase,
                    new Change.ApplyKubeObject(kind, name, manifest, true), Risk.SAFE, List.of(),
                    kind + " does not exist"));
            return;
        }
        if (!mine(current)) {
            refusals.add(new Refusal(kind, name, "exists and is not managed by kgr (no label app.kubernetes.io/managed-by=kgr"
                    + " for cluster " + spec.name() + "); kgr does not take it over"));
            return;
        }
        List<FieldChange> diff = differences(JSON.readTree(manifest), JSON.readTree(SERIALIZATION.asJson(current)));
        if (!diff.isEmpty()) {
            into.add(step(phase, new Change.ApplyKubeObject(kind, name, manifest, false), Risk.SAFE, diff,
                    kind + " differs from Git"));
        }
    }

    private void claim(PersistentVolumeClaim desired, PersistentVolumeClaim current) {
        String name = desired.getMetadata().getName();
        if (current == null) {
            volumes.add(step(Phase.VOLUMES, new Change.ApplyKubeObject("PersistentVolumeClaim", name,
                    SERIALIZATION.asJson(desired), true), Risk.SAFE,
                    List.of(new FieldChange("size", null, size(desired), false)), "volume does not exist"));
            return;
        }
        if (!mine(current)) {
            refusals.add(new Refusal("PersistentVolumeClaim", name, "exists and is not managed by kgr; kgr does not take it over"));
            return;
        }
        String wantClass = desired.getSpec().getStorageClassName();
        String haveClass = current.getSpec() == null ? null : current.getSpec().getStorageClassName();
        if (wantClass != null && !wantClass.equals(haveClass)) {
            refusals.add(new Refusal("PersistentVolumeClaim", name, "storage class would change from "
                    + (haveClass == null ? "(default)" : haveClass) + " to " + wantClass + ": a volume's class cannot change"));
            return;
        }
        Quantity want = desired.getSpec().getResources().getRequests().get("storage");
        Quantity have = current.getSpec() == null || current.getSpec().getResources() == null
                || current.getSpec().getResources().getRequests() == null ? null
                : current.getSpec().getResources().getRequests().get("storage");
        if (have == null || want == null) return;
        int cmp = Quantity.getAmountInBytes(want).compareTo(Quantity.getAmountInBytes(have));
        if (cmp < 0) {
            refusals.add(new Refusal("PersistentVolumeClaim", name, "size would shrink from " + have + " to " + want
                    + ": Kubernetes volumes only grow"));
        } else if (cmp > 0) {
            String cls = haveClass != null ? haveClass : defaultStorageClass().orElse(null);
            StorageClass sc = cls == null ? null : live.storageClasses().get(cls);
            if (sc == null || !Boolean.TRUE.equals(sc.getAllowVolumeExpansion())) {
                refusals.add(new Refusal("PersistentVolumeClaim", name, "cannot grow from " + have + " to " + want
                        + ": storage class " + (cls == null ? "(default, none found)" : cls)
                        + (sc == null ? " is not known" : " does not allow volume expansion (allowVolumeExpansion: true)")));
            } else {
                volumes.add(step(Phase.VOLUMES, new Change.ExpandVolume(name, have.toString(), want.toString()), Risk.SAFE,
                        List.of(new FieldChange("size", have.toString(), want.toString(), false)),
                        "Git asks for a bigger volume"));
            }
        }
    }

    private Optional<String> defaultStorageClass() {
        return live.storageClasses().values().stream().filter(sc -> sc.getMetadata().getAnnotations() != null
                && "true".equals(sc.getMetadata().getAnnotations().get("storageclass.kubernetes.io/is-default-class")))
                .map(sc -> sc.getMetadata().getName()).findFirst();
    }

    /**
     * New pods are created (after their pod set); pods whose revision changed roll one at a time: unready pods first,
     * then brokers by id, then controllers (a roll waits for the one before it).
     */
    private void pods(List<Pod> desired) {
        List<Pod> changed = new ArrayList<>();
        for (Pod pod : desired) {
            String name = pod.getMetadata().getName();
            Pod current = live.pods().get(name);
            if (current == null) {
                Change.CreatePod create = new Change.CreatePod(name, SERIALIZATION.asJson(pod));
                podSets.add(new Step(Step.idOf(create), Phase.POD_SETS, create, Risk.SAFE, List.of(),
                        "node " + Pods.nodeId(name).orElse(-1) + " has no pod", certificateStep(name)));
            } else if (!mine(current)) {
                refusals.add(new Refusal("Pod", name, "exists and is not managed by kgr; kgr does not replace it"));
            } else if (!Objects.equals(revision(pod), revision(current))) {
                String storageChange = storageTypeChange(current, pod);
                if (storageChange != null) {
                    refusals.add(new Refusal("Pod", name, storageChange + ": a node's storage type cannot change"
                            + " (its data would be lost); add a new node pool and move the partitions instead"));
                } else if (!isBroker(pod) && isBroker(current)) {
                    brokerRoleRemoved(pod, current);
                } else {
                    changed.add(pod);
                }
            }
        }
        changed.sort(Comparator.comparing((Pod p) -> Pods.ready(live.pods().get(p.getMetadata().getName())) ? 1 : 0)
                .thenComparing(p -> zookeeper(p) ? 0 : controller(p) ? 2 : 1)
                .thenComparing(p -> controller(p) && Pods.nodeId(p.getMetadata().getName()).orElse(-2) == activeController() ? 1 : 0)
                .thenComparing(p -> Pods.nodeId(p.getMetadata().getName()).orElse(Integer.MAX_VALUE)));
        // rolls of ready pods wait for each other (a failed one stops the rest); restarting a pod that is not ready
        // takes nothing away, so it neither waits nor stops the others
        String previous = null;
        for (Pod pod : changed) {
            String name = pod.getMetadata().getName();
            int id = Pods.nodeId(name).orElse(-1);
            boolean broker = "true".equals(pod.getMetadata().getLabels().get(Labels.BROKER_ROLE));
            Pod current = live.pods().get(name);
            String why = takenOver(current) ? "it still runs as Strimzi made it, and Git changed what needs a restart:"
                    + " kgr's pod replaces it (same node id, volumes and certificate)"
                    : Pods.ready(current) ? "its configuration changed in a way that needs a restart"
                    : "it is not ready, and its configuration changed";
            boolean wasReady = Pods.ready(current);
            Step roll = new Step(Step.idOf(new Change.RollPod(name, id, broker, "")), Phase.ROLLS,
                    new Change.RollPod(name, id, broker, SERIALIZATION.asJson(pod)), Risk.DISRUPTIVE,
                    List.of(new FieldChange("revision", revision(current), revision(pod), false)), why,
                    dependencies(previous == null || !wasReady ? List.of() : List.of(previous), certificateStep(name)));
            rolls.add(roll);
            if (wasReady) previous = roll.id();
        }
        if (!changed.isEmpty() && kafka.isEmpty()) {
            notes.add("Kafka does not answer: rolls cannot check in-sync replicas first, so apply rolls only pods that are not ready");
        }
    }

    /**
     * A node that loses its broker role restarts as a controller only: its replicas would go offline for good, so it is
     * planned as a broker removal. It restarts in the prune phase, after this plan's moves have taken every replica off
     * it, and is refused while any would stay.
     */
    private void brokerRoleRemoved(Pod pod, Pod current) {
        String name = pod.getMetadata().getName();
        int id = Pods.nodeId(name).orElse(-1);
        if (deleteNothing) {
            notes.add("Git does not answer: node " + id + " keeps its broker role until it answers");
            return;
        }
        if (kafka.isEmpty()) {
            refusals.add(new Refusal("Pod", name, "cannot remove the broker role of node " + id + ": Kafka does not answer,"
                    + " so kgr cannot check that it hosts no partition replicas"));
            return;
        }
        List<String> hosted = hostedPartitions(id);
        if (!hosted.isEmpty() && movedByKgr(hosted)) {
            notes.add(drainInFlight(id, hosted, "stops being a broker"));
            return;
        }
        if (!hosted.isEmpty()) {
            refusals.add(new Refusal("Pod", name, "node " + id + " would stop being a broker but still hosts " + hosted.size()
                    + " partition replica(s) (" + String.join(", ", hosted.subList(0, Math.min(10, hosted.size())))
                    + (hosted.size() > 10 ? ", …" : "") + "): the brokers that stay must hold them; lower those topics'"
                    + " replicas, or keep the broker role"));
            return;
        }
        List<String> after = dependencies(movesOff(id), certificateStep(name));
        Change.RollPod roll = new Change.RollPod(name, id, true, SERIALIZATION.asJson(pod));
        prune.add(new Step(Step.idOf(roll), Phase.PRUNE, roll, Risk.DISRUPTIVE,
                List.of(new FieldChange("revision", revision(current), revision(pod), false),
                        new FieldChange("roles", "broker", "no broker", false)),
                "node " + id + " stops being a broker" + (movesOff(id).isEmpty() ? ""
                        : "; once this plan's reassignments have moved its replicas away"), after));
    }

    /** The step that writes the pod's certificate Secret, if this plan writes it: the pod starts only after it. */
    private List<String> certificateStep(String pod) {
        String step = certificates.podSteps().get(pod);
        return step == null ? List.of() : List.of(step);
    }

    private static List<String> dependencies(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** "volume data-0: persistent-claim → ephemeral", when a data volume would change kind; null otherwise. */
    private static String storageTypeChange(Pod current, Pod desired) {
        Map<String, String> now = volumeKinds(current);
        Map<String, String> wanted = volumeKinds(desired);
        for (var e : wanted.entrySet()) {
            String was = now.get(e.getKey());
            if (was != null && !was.equals(e.getValue())) return "volume " + e.getKey() + ": " + was + " → " + e.getValue();
        }
        for (var e : now.entrySet()) {
            if (!wanted.containsKey(e.getKey()) && e.getValue().equals("persistent-claim")) {
                return "volume " + e.getKey() + ": persistent-claim → removed";
            }
        }
        return null;
    }

    private static Map<String, String> volumeKinds(Pod p) {
        Map<String, String> out = new TreeMap<>();
        if (p.getSpec() == null || p.getSpec().getVolumes() == null) return out;
        for (var v : p.getSpec().getVolumes()) {
            if (!v.getName().startsWith("data")) continue;
            out.put(v.getName(), v.getPersistentVolumeClaim() != null ? "persistent-claim" : "ephemeral");
        }
        return out;
    }

    /** kgr's pods that Git no longer has, in name order. */
    private List<Pod> removedPods() {
        TreeSet<String> wantedPods = new TreeSet<>();
        desired.pods().forEach(p -> wantedPods.add(p.getMetadata().getName()));
        return live.pods().values().stream().filter(p -> mine(p) && !wantedPods.contains(p.getMetadata().getName()))
                .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    private static boolean isBroker(Pod p) {
        return "true".equals(p.getMetadata().getLabels().get(Labels.BROKER_ROLE));
    }

    /** Nodes Git no longer has: their pods, ConfigMaps and per-broker services go; claims only with deleteClaim. */
    private void removed() {
        if (deleteNothing) {
            if (!removedPods().isEmpty()) {
                notes.add("Git does not answer: the nodes Git removed (" + removedPods().stream().map(p -> p.getMetadata().getName())
                        .collect(Collectors.joining(", ")) + ") stay until it answers; nothing is deleted meanwhile");
            }
            return;
        }
        Set<String> pools = new TreeSet<>();
        spec.pools().forEach(pool -> pools.add(pool.name()));
        Map<String, List<String>> vanished = new TreeMap<>();
        for (Pod p : removedPods()) {
            String pool = p.getMetadata().getLabels().get(ClusterModel.POOL);
            if (pool != null && !pools.contains(pool) && !allowNodeRemoval) {
                vanished.computeIfAbsent(pool, k -> new ArrayList<>()).add(p.getMetadata().getName());
            }
        }
        // a whole pool gone from Git is far more often a deleted or mislabelled KafkaNodePool than a decision: its
        // nodes are drained and removed only when it was scaled to 0 first, or with the operator's consent
        vanished.forEach((pool, pods) -> refusals.add(new Refusal("KafkaNodePool", pool, "node pool " + pool + " is no"
                + " longer in Git, but its " + pods.size() + " node(s) run (" + String.join(", ", pods) + "): removing a"
                + " whole pool is refused; scale it to replicas: 0 first (its nodes are drained and removed), or give"
                + " --allow-node-removal (allowNodeRemoval in kgr.yaml)")));
        for (Pod p : removedPods()) {
            String name = p.getMetadata().getName();
            if (vanished.containsKey(p.getMetadata().getLabels().get(ClusterModel.POOL))) continue;
            int id = Pods.nodeId(name).orElse(-1);
            boolean broker = isBroker(p);
            List<String> hosted = broker ? hostedPartitions(id) : List.of();
            if (!hosted.isEmpty() && movedByKgr(hosted)) {
                notes.add(drainInFlight(id, hosted, "is removed"));
                continue;
            }
            if (!hosted.isEmpty()) {
                refusals.add(new Refusal("Pod", name, "node " + id + " still hosts " + hosted.size() + " partition replica(s) ("
                        + String.join(", ", hosted.subList(0, Math.min(10, hosted.size()))) + (hosted.size() > 10 ? ", …" : "")
                        + "): lower those topics' replicas in the same commit, or move them with kafka-reassign-partitions,"
                        + " before removing the node"));
                continue;
            }
            if (broker && kafka.isEmpty()) {
                refusals.add(new Refusal("Pod", name, "cannot remove broker " + id + ": Kafka does not answer, so kgr cannot"
                        + " check that it hosts no partition replicas"));
                continue;
            }
            List<String> after = broker ? movesOff(id) : List.of();
            Step podRemoval = new Step(Step.idOf(new Change.DeleteKubeObject("Pod", name)), Phase.PRUNE,
                    new Change.DeleteKubeObject("Pod", name), Risk.DISRUPTIVE, List.of(),
                    "node " + id + " was removed from its pool" + (after.isEmpty() ? ""
                            : "; once this plan's reassignments have moved its replicas away"), after);
            prune.add(podRemoval);
            // nothing of a node goes while its broker may still run: its configuration and volumes follow the pod
            List<String> afterPod = List.of(podRemoval.id());
            if (live.configMaps().containsKey(name) && mine(live.configMaps().get(name))) {
                var cm = new Change.DeleteKubeObject("ConfigMap", name);
                prune.add(new Step(Step.idOf(cm), Phase.PRUNE, cm, Risk.SAFE, List.of(),
                        "configuration of removed node " + id + ", once its pod is gone", afterPod));
            }
            Secret certs = live.secrets().get(name);
            if (certs != null && mine(certs)) {
                var secret = new Change.DeleteKubeObject("Secret", name);
                prune.add(new Step(Step.idOf(secret), Phase.PRUNE, secret, Risk.SAFE,
                        List.of(new FieldChange("private key", "(sensitive)", null, true)),
                        "certificate of removed node " + id + ", once its pod is gone", afterPod));
            }
            for (PersistentVolumeClaim c : live.claims().values()) {
                if (!mine(c) || !name.equals(c.getMetadata().getLabels().get(ClusterModel.POD_NAME))) continue;
                boolean delete = c.getMetadata().getAnnotations() != null
                        && "true".equals(c.getMetadata().getAnnotations().get(ClusterModel.DELETE_CLAIM));
                if (delete) {
                    var claim = new Change.DeleteKubeObject("PersistentVolumeClaim", c.getMetadata().getName());
                    prune.add(new Step(Step.idOf(claim), Phase.PRUNE, claim, Risk.DESTRUCTIVE, List.of(),
                            "volume of removed node " + id + " (deleteClaim: true), once its pod is gone", afterPod));
                } else {
                    notes.add("volume " + c.getMetadata().getName() + " of removed node " + id + " is kept (deleteClaim: false)");
                }
            }
        }
        Set<String> continued = unfinishedRemovals();
        strandedRegistrations();
        TreeSet<String> wantedServices = new TreeSet<>();
        desired.services().forEach(s -> wantedServices.add(s.getMetadata().getName()));
        for (Service s : live.services().values()) {
            if (mine(s) && !wantedServices.contains(s.getMetadata().getName())) {
                prune.add(step(Phase.PRUNE, new Change.DeleteKubeObject("Service", s.getMetadata().getName()), Risk.SAFE,
                        List.of(), "no longer needed by the cluster's listeners or nodes"));
            }
        }
        orphans(continued);
    }

    /**
     * What a node removal of an earlier run left when it stopped after the node's pod went (a kill, a failed step, a lost
     * lease): the node's pool is still in Git, its id is not, and its pod is gone. The removal goes on where it stopped,
     * as that run would have gone on, with no {@code --prune}: the node's configuration, its certificate and its
     * {@code deleteClaim} volumes; a volume only once Kafka answers and shows no replica there and no registration of the
     * broker (a broker kgr's moves are still emptying is made again instead: {@link #lostWhileDraining}).
     *
     * @return the nodes (pod names) whose removal this plan continues
     */
    private Set<String> unfinishedRemovals() {
        Set<String> wanted = new TreeSet<>();
        desired.pods().forEach(p -> wanted.add(p.getMetadata().getName()));
        Set<String> nodes = new TreeSet<>();
        live.configMaps().values().stream().filter(this::mine).forEach(c -> nodes.add(c.getMetadata().getName()));
        live.claims().values().stream().filter(c -> mine(c) && c.getMetadata().getLabels().get(ClusterModel.POD_NAME) != null)
                .forEach(c -> nodes.add(c.getMetadata().getLabels().get(ClusterModel.POD_NAME)));
        live.secrets().values().stream().filter(s -> mine(s) && "node".equals(s.getMetadata().getLabels().get(CertSecrets.CERTIFICATE_LABEL)))
                .forEach(s -> nodes.add(s.getMetadata().getName()));
        Set<String> continued = new TreeSet<>();
        for (String name : nodes) {
            Optional<Integer> id = Pods.nodeId(name);
            if (id.isEmpty() || wanted.contains(name) || live.pods().containsKey(name) || declaredPool(name).isEmpty()) continue;
            if (options.kgrDraining().contains(id.get())) continue;
            List<String> hosted = hostedPartitions(id.get());
            boolean registered = kafka.map(k -> k.brokers().contains(id.get())).orElse(true);
            String why = kafka.isEmpty() ? "Kafka does not answer, so kgr cannot check that it holds no replica"
                    : !hosted.isEmpty() ? "Kafka still places " + hosted.size() + " partition replica(s) on it"
                    : registered ? "broker " + id.get() + " is still registered with the cluster" : null;
            continued.add(name);
            String reason = " of node " + id.get() + ", removed from its pool (its pod is gone)";
            if (live.configMaps().containsKey(name) && mine(live.configMaps().get(name))) {
                prune.add(step(Phase.PRUNE, new Change.DeleteKubeObject("ConfigMap", name), Risk.SAFE, List.of(),
                        "configuration" + reason));
            }
            Secret certs = live.secrets().get(name);
            if (certs != null && mine(certs)) {
                prune.add(step(Phase.PRUNE, new Change.DeleteKubeObject("Secret", name), Risk.SAFE,
                        List.of(new FieldChange("private key", "(sensitive)", null, true)), "certificate" + reason));
            }
            for (PersistentVolumeClaim c : live.claims().values()) {
                if (!mine(c) || !name.equals(c.getMetadata().getLabels().get(ClusterModel.POD_NAME))) continue;
                boolean deleteClaim = c.getMetadata().getAnnotations() != null
                        && "true".equals(c.getMetadata().getAnnotations().get(ClusterModel.DELETE_CLAIM));
                if (!deleteClaim) continue; // kept by design: said when the node was removed
                if (why != null) {
                    notes.add("volume " + c.getMetadata().getName() + reason + ", is kept: " + why);
                    continue;
                }
                prune.add(step(Phase.PRUNE, new Change.DeleteKubeObject("PersistentVolumeClaim", c.getMetadata().getName()),
                        Risk.DESTRUCTIVE, List.of(), "volume" + reason + " (deleteClaim: true)"));
            }
        }
        return continued;
    }

    /**
     * Registrations removed brokers left (the removal stopped between the pod's end and its unregistration, or that call
     * failed): a broker the cluster still lists as fenced whose id Git no longer declares, that no pod of the cluster
     * runs as, that hosts nothing and that kgr's moves are not draining is unregistered, as the removal would have done.
     */
    private void strandedRegistrations() {
        if (kafka.isEmpty()) return;
        Set<Integer> declared = new TreeSet<>();
        ids.values().forEach(declared::addAll);
        Set<Integer> running = new TreeSet<>();
        live.pods().values().stream().filter(p -> p.getMetadata().getLabels() != null
                        && spec.name().equals(p.getMetadata().getLabels().get(ClusterModel.CLUSTER)))
                .forEach(p -> Pods.nodeId(p.getMetadata().getName()).ifPresent(running::add));
        for (int id : kafka.get().fencedBrokers()) {
            if (declared.contains(id) || running.contains(id) || options.kgrDraining().contains(id)) continue;
            List<String> hosted = hostedPartitions(id);
            if (!hosted.isEmpty()) {
                notes.add("broker " + id + " is still registered (fenced) and is a replica of " + hosted.size()
                        + " partition(s), but Git has no node " + id + ": its registration is kept");
                continue;
            }
            prune.add(step(Phase.PRUNE, new Change.UnregisterBroker(id), Risk.SAFE, List.of(), "broker " + id
                    + " was removed (no pod, not in Git) but is still registered with the cluster, fenced, hosting nothing"));
        }
    }

    /** The pool of Git a node's pod name belongs to ({@code <cluster>-<pool>-<id>}), if Git declares it. */
    private Optional<String> declaredPool(String podName) {
        return spec.pools().stream().map(ClusterSpec.Pool::name)
                .filter(pool -> podName.matches(Pattern.quote(spec.name() + "-" + pool + "-") + "\\d+"))
                .findFirst();
    }

    /**
     * kgr's objects that neither the model nor a node this plan removes accounts for (left by an older kgr, a failed
     * run, a pool Git dropped): their pod sets, ConfigMaps and deleteClaim volumes go only with pruning on, and only
     * once no pod of theirs runs.
     */
    private void orphans(Set<String> continued) {
        TreeSet<String> accounted = new TreeSet<>();
        desired.configMaps().forEach(c -> accounted.add("ConfigMap/" + c.getMetadata().getName()));
        desired.claims().forEach(c -> accounted.add("PersistentVolumeClaim/" + c.getMetadata().getName()));
        desired.podSets().forEach(c -> accounted.add("PodSet/" + c.getMetadata().getName()));
        desired.disruptionBudgets().forEach(c -> accounted.add("PodDisruptionBudget/" + c.getMetadata().getName()));
        desired.pods().forEach(p -> accounted.add("Pod/" + p.getMetadata().getName()));
        TreeSet<String> removedNodes = new TreeSet<>(continued);
        removedPods().forEach(p -> removedNodes.add(p.getMetadata().getName()));
        List<String> found = new ArrayList<>();
        for (ConfigMap c : live.configMaps().values()) {
            String name = c.getMetadata().getName();
            if (mine(c) && !accounted.contains("ConfigMap/" + name) && !removedNodes.contains(name) && !live.pods().containsKey(name)) {
                found.add("ConfigMap/" + name);
            }
        }
        for (PersistentVolumeClaim c : live.claims().values()) {
            String pod = c.getMetadata().getLabels() == null ? null : c.getMetadata().getLabels().get(ClusterModel.POD_NAME);
            boolean deleteClaim = c.getMetadata().getAnnotations() != null
                    && "true".equals(c.getMetadata().getAnnotations().get(ClusterModel.DELETE_CLAIM));
            if (mine(c) && deleteClaim && !accounted.contains("PersistentVolumeClaim/" + c.getMetadata().getName())
                    && !removedNodes.contains(pod) && (pod == null || !live.pods().containsKey(pod))) {
                // a lost pod's volume may hold the only copy of its replicas: it goes only once Kafka shows none there
                Optional<Integer> id = pod == null ? Optional.empty() : Pods.nodeId(pod);
                List<String> hosted = id.map(this::hostedPartitions).orElse(List.of());
                boolean registered = id.isPresent() && kafka.map(k -> k.brokers().contains(id.get())).orElse(false);
                if (id.isPresent() && (kafka.isEmpty() || registered || !hosted.isEmpty())) {
                    notes.add("volume " + c.getMetadata().getName() + " of node " + id.get() + " (no pod) is kept: "
                            + (kafka.isEmpty() ? "Kafka does not answer, so kgr cannot check that it holds no replica"
                            : !hosted.isEmpty() ? "Kafka still places " + hosted.size() + " partition replica(s) on it"
                            : "broker " + id.get() + " is still registered with the cluster"));
                    continue;
                }
                found.add("PersistentVolumeClaim/" + c.getMetadata().getName());
            }
        }
        // a node's certificate (its private key) goes with the node
        for (Secret secret : live.secrets().values()) {
            String name = secret.getMetadata().getName();
            if (mine(secret) && "node".equals(secret.getMetadata().getLabels().get(CertSecrets.CERTIFICATE_LABEL))
                    && !accounted.contains("Pod/" + name) && !removedNodes.contains(name) && !live.pods().containsKey(name)) {
                found.add("Secret/" + name);
            }
        }
        for (GenericKubernetesResource set : live.podSets().values()) {
            String name = set.getMetadata().getName();
            String pool = set.getMetadata().getLabels() == null ? null : set.getMetadata().getLabels().get(ClusterModel.POOL);
            boolean podsLeft = live.pods().values().stream().anyMatch(p -> mine(p) && pool != null
                    && pool.equals(p.getMetadata().getLabels().get(ClusterModel.POOL)) && !removedNodes.contains(p.getMetadata().getName()));
            if (mine(set) && !accounted.contains("PodSet/" + name) && !podsLeft) found.add("PodSet/" + name);
        }
        for (var budget : live.disruptionBudgets().values()) {
            String name = budget.getMetadata().getName();
            String pool = budget.getMetadata().getLabels() == null ? null : budget.getMetadata().getLabels().get(ClusterModel.POOL);
            // a pool's budget protects its pods as long as any runs
            boolean podsLeft = live.pods().values().stream().anyMatch(p -> mine(p) && pool != null
                    && pool.equals(p.getMetadata().getLabels().get(ClusterModel.POOL)) && !removedNodes.contains(p.getMetadata().getName()));
            if (mine(budget) && !accounted.contains("PodDisruptionBudget/" + name) && !podsLeft) {
                found.add("PodDisruptionBudget/" + name);
            }
        }
        if (found.isEmpty()) return;
        if (!pruneOrphans) {
            notes.add(found.size() + " object(s) kgr made for cluster " + spec.name() + " are no longer part of it ("
                    + String.join(", ", found.subList(0, Math.min(10, found.size()))) + (found.size() > 10 ? ", …" : "")
                    + "): kept (pruning is off: --prune deletes them)");
            return;
        }
        // after every pod this plan removes: nothing of a node goes while its broker may still run
        List<String> afterPods = prune.stream().filter(s -> s.change() instanceof Change.DeleteKubeObject d
                && d.objectKind().equals("Pod")).map(Step::id).toList();
        for (String o : found) {
            String kind = o.substring(0, o.indexOf('/'));
            var change = new Change.DeleteKubeObject(kind, o.substring(o.indexOf('/') + 1));
            prune.add(new Step(Step.idOf(change), Phase.PRUNE, change,
                    kind.equals("PersistentVolumeClaim") ? Risk.DESTRUCTIVE : Risk.SAFE, List.of(),
                    "made by kgr for this cluster and no longer part of it; pruning is on", afterPods));
        }
    }

    /** The partitions with a replica on the broker once this plan's reassignments have run. */
    private List<String> hostedPartitions(int id) {
        List<String> out = new ArrayList<>();
        kafka.ifPresent(k -> k.topics().forEach((topic, t) -> {
            for (LivePartition p : t.partitions()) {
                // a move kgr did not start that still involves the broker keeps it hosting the partition
                if (moves.replicasAfter(topic, p).contains(id) || t.reassigning().getOrDefault(p.partition(), List.of()).contains(id)) {
                    out.add(topic + "-" + p.partition());
                }
            }
        }));
        return out;
    }

    /**
     * A node that kgr's moves of an earlier run are still emptying, whose pod was lost meanwhile (evicted, deleted): its
     * pod is made again, from the model with the node kept in its pool, so that its replicas can finish moving (a
     * partition whose only copy is there would otherwise stay offline); it is removed once the moves are done.
     */
    private void lostWhileDraining() {
        if (kafka.isEmpty() || deleteNothing) return;
        for (int id : new TreeSet<>(options.kgrDraining())) {
            if (ids.values().stream().anyMatch(s -> s.contains(id)) || hostedPartitions(id).isEmpty()) continue;
            // the node's ConfigMap stays until its pod is removed: it names the pod and its pool
            Optional<ConfigMap> config = live.configMaps().values().stream().filter(this::mine)
                    .filter(c -> c.getMetadata().getLabels().get(ClusterModel.POOL) != null)
                    .filter(c -> Pods.nodeId(c.getMetadata().getName()).orElse(-1) == id).findFirst();
            if (config.isEmpty() || live.pods().containsKey(config.get().getMetadata().getName())) continue;
            String name = config.get().getMetadata().getName();
            String pool = config.get().getMetadata().getLabels().get(ClusterModel.POOL);
            if (spec.pools().stream().noneMatch(p -> p.name().equals(pool))) {
                notes.add("node " + id + " is still being drained but its pod " + name + " is gone and its pool " + pool
                        + " is no longer in Git: kgr cannot make it again; its replicas' move waits for it");
                continue;
            }
            Map<String, SortedSet<Integer>> withIt = new TreeMap<>();
            ids.forEach((p, s) -> withIt.put(p, new TreeSet<>(s)));
            withIt.computeIfAbsent(pool, p -> new TreeSet<>()).add(id);
            boolean internalTls = spec.kraft() && !plaintextInternals();
            Optional<Pod> pod = new ClusterModel(spec, live.namespace(), withIt, clusterId(), security(internalTls))
                    .generate().pods().stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst();
            if (pod.isEmpty()) continue;
            Change.CreatePod create = new Change.CreatePod(name, SERIALIZATION.asJson(pod.get()));
            podSets.add(new Step(Step.idOf(create), Phase.POD_SETS, create, Risk.SAFE, List.of(),
                    "node " + id + " is still being drained by kgr's moves and its pod was lost: it runs again until its "
                            + hostedPartitions(id).size() + " partition replica(s) have moved away", List.of()));
        }
    }

    /** Whether every one of these partitions ({@code topic-p}) is being moved by kgr's own moves of an earlier run. */
    private boolean movedByKgr(List<String> partitions) {
        for (String tp : partitions) {
            int dash = tp.lastIndexOf('-');
            Set<Integer> moving = options.kgrMoves().get(tp.substring(0, dash));
            if (moving == null || !moving.contains(Integer.parseInt(tp.substring(dash + 1)))) return false;
        }
        return true;
    }

    private static String drainInFlight(int id, List<String> hosted, String what) {
        return "node " + id + " " + what + " once kgr's moves in flight have taken its " + hosted.size()
                + " partition replica(s) away (started by an earlier run; they continue on the brokers, throttled)";
    }

    /** The reassignment steps that take the broker's replicas away: its removal waits for them. */
    private List<String> movesOff(int id) {
        TreeSet<String> out = new TreeSet<>();
        kafka.ifPresent(k -> k.topics().forEach((topic, t) -> {
            for (LivePartition p : t.partitions()) {
                if (p.replicas().contains(id)) moves.stepMoving(topic).ifPresent(out::add);
            }
        }));
        return List.copyOf(out);
    }

    /** Fields of {@code desired} whose values differ in {@code current} (fields only the server sets are ignored). */
    static List<FieldChange> differences(JsonNode desired, JsonNode current) {
        List<FieldChange> out = new ArrayList<>();
        for (String top : List.of("metadata", "spec", "data", "binaryData")) {
            JsonNode d = top.equals("metadata") ? ownedMetadata(desired.path("metadata")) : desired.path(top);
            if (d.isMissingNode()) continue;
            diff(top, d, current.path(top), out);
        }
        return out;
    }

    private static JsonNode ownedMetadata(JsonNode metadata) {
        var m = JSON.createObjectNode();
        if (metadata.has("labels")) m.set("labels", metadata.get("labels"));
        if (metadata.has("annotations")) m.set("annotations", metadata.get("annotations"));
        return m;
    }

    private static void diff(String path, JsonNode want, JsonNode have, List<FieldChange> out) {
        if (want.isObject()) {
            for (var e : want.properties()) diff(path + "." + e.getKey(), e.getValue(), have.path(e.getKey()), out);
        } else if (want.isArray()) {
            if (!have.isArray() || have.size() != want.size()) {
                out.add(new FieldChange(path, have.isMissingNode() ? null : shorten(have), shorten(want), false));
                return;
            }
            for (int i = 0; i < want.size(); i++) diff(path + "[" + i + "]", want.get(i), have.get(i), out);
        } else if (!want.equals(have) && !(want.isNumber() && have.isNumber() && want.asString().equals(have.asString()))) {
            out.add(new FieldChange(path, have.isMissingNode() ? null : shorten(have), shorten(want), false));
        }
    }

    private static String shorten(JsonNode n) {
        String s = n.isString() ? n.asString() : n.toString();
        if (n.isString() && s.length() > 120 && s.matches("[A-Za-z0-9+/]+=*")) return binary(s);
        return s.length() > 120 ? s.substring(0, 117) + "…" : s;
    }

    /** A ConfigMap's binary value (kgr's agent jar): its size and the start of its SHA-256, not 120 characters of base64. */
    private static String binary(String base64) {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return bytes.length + " bytes, sha256 " + sha.substring(0, 12);
        } catch (IllegalArgumentException | NoSuchAlgorithmException e) {
            return base64.substring(0, 117) + "…";
        }
    }

    private static Step step(Phase phase, Change change, Risk risk, List<FieldChange> fields, String reason) {
        return new Step(Step.idOf(change), phase, change, risk, fields, reason, List.of());
    }

    private static String size(PersistentVolumeClaim c) {
        return String.valueOf(c.getSpec().getResources().getRequests().get("storage"));
    }

    private static String revision(Pod p) {
        return p == null || p.getMetadata().getAnnotations() == null ? null
                : p.getMetadata().getAnnotations().get(ClusterModel.REVISION);
    }

    /** The quorum leader rolls last: every other controller restarts while it keeps the quorum led. */
    private int activeController() {
        return kafka.map(LiveState::activeController).orElse(-1);
    }

    private boolean zookeeper(Pod p) {
        return "zookeeper".equals(p.getMetadata().getLabels().get(ClusterModel.POOL));
    }

    private boolean controller(Pod p) {
        return "true".equals(p.getMetadata().getLabels().get(Labels.CONTROLLER_ROLE));
    }

}
