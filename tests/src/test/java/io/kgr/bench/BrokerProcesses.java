package io.kgr.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of broker processes, each a JVM of its own ({@code kafka.Kafka}, as Kafka's own start script runs it):
 * node 0 is broker and the only controller, the others brokers. What a JVM can hold is bounded per process — one open
 * file per partition's active segment ({@code ulimit -n}) and two mapped index files ({@code vm.max_map_count}) — so
 * a cluster of processes holds what one JVM with several {@code KafkaClusterTestKit} brokers cannot.
 */
final class BrokerProcesses implements AutoCloseable {
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private BrokerProcesses(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code brokers} processes of {@code heapMiB} each and waits until every one is registered. */
    static BrokerProcesses start(int brokers, int heapMiB, Map<String, String> extraConfig) throws Exception {
        BrokerProcesses cluster = new BrokerProcesses(Files.createTempDirectory("kgr-brokers"));
        // a bench stopped with Ctrl-C or kill takes its brokers with it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> cluster.processes.forEach(Process::destroyForcibly)));
        try {
            cluster.launch(brokers, heapMiB, extraConfig);
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    private void launch(int brokers, int heapMiB, Map<String, String> extraConfig) throws Exception {
        String classpath = System.getProperty("java.class.path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String clusterId = Uuid.randomUuid().toString();
        int controllerPort = freePort();
        short internalRf = (short) Math.min(3, brokers);
        for (int id = 0; id < brokers; id++) ports.add(freePort());
        for (int id = 0; id < brokers; id++) {
            Path node = Files.createDirectories(dir.resolve("node-" + id));
            StringBuilder props = new StringBuilder();
            props.append("node.id=").append(id).append('\n');
            if (id == 0) {
                props.append("process.roles=broker,controller\n");
                props.append("listeners=PLAINTEXT://127.0.0.1:").append(ports.get(id))
                        .append(",CONTROLLER://127.0.0.1:").append(controllerPort).append('\n');
            } else {
                props.append("process.roles=broker\n");
                props.append("listeners=PLAINTEXT://127.0.0.1:").append(ports.get(id)).append('\n');
            }
            props.append("advertised.listeners=PLAINTEXT://127.0.0.1:").append(ports.get(id)).append('\n');
            props.append("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n");
            props.append("controller.listener.names=CONTROLLER\ninter.broker.listener.name=PLAINTEXT\n");
            props.append("controller.quorum.voters=0@127.0.0.1:").append(controllerPort).append('\n');
            props.append("log.dirs=").append(node.resolve("logs")).append('\n');
            props.append("offsets.topic.replication.factor=").append(internalRf).append('\n');
            props.append("transaction.state.log.replication.factor=").append(internalRf).append('\n');
            props.append("transaction.state.log.min.isr=1\ngroup.initial.rebalance.delay.ms=0\nnum.partitions=1\n");
            extraConfig.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
            Path file = node.resolve("server.properties");
            Files.writeString(file, props, StandardCharsets.UTF_8);
            Process format = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, "kafka.tools.StorageTool", "format",
                    "-t", clusterId, "-c", file.toString()).redirectErrorStream(true)
                    .redirectOutput(node.resolve("format.log").toFile()).start();
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("formatting node " + id + " failed: " + Files.readString(node.resolve("format.log")));
            }
        }
        for (int id = 0; id < brokers; id++) {
            Path node = dir.resolve("node-" + id);
            processes.add(new ProcessBuilder(java, "-Xmx" + heapMiB + "m", "-XX:+UseG1GC", "-cp", classpath, "kafka.Kafka",
                    node.resolve("server.properties").toString()).redirectErrorStream(true)
                    .redirectOutput(node.resolve("broker.log").toFile()).start());
        }
        try (Admin admin = admin()) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (true) {
                for (int id = 0; id < brokers; id++) {
                    if (!processes.get(id).isAlive()) {
                        throw new IllegalStateException("broker " + id + " exited: see " + dir.resolve("node-" + id + "/broker.log"));
                    }
                }
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == brokers) return;
                } catch (Exception e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) throw new IllegalStateException("the brokers did not register in 3 min");
                Thread.sleep(500);
            }
        }
    }

    String bootstrapServers() {
        return String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
    }

    /** Each process's pid, to read its open files and maps from /proc. */
    List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    @Override
    public void close() throws IOException {
        for (Process p : processes) p.destroy();
        for (Process p : processes) {
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
