package io.kgr.plan;

/** The phases of a plan, in the order they are applied (see DESIGN.md, "Order"). */
public enum Phase {
    KUBERNETES_PREREQUISITES,
    VOLUMES,
    POD_SETS,
    ROLLS,
    BROKER_CONFIG,
    TOPICS,
    USERS,
    PRUNE,
    INVENTORY
}
