package io.kgr.it;

import static io.kgr.it.Manifests.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kgr demo} (what {@code make run} starts) as a separate process, as a newcomer runs it: one reconcile with
 * {@code --once}, and the watching mode that a push reaches and Ctrl-C/SIGTERM stops without leaving anything behind.
 */
class DemoTest {
    @TempDir Path tmp;

    /** The demo with this JVM's class path (it has the embedded Kafka and Kubernetes that kgr.jar does not ship). */
    static Process demo(List<String> args, List<String> lines) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx1g",
                "-Dkgr.samples=" + System.getProperty("kgr.samples"),
                "-cp", System.getProperty("java.class.path"), "io.kgr.cli.Main", "demo"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                .lines().forEach(lines::add), "demo-output");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    static String find(List<String> lines, String regex) {
        Pattern pattern = Pattern.compile(regex);
        synchronized (lines) {
            for (String l : lines) {
                Matcher m = pattern.matcher(l);
                if (m.find()) return m.group(1);
            }
        }
        return null;
    }

    /** Waits for a line of the demo's output; a timeout shows the whole output so far. */
    static void awaitOutput(List<String> lines, String text, int seconds) {
        await().atMost(Duration.ofSeconds(seconds)).untilAsserted(() -> assertThat(output(lines)).contains(text));
    }

    static String output(List<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Test
    void onceReconcilesSamplesRepoOnARealClusterAndExitsZero() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Process p = demo(List.of("--once"), lines);
        try {
            assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
            awaitOutput(lines, "kgr demo: stopped", 60);
            String out = output(lines);
            assertThat(p.exitValue()).as(out).isZero();
            // honest labelling
            assertThat(out).contains("runs as a REAL broker").contains("created by kgr from Git");
            // the cluster comes from Git through kgr's own plan: pod sets and pods first, topics once the brokers answer
            assertThat(out).contains("+ create PodSet my-cluster-brokers").contains("ok  create-pod:my-cluster-brokers-0")
                    .contains("a second run plans topics and users");
            // the first run prints the full plan, then applies it
            assertThat(out).contains("+ create topic orders.created.v1").contains("+ create SCRAM credential")
                    .contains("ok  create-topic:orders.created.v1").contains("<== Succeeded");
            String topics = find(lines, "Topics on my-cluster now: (\\d+)");
            // samples-repo's other cluster is Kafka 3.6 with ZooKeeper: named, with the reason, not silently dropped
            assertThat(out).contains("Cluster seed is not run here: it runs in ZooKeeper mode");
            assertThat(topics).as(out).isNotNull();
            assertThat(Integer.parseInt(topics)).isGreaterThanOrEqualTo(30);
            String home = find(lines, "lives in (/\\S+)");
            assertThat(Path.of(home)).doesNotExist();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void everyClusterTheRepositoryDeclaresIsRunEachByItsOwnSource() throws Exception {
        Path repo = tmp.resolve("two");
        for (String c : List.of("alpha", "beta")) {
            Files.createDirectories(repo.resolve(c));
            Files.writeString(repo.resolve(c).resolve("kafka.yaml"), oneNodeCluster(c) + "---\n" + topic(c + ".events", c, 2));
        }
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Process p = demo(List.of("--repo", repo.toString(), "--once"), lines);
        try {
            assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
            awaitOutput(lines, "kgr demo: stopped", 60);
            String out = output(lines);
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("one source per cluster: demo-alpha, demo-beta");
            for (String c : List.of("alpha", "beta")) {
                // each cluster's own pods and topic, from its own source's runs
                assertThat(out).contains(c + ": ok  create-pod:" + c + "-nodes-" + c + "-0")
                        .contains(c + ": ok  create-topic:" + c + ".events");
                // the topic and kgr's inventory topic, counted on that cluster's own brokers
                assertThat(find(lines, "Topics on " + c + " now: (\\d+)")).as(out).isEqualTo("2");
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /** A KRaft cluster of one dual-role node with a plain listener; its pool is named after it (one namespace). */
    private static String oneNodeCluster(String name) {
        return """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaNodePool
                metadata:
                  name: nodes-%1$s
                  labels:
                    strimzi.io/cluster: %1$s
                spec:
                  replicas: 1
                  roles: [controller, broker]
                  storage: {type: persistent-claim, size: 1Gi}
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata:
                  name: %1$s
                spec:
                  kafka:
                    version: 4.1.0
                    listeners:
                      - {name: plain, port: 9092, type: internal, tls: false}
                    config:
                      offsets.topic.replication.factor: 1
                      transaction.state.log.replication.factor: 1
                      transaction.state.log.min.isr: 1
                """.formatted(name);
    }

    @Test
    void aPushReachesTheRunningDemoAndStoppingLeavesNothingBehind() throws Exception {
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve("topics"));
        Files.writeString(repo.resolve("topics/first.yaml"), topic("demo.first", "my-cluster", 2));
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Process p = demo(List.of("--brokers", "1", "--repo", repo.toString(), "--schedule", "30"), lines);
        try {
            awaitOutput(lines, "Watching Git", 120);
            String gitUrl = find(lines, "bare repository (file:\\S+)");
            String bootstrap = find(lines, "up in .* at (\\S+) ");
            String home = find(lines, "lives in (/\\S+)");
            assertThat(gitUrl).isNotNull();

            Path clone = tmp.resolve("clone");
            try (Git git = Git.cloneRepository().setURI(gitUrl).setDirectory(clone.toFile()).call()) {
                Files.writeString(clone.resolve("topics/pushed.yaml"), topic("demo.pushed", "my-cluster", 3));
                git.add().addFilepattern(".").call();
                git.commit().setMessage("a new topic").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com")
                        .setSign(false).call();
                push(clone, git);
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(admin.listTopics().names().get())
                        .as(() -> output(lines)).contains("demo.pushed"));
            }
            // the topic may be on the brokers before the run's line has come through the pipe
            awaitOutput(lines, "ok  create-topic:demo.pushed", 30);

            List<ProcessHandle> children = p.toHandle().descendants().toList();
            p.toHandle().destroy(); // SIGTERM, as Ctrl-C would
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(children).noneMatch(ProcessHandle::isAlive);
            // the last lines may still be on their way through the pipe
            awaitOutput(lines, "kgr demo: stopped", 60);
            assertThat(Path.of(home)).doesNotExist();
        } finally {
            p.destroyForcibly();
        }
    }

    /** Command-line git where there is one (it runs the repository's post-receive hook: a run at once); else JGit. */
    private static void push(Path clone, Git git) throws Exception {
        try {
            Process push = new ProcessBuilder("git", "push", "-q", "origin", "HEAD:main").directory(clone.toFile())
                    .redirectErrorStream(true).start();
            if (push.waitFor(60, TimeUnit.SECONDS) && push.exitValue() == 0) return;
        } catch (java.io.IOException noGit) {
            // fall through
        }
        git.push().setRemote("origin").add("HEAD:refs/heads/main").call();
    }
}
