package io.kgr.plan;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Compares config values the way Kafka means them, not as text: {@code 1000} = {@code 1000.0}, {@code TRUE} =
 * {@code true}, {@code compact, delete} = {@code compact,delete}. Without this every run would show spurious changes.
 */
public final class ConfigValues {
    private ConfigValues() {
    }

    public static boolean same(String a, String b) {
        return Objects.equals(normalise(a), normalise(b));
    }

    static String normalise(String value) {
        if (value == null) return null;
        String v = value.trim();
        if (v.contains(",")) {
            return Arrays.stream(v.split(",")).map(ConfigValues::scalar).collect(Collectors.joining(","));
        }
        return scalar(v);
    }

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private static String scalar(String raw) {
        String v = raw.trim();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) return v.toLowerCase(Locale.ROOT);
        if (NUMBER.matcher(v).matches()) {
            return new BigDecimal(v).stripTrailingZeros().toPlainString();
        }
        return v;
    }

    /** A numeric value of a retention setting, where -1 (and any negative) means "forever". */
    static BigDecimal retention(String value) {
        if (value == null) return null;
        try {
            BigDecimal d = new BigDecimal(value.trim());
            return d.signum() < 0 ? null : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
