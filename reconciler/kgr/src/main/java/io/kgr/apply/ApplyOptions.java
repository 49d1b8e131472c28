package io.kgr.apply;

import java.time.Duration;

/**
 * Limits of an apply run.
 *
 * @param requestTimeout       one Admin request
 * @param reassignmentTimeout  how long to wait for replica moves to finish
 * @param maxRecordsPerRequest the controller refuses requests that write more than 10,000 metadata records; one
 *                             topic costs 1 + partitions + configs records
 * @param replicationThrottle  bytes per second each broker may spend on the replicas kgr moves (RF changes, drains),
 *                             set for the move and removed after it; 0 = no throttle
 */
public record ApplyOptions(Duration requestTimeout, Duration reassignmentTimeout, int maxRecordsPerRequest,
                           long replicationThrottle) {
    /** 50 MiB/s: a move finishes in minutes per GiB and leaves the brokers' network to their clients. */
    public static final long DEFAULT_REPLICATION_THROTTLE = 50L * 1024 * 1024;

    public ApplyOptions(Duration requestTimeout, Duration reassignmentTimeout, int maxRecordsPerRequest) {
        this(requestTimeout, reassignmentTimeout, maxRecordsPerRequest, DEFAULT_REPLICATION_THROTTLE);
    }

    public static ApplyOptions defaults() {
        return new ApplyOptions(Duration.ofSeconds(60), Duration.ofMinutes(10), 8000);
    }
}
