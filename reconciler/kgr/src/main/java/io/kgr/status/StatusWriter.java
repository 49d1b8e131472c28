package io.kgr.status;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.kgr.PlanRun;
import io.kgr.apply.ApplyReport;
import io.kgr.apply.StepResult;
import io.kgr.desired.ClusterSpec;
import io.kgr.desired.DesiredState;
import io.kgr.desired.UserSpec;
import io.kgr.kube.ClusterModel;
import io.kgr.kube.Names;
import io.kgr.kube.Pods;
import io.kgr.manifest.Diagnostic;
import io.kgr.model.Labels;
import io.kgr.model.StrimziKinds;
import io.kgr.observe.KubeObserver;
import io.kgr.observe.LiveKube;
import io.kgr.observe.LiveState;
import io.kgr.observe.LiveTopic;
import io.kgr.plan.Change;
import io.kgr.plan.Plan;
import io.kgr.plan.Refusal;
import io.kgr.plan.Step;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the status of kgr's mirrors of a cluster's Strimzi resources, in Strimzi's format, through the status
 * subresource, after each run: {@code Ready} True, or False with the reason the plan or the apply gave on the resource
 * it concerns; a {@code Warning} per warning of the resource's file; {@code observedGeneration}; and each kind's own
 * fields (a Kafka's listeners, cluster id, versions and pools; a pool's node ids and roles; a topic's name and id and
 * any replica move in flight; a user's name and Secret). A status is written only when it changed: a run that changes
 * nothing writes nothing. Status never holds a secret value (a TLS listener's status carries the cluster CA's
 * certificate, which is public, as Strimzi's does).
 */
public final class StatusWriter {
    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;

    public StatusWriter(KubernetesClient client, String namespace, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
    }

    /**
     * Writes the statuses of a run's mirrors.
     *
     * @param report the apply's results; empty when nothing was applied (a refused plan, a plan-only source)
     * @return how many statuses were written
     */
    public int write(PlanRun run, Optional<ApplyReport> report) {
        if (run.plan().isEmpty() || run.observed().isEmpty() || run.observed().get().kube().isEmpty()) return 0;
        Plan plan = run.plan().get();
        PlanRun.Observed observed = run.observed().get();
        Problems problems = Problems.of(plan, report);
        int written = 0;
        // after an apply that changed something, the namespace is read again; otherwise the run's own observe (taken
        // just before) is what is there: a scheduled run that changes nothing asks the API server nothing more
        boolean changed = report.isPresent() && report.get().results().stream()
                .anyMatch(r -> r.outcome() == StepResult.Outcome.OK);
        LiveKube seen = observed.kube().get();
        try {
            List<Pod> pods = changed ? client.pods().inNamespace(namespace)
                    .withLabel(Labels.CLUSTER, plan.header().cluster()).list().getItems()
                    : seen.pods().values().stream().filter(p -> plan.header().cluster().equals(Labels.clusterOf(p))).toList();
            written += podSets(plan.header().cluster(), pods, changed ? Optional.empty() : Optional.of(seen));
            if (seen.strimziResources().isEmpty()) return written; // Strimzi's CRDs are not installed
            for (var kind : StrimziKinds.ALL) {
                var resources = client.genericKubernetesResources(kind).inNamespace(namespace);
                List<GenericKubernetesResource> mirrors = changed ? resources.withLabel(Labels.MANAGED_BY, Labels.KGR)
                        .withLabel(Labels.CLUSTER, plan.header().cluster()).list().getItems()
                        : seen.strimziResources().get().entrySet().stream()
                                .filter(e -> e.getKey().startsWith(kind.getKind() + "/"))
                                .map(Map.Entry::getValue)
                                .filter(r -> Labels.managedByKgr(r) && plan.header().cluster().equals(Labels.clusterOf(r)))
                                .toList();
                for (GenericKubernetesResource mirror : mirrors) {
                    var annotations = mirror.getMetadata().getAnnotations();
                    if (annotations == null || !plan.header().source().equals(annotations.get("kgr.io/source"))) continue;
                    ObjectNode status = status(mirror, observed, problems, run.diagnostics(), pods, plan);
                    keepTransitionTimes(status, JSON.valueToTree(mirror.getAdditionalProperties().getOrDefault("status", Map.of())));
                    if (writeIfChanged(resources, mirror, status)) written++;
                }
            }
        } catch (KubernetesClientException e) {
            LOG.warn("could not write the status of cluster {}'s resources: {}", plan.header().cluster(), e.getMessage());
        }
        return written;
    }

    /**
     * The status of kgr's pod sets (what {@code kubectl get podsets} shows): how many of their pods exist, are Ready, and
     * run the revision the set holds.
     */
    private int podSets(String cluster, List<Pod> pods, Optional<LiveKube> seen) {
        int written = 0;
        var sets = client.genericKubernetesResources(KubeObserver.POD_SETS).inNamespace(namespace);
        List<GenericKubernetesResource> all = seen.isPresent()
                ? seen.get().podSets().values().stream().filter(p -> Labels.managedByKgr(p) && cluster.equals(Labels.clusterOf(p))).toList()
                : sets.withLabel(Labels.MANAGED_BY, Labels.KGR).withLabel(Labels.CLUSTER, cluster).list().getItems();
        for (GenericKubernetesResource set : all) {
            Map<String, String> revisions = new TreeMap<>();
            JsonNode spec = JSON.valueToTree(set.getAdditionalProperties().getOrDefault("spec", Map.of()));
            for (JsonNode p : spec.path("pods")) {
                revisions.put(p.path("metadata").path("name").asString(),
                        p.path("metadata").path("annotations").path(ClusterModel.REVISION).asString());
            }
            int exist = 0;
            int ready = 0;
            int current = 0;
            for (Pod p : pods) {
                String want = revisions.get(p.getMetadata().getName());
                if (want == null) continue;
                exist++;
                if (Pods.ready(p)) ready++;
                var a = p.getMetadata().getAnnotations();
                if (a != null && want.equals(a.get(ClusterModel.REVISION))) current++;
            }
            ObjectNode status = JSON.createObjectNode();
            if (set.getMetadata().getGeneration() != null) status.put("observedGeneration", set.getMetadata().getGeneration());
            status.put("pods", exist).put("readyPods", ready).put("currentPods", current);
            if (writeIfChanged(sets, set, status)) written++;
        }
        return written;
    }

    /** Writes {@code status} through the status subresource unless the object has it already; false when not written. */
    private static boolean writeIfChanged(
            NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
                    Resource<GenericKubernetesResource>> resources,
            GenericKubernetesResource object, ObjectNode status) {
        JsonNode now = JSON.valueToTree(object.getAdditionalProperties().getOrDefault("status", Map.of()));
        // compared as the API server gives them back: a long that fits in an int is read back as an int
        if (JSON.readTree(status.toString()).equals(JSON.readTree(now.toString()))) return false;
        object.getAdditionalProperties().put("status", JSON.treeToValue(status, Map.class));
        try {
            resources.resource(object).updateStatus();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) throw e; // changed meanwhile: the next run writes it
            return false;
        }
    }

    /** What went wrong, by resource ("Kind/name"): refusals, failed and skipped steps, changes left unapplied. */
    private record Problems(Map<String, List<String>> refused, Map<String, List<String>> failed,
                            Map<String, Integer> pending) {
        static Problems of(Plan plan, Optional<ApplyReport> report) {
            Map<String, List<String>> refused = new TreeMap<>();
            for (Refusal r : plan.refusals()) {
                refused.computeIfAbsent(resourceOf(r, plan.header().cluster()), k -> new ArrayList<>()).add(r.reason());
            }
            Map<String, List<String>> failed = new TreeMap<>();
            Map<String, Integer> pending = new TreeMap<>();
            Map<String, Step> steps = new TreeMap<>();
            plan.steps().forEach(s -> steps.put(s.id(), s));
            if (report.isPresent()) {
                for (StepResult r : report.get().results()) {
                    if (r.outcome() == StepResult.Outcome.OK || !steps.containsKey(r.stepId())) continue;
                    failed.computeIfAbsent(resourceOf(steps.get(r.stepId()).change(), plan.header().cluster()),
                            k -> new ArrayList<>()).add(r.stepId() + ": " + r.message());
                }
            } else if (!plan.isRefused()) {
                for (Step s : plan.steps()) {
                    if (s.change() instanceof Change.UpdateInventory) continue;
                    pending.merge(resourceOf(s.change(), plan.header().cluster()), 1, Integer::sum);
                }
            }
            return new Problems(refused, failed, pending);
        }

        /** The resource a refusal concerns: its topic, user or pool; anything of the cluster's own is the Kafka's. */
        static String resourceOf(Refusal r, String cluster) {
            return switch (r.kind()) {
                case "topic" -> "KafkaTopic@" + r.subject();
                case "user" -> "KafkaUser/" + r.subject();
                case "KafkaNodePool" -> "KafkaNodePool/" + r.subject();
                default -> "Kafka/" + cluster;
            };
        }

        /** The resource a change concerns. */
        static String resourceOf(Change c, String cluster) {
            return switch (c.type()) {
                case CREATE_TOPIC, INCREASE_PARTITIONS, ALTER_TOPIC_CONFIG, CHANGE_REPLICATION_FACTOR, DELETE_TOPIC ->
                        "KafkaTopic@" + c.subject();
                case UPSERT_SCRAM_CREDENTIAL, CREATE_USER_SECRET, DELETE_USER_SECRET, DELETE_SCRAM_CREDENTIAL, CREATE_ACLS,
                        DELETE_ACLS, ALTER_USER_QUOTAS -> "KafkaUser/" + c.subject();
                case APPLY_KUBE_OBJECT -> c instanceof Change.ApplyKubeObject a && StrimziKinds.of(a.objectKind()).isPresent()
                        ? (a.objectKind().equals("KafkaTopic") ? "KafkaTopic@" : a.objectKind() + "/") + a.name()
                        : "Kafka/" + cluster;
                case MOVE_REPLICAS, UPDATE_INVENTORY, EXPAND_VOLUME, CREATE_POD, ROLL_POD, DELETE_KUBE_OBJECT,
                        TAKE_OVER_OBJECT, UNREGISTER_BROKER, ALTER_BROKER_CONFIG, REMOVE_THROTTLES, ISSUE_CA, ISSUE_CERTIFICATE -> "Kafka/" + cluster;
            };
        }
    }

    private ObjectNode status(GenericKubernetesResource mirror, PlanRun.Observed observed, Problems problems,
                              List<Diagnostic> diagnostics, List<Pod> pods, Plan plan) {
        String kind = mirror.getKind();
        String name = mirror.getMetadata().getName();
        JsonNode spec = JSON.valueToTree(mirror.getAdditionalProperties().getOrDefault("spec", Map.of()));
        String topicName = spec.path("topicName").isString() ? spec.path("topicName").asString() : name;
        String key = kind.equals("KafkaTopic") ? "KafkaTopic@" + topicName : kind + "/" + name;
        ObjectNode status = JSON.createObjectNode();
        ArrayNode conditions = status.putArray("conditions");
        ready(conditions.addObject().put("type", "Ready"), key, problems, plan);
        String file = mirror.getMetadata().getAnnotations().getOrDefault("kgr.io/file", "");
        for (Diagnostic d : diagnostics) {
            if (d.isError() || !d.file().equals(file)) continue;
            condition(conditions.addObject().put("type", "Warning"), "True", "Warning",
                    d.field() + " (" + d.file() + ":" + d.line() + "): " + d.message());
        }
        if (mirror.getMetadata().getGeneration() != null) status.put("observedGeneration", mirror.getMetadata().getGeneration());
        Optional<LiveState> kafka = observed.kafka();
        DesiredState desired = observed.desired();
        switch (kind) {
            case "Kafka" -> desired.kafka().filter(k -> k.name().equals(name)).ifPresent(k -> kafkaStatus(status, k, kafka, pods));
            case "KafkaNodePool" -> desired.kafka().ifPresent(k -> poolStatus(status, k, name, kafka, pods));
            case "KafkaTopic" -> {
                status.put("topicName", topicName);
                kafka.map(l -> l.topics().get(topicName)).ifPresent(t -> topicStatus(status, t));
            }
            case "KafkaUser" -> {
                UserSpec user = desired.users().get(name);
                if (user != null) userStatus(status, user);
            }
            default -> { }
        }
        return status;
    }

    /** The Ready condition of the resource {@code key}: what the plan refused or the apply could not do, if anything. */
    private static void ready(ObjectNode ready, String key, Problems problems, Plan plan) {
        List<String> refused = problems.refused().getOrDefault(key, List.of());
        List<String> failed = problems.failed().getOrDefault(key, List.of());
        int pending = problems.pending().getOrDefault(key, 0);
        if (!refused.isEmpty()) {
            condition(ready, "False", "Refused", "kgr refused commit " + abbreviated(plan.header().commit()) + ": "
                    + String.join("; ", refused));
        } else if (!failed.isEmpty()) {
            condition(ready, "False", "ApplyFailed", String.join("; ", failed));
        } else if (plan.isRefused()) {
            condition(ready, "False", "PlanRefused", "commit " + abbreviated(plan.header().commit()) + " was not applied:"
                    + " the plan refuses a change of another resource (" + plan.refusals().size() + " refusal(s))");
        } else if (pending > 0) {
            condition(ready, "False", "ChangesPending", pending + " change(s) planned and not applied (the source's mode"
                    + " applies nothing)");
        } else {
            condition(ready, "True", "Reconciled", "as Git has it at commit " + abbreviated(plan.header().commit()));
        }
    }

    private static void condition(ObjectNode c, String value, String reason, String message) {
        c.put("status", value).put("reason", reason).put("message", message);
    }

    private void kafkaStatus(ObjectNode status, ClusterSpec k, Optional<LiveState> kafka, List<Pod> pods) {
        ArrayNode listeners = status.putArray("listeners");
        String caCert = caCertificate(k);
        for (ClusterSpec.Listener l : k.listeners()) {
            ObjectNode out = listeners.addObject().put("name", l.name()).put("type", l.type());
            List<String[]> addresses = addresses(k, l, pods);
            ArrayNode a = out.putArray("addresses");
            List<String> servers = new ArrayList<>();
            for (String[] hp : addresses) {
                a.addObject().put("host", hp[0]).put("port", Integer.parseInt(hp[1]));
                servers.add(hp[0] + ":" + hp[1]);
            }
            if (!servers.isEmpty()) out.put("bootstrapServers", String.join(",", servers));
            if (l.tls() && caCert != null) out.putArray("certificates").add(caCert);
        }
        kafka.ifPresent(l -> {
            if (l.clusterId() != null && !l.clusterId().isBlank()) status.put("clusterId", l.clusterId());
            if (l.metadataVersionLevel() > 0) status.put("kafkaMetadataVersion", metadataVersion(l.metadataVersionLevel()));
        });
        status.put("kafkaVersion", k.version());
        status.put("kafkaMetadataState", k.kraft() ? "KRaft" : "ZooKeeper");
        ArrayNode pools = status.putArray("kafkaNodePools");
        k.pools().forEach(p -> pools.addObject().put("name", p.name()));
    }

    /**
     * Where a listener's clients connect, as Strimzi's status gives it: the bootstrap Service's DNS name for internal
     * and cluster-ip listeners; the nodes' addresses and the node port for nodeport; the load balancer's address.
     */
    private List<String[]> addresses(ClusterSpec k, ClusterSpec.Listener l, List<Pod> pods) {
        List<String[]> out = new ArrayList<>();
        switch (l.type()) {
            case "internal" -> out.add(new String[] {Names.bootstrapService(k) + "." + namespace + ".svc", String.valueOf(l.port())});
            case "cluster-ip" -> out.add(new String[] {Names.listenerBootstrapService(k, l) + "." + namespace + ".svc",
                    String.valueOf(l.port())});
            case "nodeport", "loadbalancer" -> {
                Service s = client.services().inNamespace(namespace).withName(Names.listenerBootstrapService(k, l)).get();
                if (s == null || s.getSpec() == null || s.getSpec().getPorts() == null || s.getSpec().getPorts().isEmpty()) break;
                if (l.type().equals("nodeport")) {
                    Integer nodePort = s.getSpec().getPorts().get(0).getNodePort();
                    if (nodePort == null) break;
                    Set<String> hosts = new TreeSet<>();
                    for (Pod p : pods) {
                        if (p.getStatus() != null && p.getStatus().getHostIP() != null && Pods.ready(p)
                                && "true".equals(p.getMetadata().getLabels().get(Labels.BROKER_ROLE))) {
                            hosts.add(p.getStatus().getHostIP());
                        }
                    }
                    hosts.forEach(h -> out.add(new String[] {h, String.valueOf(nodePort)}));
                } else if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null
                        && s.getStatus().getLoadBalancer().getIngress() != null) {
                    s.getStatus().getLoadBalancer().getIngress().forEach(i -> out.add(new String[] {
                            i.getHostname() != null ? i.getHostname() : i.getIp(), String.valueOf(l.port())}));
                }
            }
            default -> { }
        }
        return out;
    }

    /** The cluster CA's certificate (public), for TLS listeners' status; null when there is none yet. */
    private String caCertificate(ClusterSpec k) {
        Secret s = client.secrets().inNamespace(namespace).withName(k.name() + "-cluster-ca-cert").get();
        if (s == null || s.getData() == null || !s.getData().containsKey("ca.crt")) return null;
        return new String(Base64.getDecoder().decode(s.getData().get("ca.crt")), StandardCharsets.UTF_8);
    }

    private static String metadataVersion(short level) {
        try {
            return MetadataVersion.fromFeatureLevel(level).version();
        } catch (IllegalArgumentException e) {
            return "level " + level;
        }
    }

    private static void poolStatus(ObjectNode status, ClusterSpec k, String pool, Optional<LiveState> kafka, List<Pod> pods) {
        Optional<ClusterSpec.Pool> p = k.pools().stream().filter(x -> x.name().equals(pool)).findFirst();
        if (p.isEmpty()) return;
        TreeSet<Integer> ids = new TreeSet<>();
        for (Pod pod : pods) {
            if (pool.equals(pod.getMetadata().getLabels().get(ClusterModel.POOL))) Pods.nodeId(pod.getMetadata().getName()).ifPresent(ids::add);
        }
        ArrayNode nodeIds = status.putArray("nodeIds");
        ids.forEach(nodeIds::add);
        ArrayNode roles = status.putArray("roles");
        p.get().roles().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().forEach(roles::add);
        status.put("replicas", ids.size());
        kafka.map(LiveState::clusterId).filter(id -> id != null && !id.isBlank()).ifPresent(id -> status.put("clusterId", id));
    }

    private static void topicStatus(ObjectNode status, LiveTopic t) {
        if (!t.id().isEmpty()) status.put("topicId", t.id());
        if (!t.reassigning().isEmpty()) {
            status.putObject("replicasChange").put("targetReplicas", t.replicationFactor()).put("state", "ongoing")
                    .put("message", t.reassigning().size() + " partition(s) moving");
        }
    }

    private static void userStatus(ObjectNode status, UserSpec user) {
        status.put("username", user.authentication().equals("tls") ? "CN=" + user.name() : user.name());
        String secret = user.authentication().equals("tls") ? user.name()
                : user.passwordRef().map(r -> r.name()).orElse(user.generatedPassword() ? user.name() : null);
        if (secret != null) status.put("secret", secret);
    }

    /** A condition whose status and reason did not change keeps the time it last changed. */
    private void keepTransitionTimes(ObjectNode status, JsonNode current) {
        String now = clock.instant().toString();
        for (JsonNode c : status.path("conditions")) {
            ObjectNode condition = (ObjectNode) c;
            String time = now;
            for (JsonNode old : current.path("conditions")) {
                if (old.path("type").equals(c.path("type")) && old.path("status").equals(c.path("status"))
                        && old.path("reason").equals(c.path("reason")) && old.path("message").equals(c.path("message"))
                        && old.has("lastTransitionTime")) {
                    time = old.path("lastTransitionTime").asString();
                }
            }
            condition.put("lastTransitionTime", time);
        }
    }

    private static String abbreviated(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }
}
