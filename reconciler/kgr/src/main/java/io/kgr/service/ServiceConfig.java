package io.kgr.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import org.quartz.CronExpression;

import io.kgr.apply.ApplyOptions;
import io.kgr.manifest.Diagnostic;
import io.kgr.manifest.FieldPath;
import io.kgr.manifest.SafeYaml;
import io.kgr.manifest.SchemaCatalog;
import io.kgr.plan.Policy;
import io.kgr.plan.Risk;
import tools.jackson.databind.JsonNode;

/**
 * The configuration of {@code kgr serve} ({@code schemas/kgr-config.schema.json}). Holds file paths for credentials,
 * never their contents: files are read when a run needs them, so a rotated Secret is picked up without a restart.
 */
public record ServiceConfig(Server server, Path cacheDir, int history, LeaderElection leaderElection,
                            List<Cluster> clusters, List<Source> sources) {

    /** @param apiTokenFile a bearer token /api/v1/* requires, read from this file (mounted from a Secret) */
    public record Server(int port, String bindAddress, int maxWebhookBytes, Optional<Path> apiTokenFile) {
        public Server(int port, String bindAddress, int maxWebhookBytes) {
            this(port, bindAddress, maxWebhookBytes, Optional.empty());
        }
    }

    /** {@code enabled} is "auto" (on inside Kubernetes), "true" or "false". */
    public record LeaderElection(String enabled, String leaseName, Optional<String> namespace, Duration leaseDuration,
                                 Duration renewDeadline, Duration retryPeriod) {
    }

    public enum KubernetesMode { NONE, IN_CLUSTER, KUBECONFIG }

    public record Cluster(String name, Optional<String> namespace, KubernetesMode kubernetes, Optional<Path> kubeconfig,
                          Optional<String> context, Optional<String> bootstrapServers, Optional<Path> kafkaPropertiesFile,
                          Duration timeout, Optional<Path> secretsDir, long replicationThrottle) {
    }

    public enum Mode { APPLY, PLAN }

    public record Source(String name, String url, Optional<String> ref, String path, String cluster, String schedule,
                         int jitterSeconds, Mode mode, boolean suspend, boolean prune, List<String> protect,
                         Optional<Path> tokenFile, Optional<Path> sshKeyFile, Optional<Path> knownHostsFile,
                         Optional<Path> webhookSecretFile, boolean allowMassPrune, int maxPruneShare,
                         List<String> operationalKeys, boolean allowNodeRemoval, Approvals approvals) {
        public Source(String name, String url, Optional<String> ref, String path, String cluster, String schedule,
                      int jitterSeconds, Mode mode, boolean suspend, boolean prune, List<String> protect,
                      Optional<Path> tokenFile, Optional<Path> sshKeyFile, Optional<Path> knownHostsFile,
                      Optional<Path> webhookSecretFile, boolean allowMassPrune, int maxPruneShare,
                      List<String> operationalKeys, boolean allowNodeRemoval) {
            this(name, url, ref, path, cluster, schedule, jitterSeconds, mode, suspend, prune, protect, tokenFile, sshKeyFile,
                    knownHostsFile, webhookSecretFile, allowMassPrune, maxPruneShare, operationalKeys, allowNodeRemoval,
                    Approvals.none());
        }
    }

    public record Result(Optional<ServiceConfig> config, List<Diagnostic> diagnostics) {
        public boolean ok() {
            return config.isPresent();
        }
    }

    public Source source(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no source " + name));
    }

    public Cluster cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cluster " + name));
    }

    public static Result load(Path file) throws IOException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8), file.toAbsolutePath().getParent());
    }

    /**
     * Parses and checks a configuration. Relative file paths are resolved against {@code baseDir} (the config's
     * folder), as a mounted ConfigMap next to mounted Secrets expects.
     */
    public static Result parse(String fileName, String text, Path baseDir) {
        SafeYaml.Result parsed = new SafeYaml().parse(fileName, text);
        List<Diagnostic> diagnostics = new ArrayList<>(parsed.diagnostics());
        if (parsed.documents().size() != 1 && diagnostics.stream().noneMatch(Diagnostic::isError)) {
            diagnostics.add(new Diagnostic(Diagnostic.Severity.ERROR, fileName, 1, 1, "",
                    "expected exactly one YAML document, found " + parsed.documents().size()));
        }
        if (diagnostics.stream().anyMatch(Diagnostic::isError)) return new Result(Optional.empty(), diagnostics);
        SafeYaml.Document doc = parsed.documents().get(0);
        diagnostics.addAll(new SchemaCatalog().validate(SchemaCatalog.SERVICE_CONFIG, doc));
        if (diagnostics.stream().anyMatch(Diagnostic::isError)) return new Result(Optional.empty(), diagnostics);

        Function<String, Path> file = p -> baseDir == null ? Path.of(p) : baseDir.resolve(p);
        JsonNode root = doc.tree();
        JsonNode s = root.path("server");
        // loopback unless told: the status API describes the clusters, and a pod says 0.0.0.0 in its config
        Server server = new Server(s.path("port").asInt(8080), s.path("bindAddress").asString("127.0.0.1"),
                s.path("maxWebhookBytes").asInt(1024 * 1024), text(s, "apiTokenFile").map(file));
        Path cacheDir = root.has("cacheDir") ? file.apply(root.get("cacheDir").asString())
                : Path.of(System.getProperty("user.home"), ".cache", "kgr", "git");
        JsonNode le = root.path("leaderElection");
        LeaderElection leader = new LeaderElection(le.path("enabled").asString("auto").toLowerCase(Locale.ROOT),
                le.path("leaseName").asString("kgr-leader"), text(le, "namespace"),
                Duration.ofSeconds(le.path("leaseDurationSeconds").asInt(15)),
                Duration.ofSeconds(le.path("renewDeadlineSeconds").asInt(10)),
                Duration.ofSeconds(le.path("retryPeriodSeconds").asInt(2)));

        List<Cluster> clusters = new ArrayList<>();
        for (JsonNode c : root.path("clusters")) {
            JsonNode k = c.path("kubernetes");
            JsonNode kafka = c.path("kafka");
            clusters.add(new Cluster(c.get("name").asString(), text(c, "namespace"),
                    KubernetesMode.valueOf(k.path("mode").asString("none").toUpperCase(Locale.ROOT).replace('-', '_')),
                    text(k, "kubeconfig").map(file), text(k, "context"), text(kafka, "bootstrapServers"),
                    text(kafka, "propertiesFile").map(file), Duration.ofSeconds(kafka.path("timeoutSeconds").asInt(60)),
                    text(c, "secretsDir").map(file), kafka.path("replicationThrottleBytesPerSecond")
                            .asLong(ApplyOptions.DEFAULT_REPLICATION_THROTTLE)));
        }
        List<Source> sources = new ArrayList<>();
        for (JsonNode src : root.path("sources")) {
            JsonNode auth = src.path("auth");
            List<String> protect = new ArrayList<>();
            src.path("protect").forEach(p -> protect.add(p.asString()));
            String url = src.get("url").asString();
            // a local path is relative to the config file, like every other path in it
            if (!url.contains("://") && !url.matches("^[\\w.-]+@[\\w.-]+:.+")) url = file.apply(url).toString();
            sources.add(new Source(src.get("name").asString(), url, text(src, "ref"), src.path("path").asString(""),
                    src.get("cluster").asString(), src.path("schedule").asString("0 */5 * * * ?"),
                    src.path("jitterSeconds").asInt(0),
                    Mode.valueOf(src.path("mode").asString("apply").toUpperCase(Locale.ROOT)),
                    src.path("suspend").asBoolean(false), src.path("prune").asBoolean(false), protect,
                    text(auth, "tokenFile").map(file), text(auth, "sshKeyFile").map(file),
                    text(auth, "knownHostsFile").map(file), text(src.path("webhook"), "secretFile").map(file),
                    src.path("allowMassPrune").asBoolean(false),
                    src.path("maxPruneShare").asInt(Policy.DEFAULT_MAX_PRUNE_SHARE), strings(src.path("operationalKeys")),
                    src.path("allowNodeRemoval").asBoolean(false), approvals(src.path("approvals"))));
        }
        diagnostics.addAll(crossCheck(doc, clusters, sources));
        if (diagnostics.stream().anyMatch(Diagnostic::isError)) return new Result(Optional.empty(), diagnostics);
        return new Result(Optional.of(new ServiceConfig(server, cacheDir, root.path("history").asInt(20), leader,
                List.copyOf(clusters), List.copyOf(sources))), diagnostics);
    }

    private static Approvals approvals(JsonNode node) {
        Set<Risk> hold = new HashSet<>();
        node.path("hold").forEach(r -> hold.add(Risk.valueOf(r.asString().toUpperCase(Locale.ROOT))));
        List<Approvals.Window> windows = new ArrayList<>();
        for (JsonNode w : node.path("windows")) {
            Duration d;
            try {
                d = Duration.parse(w.path("duration").asString("PT1H"));
            } catch (java.time.format.DateTimeParseException e) {
                d = Duration.ZERO; // reported by the cross-check
            }
            windows.add(new Approvals.Window(w.path("start").asString(""), d));
        }
        return new Approvals(hold, windows);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asString()));
        return List.copyOf(out);
    }

    private static List<Diagnostic> crossCheck(SafeYaml.Document doc, List<Cluster> clusters, List<Source> sources) {
        List<Diagnostic> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < clusters.size(); i++) {
            if (!seen.add(clusters.get(i).name())) {
                out.add(error(doc, FieldPath.ROOT.child("clusters").index(i).child("name"),
                        "cluster '" + clusters.get(i).name() + "' is defined twice"));
            }
        }
        Map<String, Cluster> byName = clusters.stream().collect(Collectors.toMap(Cluster::name, c -> c, (a, b) -> a));
        Set<String> sourceNames = new HashSet<>();
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            FieldPath at = FieldPath.ROOT.child("sources").index(i);
            if (!sourceNames.add(s.name())) {
                out.add(error(doc, at.child("name"), "source '" + s.name() + "' is defined twice"));
            }
            Cluster cluster = byName.get(s.cluster());
            if (cluster == null) {
                out.add(error(doc, at.child("cluster"), "no cluster named '" + s.cluster() + "' in clusters[] (known: "
                        + String.join(", ", byName.keySet()) + ")"));
            } else if (cluster.bootstrapServers().isEmpty() && cluster.kafkaPropertiesFile().isEmpty()
                    && (cluster.namespace().isEmpty() || cluster.kubernetes() == KubernetesMode.NONE)) {
                // on Kubernetes the cluster's bootstrap Service is found by itself
                out.add(error(doc, FieldPath.ROOT.child("clusters").index(clusters.indexOf(cluster)).child("kafka"),
                        "cluster '" + cluster.name() + "' has neither kafka.bootstrapServers nor kafka.propertiesFile"
                                + " (nor a Kubernetes namespace, where kgr would use its bootstrap Service)"));
            }
            try {
                CronExpression.validateExpression(s.schedule());
            } catch (ParseException e) {
                out.add(error(doc, at.child("schedule"), "not a Quartz cron expression (seconds minutes hours"
                        + " day-of-month month day-of-week, e.g. '0 */5 * * * ?'): " + e.getMessage()));
            }
            if (s.sshKeyFile().isPresent() && !s.url().startsWith("ssh://") && !s.url().matches("^[\\w.-]+@[\\w.-]+:.+")) {
                out.add(error(doc, at.child("auth").child("sshKeyFile"), "an SSH key needs an ssh:// or user@host:path URL"));
            }
            List<Approvals.Window> windows = s.approvals().windows();
            for (int w = 0; w < windows.size(); w++) {
                FieldPath window = at.child("approvals").child("windows").index(w);
                if (!Approvals.validStart(windows.get(w).start())) {
                    out.add(error(doc, window.child("start"), "not a Quartz cron expression (seconds minutes hours"
                            + " day-of-month month day-of-week, in UTC, e.g. '0 0 22 ? * MON-FRI')"));
                }
                if (windows.get(w).duration().isZero() || windows.get(w).duration().isNegative()) {
                    out.add(error(doc, window.child("duration"), "not a positive ISO-8601 duration (e.g. PT2H)"));
                }
            }
            for (int p = 0; p < s.protect().size(); p++) {
                try {
                    Pattern.compile(s.protect().get(p));
                } catch (PatternSyntaxException e) {
                    out.add(error(doc, at.child("protect").index(p), "not a regular expression: " + e.getDescription()));
                }
            }
        }
        return out;
    }

    private static Diagnostic error(SafeYaml.Document doc, FieldPath path, String message) {
        return Diagnostic.error(doc.positions().of(path), path.toString(), message);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isString() ? Optional.of(v.asString()) : Optional.empty();
    }
}
