package io.kgr.desired;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Kafka's own definitions decide, as the broker does ("Cannot update these configs dynamically"). */
class BrokerConfigKeysTest {
    @Test
    void dynamicSettingsAreWhatKafkaChangesWithoutARestart() {
        assertThat(BrokerConfigKeys.isDynamic("log.retention.ms")).isTrue();
        assertThat(BrokerConfigKeys.isDynamic("log.segment.bytes")).isTrue();
        assertThat(BrokerConfigKeys.isDynamic("num.io.threads")).isTrue();
        assertThat(BrokerConfigKeys.isDynamic("min.insync.replicas")).isTrue();
        // the hand-written list had these three wrong: the broker refuses them at run time
        assertThat(BrokerConfigKeys.isDynamic("log.retention.hours")).isFalse();
        assertThat(BrokerConfigKeys.isDynamic("log.retention.minutes")).isFalse();
        assertThat(BrokerConfigKeys.isDynamic("log.roll.hours")).isFalse();
        assertThat(BrokerConfigKeys.isDynamic("offsets.topic.replication.factor")).isFalse();
        assertThat(BrokerConfigKeys.isDynamic("no.such.setting")).isFalse();
    }

    @Test
    void valuesAreCheckedAsTheBrokerChecksThem() {
        assertThat(BrokerConfigKeys.valueProblem("log.retention.hours", "a week")).contains("log.retention.hours", "INT");
        assertThat(BrokerConfigKeys.valueProblem("num.io.threads", "0")).contains("at least 1");
        assertThat(BrokerConfigKeys.valueProblem("auto.create.topics.enable", "maybe")).contains("true or false");
        assertThat(BrokerConfigKeys.valueProblem("log.retention.hours", "168")).isNull();
        assertThat(BrokerConfigKeys.valueProblem("my.plugin.setting", "anything")).isNull();
        assertThat(BrokerConfigKeys.valueProblem("principal.builder.class", "io.strimzi.kafka.oauth.server.OAuthKafkaPrincipalBuilder"))
                .as("a plugin class is in the broker's image, not kgr's").isNull();
        assertThat(BrokerConfigKeys.valueProblem("principal.builder.class", "not a class")).contains("not a Java class name");
    }
}
