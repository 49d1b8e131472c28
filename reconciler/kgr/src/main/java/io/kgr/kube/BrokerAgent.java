package io.kgr.kube;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.kgr.agent.BrokerStateAgent;
import io.kgr.desired.ClusterSpec;

/**
 * How a broker's pod gets and uses {@link BrokerStateAgent}: the agent's jar travels in a ConfigMap of the cluster
 * (binary data, a few kilobytes: no image of kgr's is needed next to Kafka's), is mounted into the broker's container and
 * loaded with {@code -javaagent} through {@code KAFKA_OPTS}, and the pod's readiness probe asks it whether the broker
 * runs. The jar is built from kgr's own class with fixed entry times, so the same kgr makes the same bytes and a plan
 * shows no change to it. Only the broker's container loads it (not the storage formatting before it).
 */
public final class BrokerAgent {
    public static final String VOLUME = "kgr-agent";
    public static final String MOUNT_PATH = "/opt/kgr/agent";
    public static final String JAR = "kgr-agent.jar";
    public static final int PORT = BrokerStateAgent.DEFAULT_PORT;
    /** All interfaces of the pod: the kubelet probes the pod's address. */
    public static final String JAVA_OPTION = "-javaagent:" + MOUNT_PATH + "/" + JAR + "=0.0.0.0:" + PORT;

    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2024, 1, 1, 0, 0);
    private static final String[] CLASSES = {"BrokerStateAgent"};
    private static volatile byte[] jar;

    private BrokerAgent() {
    }

    /** {@code <cluster>-kgr-agent}. */
    public static String configMapName(ClusterSpec c) {
        return c.name() + "-kgr-agent";
    }

    /** The ConfigMap's binary data: the jar, base64-encoded as the API wants it. */
    static Map<String, String> binaryData() {
        return Map.of(JAR, Base64.getEncoder().encodeToString(jar()));
    }

    static Probe readiness() {
        return new ProbeBuilder().withNewHttpGet().withPath(BrokerStateAgent.READY_PATH).withPort(new IntOrString(PORT))
                .endHttpGet().withInitialDelaySeconds(10).withPeriodSeconds(5).withTimeoutSeconds(5).build();
    }

    /**
     * Whether the broker's JVM lives: its agent answers. Not its port: a broker opens its listeners only once it has
     * recovered its logs and caught up with the metadata, which after an unclean stop of a large broker takes far
     * longer than any probe's patience, and a port probe would kill it over and over in the middle of its recovery.
     */
    static Probe liveness() {
        return new ProbeBuilder().withNewHttpGet().withPath(BrokerStateAgent.LIVE_PATH).withPort(new IntOrString(PORT))
                .endHttpGet().withInitialDelaySeconds(30).withPeriodSeconds(10).withTimeoutSeconds(5).build();
    }

    /** The agent's jar: its manifest names the agent's class, which only needs the JDK. */
    public static byte[] jar() {
        byte[] j = jar;
        if (j == null) jar = j = build();
        return j.clone();
    }

    private static byte[] build() {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), BrokerStateAgent.class.getName());
        manifest.getMainAttributes().put(new Attributes.Name("Created-By"), "kgr");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jarOut = new JarOutputStream(out)) {
            entry(jarOut, "META-INF/MANIFEST.MF");
            manifest.write(jarOut);
            jarOut.closeEntry();
            String dir = BrokerStateAgent.class.getPackageName().replace('.', '/') + "/";
            for (String c : CLASSES) {
                try (InputStream in = BrokerStateAgent.class.getResourceAsStream(c + ".class")) {
                    if (in == null) throw new IllegalStateException("kgr's agent class " + c + " is missing from kgr's jar");
                    entry(jarOut, dir + c + ".class");
                    in.transferTo(jarOut);
                    jarOut.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void entry(JarOutputStream jarOut, String name) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(ENTRY_TIME); // not the time of the build: the same kgr makes the same bytes
        jarOut.putNextEntry(e);
    }
}
