package io.kgr.desired;

import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.server.config.AbstractKafkaConfig;
import org.apache.kafka.server.config.DynamicBrokerConfig;

/**
 * What Kafka itself says of broker settings ({@code spec.kafka.config}): how a value is checked (the broker's own
 * {@link AbstractKafkaConfig#CONFIG_DEF}) and whether a setting can change on a running cluster as a cluster-wide
 * default ({@link DynamicBrokerConfig}). Never a hand-written list: those go stale with every Kafka release.
 */
public final class BrokerConfigKeys {
    private static final Map<String, ConfigDef.ConfigKey> KEYS = AbstractKafkaConfig.CONFIG_DEF.configKeys();

    private BrokerConfigKeys() {
    }

    /** Whether Kafka applies {@code key} as a cluster-wide dynamic default, without a restart. */
    public static boolean isDynamic(String key) {
        if (!DynamicBrokerConfig.ALL_DYNAMIC_CONFIGS.contains(key)) return false;
        Properties one = new Properties();
        one.setProperty(key, "");
        return DynamicBrokerConfig.perBrokerConfigs(one).isEmpty(); // per-broker ones cannot be a cluster default
    }

    /** Why the broker would refuse {@code value} for {@code key}; null if it would not or does not know the key. */
    public static String valueProblem(String key, String value) {
        ConfigDef.ConfigKey def = KEYS.get(key);
        if (def == null) return null; // plugins (metric reporters, authorizers …) bring their own settings
        // a class lives in the broker's image (OAuth, metrics plugins …), not in kgr: only its name can be checked here
        if (def.type == ConfigDef.Type.CLASS) {
            return value.trim().matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*") ? null
                    : "Invalid value " + value + " for configuration " + key + ": not a Java class name";
        }
        return TopicConfigKeys.problem(def, key, value);
    }
}
