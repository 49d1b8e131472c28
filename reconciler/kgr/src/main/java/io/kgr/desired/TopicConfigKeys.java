package io.kgr.desired;

import io.kgr.model.Suggestions;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.storage.internals.log.LogConfig;

/**
 * The topic-level configuration Kafka knows and how it checks values, read from the broker's own definitions
 * ({@link LogConfig}): a value kgr accepts is one the broker accepts.
 */
public final class TopicConfigKeys {
    private static final Map<String, ConfigDef.ConfigKey> KEYS = LogConfig.configKeys();
    private static final Set<String> KNOWN = Collections.unmodifiableSet(new TreeSet<>(LogConfig.nonInternalConfigNames()));

    private TopicConfigKeys() {
    }

    public static boolean isKnown(String key) {
        return KNOWN.contains(key);
    }

    /** Why the broker would refuse {@code value} for {@code key} (type, range, valid values, list syntax); null if it would not. */
    public static String valueProblem(String key, String value) {
        ConfigDef.ConfigKey def = KEYS.get(key);
        return def == null ? null : problem(def, key, value);
    }

    /** What Kafka's own definition {@code def} says of {@code value}: its parse and validator, as the broker runs them. */
    static String problem(ConfigDef.ConfigKey def, String key, String value) {
        try {
            Object parsed = ConfigDef.parseType(key, value, def.type);
            if (def.validator != null) def.validator.ensureValid(key, parsed);
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    /** Kafka's built-in default of a topic config (what a broker without its own setting uses), or null. */
    public static String defaultValue(String key) {
        ConfigDef.ConfigKey def = KEYS.get(key);
        if (def == null || def.defaultValue == null || def.defaultValue == ConfigDef.NO_DEFAULT_VALUE) return null;
        Object v = def.defaultValue;
        return v instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(v);
    }

    /** Why the broker would refuse this set of values together (checks across keys); null if it would not. */
    public static String combinationProblem(Map<String, String> config) {
        // topics mostly share a handful of config sets: each distinct set is checked once
        if (CHECKED.size() > 10_000) CHECKED.clear();
        return CHECKED.computeIfAbsent(Map.copyOf(config), c -> {
            try {
                LogConfig.validate(c);
                return "";
            } catch (ConfigException | InvalidConfigurationException e) {
                return e.getMessage();
            }
        }).transform(p -> p.isEmpty() ? null : p);
    }

    private static final ConcurrentHashMap<Map<String, String>, String> CHECKED =
            new ConcurrentHashMap<>();

    /** The known name closest to {@code key}, to suggest a fix for a typo; null when nothing is close. */
    public static String suggestion(String key) {
        return Suggestions.closest(key, KNOWN).orElse(null);
    }
}
