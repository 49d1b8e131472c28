package io.kgr.desired;

import io.kgr.model.Labels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.kgr.manifest.Diagnostic;
import io.kgr.manifest.FieldPath;
import io.kgr.manifest.Manifest;
import io.kgr.manifest.Manifests;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a cluster's {@code Kafka} and {@code KafkaNodePool} manifests into a {@link ClusterSpec}, with the checks
 * Strimzi makes (and kgr's own): listener names and ports, configuration keys kgr sets itself, KRaft versus ZooKeeper,
 * node pools and their roles, JBOD volume ids. Every problem names file, line and field.
 */
final class ClusterSpecBuilder {
    static final String CLUSTER_LABEL = Labels.CLUSTER;
    /** The Kafka version kgr generates clusters for when {@code spec.kafka.version} is not set. */
    static final String DEFAULT_VERSION = "4.1.0";

    /** Configuration kgr (like Strimzi's operator) sets itself; a key starting with one of these is refused. */
    static final List<String> FORBIDDEN_PREFIXES = List.of("listeners", "advertised.", "broker.", "listener.",
            "host.name", "port", "inter.broker.listener.name", "sasl.", "ssl.", "security.", "password.", "log.dir",
            "zookeeper.connect", "zookeeper.set.acl", "zookeeper.ssl", "zookeeper.clientCnxnSocket", "authorizer.",
            "super.user", "cruise.control.metrics.topic", "cruise.control.metrics.reporter.bootstrap.servers",
            "node.id", "process.roles", "controller.", "metadata.log.dir", "zookeeper.metadata.migration.enable",
            "client.quota.callback.static.");
    /** Exceptions Strimzi allows although a forbidden prefix matches. */
    static final List<String> ALLOWED_EXCEPTIONS = List.of("zookeeper.connection.timeout.ms",
            "sasl.server.max.receive.size", "ssl.cipher.suites", "ssl.protocol", "ssl.enabled.protocols",
            "ssl.secure.random.implementation", "cruise.control.metrics.topic.num.partitions",
            "cruise.control.metrics.topic.replication.factor", "cruise.control.metrics.topic.retention.ms",
            "cruise.control.metrics.topic.auto.create.retries", "cruise.control.metrics.topic.auto.create.timeout.ms",
            "cruise.control.metrics.topic.min.insync.replicas", "controller.quorum.election.backoff.max.ms",
            "controller.quorum.election.timeout.ms", "controller.quorum.fetch.timeout.ms");

    /** Made when a Kafka manifest is first read: a mapper's first start (its date format) is ≈ 5 ms of a cold run. */
    private static final class Mapper {
        static final ObjectMapper JSON = JsonMapper.builder().build();
    }

    private ClusterSpecBuilder() {
    }

    /**
     * The cluster named {@code cluster}, if Git declares one; without a name, the repository's only Kafka. A name that
     * no Kafka has never falls back to another cluster's Kafka (its pods would be made for the wrong target).
     */
    static Optional<ClusterSpec> build(Manifests manifests, Optional<String> cluster, List<Diagnostic> diagnostics) {
        List<Manifest> kafkas = manifests.ofKind("Kafka");
        Map<String, Manifest> byName = new HashMap<>();
        for (Manifest k : kafkas) {
            Manifest first = byName.putIfAbsent(k.name(), k);
            if (first != null) {
                diagnostics.add(Diagnostic.error(k.start(), "metadata.name", "Kafka '" + k.name()
                        + "' is declared twice: also in " + first.file() + ":" + first.start().line()));
            }
        }
        for (Manifest pool : manifests.ofKind("KafkaNodePool")) {
            String owner = pool.body().path("metadata").path("labels").path(CLUSTER_LABEL).asString("");
            if (!owner.isEmpty() && !byName.containsKey(owner) && (cluster.isEmpty() || cluster.get().equals(owner))) {
                diagnostics.add(Diagnostic.error(pool.at(labelPath()), labelPath().toString(),
                        "no Kafka named '" + owner + "' in the repository for this node pool"));
            }
        }
        for (Manifest k : kafkas) {
            // the consent to take a Strimzi-made cluster over in place: any other value would silently not be consent
            JsonNode takeOver = k.body().path("metadata").path("annotations").path("kgr.io/take-over");
            if (!takeOver.isMissingNode() && !"strimzi".equals(takeOver.asString(""))) {
                FieldPath path = FieldPath.ROOT.child("metadata").child("annotations").child("kgr.io/take-over");
                diagnostics.add(Diagnostic.error(k.at(path), path.toString(), "'" + takeOver.asString("") + "' is not a"
                        + " takeover kgr knows: the only value is 'strimzi' (take over in place a cluster Strimzi's cluster"
                        + " operator made; see docs/migration.md)"));
            }
        }
        Manifest kafka = cluster.isPresent() ? byName.get(cluster.get()) : kafkas.size() == 1 ? kafkas.get(0) : null;
        if (kafka == null || !kafka.schemaValid()) return Optional.empty();
        List<Manifest> pools = manifests.ofKind("KafkaNodePool").stream()
                .filter(p -> kafka.name().equals(p.body().path("metadata").path("labels").path(CLUSTER_LABEL).asString("")))
                .toList();
        return new Reader(kafka, pools, diagnostics).read();
    }

    private static FieldPath labelPath() {
        return FieldPath.ROOT.child("metadata").child("labels").child(CLUSTER_LABEL);
    }

    private static final class Reader {
        private final Manifest kafka;
        private final List<Manifest> poolManifests;
        private final List<Diagnostic> diagnostics;
        private final JsonNode spec;
        private boolean failed;

        Reader(Manifest kafka, List<Manifest> pools, List<Diagnostic> diagnostics) {
            this.kafka = kafka;
            this.poolManifests = pools;
            this.diagnostics = diagnostics;
            this.spec = kafka.body().path("spec");
        }

        Optional<ClusterSpec> read() {
            JsonNode k = spec.path("kafka");
            String version = k.path("version").asString(DEFAULT_VERSION);
            boolean kafka4 = compareVersions(version, "4.0.0") >= 0;
            boolean kraftAnnotation = "enabled".equals(annotation(kafka, "strimzi.io/kraft"));
            boolean kraft = kafka4 || kraftAnnotation;
            FieldPath kafkaPath = FieldPath.ROOT.child("spec").child("kafka");

            if (kafka4 && spec.has("zookeeper")) {
                error(FieldPath.ROOT.child("spec").child("zookeeper"), "Kafka " + version + " has no ZooKeeper mode:"
                        + " remove spec.zookeeper and declare KafkaNodePools with the controller role");
            }
            if (!kraft && !spec.has("zookeeper")) {
                error(FieldPath.ROOT.child("spec"), "a Kafka " + version + " cluster without KRaft needs spec.zookeeper"
                        + " (or the annotation strimzi.io/kraft: enabled and node pools with the controller role)");
            }
            for (String ignored : List.of("entityOperator", "cruiseControl", "kafkaExporter")) {
                if (spec.has(ignored)) {
                    warn(FieldPath.ROOT.child("spec").child(ignored), "spec." + ignored + " is ignored: "
                            + (ignored.equals("entityOperator") ? "kgr manages topics and users itself" : "kgr does not deploy it"));
                }
            }
            if (k.has("rack")) {
                warn(kafkaPath.child("rack"), "rack awareness is not supported yet: broker.rack is not set");
            }
            // Strimzi's fields kgr does not use yet: read past, said (the schema refuses fields Strimzi does not have)
            for (String unused : List.of("maintenanceTimeWindows", "jmxTrans")) {
                if (spec.has(unused)) warn(FieldPath.ROOT.child("spec").child(unused), "spec." + unused + " is ignored"
                        + (unused.equals("maintenanceTimeWindows") ? ": kgr serve's approvals.windows hold disruptive steps" : ""));
            }
            for (String unused : List.of("brokerRackInitImage", "livenessProbe", "readinessProbe", "jmxOptions", "metricsConfig",
                    "logging", "tieredStorage", "quotas")) {
                if (k.has(unused)) warn(kafkaPath.child(unused), "spec.kafka." + unused + " is not supported yet: ignored"
                        + (unused.endsWith("Probe") ? " (kgr's brokers are ready when their broker state says they run)" : ""));
            }
            unusedTemplates(k.path("template"), kafkaPath.child("template"), "spec.kafka.template.");
            List<ClusterSpec.Listener> listeners = listeners(k.path("listeners"), kafkaPath.child("listeners"));
            TreeMap<String, String> config = config(k.path("config"), kafkaPath.child("config"));
            List<ClusterSpec.Pool> pools = pools(k, kraft, kafkaPath);
            Optional<ClusterSpec.ZooKeeper> zookeeper = Optional.empty();
            if (!kraft && spec.has("zookeeper")) {
                JsonNode zk = spec.path("zookeeper");
                zookeeper = Optional.of(new ClusterSpec.ZooKeeper(zk.path("replicas").asInt(3),
                        storage(zk.path("storage"), FieldPath.ROOT.child("spec").child("zookeeper").child("storage"), false)));
            }
            String image = k.path("image").asString("apache/kafka:" + version);
            for (ClusterSpec.Pool p : pools) {
                String longest = kafka.name() + "-" + p.name() + "-" + 99999;
                if (longest.length() > 63) {
                    error(FieldPath.ROOT.child("metadata").child("name"), "pod names " + kafka.name() + "-" + p.name()
                            + "-<id> would be longer than 63 characters: shorten the cluster or pool name");
                }
            }
            Optional<ClusterSpec.Authorization> authorization = Optional.empty();
            JsonNode authz = k.path("authorization");
            if (authz.isObject()) {
                String type = authz.path("type").asString("");
                if (type.equals("simple")) {
                    List<String> superUsers = new ArrayList<>();
                    authz.path("superUsers").forEach(u -> superUsers.add(u.asString()));
                    authorization = Optional.of(new ClusterSpec.Authorization(superUsers));
                } else {
                    error(kafkaPath.child("authorization").child("type"), "authorization " + type
                            + " is not supported yet (simple: Kafka's own ACLs)");
                }
            }
            ClusterSpec.Ca clusterCa = ca(spec.path("clusterCa"), FieldPath.ROOT.child("spec").child("clusterCa"));
            ClusterSpec.Ca clientsCa = ca(spec.path("clientsCa"), FieldPath.ROOT.child("spec").child("clientsCa"));
            if (failed) return Optional.empty();
            return Optional.of(new ClusterSpec(kafka.name(), text(kafka.body().path("metadata").path("namespace")), version,
                    text(k.path("metadataVersion")), image, kraft, listeners, config, pools, zookeeper,
                    text(k.path("rack").path("topologyKey")), plain(k.path("template").path("pod")), authorization,
                    clusterCa, clientsCa));
        }

        /** {@code spec.clusterCa} or {@code spec.clientsCa}, with Strimzi's defaults (365 days, renewed 30 days before). */
        private ClusterSpec.Ca ca(JsonNode ca, FieldPath at) {
            ClusterSpec.Ca d = ClusterSpec.Ca.DEFAULT;
            int validity = ca.path("validityDays").asInt(d.validityDays());
            int renewal = ca.path("renewalDays").asInt(d.renewalDays());
            if (renewal >= validity) {
                error(at.child("renewalDays"), "renewalDays (" + renewal + ") must be shorter than validityDays (" + validity
                        + "): the CA would always be due for renewal");
            }
            return new ClusterSpec.Ca(ca.path("generateCertificateAuthority").asBoolean(true), validity, renewal,
                    ca.path("certificateExpirationPolicy").asString(d.policy()));
        }

        private List<ClusterSpec.Listener> listeners(JsonNode list, FieldPath at) {
            List<ClusterSpec.Listener> out = new ArrayList<>();
            Map<String, Integer> names = new HashMap<>();
            Map<Integer, Integer> ports = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode l = list.get(i);
                FieldPath p = at.index(i);
                String name = l.path("name").asString();
                int port = l.path("port").asInt();
                String type = l.path("type").asString();
                Integer other = names.putIfAbsent(name, i);
                if (other != null) error(p.child("name"), "listener name '" + name + "' is used twice (also listeners[" + other + "])");
                other = ports.putIfAbsent(port, i);
                if (other != null) error(p.child("port"), "port " + port + " is used twice (also listeners[" + other + "])");
                if (port == 9404 || port == 9999) {
                    error(p.child("port"), "port " + port + " is reserved (" + (port == 9404 ? "metrics" : "JMX") + ")");
                }
                if (type.equals("route") || type.equals("ingress")) {
                    error(p.child("type"), "listener type " + type + " is not supported yet (use nodeport or loadbalancer)");
                }
                Optional<String> auth = text(l.path("authentication").path("type"));
                if (auth.isPresent() && !auth.get().equals("scram-sha-512") && !auth.get().equals("tls")) {
                    error(p.child("authentication").child("type"), "authentication " + auth.get() + " is not supported yet"
                            + " (scram-sha-512 or tls)");
                }
                if (auth.isPresent() && auth.get().equals("tls") && !l.path("tls").asBoolean(false)) {
                    error(p.child("authentication").child("type"), "tls authentication needs tls: true on the listener");
                }
                List<String> alternativeNames = new ArrayList<>();
                l.path("configuration").path("bootstrap").path("alternativeNames").forEach(n -> alternativeNames.add(n.asString()));
                TreeMap<Integer, String> advertised = new TreeMap<>();
                JsonNode brokers = l.path("configuration").path("brokers");
                for (int b = 0; b < brokers.size(); b++) {
                    JsonNode broker = brokers.get(b);
                    if (broker.has("broker") && broker.path("advertisedHost").isString()) {
                        advertised.put(broker.path("broker").asInt(), broker.path("advertisedHost").asString());
                    }
                }
                out.add(new ClusterSpec.Listener(name, port, type, l.path("tls").asBoolean(false), auth, alternativeNames,
                        advertised));
            }
            return out;
        }

        private TreeMap<String, String> config(JsonNode config, FieldPath at) {
            TreeMap<String, String> out = new TreeMap<>();
            for (var e : config.properties()) {
                String key = e.getKey();
                boolean forbidden = FORBIDDEN_PREFIXES.stream().anyMatch(key::startsWith)
                        && ALLOWED_EXCEPTIONS.stream().noneMatch(key::equals);
                if (forbidden) {
                    error(at.child(key), "'" + key + "' is set by kgr itself (listeners, security, storage, roles and"
                            + " node ids come from the Kafka and KafkaNodePool specs) and cannot be configured");
                    continue;
                }
                JsonNode v = e.getValue();
                String value = v.isString() ? v.asString() : v.toString();
                String problem = BrokerConfigKeys.valueProblem(key, value);
                if (problem != null) {
                    error(at.child(key), problem);
                    continue;
                }
                out.put(key, value);
            }
            return out;
        }

        private List<ClusterSpec.Pool> pools(JsonNode k, boolean kraft, FieldPath kafkaPath) {
            List<ClusterSpec.Pool> out = new ArrayList<>();
            if (poolManifests.isEmpty()) {
                if (kraft) {
                    error(FieldPath.ROOT.child("spec"), "a KRaft cluster needs KafkaNodePools labelled "
                            + CLUSTER_LABEL + ": " + kafka.name() + " (at least one pool with the controller role)");
                    return out;
                }
                if (!k.has("replicas") || !k.has("storage")) {
                    error(kafkaPath, "without node pools, spec.kafka.replicas and spec.kafka.storage are required");
                    return out;
                }
                out.add(new ClusterSpec.Pool("kafka", EnumSet.of(ClusterSpec.Role.BROKER), k.path("replicas").asInt(),
                        storage(k.path("storage"), kafkaPath.child("storage"), false), plain(k.path("resources")),
                        plain(k.path("jvmOptions")), plain(k.path("template").path("pod")), Optional.empty(), Optional.empty(),
                        k.path("template").path("podDisruptionBudget").path("maxUnavailable").asInt(1)));
                return out;
            }
            if (k.has("replicas") || k.has("storage")) {
                warn(kafkaPath, "spec.kafka.replicas and spec.kafka.storage are ignored: the node pools define them");
            }
            Map<String, Manifest> seen = new HashMap<>();
            for (Manifest pm : poolManifests) {
                if (!pm.schemaValid()) {
                    failed = true;
                    continue;
                }
                Manifest first = seen.putIfAbsent(pm.name(), pm);
                if (first != null) {
                    diagnostics.add(Diagnostic.error(pm.start(), "metadata.name", "KafkaNodePool '" + pm.name()
                            + "' is declared twice: also in " + first.file() + ":" + first.start().line()));
                    failed = true;
                    continue;
                }
                JsonNode s = pm.body().path("spec");
                EnumSet<ClusterSpec.Role> roles = EnumSet.noneOf(ClusterSpec.Role.class);
                s.path("roles").forEach(r -> roles.add(ClusterSpec.Role.valueOf(r.asString().toUpperCase(Locale.ROOT))));
                if (!kraft && roles.contains(ClusterSpec.Role.CONTROLLER)) {
                    diagnostics.add(Diagnostic.error(pm.at(FieldPath.ROOT.child("spec").child("roles")), "spec.roles",
                            "the controller role needs KRaft, and cluster " + kafka.name() + " uses ZooKeeper"));
                    failed = true;
                }
                ClusterSpec.Storage storage = storageOf(pm, s.path("storage"), roles.contains(ClusterSpec.Role.CONTROLLER));
                unusedTemplates(pm, s.path("template"), FieldPath.ROOT.child("spec").child("template"), "spec.template.");
                // a pool without jvmOptions has the Kafka's (as in Strimzi); resources are the pool's alone
                out.add(new ClusterSpec.Pool(pm.name(), roles, s.path("replicas").asInt(), storage, plain(s.path("resources")),
                        plain(s.has("jvmOptions") ? s.path("jvmOptions") : k.path("jvmOptions")), plain(s.path("template").path("pod")),
                        Optional.ofNullable(annotation(pm, "strimzi.io/next-node-ids")),
                        Optional.ofNullable(annotation(pm, "strimzi.io/remove-node-ids")),
                        // the pool's own budget (kgr's), else the Kafka's (Strimzi's, for the whole cluster), else 1
                        s.path("template").path("podDisruptionBudget").path("maxUnavailable")
                                .asInt(k.path("template").path("podDisruptionBudget").path("maxUnavailable").asInt(1))));
            }
            out.sort(Comparator.comparing(ClusterSpec.Pool::name));
            if (kraft && !failed) {
                if (out.stream().noneMatch(p -> p.isController() && p.replicas() > 0)) {
                    error(FieldPath.ROOT.child("spec"), "no node pool of cluster " + kafka.name()
                            + " has the controller role with replicas > 0: a KRaft cluster needs a controller quorum");
                }
                if (out.stream().noneMatch(p -> p.isBroker() && p.replicas() > 0)) {
                    error(FieldPath.ROOT.child("spec"), "no node pool of cluster " + kafka.name()
                            + " has the broker role with replicas > 0");
                }
            }
            return out;
        }

        private ClusterSpec.Storage storageOf(Manifest pm, JsonNode s, boolean controller) {
            int before = diagnostics.size();
            ClusterSpec.Storage storage = storage(s, FieldPath.ROOT.child("spec").child("storage"), controller);
            // the diagnostics just added name the Kafka's file; they belong to the pool's
            for (int i = before; i < diagnostics.size(); i++) {
                Diagnostic d = diagnostics.get(i);
                var at = pm.at(FieldPath.ROOT.child("spec").child("storage"));
                diagnostics.set(i, new Diagnostic(d.severity(), pm.file(), at.line(), at.column(), d.field(), d.message()));
            }
            return storage;
        }

        private ClusterSpec.Storage storage(JsonNode s, FieldPath at, boolean kraftController) {
            String type = s.path("type").asString("ephemeral");
            List<ClusterSpec.Volume> volumes = new ArrayList<>();
            if (type.equals("jbod")) {
                Map<Integer, Integer> ids = new HashMap<>();
                int metadata = 0;
                for (int i = 0; i < s.path("volumes").size(); i++) {
                    JsonNode v = s.path("volumes").get(i);
                    int id = v.path("id").asInt();
                    Integer other = ids.putIfAbsent(id, i);
                    if (other != null) error(at.child("volumes").index(i).child("id"), "volume id " + id + " is used twice");
                    if ("shared".equals(v.path("kraftMetadata").asString(""))) metadata++;
                    volumes.add(volume(v, Optional.of(id)));
                }
                if (metadata > 1) error(at.child("volumes"), "only one volume can hold the KRaft metadata (kraftMetadata: shared)");
            } else {
                volumes.add(volume(s, Optional.empty()));
            }
            return new ClusterSpec.Storage(type, volumes);
        }

        private static ClusterSpec.Volume volume(JsonNode v, Optional<Integer> id) {
            return new ClusterSpec.Volume(id, v.path("type").asString("ephemeral"), text(v.path("size")),
                    text(v.path("class")), v.path("deleteClaim").asBoolean(false),
                    "shared".equals(v.path("kraftMetadata").asString("")));
        }

        private void error(FieldPath path, String message) {
            diagnostics.add(Diagnostic.error(kafka.at(path), path.toString(), message));
            failed = true;
        }

        private void warn(FieldPath path, String message) {
            diagnostics.add(Diagnostic.warning(kafka.at(path), path.toString(), message));
        }

        /** A template's parts kgr does not use (it uses {@code pod} and {@code podDisruptionBudget}): warned, on {@code m}. */
        private void unusedTemplates(JsonNode template, FieldPath at, String prefix) {
            unusedTemplates(kafka, template, at, prefix);
        }

        private void unusedTemplates(Manifest m, JsonNode template, FieldPath at, String prefix) {
            template.propertyNames().forEach(part -> {
                if (!part.equals("pod") && !part.equals("podDisruptionBudget")) {
                    diagnostics.add(Diagnostic.warning(m.at(at.child(part)), at.child(part).toString(),
                            prefix + part + " is not supported yet: ignored"));
                }
            });
        }
    }

    private static String annotation(Manifest m, String key) {
        JsonNode v = m.body().path("metadata").path("annotations").get(key);
        return v != null && v.isString() ? v.asString() : null;
    }

    private static Optional<String> text(JsonNode node) {
        return node != null && node.isString() ? Optional.of(node.asString()) : Optional.empty();
    }

    /** A JSON subtree as plain maps, lists and scalars (sorted maps: the generated objects are deterministic). */
    static Object plain(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) return null;
        return Mapper.JSON.convertValue(node, Object.class);
    }

    /** Compares dotted versions numerically (4.1.0 > 3.9.1). */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int u = i < x.length ? parse(x[i]) : 0;
            int v = i < y.length ? parse(y[i]) : 0;
            if (u != v) return Integer.compare(u, v);
        }
        return 0;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.replaceAll("[^0-9].*$", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
