package io.kgr.apply;

import java.time.Duration;

/**
 * Limits of an apply run.
 *
 * @param requestTimeout       one Admin request
 * @param reassignmentTimeout  how long to wait for replica moves to finish
 * @param maxRecordsPerRequest the controller refuses requests that write more than 10,000 metadata records; one
 *                             topic costs 1 + partitions + configs records
 */
public record ApplyOptions(Duration requestTimeout, Duration reassignmentTimeout, int maxRecordsPerRequest) {
    public static ApplyOptions defaults() {
        return new ApplyOptions(Duration.ofSeconds(60), Duration.ofMinutes(10), 8000);
    }
}
