package io.kgr.it;

import static io.kgr.it.Manifests.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kgr.service.Service;
import io.kgr.service.ServiceConfig;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code kgr serve} end to end: a real single-broker KRaft cluster shared by the class, a real bare Git repository per
 * test, the service in this JVM, and everything observed over its HTTP API, as an operator would.
 */
class ServeTest {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String HOOK_SECRET = "hook-secret-value";
    static final String NEVER = "0 0 0 1 1 ? 2099";
    static EmbeddedKafka kafka;
    static Admin admin;

    final HttpClient http = HttpClient.newHttpClient();
    @TempDir Path tmp;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(1);
        admin = kafka.admin();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        admin.close();
        kafka.close();
    }

    /** A service watching {@code repo} for cluster "c1"; {@code extra} is added to the source's entry. */
    Service serve(GitRepo repo, String source, String schedule, String extra) throws Exception {
        return serve("{port: 0}", repo, source, schedule, extra);
    }

    Service serve(String server, GitRepo repo, String source, String schedule, String extra) throws Exception {
        Files.writeString(tmp.resolve("hook-secret"), HOOK_SECRET + "\n");
        String yaml = """
                server: %s
                cacheDir: cache
                leaderElection: {enabled: false}
                clusters:
                  - name: c1
                    kafka: {bootstrapServers: "%s", timeoutSeconds: 20}
                sources:
                  - name: %s
                    url: %s
                    ref: main
                    cluster: c1
                    schedule: "%s"
                    webhook: {secretFile: hook-secret}
                %s""".formatted(server, kafka.bootstrapServers(), source, repo.url(), schedule, extra.indent(4));
        Files.writeString(tmp.resolve("kgr.yaml"), yaml);
        ServiceConfig.Result config = ServiceConfig.load(tmp.resolve("kgr.yaml"));
        assertThat(config.diagnostics()).isEmpty();
        return Service.start(config.config().orElseThrow(), Service.Options.defaults());
    }

    HttpResponse<String> get(Service s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> hook(Service s, String source, String body, Map<String, String> headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/hooks/git/" + source))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String sign(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    JsonNode status(Service s, String source) throws Exception {
        for (JsonNode n : JSON.readTree(get(s, "/api/v1/status").body()).path("sources")) {
            if (n.path("name").asString().equals(source)) return n;
        }
        throw new AssertionError("no source " + source + " in status");
    }

    List<JsonNode> runs(Service s, String source) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        JSON.readTree(get(s, "/api/v1/runs?source=" + source).body()).forEach(out::add);
        return out;
    }

    static Set<String> topics() throws Exception {
        return admin.listTopics().names().get();
    }

    static double metric(String scrape, String name, String source) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*source=\"" + Pattern.quote(source)
                + "\"[^}]*} ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void aSignedPushAppliesAtOnceAndUnsignedOrForgedOnesTriggerNothing() throws Exception {
        GitRepo repo = GitRepo.create(tmp.resolve("git"));
        repo.write("topics/a.yaml", topic("hook-a", "c1", 1)).commitAndPush("a");
        try (Service s = serve(repo, "hooks", NEVER, "")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> topics().contains("hook-a"));
            await().atMost(Duration.ofSeconds(10)).until(() -> get(s, "/readyz").statusCode() == 200);
            await().until(() -> runs(s, "hooks").size() == 1);
            assertThat(runs(s, "hooks").get(0).path("trigger").asString()).isEqualTo("startup");

            String commit = repo.write("topics/b.yaml", topic("hook-b", "c1", 2)).commitAndPush("b");
            String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\"}";
            assertThat(hook(s, "hooks", body, Map.of()).statusCode()).isEqualTo(401);
            assertThat(hook(s, "hooks", body, Map.of("X-Hub-Signature-256", sign("wrong", body))).statusCode()).isEqualTo(401);
            assertThat(hook(s, "hooks", body, Map.of("X-Gitlab-Token", "wrong")).statusCode()).isEqualTo(401);
            String dev = "{\"ref\":\"refs/heads/dev\"}";
            assertThat(hook(s, "hooks", dev, Map.of("X-Hub-Signature-256", sign(HOOK_SECRET, dev))).statusCode()).isEqualTo(422);
            assertThat(hook(s, "nope", body, Map.of("X-Hub-Signature-256", sign(HOOK_SECRET, body))).statusCode()).isEqualTo(404);
            String huge = "{\"ref\":\"refs/heads/main\",\"pad\":\"" + "x".repeat(1_100_000) + "\"}";
            assertThat(hook(s, "hooks", huge, Map.of("X-Hub-Signature-256", sign(HOOK_SECRET, huge))).statusCode()).isEqualTo(413);
            Thread.sleep(1500);
            assertThat(runs(s, "hooks")).hasSize(1);
            assertThat(topics()).doesNotContain("hook-b");

            var accepted = hook(s, "hooks", body, Map.of("X-Hub-Signature-256", sign(HOOK_SECRET, body), "X-GitHub-Event", "push"));
            assertThat(accepted.statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> topics().contains("hook-b"));
            await().until(() -> runs(s, "hooks").size() == 2);
            JsonNode run = runs(s, "hooks").get(0);
            assertThat(run.path("trigger").asString()).isEqualTo("webhook");
            assertThat(run.path("result").asString()).isEqualTo("Succeeded");
            assertThat(run.path("commit").asString()).isEqualTo(commit);
            assertThat(run.path("steps").path("create-topic").asInt()).isEqualTo(1);
            assertThat(status(s, "hooks").path("lastAppliedCommit").asString()).isEqualTo(commit);
            JsonNode plan = JSON.readTree(get(s, "/api/v1/plans/latest?source=hooks").body());
            assertThat(plan.path("header").path("commit").asString()).isEqualTo(commit);
            assertThat(get(s, "/metrics").body()).contains("kgr_source_info{commit=\"" + commit + "\",source=\"hooks\"} 1");

            // a burst of pushes is folded: one run at a time, and at most one waiting (sent at once: a push run of an
            // unchanged commit takes only tens of milliseconds, so hooks sent one after another need not overlap)
            var pool = java.util.concurrent.Executors.newFixedThreadPool(5);
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> burst = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                burst.add(pool.submit(() -> {
                    start.await();
                    return hook(s, "hooks", body, Map.of("X-Hub-Signature-256", sign(HOOK_SECRET, body))).statusCode();
                }));
            }
            start.countDown();
            for (var f : burst) assertThat(f.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(202);
            pool.shutdown();
            await().atMost(Duration.ofSeconds(20)).until(() -> runs(s, "hooks").size() >= 3);
            Thread.sleep(3000);
            assertThat(runs(s, "hooks").size()).isBetween(3, 4);
        }
    }

    @Test
    void driftIsRevertedByTheNextScheduledRun() throws Exception {
        GitRepo repo = GitRepo.create(tmp.resolve("git"));
        repo.write("topics/d.yaml", topic("drift-d", "c1", 1, 1, Map.of("retention.ms", 3600000))).commitAndPush("d");
        try (Service s = serve(repo, "drift", "*/2 * * * * ?", "")) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> retention("drift-d").equals(Optional.of("3600000")));
            await().until(() -> status(s, "drift").path("lastAppliedCommit").isString());
            assertThat(metric(get(s, "/metrics").body(), "kgr_drift_detected_total", "drift")).isEqualTo(0.0);

            var resource = new ConfigResource(ConfigResource.Type.TOPIC, "drift-d");
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET)))).all().get();
            assertThat(retention("drift-d")).contains("60000");

            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> retention("drift-d").equals(Optional.of("3600000")));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> metric(get(s, "/metrics").body(), "kgr_drift_detected_total", "drift") >= 1.0);
            String metrics = get(s, "/metrics").body();
            assertThat(metrics).contains("kgr_reconcile_duration_seconds_bucket").contains("jvm_memory_used_bytes");
            assertThat(metric(metrics, "kgr_reconcile_total", "drift")).isGreaterThanOrEqualTo(2.0);
            assertThat(metric(metrics, "kgr_last_success_timestamp_seconds", "drift")).isGreaterThan(1.7e9);
            assertThat(runs(s, "drift")).anySatisfy(r -> {
                assertThat(r.path("drift").asBoolean()).isTrue();
                assertThat(r.path("trigger").asString()).isEqualTo("schedule");
                assertThat(r.path("steps").path("alter-topic-config").asInt()).isEqualTo(1);
            });

            // a commit that only changes a value (no topic or user comes or goes) is recorded as applied too
            repo.write("topics/d.yaml", topic("drift-d", "c1", 1, 1, Map.of("retention.ms", 7200000))).commitAndPush("d longer");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> retention("drift-d").equals(Optional.of("7200000")));

            // the Git server goes away: drift is still corrected, from the commit last fetched and applied
            Files.move(repo.bareDir(), tmp.resolve("git/moved.git"));
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("retention.ms", "120000"), AlterConfigOp.OpType.SET)))).all().get();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> retention("drift-d").equals(Optional.of("7200000")));
            await().atMost(Duration.ofSeconds(10)).until(() -> runs(s, "drift").stream().anyMatch(r ->
                    r.path("message").asString().startsWith("Git does not answer: the last fetched commit was reconciled")
                            && r.path("result").asString().equals("Succeeded") && r.path("drift").asBoolean()));
        }
    }

    @Test
    void aPushPlansWhatItChangedDriftWaitsForTheScheduleAndARemovalReadsEverything() throws Exception {
        GitRepo repo = GitRepo.create(tmp.resolve("git"));
        repo.write("topics/p.yaml", topic("push-p", "c1", 1, 1, Map.of("retention.ms", 3600000)))
                .write("topics/q.yaml", topic("push-q", "c1", 1, 1, Map.of("retention.ms", 3600000)))
                .write("topics/r.yaml", topic("push-r", "c1", 1)).commitAndPush("p q r");
        try (Service s = serve(repo, "pushes", NEVER, "prune: true")) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> retention("push-q").equals(Optional.of("3600000")));
            await().until(() -> runs(s, "pushes").size() == 1);
            // a push reads again what the run before it applied (its observation predates that apply)
            String nothing = "{\"ref\":\"refs/heads/main\"}";
            assertThat(hook(s, "pushes", nothing, Map.of("X-Hub-Signature-256", sign(HOOK_SECRET, nothing))).statusCode()).isEqualTo(202);
            await().until(() -> runs(s, "pushes").size() == 2);
            assertThat(runs(s, "pushes").get(0).path("message").asString()).isEqualTo("no changes");
            // someone changes q behind kgr's back; a push then changes p only
            var q = new ConfigResource(ConfigResource.Type.TOPIC, "push-q");
            admin.incrementalAlterConfigs(Map.of(q, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "60000"),
                    AlterConfigOp.OpType.SET)))).all().get();
            String commit = repo.write("topics/p.yaml", topic("push-p", "c1", 1, 1, Map.of("retention.ms", 7200000)))
                    .commitAndPush("p longer");
            String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\"}";
            assertThat(hook(s, "pushes", body, Map.of("X-Hub-Signature-256", sign(HOOK_SECRET, body))).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> retention("push-p").equals(Optional.of("7200000")));
            await().until(() -> runs(s, "pushes").size() == 3);
            // the push applied what it changed, against the last full observation: q's drift is the schedule's to find
            assertThat(runs(s, "pushes").get(0).path("steps").path("alter-topic-config").asInt()).isEqualTo(1);
            assertThat(retention("push-q")).contains("60000");

            // a push that removes a topic reads everything first (a deletion needs a fresh, full view): q is set right too
            commit = repo.delete("topics/p.yaml").commitAndPush("no p");
            String removal = "{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\"}";
            assertThat(hook(s, "pushes", removal, Map.of("X-Hub-Signature-256", sign(HOOK_SECRET, removal))).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> !topics().contains("push-p"));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> retention("push-q").equals(Optional.of("3600000")));
        }
    }

    @Test
    void aHeldDestructiveStepWaitsForApprovalWhileASafeStepOfTheSamePushApplies() throws Exception {
        GitRepo repo = GitRepo.create(tmp.resolve("git"));
        repo.write("topics/a.yaml", topic("held-a", "c1", 1)).write("topics/b.yaml", topic("held-b", "c1", 1))
                .commitAndPush("a b");
        try (Service s = serve(repo, "held", NEVER, "prune: true\napprovals: {hold: [destructive]}")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> topics().containsAll(List.of("held-a", "held-b")));
            await().until(() -> runs(s, "held").size() == 1);
            String commit = repo.delete("topics/b.yaml").write("topics/c.yaml", topic("held-c", "c1", 1)).commitAndPush("no b, c");
            String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\"}";
            assertThat(hook(s, "held", body, Map.of("X-Hub-Signature-256", sign(HOOK_SECRET, body))).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> topics().contains("held-c"));
            await().until(() -> runs(s, "held").size() == 2);
            // the deletion waits; the creation of the same push is applied, and the run is no failure
            assertThat(topics()).contains("held-b");
            JsonNode run = runs(s, "held").get(0);
            assertThat(run.path("result").asString()).isEqualTo("Succeeded");
            assertThat(run.path("message").asString()).contains("1 held until approved");
            JsonNode status = status(s, "held");
            assertThat(status.path("heldCommit").asString()).isEqualTo(commit);
            assertThat(status.path("held").get(0).path("step").asString()).isEqualTo("delete-topic:held-b");
            assertThat(status.path("held").get(0).path("reason").asString()).contains("wait for an approval");
            assertThat(metric(get(s, "/metrics").body(), "kgr_held_steps", "held")).isEqualTo(1.0);

            // approved: the next run (started by the approval) deletes it
            var approval = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                    + "/api/v1/sources/held/approve")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(approval.statusCode()).as(approval.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> !topics().contains("held-b"));
            await().until(() -> status(s, "held").path("held").isEmpty());
            assertThat(metric(get(s, "/metrics").body(), "kgr_held_steps", "held")).isEqualTo(0.0);
        }
    }

    @Test
    void anApprovalOutlivesTheServiceThatTookIt() throws Exception {
        GitRepo repo = GitRepo.create(tmp.resolve("git"));
        repo.write("topics/k.yaml", topic("kept-k", "c1", 1, 1, Map.of("retention.ms", 86400000))).commitAndPush("k");
        String hold = "approvals: {hold: [destructive]}";
        try (Service s = serve(repo, "kept", NEVER, hold)) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> retention("kept-k").equals(Optional.of("86400000")));
            String commit = repo.write("topics/k.yaml", topic("kept-k", "c1", 1, 1, Map.of("retention.ms", 3600000)))
                    .commitAndPush("a retention cut");
            String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\"}";
            assertThat(hook(s, "kept", body, Map.of("X-Hub-Signature-256", sign(HOOK_SECRET, body))).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(s, "kept").path("heldCommit").asString().equals(commit));
            assertThat(retention("kept-k")).contains("86400000");
            var approval = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                    + "/api/v1/sources/kept/approve")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(approval.statusCode()).as(approval.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> retention("kept-k").equals(Optional.of("3600000")));
        }
        // someone raises the retention again while kgr is being upgraded; the new kgr corrects that drift of the
        // approved commit at once, as the one before it would have: the approval was kept on the cluster
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, "kept-k");
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                new ConfigEntry("retention.ms", "86400000"), AlterConfigOp.OpType.SET)))).all().get();
        try (Service s = serve(repo, "kept", NEVER, hold)) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> retention("kept-k").equals(Optional.of("3600000")));
            await().until(() -> !runs(s, "kept").isEmpty());
            assertThat(status(s, "kept").path("held").isEmpty()).isTrue();
        }
    }

    static Optional<String> retention(String topic) throws Exception {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry e = admin.describeConfigs(List.of(resource)).all().get().get(resource).get("retention.ms");
        return e == null || e.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG ? Optional.empty() : Optional.of(e.value());
    }

    @Test
    void anInvalidCommitIsNotAppliedAndTheLastGoodStateStays() throws Exception {
        GitRepo repo = GitRepo.create(tmp.resolve("git"));
        String good = repo.write("topics/a.yaml", topic("bad-a", "c1", 1)).commitAndPush("good");
        try (Service s = serve(repo, "bad", NEVER, "prune: true")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> topics().contains("bad-a"));
            await().until(() -> good.equals(status(s, "bad").path("lastAppliedCommit").asString()));

            // one commit: a new topic, bad-a removed (prune would delete it), and a broken file
            repo.delete("topics/a.yaml").write("topics/c.yaml", topic("bad-c", "c1", 1))
                    .write("topics/broken.yaml", "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata:\n"
                            + "  name: bad-broken\nspec:\n  partitions: -3\n");
            String bad = repo.commitAndPush("bad");
            String body = "{\"ref\":\"refs/heads/main\"}";
            assertThat(hook(s, "bad", body, Map.of("X-Signature", sign(HOOK_SECRET, body))).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> runs(s, "bad").size() == 2);

            JsonNode st = status(s, "bad");
            assertThat(st.path("lastRun").path("result").asString()).isEqualTo("ValidationFailed");
            assertThat(st.path("lastAttemptedCommit").asString()).isEqualTo(bad);
            assertThat(st.path("lastAppliedCommit").asString()).isEqualTo(good);
            assertThat(st.path("lastRun").path("diagnostics").toString()).contains("topics/broken.yaml:6:").contains("partitions");
            assertThat(topics()).contains("bad-a").doesNotContain("bad-c");
            assertThat(get(s, "/metrics").body()).contains("kgr_reconcile_total{result=\"ValidationFailed\",source=\"bad\"} 1");
        }
    }

    @Test
    void planModeReportsDriftAndChangesNothing() throws Exception {
        GitRepo repo = GitRepo.create(tmp.resolve("git"));
        repo.write("topics/p.yaml", topic("plan-only", "c1", 3)).commitAndPush("p");
        try (Service s = serve(repo, "planner", NEVER, "mode: plan")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> runs(s, "planner").size() == 1);
            JsonNode run = runs(s, "planner").get(0);
            assertThat(run.path("result").asString()).isEqualTo("Succeeded");
            assertThat(run.path("drift").asBoolean()).isTrue();
            assertThat(run.path("steps").path("create-topic").asInt()).isEqualTo(1);
            assertThat(run.path("applied").size()).isZero();
            assertThat(get(s, "/api/v1/plans/latest?source=planner").body()).contains("plan-only");
            assertThat(metric(get(s, "/metrics").body(), "kgr_drift_detected_total", "planner")).isEqualTo(1.0);
            assertThat(get(s, "/metrics").body()).contains("kgr_plan_steps{action=\"create-topic\",source=\"planner\"} 1");
            assertThat(topics()).doesNotContain("plan-only");
        }
    }

    @Test
    void anUnreachableGitServerIsReportedAndRetried() throws Exception {
        String url = "http://127.0.0.1:1/nothing-listens-here.git";
        try (Service s = serveUrl(url)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> runs(s, "gone").size() >= 2);
            List<JsonNode> runs = runs(s, "gone");
            assertThat(runs).allSatisfy(r -> assertThat(r.path("result").asString()).isEqualTo("SourceFailed"));
            assertThat(runs.get(0).path("trigger").asString()).isEqualTo("retry");
            assertThat(runs.get(0).path("message").asString()).contains("127.0.0.1:1");
            assertThat(get(s, "/readyz").statusCode()).isEqualTo(503);
            assertThat(get(s, "/healthz").statusCode()).isEqualTo(200);
        }
    }

    Service serveUrl(String url) throws Exception {
        String yaml = """
                server: {port: 0, bindAddress: 127.0.0.1}
                cacheDir: cache2
                leaderElection: {enabled: false}
                clusters:
                  - name: c1
                    kafka: {bootstrapServers: "%s"}
                sources:
                  - {name: gone, url: "%s", cluster: c1, schedule: "%s"}
                """.formatted(kafka.bootstrapServers(), url, NEVER);
        Files.writeString(tmp.resolve("kgr2.yaml"), yaml);
        return Service.start(ServiceConfig.load(tmp.resolve("kgr2.yaml")).config().orElseThrow(), Service.Options.defaults());
    }

    @Test
    void withLeaderElectionOnlyTheLeaseHolderReconciles() throws Exception {
        var mock = io.kgr.embedded.EmbeddedKubernetes.start("kafka");
        GitRepo repo = GitRepo.create(tmp.resolve("git"));
        repo.write("topics/l.yaml", topic("leader-l", "c1", 1)).commitAndPush("l");
        Path kubeconfig = mock.writeKubeconfig(tmp.resolve("kubeconfig"));
        Files.writeString(tmp.resolve("hook-secret"), HOOK_SECRET);
        Files.writeString(tmp.resolve("kgr.yaml"), """
                server: {port: 0, bindAddress: 127.0.0.1}
                cacheDir: cache
                leaderElection: {enabled: true, namespace: kgr, leaseName: kgr-test, leaseDurationSeconds: 4,
                                 renewDeadlineSeconds: 3, retryPeriodSeconds: 1}
                clusters:
                  - {name: c1, kafka: {bootstrapServers: "%s"}}
                sources:
                  - {name: ha, url: "%s", ref: main, cluster: c1, schedule: "%s", webhook: {secretFile: hook-secret}}
                """.formatted(kafka.bootstrapServers(), repo.url(), NEVER));
        ServiceConfig config = ServiceConfig.load(tmp.resolve("kgr.yaml")).config().orElseThrow();
        Service a = Service.start(config, new Service.Options(Optional.of(true), Optional.of(kubeconfig), Optional.of("replica-a"), Optional.empty()));
        Service b = Service.start(config, new Service.Options(Optional.of(true), Optional.of(kubeconfig), Optional.of("replica-b"), Optional.empty()));
        try {
            var kube = mock.client();
            await().atMost(Duration.ofSeconds(20)).until(() -> a.isLeader() || b.isLeader());
            Service leader = a.isLeader() ? a : b;
            Service follower = leader == a ? b : a;
            String leaderName = leader == a ? "replica-a" : "replica-b";
            await().atMost(Duration.ofSeconds(30)).until(() -> topics().contains("leader-l"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !runs(leader, "ha").isEmpty());
            Thread.sleep(1500); // several renewals: the follower must still stand by
            assertThat(follower.isLeader()).isFalse();
            assertThat(runs(leader, "ha")).isNotEmpty();
            assertThat(runs(follower, "ha")).isEmpty();
            assertThat(kube.leases().inNamespace("kgr").withName("kgr-test").get().getSpec().getHolderIdentity()).isEqualTo(leaderName);
            assertThat(get(follower, "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(follower, "/readyz").statusCode()).isEqualTo(200);
            assertThat(get(follower, "/metrics").body()).contains("jvm_threads_live_threads");
            String body = "{\"ref\":\"refs/heads/main\"}";
            assertThat(hook(follower, "ha", body, Map.of("X-Hub-Signature-256", sign(HOOK_SECRET, body))).statusCode()).isEqualTo(503);
            assertThat(status(follower, "ha").path("nextRun").isNull()).isTrue();

            // the leader goes away: the other replica takes the lease and reconciles what was pushed meanwhile
            repo.write("topics/m.yaml", topic("leader-m", "c1", 1)).commitAndPush("m");
            leader.close();
            await().atMost(Duration.ofSeconds(20)).until(follower::isLeader);
            await().atMost(Duration.ofSeconds(30)).until(() -> topics().contains("leader-m"));
            // the run is recorded once the apply has also read its changes back
            await().atMost(Duration.ofSeconds(30)).until(() -> !runs(follower, "ha").isEmpty());
            assertThat(runs(follower, "ha").get(0).path("trigger").asString()).isEqualTo("startup");
        } finally {
            a.close();
            b.close();
            mock.close();
        }
    }

    @Test
    void sigtermDuringARunLetsItFinishItsStepAndExitsZero() throws Exception {
        GitRepo repo = GitRepo.create(tmp.resolve("git"));
        for (int i = 0; i < 300; i++) repo.write("topics/t" + i + ".yaml", topic("term-" + i, "c1", 2));
        repo.commitAndPush("many");
        Files.writeString(tmp.resolve("kgr.yaml"), """
                server: {port: 0, bindAddress: 127.0.0.1}
                cacheDir: cache
                leaderElection: {enabled: false}
                clusters:
                  - {name: c1, kafka: {bootstrapServers: "%s"}}
                sources:
                  - {name: term, url: "%s", ref: main, cluster: c1, schedule: "%s"}
                """.formatted(kafka.bootstrapServers(), repo.url(), NEVER));
        Process p = new ProcessBuilder("java", "-jar", System.getProperty("kgr.jar"), "serve", "--config",
                tmp.resolve("kgr.yaml").toString(), "--log-format", "json", "--shutdown-grace", "60")
                .redirectErrorStream(true).start();
        List<String> lines = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Thread reader = new Thread(() -> new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8)).lines().forEach(lines::add));
        reader.start();
        try {
            // a synchronized list is iterated under its lock: the reader thread adds to it meanwhile
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                synchronized (lines) {
                    return lines.stream().anyMatch(l -> l.contains("run started"));
                }
            });
            p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
            assertThat(p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
            String out = String.join("\n", lines);
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("stopping").contains("kgr serve: stopped");
            // the run in progress ended with a recorded outcome instead of being killed half-way
            assertThat(out).contains("run of source term (startup)");
            // --log-format json: every log line is one JSON object
            List<String> logLines = lines.stream().filter(l -> l.startsWith("{")).toList();
            assertThat(logLines).isNotEmpty();
            for (String l : logLines) assertThat(JSON.readTree(l).path("formattedMessage").isString()).as(l).isTrue();
        } finally {
            p.destroyForcibly();
        }
        // whatever the run got to, the next plan starts from there: all or nothing of the topics, no failure
        var plan = new java.io.StringWriter();
        int code = io.kgr.cli.Main.run(new java.io.PrintWriter(plan), new java.io.PrintWriter(new java.io.StringWriter()),
                "plan", "--repo", repo.url(), "--ref", "main", "--source-name", "term", "--bootstrap-server",
                kafka.bootstrapServers(), "--cache-dir", tmp.resolve("cache-cli").toString(), "-o", "json");
        assertThat(code).isZero();
        long missing = 300 - topics().stream().filter(t -> t.startsWith("term-")).count();
        List<String> kinds = new java.util.ArrayList<>();
        JSON.readTree(plan.toString()).path("steps").forEach(st -> kinds.add(st.path("kind").asString()));
        assertThat(kinds.stream().filter(k -> k.equals("create-topic")).count()).isEqualTo(missing);
        assertThat(kinds).allMatch(k -> k.equals("create-topic") || k.equals("update-inventory"));
    }

    @Test
    void theStatusApiListensOnLoopbackAndNeedsTheTokenWhenOneIsConfigured() throws Exception {
        GitRepo repo = GitRepo.create(tmp.resolve("git"));
        repo.write("topics/t.yaml", topic("token-t", "c1", 1)).commitAndPush("t");
        Files.writeString(tmp.resolve("api-token"), "s3cret-token\n");
        try (Service s = serve("{port: 0, apiTokenFile: api-token}", repo, "tokened", NEVER, "")) {
            assertThat(s.boundAddress().getAddress().isLoopbackAddress()).as("loopback unless configured").isTrue();
            for (String open : List.of("/healthz", "/metrics")) assertThat(get(s, open).statusCode()).as(open).isEqualTo(200);
            for (String api : List.of("/api/v1/status", "/api/v1/plans/latest", "/api/v1/runs")) {
                assertThat(get(s, api).statusCode()).as(api).isEqualTo(401);
                var wrong = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + api))
                        .header("Authorization", "Bearer nope").GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(wrong.statusCode()).isEqualTo(401);
            }
            var right = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/v1/status"))
                    .header("Authorization", "Bearer s3cret-token").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(right.body()).contains("tokened");
        }
    }
}
