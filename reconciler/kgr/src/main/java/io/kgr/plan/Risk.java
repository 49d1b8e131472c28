package io.kgr.plan;

/** What a step can do to running clients and data. */
public enum Risk {
    /** No interruption, no data loss. */
    SAFE,
    /** Restarts, moves data or changes how records are routed; no data is lost. */
    DISRUPTIVE,
    /** Loses data. */
    DESTRUCTIVE
}
