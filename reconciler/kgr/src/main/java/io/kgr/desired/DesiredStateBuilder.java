package io.kgr.desired;

import io.kgr.model.Suggestions;

import io.kgr.manifest.Location;
import io.kgr.model.Labels;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.kgr.manifest.Diagnostic;
import io.kgr.manifest.FieldPath;
import io.kgr.manifest.Manifest;
import io.kgr.manifest.ManifestLoader;
import io.kgr.manifest.Manifests;
import io.kgr.manifest.SchemaCatalog;
import io.kgr.source.Snapshot;
import io.kgr.source.SourceFile;
import tools.jackson.databind.JsonNode;

/**
 * Manifests → the desired state of one cluster, with the checks a single document's schema cannot make:
 * cluster membership, topic name rules, duplicates, config key names, min.insync.replicas against replicas.
 */
public final class DesiredStateBuilder {
    static final String CLUSTER_LABEL = Labels.CLUSTER;
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final int MAX_TOPIC_LENGTH = 249;

    /** The result: a desired state when there were no errors, and all diagnostics either way. */
    public record Result(Optional<DesiredState> state, List<Diagnostic> diagnostics) {
        public boolean ok() {
            return state.isPresent();
        }
    }

    private final Optional<String> defaultCluster;
    private final UserRules userRules;

    /** @param defaultCluster the cluster of manifests without a {@code strimzi.io/cluster} label, and the one to build */
    public DesiredStateBuilder(Optional<String> defaultCluster) {
        this(defaultCluster, SecretResolver.none());
    }

    public DesiredStateBuilder(Optional<String> defaultCluster, SecretResolver secrets) {
        this.defaultCluster = defaultCluster;
        this.userRules = new UserRules(secrets);
    }

    /**
     * The desired state of manifest texts (file name → YAML) as a repository with these files gives it, read with
     * the built-in schemas: for tools and tests that start from YAML rather than from a repository.
     */
    public static Result read(Map<String, String> files) {
        return read(files, Optional.empty());
    }

    /** The same, for the given target cluster (as {@code --cluster} gives it). */
    public static Result read(Map<String, String> files, Optional<String> cluster) {
        List<SourceFile> sources = new ArrayList<>();
        new TreeMap<>(files).forEach((name, text) -> sources.add(new SourceFile(name, text.getBytes(StandardCharsets.UTF_8))));
        Manifests manifests = new ManifestLoader(new SchemaCatalog()).load(new Snapshot("files", "", "", sources));
        return new DesiredStateBuilder(cluster).build(manifests);
    }

    public Result build(Manifests manifests) {
        List<Diagnostic> diagnostics = new ArrayList<>(manifests.diagnostics());
        String cluster = defaultCluster.orElseGet(() -> firstLabelledCluster(manifests));
        Set<String> declaredClusters = new HashSet<>();
        manifests.ofKind("Kafka").forEach(k -> declaredClusters.add(k.name()));
        List<DesiredState.Skipped> skipped = new ArrayList<>();
        Others others = new Others(cluster, declaredClusters, skipped, diagnostics);

        TreeMap<String, TopicSpec> topics = new TreeMap<>();
        List<DesiredState.Held> held = new ArrayList<>();
        Map<String, Manifest> heldOrigins = new TreeMap<>();
        Map<String, Manifest> topicOrigins = new HashMap<>();
        Map<String, String> collisions = new HashMap<>();
        // each manifest on its own, on every core (10,000 topics: ≈ 0.15 s on one core with C1); then, in file order,
        // what depends on the others (a name declared twice, names that collide)
        List<Manifest> ofTopics = ofCluster(manifests.ofKind("KafkaTopic"), cluster, diagnostics, others);
        List<Built> built = ofTopics.parallelStream().map(m -> {
            List<Diagnostic> own = new ArrayList<>(0);
            return new Built(m, topic(m, cluster, own), own);
        }).toList();
        for (Built b : built) {
            Manifest m = b.manifest();
            TopicSpec spec = b.spec();
            diagnostics.addAll(b.diagnostics());
            if (spec == null || !m.schemaValid() || declaredTwice("topic", spec.name(), m, topicOrigins, diagnostics)) {
                continue;
            }
            // Kafka refuses topics whose names differ only by '.' versus '_' (their metrics names collide)
            String other = collisions.putIfAbsent(spec.name().replace('.', '_'), spec.name());
            if (other != null) {
                diagnostics.add(Diagnostic.error(m.start(), "metadata.name", "topic '" + spec.name()
                        + "' collides with topic '" + other + "': Kafka treats '.' and '_' alike in topic names"));
                continue;
            }
            Optional<String> hold = held(m);
            if (hold.isPresent()) {
                held.add(new DesiredState.Held("topic", spec.name(), hold.get(), m.start()));
                heldOrigins.put(spec.name(), m);
                continue;
            }
            topics.put(spec.name(), spec);
        }
        TreeMap<String, UserSpec> users = new TreeMap<>();
        Map<String, Manifest> userOrigins = new HashMap<>();
        for (Manifest m : ofCluster(manifests.ofKind("KafkaUser"), cluster, diagnostics, others)) {
            UserSpec user = userRules.user(m, diagnostics);
            if (user == null || declaredTwice("user", user.name(), m, userOrigins, diagnostics)) continue;
            Optional<String> hold = held(m);
            if (hold.isPresent()) {
                held.add(new DesiredState.Held("user", user.name(), hold.get(), m.start()));
                heldOrigins.put("user:" + user.name(), m);
                continue;
            }
            users.put(user.name(), user);
        }
        if (declaredClusters.size() > 1) sameNameInOneNamespace(manifests, diagnostics);
        Optional<ClusterSpec> kafka = ClusterSpecBuilder.build(manifests, Optional.ofNullable(cluster), diagnostics);
        kafka.ifPresent(k -> againstTheCluster(k, topics, topicOrigins, users, userOrigins, diagnostics));
        if (cluster != null) nothingForTheTarget(manifests, cluster, topics.isEmpty() && users.isEmpty(), skipped, diagnostics);
        diagnostics.sort(Diagnostic.ORDER);
        boolean failed = diagnostics.stream().anyMatch(Diagnostic::isError);
        if (failed) return new Result(Optional.empty(), diagnostics);
        String name = cluster != null ? cluster : kafka.map(ClusterSpec::name).orElse("");
        List<DesiredState.Declared> declared = new ArrayList<>(declared(manifests, kafka, topics, topicOrigins, users, userOrigins));
        heldOrigins.values().forEach(m -> declared.add(declared(m))); // their mirrors show Git's annotation
        return new Result(Optional.of(new DesiredState(name, topics, users, kafka, skipped, declared, held)), diagnostics);
    }

    /**
     * Strimzi's annotations that leave a resource alone: {@code strimzi.io/managed: "false"} (the Topic and User
     * Operators') and {@code strimzi.io/pause-reconciliation: "true"} (every operator's).
     */
    private static Optional<String> held(Manifest m) {
        JsonNode annotations = m.body().path("metadata").path("annotations");
        if ("false".equals(annotations.path("strimzi.io/managed").asString(""))) return Optional.of("strimzi.io/managed: \"false\"");
        if ("true".equals(annotations.path("strimzi.io/pause-reconciliation").asString(""))) {
            return Optional.of("strimzi.io/pause-reconciliation: \"true\"");
        }
        return Optional.empty();
    }

    /** The manifests that became the cluster's desired state, as written: Kafka, its pools, topics, users. */
    private static List<DesiredState.Declared> declared(Manifests manifests, Optional<ClusterSpec> kafka,
                                                        Map<String, TopicSpec> topics, Map<String, Manifest> topicOrigins,
                                                        Map<String, UserSpec> users, Map<String, Manifest> userOrigins) {
        List<DesiredState.Declared> out = new ArrayList<>();
        kafka.ifPresent(k -> {
            manifests.ofKind("Kafka").stream().filter(m -> m.name().equals(k.name())).findFirst()
                    .ifPresent(m -> out.add(declared(m)));
            Set<String> pools = new HashSet<>();
            k.pools().forEach(p -> pools.add(p.name()));
            manifests.ofKind("KafkaNodePool").stream().filter(m -> pools.contains(m.name())
                    && k.name().equals(label(m))).forEach(m -> out.add(declared(m)));
        });
        topics.keySet().forEach(t -> out.add(declared(topicOrigins.get(t))));
        users.keySet().forEach(u -> out.add(declared(userOrigins.get(u))));
        return out;
    }

    private static DesiredState.Declared declared(Manifest m) {
        return new DesiredState.Declared(m.kind(), m.name(), m.file(), m.body());
    }

    /**
     * A target that the repository says nothing of, while it declares other clusters, is a wrong target (a cluster
     * name that differs from Git's), not an empty cluster: planning it would find nothing to do for ever, or prune.
     * Manifests skipped because they are another declared cluster's are said once per cluster in the run's result.
     */
    private static void nothingForTheTarget(Manifests manifests, String cluster, boolean noTopicsNorUsers,
                                            List<DesiredState.Skipped> skipped, List<Diagnostic> diagnostics) {
        Map<String, DesiredState.Skipped> firstOf = new TreeMap<>();
        Map<String, Integer> countOf = new TreeMap<>();
        for (DesiredState.Skipped s : skipped) {
            if (!s.declared()) continue;
            firstOf.putIfAbsent(s.cluster(), s);
            countOf.merge(s.cluster(), 1, Integer::sum);
        }
        Set<String> kafkas = new TreeSet<>();
        manifests.ofKind("Kafka").forEach(k -> kafkas.add(k.name()));
        boolean poolsForIt = manifests.ofKind("KafkaNodePool").stream().anyMatch(p -> cluster.equals(label(p)));
        if (noTopicsNorUsers && !kafkas.contains(cluster) && !poolsForIt && (!kafkas.isEmpty() || !firstOf.isEmpty())) {
            Set<String> declared = new TreeSet<>(kafkas);
            declared.addAll(firstOf.keySet());
            Manifest first = !manifests.ofKind("Kafka").isEmpty() ? manifests.ofKind("Kafka").get(0) : null;
            Location at = first != null ? first.start() : firstOf.values().iterator().next().label();
            diagnostics.add(Diagnostic.error(at, labelsPath().child(CLUSTER_LABEL).toString(), "nothing in the repository is for"
                    + " cluster '" + cluster + "': it declares " + declared + "; give the cluster name Git uses (--cluster,"
                    + " or the source's cluster in kgr.yaml), or label the manifests for '" + cluster + "'"));
            return;
        }
        firstOf.forEach((other, s) -> diagnostics.add(Diagnostic.warning(s.label(), labelsPath().child(CLUSTER_LABEL).toString(),
                countOf.get(other) + " manifest(s) of cluster '" + other + "' (declared in this repository) are not for"
                        + " the target cluster '" + cluster + "'; skipped")));
    }

    /** One topic manifest read on its own: its spec (null: it has errors) and what was found wrong with it. */
    private record Built(Manifest manifest, TopicSpec spec, List<Diagnostic> diagnostics) {
    }

    /** Without --cluster, the first labelled manifest (topics, then users, in file order) names the cluster. */
    /**
     * The cluster to build when none is given: the first a topic or user is labelled for among the clusters the
     * repository declares (a label with a typo never becomes the target), else the only declared one, else the first
     * label.
     */
    private static String firstLabelledCluster(Manifests manifests) {
        List<Manifest> all = new ArrayList<>(manifests.ofKind("KafkaTopic"));
        all.addAll(manifests.ofKind("KafkaUser"));
        Set<String> kafkas = new TreeSet<>();
        manifests.ofKind("Kafka").forEach(k -> kafkas.add(k.name()));
        Optional<String> declared = all.stream().map(DesiredStateBuilder::label).filter(Objects::nonNull)
                .filter(kafkas::contains).findFirst();
        if (declared.isPresent()) return declared.get();
        if (kafkas.size() == 1) return kafkas.iterator().next();
        return all.stream().map(DesiredStateBuilder::label).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /**
     * What the repository alone proves wrong once it declares the cluster: more replicas (or a higher
     * {@code min.insync.replicas}) than the cluster has brokers (errors), users with ACLs on a cluster without an
     * authorizer (errors: the plan would refuse them), and users whose authentication no listener accepts (a warning).
     */
    private static void againstTheCluster(ClusterSpec k, Map<String, TopicSpec> topics, Map<String, Manifest> topicOrigins,
                                          Map<String, UserSpec> users, Map<String, Manifest> userOrigins,
                                          List<Diagnostic> diagnostics) {
        int brokers = k.pools().stream().filter(ClusterSpec.Pool::isBroker).mapToInt(ClusterSpec.Pool::replicas).sum();
        if (brokers > 0) {
            for (TopicSpec t : topics.values()) {
                Manifest m = topicOrigins.get(t.name());
                if (m == null) continue;
                if (t.replicas() != null && t.replicas() > brokers) {
                    FieldPath at = FieldPath.ROOT.child("spec").child("replicas");
                    diagnostics.add(Diagnostic.error(m.at(at), at.toString(), "replicas " + t.replicas() + " is more than the "
                            + brokers + " broker(s) cluster " + k.name() + " declares (its KafkaNodePools with the broker"
                            + " role); lower replicas to at most " + brokers + ", or add brokers"));
                }
                String minIsr = t.config().get("min.insync.replicas");
                if (minIsr != null && minIsr.matches("\\d+") && Integer.parseInt(minIsr) > brokers) {
                    FieldPath at = FieldPath.ROOT.child("spec").child("config").child("min.insync.replicas");
                    diagnostics.add(Diagnostic.error(m.at(at), at.toString(), "min.insync.replicas " + minIsr + " is more than"
                            + " the " + brokers + " broker(s) cluster " + k.name() + " declares: no write with acks=all"
                            + " could succeed; lower it to at most " + brokers));
                }
            }
        }
        boolean authorizer = k.authorization().isPresent() || k.config().containsKey("authorizer.class.name");
        for (UserSpec u : users.values()) {
            Manifest m = userOrigins.get(u.name());
            if (authorizer || u.acls().isEmpty() || m == null) continue;
            // the plan would refuse it (ACLs can be neither read nor written without an authorizer), and with it the run
            FieldPath at = FieldPath.ROOT.child("spec").child("authorization");
            diagnostics.add(Diagnostic.error(m.at(at), at.toString(), "user " + u.name() + " declares ACLs, but cluster "
                    + k.name() + " has no authorizer (its Kafka sets no spec.kafka.authorization): add authorization:"
                    + " {type: simple} to the Kafka, or remove the user's authorization"));
        }
        Set<String> accepted = new TreeSet<>();
        k.listeners().forEach(l -> l.authentication().ifPresent(accepted::add));
        for (UserSpec u : users.values()) {
            String auth = u.authentication();
            boolean ok = switch (auth) {
                case "tls" -> accepted.contains("tls");
                case "scram-sha-512" -> accepted.contains("scram-sha-512");
                default -> true; // tls-external, or none: nothing a listener of kgr's checks
            };
            Manifest m = userOrigins.get(u.name());
            if (ok || m == null) continue;
            FieldPath at = FieldPath.ROOT.child("spec").child("authentication").child("type");
            // a warning, not an error: Strimzi issues such a user's credential all the same, and repositories that
            // work with Strimzi today keep working; the user cannot log in until a listener accepts it
            diagnostics.add(Diagnostic.warning(m.at(at), at.toString(), "user " + u.name() + " authenticates with " + auth
                    + ", but no listener of cluster " + k.name() + " accepts it (listeners: " + k.listeners().stream()
                    .map(l -> l.name() + "=" + l.authentication().orElse("none")).toList() + "); add a listener with"
                    + " authentication: {type: " + auth + "}, or change the user's authentication"));
        }
    }

    /** The manifests of {@code cluster}; others' are skipped, unlabelled ones without --cluster are errors. */
    private List<Manifest> ofCluster(List<Manifest> manifests, String cluster, List<Diagnostic> diagnostics, Others others) {
        List<Manifest> mine = new ArrayList<>();
        // the labels are looked up on every core: three map lookups a manifest, in trees spread over the heap, were a
        // quarter of the desired state of 10,000 topics on one core
        List<String> owners = manifests.parallelStream().map(this::clusterOf).toList();
        for (int i = 0; i < manifests.size(); i++) {
            Manifest m = manifests.get(i);
            String own = owners.get(i);
            if (own == null) {
                diagnostics.add(Diagnostic.error(m.at(labelsPath()), labelsPath().child(CLUSTER_LABEL).toString(),
                        "label " + CLUSTER_LABEL + " is missing and no --cluster was given"));
            } else if (own.equals(cluster)) {
                mine.add(m);
            } else {
                others.skip(m, own);
            }
        }
        return mine;
    }

    /**
     * Manifests labelled for another cluster are skipped; when no Kafka manifest declares that cluster and it is not
     * the target either, the label is most likely a typo, and a typo must not silently empty the desired state.
     */
    private record Others(String target, Set<String> declared, List<DesiredState.Skipped> skipped,
                          List<Diagnostic> diagnostics) {
        void skip(Manifest m, String cluster) {
            FieldPath labelPath = labelsPath().child(CLUSTER_LABEL);
            Location at = m.positions().of(labelPath);
            boolean known = declared.contains(cluster);
            skipped.add(new DesiredState.Skipped(m.kind(), m.name(), cluster, at, known));
            if (!known) {
                diagnostics.add(Diagnostic.warning(at, labelPath.toString(), m.kind() + " " + m.name()
                        + " is labelled for cluster '" + cluster + "', which no Kafka manifest in the repository declares"
                        + (target == null ? "" : " and which is not the target cluster '" + target + "'")
                        + "; skipped" + Suggestions.closest(cluster, target == null ? declared
                                : Stream.concat(declared.stream(), Stream.of(target)).toList())
                        .map(c -> " (did you mean '" + c + "'?)").orElse("")));
            }
        }
    }

    private static boolean declaredTwice(String kind, String name, Manifest m, Map<String, Manifest> origins,
                                         List<Diagnostic> diagnostics) {
        Manifest first = origins.putIfAbsent(name, m);
        if (first == null) return false;
        diagnostics.add(Diagnostic.error(m.start(), "metadata.name", kind + " '" + name + "' is declared twice: also in "
                + first.file() + ":" + first.start().line()));
        return true;
    }

    /**
     * Two clusters' resources of one kind under one name (and namespace, when the manifests give one): a namespace
     * holds one such object, so where the clusters share a namespace only one of them can be published there (kgr
     * publishes the mirror of whichever it plans first; Strimzi would take only one of them).
     */
    private static void sameNameInOneNamespace(Manifests manifests, List<Diagnostic> diagnostics) {
        for (String kind : List.of("KafkaNodePool", "KafkaTopic", "KafkaUser")) {
            Map<String, Manifest> first = new HashMap<>();
            for (Manifest m : manifests.ofKind(kind)) {
                String cluster = label(m);
                if (cluster == null) continue;
                String key = m.body().path("metadata").path("namespace").asString("") + "/" + m.name();
                Manifest earlier = first.putIfAbsent(key, m);
                if (earlier == null || cluster.equals(label(earlier))) continue;
                diagnostics.add(Diagnostic.warning(m.start(), "metadata.name", kind + " " + m.name() + " of cluster '"
                        + cluster + "' has the name of cluster '" + label(earlier) + "''s, declared at " + earlier.file() + ":"
                        + earlier.start().line() + ": if the two clusters share a namespace, it holds one " + kind + " of"
                        + " that name, so only one of them is published there; give them different names"));
            }
        }
    }

    private static FieldPath labelsPath() {
        return FieldPath.ROOT.child("metadata").child("labels");
    }

    private String clusterOf(Manifest m) {
        String label = label(m);
        return label != null ? label : defaultCluster.orElse(null);
    }

    private static String label(Manifest m) {
        JsonNode label = m.body().path("metadata").path("labels").get(CLUSTER_LABEL);
        return label != null && label.isString() ? label.asString() : null;
    }

    private static TopicSpec topic(Manifest m, String cluster, List<Diagnostic> diagnostics) {
        JsonNode spec = m.body().path("spec");
        FieldPath specPath = FieldPath.ROOT.child("spec");
        String resourceName = m.name();
        boolean explicitName = spec.hasNonNull("topicName");
        String name = explicitName ? spec.get("topicName").asString("") : resourceName;
        FieldPath nameField = explicitName ? specPath.child("topicName") : FieldPath.ROOT.child("metadata").child("name");
        long before = errors(diagnostics);

        String nameProblem = topicNameProblem(name);
        if (nameProblem != null && m.schemaValid()) diagnostics.add(Diagnostic.error(m.at(nameField), nameField.toString(), nameProblem));

        // read defensively: a document with schema errors is still checked here, to report every problem at once
        Integer partitions = spec.path("partitions").isIntegralNumber() ? spec.get("partitions").asInt() : null;
        Integer replicas = spec.path("replicas").isIntegralNumber() ? spec.get("replicas").asInt() : null;

        TreeMap<String, String> config = new TreeMap<>();
        JsonNode configNode = spec.path("config");
        FieldPath configPath = specPath.child("config");
        for (var entry : configNode.properties()) {
            String key = entry.getKey();
            FieldPath keyPath = configPath.child(key);
            if (!TopicConfigKeys.isKnown(key)) {
                String hint = TopicConfigKeys.suggestion(key);
                diagnostics.add(Diagnostic.error(m.positions().ofKey(keyPath), keyPath.toString(),
                        "unknown topic config '" + key + "'" + (hint != null ? " (did you mean '" + hint + "'?)" : "")));
                continue;
            }
            String value = kafkaValue(entry.getValue());
            String valueProblem = TopicConfigKeys.valueProblem(key, value);
            if (valueProblem != null) {
                diagnostics.add(Diagnostic.error(m.at(keyPath), keyPath.toString(), valueProblem));
                continue;
            }
            config.put(key, value);
        }
        if (errors(diagnostics) == before && !config.isEmpty()) {
            String together = TopicConfigKeys.combinationProblem(config);
            if (together != null) diagnostics.add(Diagnostic.error(m.at(configPath), configPath.toString(), together));
        }
        String minIsr = config.get("min.insync.replicas");
        if (minIsr != null && replicas != null) {
            FieldPath isrPath = configPath.child("min.insync.replicas");
            try {
                int isr = Integer.parseInt(minIsr.trim());
                if (isr > replicas) {
                    diagnostics.add(Diagnostic.error(m.at(isrPath), isrPath.toString(), "min.insync.replicas ("
                            + isr + ") is greater than replicas (" + replicas + "): no write with acks=all could succeed"));
                } else if (isr < 1) {
                    diagnostics.add(Diagnostic.error(m.at(isrPath), isrPath.toString(), "min.insync.replicas must be at least 1"));
                }
            } catch (NumberFormatException e) {
                diagnostics.add(Diagnostic.error(m.at(isrPath), isrPath.toString(), "min.insync.replicas must be an integer"));
            }
        }
        if (errors(diagnostics) > before) return null;
        return new TopicSpec(name, resourceName, cluster, partitions, replicas, config, m.start());
    }

    /** Kafka's own topic name rules (org.apache.kafka.common.internals.Topic#validate), with a human message. */
    static String topicNameProblem(String name) {
        if (name.isEmpty()) return "topic name is empty";
        if (name.equals(".") || name.equals("..")) return "topic name cannot be '.' or '..'";
        if (name.length() > MAX_TOPIC_LENGTH) {
            return "topic name is " + name.length() + " characters long; Kafka allows at most " + MAX_TOPIC_LENGTH;
        }
        if (!LEGAL_TOPIC.matcher(name).matches()) {
            return "topic name '" + name + "' has characters Kafka does not allow (only ASCII letters, digits, '.', '_' and '-')";
        }
        return null;
    }

    /** YAML scalars and lists → the string form Kafka's config API takes. */
    static String kafkaValue(JsonNode value) {
        if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(kafkaValue(v)));
            return String.join(",", parts);
        }
        if (value.isIntegralNumber()) { // the common case, without a BigDecimal: the same digits
            return value.canConvertToLong() ? Long.toString(value.longValue()) : value.bigIntegerValue().toString();
        }
        if (value.isNumber()) {
            BigDecimal d = value.decimalValue();
            return d.stripTrailingZeros().scale() <= 0 ? d.toBigInteger().toString() : d.stripTrailingZeros().toPlainString();
        }
        return value.asString();
    }

    static long errors(List<Diagnostic> diagnostics) {
        long errors = 0;
        for (Diagnostic d : diagnostics) {
            if (d.isError()) errors++;
        }
        return errors;
    }
}
