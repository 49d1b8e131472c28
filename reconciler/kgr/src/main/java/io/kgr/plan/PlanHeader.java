package io.kgr.plan;

import java.time.Instant;

/**
 * Where a plan came from and what it was computed against.
 *
 * @param source      the source's name (the inventory key)
 * @param location    repository or directory, credentials removed
 * @param fingerprint hash of the live state and inventories the plan was computed from
 */
public record PlanHeader(String source, String location, String ref, String commit, String cluster,
                         String bootstrapServers, Instant createdAt, String fingerprint) {
}
