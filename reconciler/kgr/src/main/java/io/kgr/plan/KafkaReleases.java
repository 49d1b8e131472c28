package io.kgr.plan;

import java.util.Optional;

import org.apache.kafka.server.common.MetadataVersion;

/** What a Kafka release can run, from Kafka's own list of metadata versions (kafka-server-common). */
final class KafkaReleases {
    private KafkaReleases() {
    }

    /**
     * The highest {@code metadata.version} a release runs ({@code 4.3.1} → the last 4.3 level); empty for a release
     * this kgr does not know (newer than its Kafka libraries), of which nothing can be said.
     */
    static Optional<MetadataVersion> highestMetadataVersion(String release) {
        String[] parts = release.split("\\.");
        if (parts.length < 2) return Optional.empty();
        String shortVersion = parts[0] + "." + parts[1];
        MetadataVersion highest = null;
        for (MetadataVersion v : MetadataVersion.VERSIONS) {
            if (v.shortVersion().equals(shortVersion) && (highest == null || v.featureLevel() > highest.featureLevel())) {
                highest = v;
            }
        }
        return Optional.ofNullable(highest);
    }

    /** The name of a finalized level ({@code 4.4-IV2}), or the number when this kgr does not know it. */
    static String name(short level) {
        try {
            return MetadataVersion.fromFeatureLevel(level).version();
        } catch (IllegalArgumentException e) {
            return "level " + level;
        }
    }
}
