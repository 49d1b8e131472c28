package io.kgr.kube;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * A node pool's (or the Kafka's) {@code jvmOptions} as the environment Kafka's start scripts read, with Strimzi's
 * meaning, so that a Strimzi repository's settings are not dropped:
 * <ul>
 *   <li>{@code KAFKA_HEAP_OPTS}: {@code -Xms}, {@code -Xmx} and the {@code -XX} RAM percentages; when none is given and
 *   the container has a memory limit (or else a request), half of it, at most 5 GiB, for both {@code -Xms} and
 *   {@code -Xmx} (Strimzi's default). With no memory given either, nothing: Kafka's own default (1 GiB).</li>
 *   <li>{@code KAFKA_JVM_PERFORMANCE_OPTS}: the other {@code -XX} options ({@code true} → {@code -XX:+Name},
 *   {@code false} → {@code -XX:-Name}, else {@code -XX:Name=value}; the unlock options first); it replaces Kafka's
 *   defaults, as in Strimzi.</li>
 *   <li>{@code javaSystemProperties} as {@code -Dname=value}, for {@code KAFKA_OPTS}.</li>
 * </ul>
 */
final class JvmOptions {
    static final int DEFAULT_HEAP_PERCENT = 50;
    static final long DEFAULT_HEAP_MAX = 5L * 1024 * 1024 * 1024;
    private static final Set<String> HEAP_XX = Set.of("InitialRAMPercentage", "MaxRAMPercentage");
    private static final Set<String> FIRST = Set.of("UnlockDiagnosticVMOptions", "UnlockExperimentalVMOptions");

    private JvmOptions() {
    }

    static String heap(Object jvmOptions, Object resources) {
        Map<?, ?> o = jvmOptions instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> xx = o.get("-XX") instanceof Map<?, ?> m ? m : Map.of();
        List<String> out = new ArrayList<>();
        if (o.get("-Xms") != null) out.add("-Xms" + o.get("-Xms"));
        if (o.get("-Xmx") != null) out.add("-Xmx" + o.get("-Xmx"));
        for (String k : List.of("InitialRAMPercentage", "MaxRAMPercentage")) {
            if (xx.get(k) != null) out.add("-XX:" + k + "=" + xx.get(k));
        }
        if (out.isEmpty()) {
            long memory = memory(resources);
            if (memory > 0) {
                long mib = Math.min(memory * DEFAULT_HEAP_PERCENT / 100, DEFAULT_HEAP_MAX) / (1024 * 1024);
                out.add("-Xms" + mib + "m");
                out.add("-Xmx" + mib + "m");
            }
        }
        return String.join(" ", out);
    }

    static String performance(Object jvmOptions) {
        Map<?, ?> o = jvmOptions instanceof Map<?, ?> m ? m : Map.of();
        if (!(o.get("-XX") instanceof Map<?, ?> xx)) return "";
        return xx.entrySet().stream().filter(e -> e.getValue() != null && !HEAP_XX.contains(String.valueOf(e.getKey())))
                .sorted(Comparator.<Map.Entry<?, ?>, Boolean>comparing(e -> !FIRST.contains(String.valueOf(e.getKey())))
                        .thenComparing(e -> String.valueOf(e.getKey())))
                .map(e -> switch (String.valueOf(e.getValue()).toLowerCase(Locale.ROOT)) {
                    case "true" -> "-XX:+" + e.getKey();
                    case "false" -> "-XX:-" + e.getKey();
                    default -> "-XX:" + e.getKey() + "=" + e.getValue();
                })
                .reduce((a, b) -> a + " " + b).orElse("");
    }

    static String systemProperties(Object jvmOptions) {
        Map<?, ?> o = jvmOptions instanceof Map<?, ?> m ? m : Map.of();
        if (!(o.get("javaSystemProperties") instanceof List<?> props)) return "";
        List<String> out = new ArrayList<>();
        for (Object p : props) {
            if (p instanceof Map<?, ?> m && m.get("name") != null) out.add("-D" + m.get("name") + "=" + m.get("value"));
        }
        return String.join(" ", out);
    }

    /** The container's memory limit, or else its request, in bytes (0: neither). */
    private static long memory(Object resources) {
        if (!(resources instanceof Map<?, ?> r)) return 0;
        for (String kind : List.of("limits", "requests")) {
            if (r.get(kind) instanceof Map<?, ?> m && m.get("memory") != null) {
                return Quantity.getAmountInBytes(new Quantity(String.valueOf(m.get("memory")))).longValue();
            }
        }
        return 0;
    }
}
