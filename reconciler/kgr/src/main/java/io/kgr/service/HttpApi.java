package io.kgr.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.kgr.render.PlanJson;
import io.kgr.source.GitSource;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP side of the service, on the JDK's own server (a handful of small endpoints needs no framework, and the
 * JDK's server adds no dependency to keep patched): probes, metrics, the status API and Git webhooks.
 */
final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Service service;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Optional<Path> apiTokenFile;

    HttpApi(Service service, ServiceConfig.Server settings) throws IOException {
        this.service = service;
        this.apiTokenFile = settings.apiTokenFile();
        if (apiTokenFile.isPresent()) token(); // a missing or empty token file stops the service at start
        this.server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 64);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "kgr-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    void start() {
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            if (path.startsWith("/hooks/git")) {
                if (!method.equals("POST")) {
                    send(x, 405, "text/plain", "use POST\n");
                    return;
                }
                webhook(x, path.equals("/hooks/git") || path.equals("/hooks/git/") ? ""
                        : path.substring("/hooks/git/".length()));
                return;
            }
            if (path.startsWith("/api/v1/sources/") && path.endsWith("/approve")) {
                approve(x, path.substring("/api/v1/sources/".length(), path.length() - "/approve".length()));
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(x, 405, "text/plain", "use GET\n");
                return;
            }
            if (path.startsWith("/api/") && !authorized(x)) {
                x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"kgr\"");
                send(x, 401, "text/plain", "the status API needs Authorization: Bearer <token> (server.apiTokenFile)\n");
                return;
            }
            Map<String, String> query = query(x.getRequestURI().getRawQuery());
            switch (path) {
                case "/healthz" -> send(x, 200, "text/plain", "ok\n");
                case "/readyz" -> {
                    Optional<String> waiting = service.notReadyBecause();
                    if (waiting.isEmpty()) send(x, 200, "text/plain", "ready\n");
                    else send(x, 503, "text/plain", "not ready: " + waiting.get() + "\n");
                }
                case "/metrics" -> send(x, 200, "text/plain; version=0.0.4; charset=utf-8", service.metrics().scrape());
                case "/api/v1/status" -> send(x, 200, "application/json", JSON.writeValueAsString(status()));
                case "/api/v1/plans/latest" -> latestPlan(x, query.get("source"));
                case "/api/v1/runs" -> runs(x, query.get("source"));
                default -> send(x, 404, "text/plain", "not found: " + path
                        + " (try /healthz, /readyz, /metrics, /api/v1/status, /api/v1/runs, /api/v1/plans/latest)\n");
            }
        } catch (RuntimeException e) {
            log.warn("HTTP {} {}: {}", x.getRequestMethod(), x.getRequestURI().getPath(), e.toString());
            try {
                send(x, 500, "text/plain", "internal error\n");
            } catch (IOException | RuntimeException ignored) {
                // the response may already have started
            }
        }
    }

    /** Whether the request carries the API token (always, when none is configured); compared in constant time. */
    private boolean authorized(HttpExchange x) throws IOException {
        if (apiTokenFile.isEmpty()) return true;
        String header = x.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8),
                token().getBytes(StandardCharsets.UTF_8));
    }

    /** Read on every request, so that a rotated Secret takes effect without a restart. */
    private String token() throws IOException {
        String token = Files.readString(apiTokenFile.get(), StandardCharsets.UTF_8).trim();
        if (token.isEmpty()) throw new IOException("the API token file " + apiTokenFile.get() + " is empty");
        return token;
    }

    private void webhook(HttpExchange x, String sourceName) throws IOException {
        Optional<SourceRunner> runner = sourceName.isEmpty() ? service.onlyWebhookSource() : service.runner(sourceName);
        if (runner.isEmpty()) {
            send(x, 404, "text/plain", sourceName.isEmpty() ? "name the source: POST /hooks/git/<source>\n"
                    : "no source named '" + sourceName + "'\n");
            return;
        }
        ServiceConfig.Source source = runner.get().source();
        if (source.webhookSecretFile().isEmpty()) {
            send(x, 404, "text/plain", "source '" + source.name() + "' has no webhook (set webhook.secretFile)\n");
            return;
        }
        int limit = service.config().server().maxWebhookBytes();
        byte[] body;
        try (InputStream in = x.getRequestBody()) {
            body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                // read the rest (bounded), so that the sender gets the answer rather than a reset connection
                byte[] buffer = new byte[64 * 1024];
                long drained = 0;
                int n;
                while (drained < 16L * limit && (n = in.read(buffer)) > 0) drained += n;
                send(x, 413, "text/plain", "body larger than " + limit + " bytes\n");
                return;
            }
        }
        byte[] secret = Files.readString(source.webhookSecretFile().get(), StandardCharsets.UTF_8).trim()
                .getBytes(StandardCharsets.UTF_8);
        if (secret.length == 0) {
            send(x, 503, "text/plain", "the webhook secret file of source '" + source.name() + "' is empty\n");
            return;
        }
        Webhook.Verdict verdict = Webhook.check(name -> Optional.ofNullable(x.getRequestHeaders().getFirst(name)), body,
                secret, source.ref());
        if (!verdict.trigger()) {
            if (verdict.status() == 401) log.warn("webhook for source {} refused: {}", source.name(), verdict.message());
            send(x, verdict.status(), "text/plain", verdict.message() + "\n");
            return;
        }
        if (!service.leadership().isLeader()) {
            x.getResponseHeaders().add("Retry-After", "5");
            send(x, 503, "text/plain", "this replica is standing by; the leader ("
                    + service.leadership().describe().get("currentLeader") + ") reconciles\n");
            return;
        }
        if (source.suspend()) {
            send(x, 409, "text/plain", "source '" + source.name() + "' is suspended\n");
            return;
        }
        boolean queued;
        try {
            queued = service.scheduling().runNow(source.name(), "webhook");
        } catch (SchedulerException e) {
            send(x, 503, "text/plain", "cannot start a run: " + e.getMessage() + "\n");
            return;
        }
        log.info("webhook for source {}: {}{}", source.name(), verdict.message(), queued ? "; run queued" : "; a run is already queued");
        send(x, 202, "text/plain", verdict.message() + (queued ? "; run queued" : "; a run was already queued") + "\n");
    }

    private ObjectNode status() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode leader = root.putObject("leadership");
        service.leadership().describe().forEach((k, v) -> leader.put(k, String.valueOf(v)));
        root.put("ready", service.notReadyBecause().isEmpty());
        ArrayNode sources = root.putArray("sources");
        for (SourceRunner r : service.runners()) {
            ServiceConfig.Source s = r.source();
            ObjectNode n = sources.addObject();
            n.put("name", s.name());
            n.put("url", GitSource.redact(s.url()));
            n.put("ref", s.ref().orElse("HEAD"));
            n.put("path", s.path());
            n.put("cluster", s.cluster());
            n.put("mode", s.mode().name().toLowerCase(Locale.ROOT));
            n.put("suspended", s.suspend());
            n.put("prune", s.prune());
            n.put("schedule", s.schedule());
            Date next = service.scheduling().nextRun(s.name());
            n.put("nextRun", next == null || !service.scheduling().active() ? null : next.toInstant().toString());
            SourceState state = r.state();
            n.put("lastAppliedCommit", state.lastAppliedCommit().orElse(null));
            n.put("lastSuccess", state.lastSuccess().map(Object::toString).orElse(null));
            Optional<RunRecord> last = state.last();
            n.put("lastAttemptedCommit", last.flatMap(RunRecord::commit).orElse(null));
            if (last.isPresent()) {
                writeRun(n.putObject("lastRun"), last.get());
            } else {
                n.putNull("lastRun");
            }
            state.heldCommit().ifPresent(c -> n.put("heldCommit", c));
            ArrayNode held = n.putArray("held");
            state.held().forEach((step, why) -> held.addObject().put("step", step).put("reason", why));
            ArrayNode unmanaged = n.putArray("unmanaged");
            state.latestPlan().ifPresent(p -> p.unmanaged().forEach(u -> unmanaged.addObject()
                    .put("kind", u.kind()).put("name", u.name()).put("note", u.note())));
        }
        return root;
    }

    /**
     * {@code POST /api/v1/sources/<source>/approve[?commit=SHA]}: approves the held steps of a commit (default: the one
     * whose steps the latest apply held) and starts a run. Needs the API token, as every {@code /api/} call.
     */
    private void approve(HttpExchange x, String sourceName) throws IOException {
        if (!x.getRequestMethod().equals("POST")) {
            send(x, 405, "text/plain", "use POST\n");
            return;
        }
        if (!authorized(x)) {
            x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"kgr\"");
            send(x, 401, "text/plain", "approving needs Authorization: Bearer <token> (server.apiTokenFile)\n");
            return;
        }
        Optional<SourceRunner> runner = service.runners().stream().filter(r -> r.source().name().equals(sourceName)).findFirst();
        if (runner.isEmpty()) {
            send(x, 404, "text/plain", "no source named '" + sourceName + "'\n");
            return;
        }
        String commit = query(x.getRequestURI().getRawQuery()).get("commit");
        if (commit == null) commit = runner.get().state().heldCommit().orElse(null);
        if (commit == null || commit.isBlank()) {
            send(x, 409, "text/plain", "source '" + sourceName + "' holds no steps; name a commit with ?commit=SHA\n");
            return;
        }
        runner.get().state().approve(commit);
        log.info("source {}: commit {} approved through the API", sourceName, commit);
        try {
            service.scheduling().runNow(sourceName, "approval");
        } catch (SchedulerException e) {
            send(x, 503, "text/plain", "approved, but a run cannot start now: " + e.getMessage() + "\n");
            return;
        }
        send(x, 202, "text/plain", "approved commit " + commit + " of source '" + sourceName + "'; run queued\n");
    }

    private static void writeRun(ObjectNode n, RunRecord r) {
        n.put("trigger", r.trigger());
        n.put("startedAt", r.startedAt().toString());
        n.put("durationSeconds", r.took().toMillis() / 1000.0);
        n.put("cpuSeconds", r.cpu().toMillis() / 1000.0);
        n.put("result", r.status().reason());
        n.put("message", r.message());
        n.put("commit", r.commit().orElse(null));
        n.put("drift", r.drift());
        ObjectNode steps = n.putObject("steps");
        new TreeMap<>(r.steps()).forEach(steps::put);
        ObjectNode applied = n.putObject("applied");
        new TreeMap<>(r.applied()).forEach(applied::put);
        ArrayNode refusals = n.putArray("refusals");
        r.refusals().forEach(refusals::add);
        n.put("unmanaged", r.unmanaged());
        ArrayNode diagnostics = n.putArray("diagnostics");
        r.diagnostics().forEach(diagnostics::add);
    }

    private void latestPlan(HttpExchange x, String sourceName) throws IOException {
        Optional<SourceRunner> runner = pick(x, sourceName);
        if (runner.isEmpty()) return;
        var plan = runner.get().state().latestPlan();
        if (plan.isEmpty()) {
            send(x, 404, "text/plain", "source '" + runner.get().source().name() + "' has no plan yet\n");
            return;
        }
        send(x, 200, "application/json", PlanJson.write(plan.get()));
    }

    private void runs(HttpExchange x, String sourceName) throws IOException {
        Optional<SourceRunner> runner = pick(x, sourceName);
        if (runner.isEmpty()) return;
        ArrayNode runs = JSON.createArrayNode();
        for (RunRecord r : runner.get().state().runs()) {
            ObjectNode n = runs.addObject();
            n.put("source", r.source());
            writeRun(n, r);
        }
        send(x, 200, "application/json", JSON.writeValueAsString(runs));
    }

    /** The source a query names; with a single source, the name may be left out. */
    private Optional<SourceRunner> pick(HttpExchange x, String sourceName) throws IOException {
        List<SourceRunner> all = service.runners();
        if (sourceName == null) {
            if (all.size() == 1) return Optional.of(all.get(0));
            send(x, 400, "text/plain", "name the source: ?source=<name> (one of "
                    + String.join(", ", all.stream().map(r -> r.source().name()).toList()) + ")\n");
            return Optional.empty();
        }
        Optional<SourceRunner> r = service.runner(sourceName);
        if (r.isEmpty()) send(x, 404, "text/plain", "no source named '" + sourceName + "'\n");
        return r;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
