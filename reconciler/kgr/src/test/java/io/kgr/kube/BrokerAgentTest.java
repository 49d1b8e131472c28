package io.kgr.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * The agent as a broker's JVM gets it: the jar from the ConfigMap, loaded by a class loader that sees only the JDK, asked
 * over HTTP while the broker's state (a gauge in the MBean server, where Kafka's own metrics are) moves through the
 * states a starting broker goes through. That a real broker registers the gauge under this name: LocalKubeletTest.
 */
class BrokerAgentTest {
    @TempDir Path tmp;
    private final HttpClient http = HttpClient.newHttpClient();

    /** A Yammer gauge as Kafka's JMX reporter shows it: one attribute, {@code Value}. */
    public interface GaugeMBean {
        Number getValue();
    }

    static final class Gauge implements GaugeMBean {
        volatile Number value;

        Gauge(Number value) {
            this.value = value;
        }

        @Override
        public Number getValue() {
            return value;
        }
    }

    @Test
    void theSameKgrMakesTheSameJarAndItsManifestNamesTheAgent() throws Exception {
        Path jar = Files.write(tmp.resolve("agent.jar"), BrokerAgent.jar());
        assertThat(BrokerAgent.jar()).isEqualTo(Files.readAllBytes(jar));
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Premain-Class")).isEqualTo("io.kgr.agent.BrokerStateAgent");
            assertThat(j.stream().map(e -> e.getName()))
                    .containsExactly("META-INF/MANIFEST.MF", "io/kgr/agent/BrokerStateAgent.class");
        }
    }

    @Test
    void readyOnlyWhileTheBrokerRuns() throws Exception {
        Path jar = Files.write(tmp.resolve("agent.jar"), BrokerAgent.jar());
        MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
        // nothing of kgr's class path: the jar alone must be enough in a broker's JVM
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Method start = loader.loadClass("io.kgr.agent.BrokerStateAgent").getMethod("start", String.class, MBeanServer.class);
            HttpServer server = (HttpServer) start.invoke(null, "127.0.0.1:0", mbeans);
            try {
                String base = "http://127.0.0.1:" + server.getAddress().getPort();
                // before Kafka has registered its state (starting, recovering its logs): alive, not ready
                assertThat(get(base + "/v1/live").statusCode()).isEqualTo(204);
                assertThat(get(base + "/v1/ready").statusCode()).isEqualTo(503);
                assertThat(get(base + "/v1/broker-state").statusCode()).isEqualTo(404);

                Gauge state = new Gauge((byte) 1); // STARTING: the listeners may already be open
                mbeans.registerMBean(new StandardMBean(state, GaugeMBean.class),
                        new ObjectName("kafka.server:type=KafkaServer,name=BrokerState"));
                assertThat(get(base + "/v1/ready").statusCode()).isEqualTo(503);
                assertThat(get(base + "/v1/ready").body()).isEqualTo("broker state 1");

                state.value = (byte) 2; // RECOVERY: its logs, summed over the data directories
                for (String dir : new String[] {"/var/lib/kafka/data-0", "/var/lib/kafka/data-1"}) {
                    mbeans.registerMBean(new StandardMBean(new Gauge(dir.endsWith("0") ? 7 : 5), GaugeMBean.class),
                            new ObjectName("kafka.log:type=LogManager,name=remainingLogsToRecover,dir=" + dir));
                    mbeans.registerMBean(new StandardMBean(new Gauge(100), GaugeMBean.class), new ObjectName(
                            "kafka.log:type=LogManager,name=remainingSegmentsToRecover,dir=" + dir + ",threadNum=0"));
                }
                assertThat(get(base + "/v1/ready").statusCode()).isEqualTo(503);
                assertThat(get(base + "/v1/broker-state").body()).isEqualTo(
                        "{\"brokerState\":2,\"recoveryState\":{\"remainingLogsToRecover\":12,\"remainingSegmentsToRecover\":200}}");

                state.value = (byte) 3; // RUNNING
                assertThat(get(base + "/v1/ready").statusCode()).isEqualTo(204);
                assertThat(get(base + "/v1/broker-state").body()).isEqualTo("{\"brokerState\":3}");

                state.value = (byte) 6; // PENDING_CONTROLLED_SHUTDOWN: out of the Services before it stops
                assertThat(get(base + "/v1/ready").statusCode()).isEqualTo(503);
            } finally {
                server.stop(0);
            }
        }
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
