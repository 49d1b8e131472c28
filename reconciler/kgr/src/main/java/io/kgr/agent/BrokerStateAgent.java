package io.kgr.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The Java agent kgr loads into every broker's JVM ({@code -javaagent}, from the cluster's agent ConfigMap), so that a
 * broker's pod is Ready when the broker runs, not as soon as its port is open: a broker opens its listeners before it
 * has recovered its logs and caught up with the metadata, and a TCP probe would let a roll go on to the next broker
 * while this one cannot yet serve (Strimzi's pods do the same through their own agent).
 * <dl>
 *   <dt>{@code GET /v1/ready}</dt><dd>204 while the broker's state ({@value #BROKER_STATE}) is RUNNING (3); 503 otherwise,
 *   with the state as text</dd>
 *   <dt>{@code GET /v1/live}</dt><dd>204 as long as the broker's JVM answers: the liveness probe, which must not kill a
 *   broker that is still recovering its logs (its listeners open only after that)</dd>
 *   <dt>{@code GET /v1/broker-state}</dt><dd>{@code {"brokerState":2,"recoveryState":{"remainingLogsToRecover":12,
 *   "remainingSegmentsToRecover":340}}}, the recovery only while the broker recovers its logs</dd>
 * </dl>
 * It reads Kafka's metrics from the platform MBean server, where Kafka registers them itself, and uses only the JDK:
 * nothing is added to the broker's class path. Its argument is {@code [host:]port} (default {@value #DEFAULT_PORT}).
 * Everything runs on daemon threads, and a failure to start is printed and leaves the broker alone (its pod then
 * never turns Ready, which shows).
 */
public final class BrokerStateAgent {
    public static final int DEFAULT_PORT = 8080;
    public static final String READY_PATH = "/v1/ready";
    public static final String STATE_PATH = "/v1/broker-state";
    public static final String LIVE_PATH = "/v1/live";
    static final String BROKER_STATE = "kafka.server:type=KafkaServer,name=BrokerState";
    static final byte RUNNING = 3;
    static final byte RECOVERY = 2;
    /** Kafka registers the state when the broker starts and removes it when the broker begins to shut down. */
    static final String NO_STATE = "no broker state: starting, shutting down, or not a broker";

    private final MBeanServer mbeans;

    BrokerStateAgent(MBeanServer mbeans) {
        this.mbeans = mbeans;
    }

    public static void premain(String args, Instrumentation instrumentation) {
        premain(args);
    }

    public static void premain(String args) {
        try {
            start(args, ManagementFactory.getPlatformMBeanServer());
        } catch (IOException | RuntimeException e) {
            System.err.println("kgr agent: cannot serve the broker's state on " + args + ": " + e);
        }
    }

    /** Serves the state on {@code [host:]port}; the caller stops the returned server. */
    public static HttpServer start(String args, MBeanServer mbeans) throws IOException {
        AtomicReference<Object> outcome = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                outcome.set(serve(address(args), new BrokerStateAgent(mbeans)));
            } catch (IOException | RuntimeException e) {
                outcome.set(e);
            } finally {
                started.countDown();
            }
        }, "kgr-agent-start"); // a daemon, so that the server's own threads are daemons too (they inherit it)
        t.setDaemon(true);
        t.start();
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        }
        if (outcome.get() instanceof IOException e) throw e;
        if (outcome.get() instanceof RuntimeException e) throw e;
        return (HttpServer) outcome.get();
    }

    private static HttpServer serve(InetSocketAddress address, BrokerStateAgent agent) throws IOException {
        HttpServer server = HttpServer.create(address, 8);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kgr-agent");
            t.setDaemon(true);
            return t;
        }));
        server.createContext(READY_PATH, agent::ready);
        server.createContext(STATE_PATH, agent::state);
        // the JVM answers: alive, whatever the broker does (a broker recovering its logs for an hour is not dead)
        server.createContext(LIVE_PATH, exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    static InetSocketAddress address(String args) {
        String a = args == null ? "" : args.trim();
        if (a.isEmpty()) return new InetSocketAddress(DEFAULT_PORT);
        int colon = a.lastIndexOf(':');
        if (colon < 0) return new InetSocketAddress(Integer.parseInt(a));
        return new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)));
    }

    private void ready(HttpExchange exchange) throws IOException {
        Integer state = brokerState();
        if (state != null && state == RUNNING) {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        } else {
            respond(exchange, 503, "text/plain", state == null ? NO_STATE : "broker state " + state);
        }
    }

    private void state(HttpExchange exchange) throws IOException {
        Integer state = brokerState();
        if (state == null) {
            respond(exchange, 404, "text/plain", NO_STATE);
            return;
        }
        StringBuilder json = new StringBuilder("{\"brokerState\":").append(state);
        if (state == RECOVERY) {
            json.append(",\"recoveryState\":{\"remainingLogsToRecover\":").append(sum("remainingLogsToRecover"))
                    .append(",\"remainingSegmentsToRecover\":").append(sum("remainingSegmentsToRecover")).append('}');
        }
        respond(exchange, 200, "application/json", json.append('}').toString());
    }

    /** The broker's state, or null when Kafka has none registered ({@link #NO_STATE}). */
    Integer brokerState() {
        try {
            return value(new ObjectName(BROKER_STATE)).intValue();
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }

    /** The sum of a LogManager gauge over its data directories (and recovery threads). */
    long sum(String name) {
        long total = 0;
        try {
            for (ObjectName n : mbeans.queryNames(new ObjectName("kafka.log:type=LogManager,name=" + name + ",*"), null)) {
                total += value(n).longValue();
            }
        } catch (JMException | RuntimeException e) {
            return -1;
        }
        return total;
    }

    private Number value(ObjectName name) throws JMException {
        return (Number) mbeans.getAttribute(name, "Value");
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
