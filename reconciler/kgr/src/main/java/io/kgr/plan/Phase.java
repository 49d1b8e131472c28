package io.kgr.plan;

/** The phases of a plan, in the order they are applied (see DESIGN.md, "Order"). */
public enum Phase {
    KUBERNETES_PREREQUISITES("Kubernetes prerequisites (certificates, Secrets, ConfigMaps, Services, disruption budgets)"),
    VOLUMES("Volumes"),
    POD_SETS("Pod sets and new pods"),
    ROLLS("Rolling restarts, one pod at a time"),
    BROKER_CONFIG("Dynamic broker configuration"),
    TOPICS("Topics"),
    USERS("Users: credentials, ACLs, quotas"),
    PRUNE("Prune (what Git no longer declares)"),
    MIRRORS("Strimzi resources on the cluster (read-only mirrors of Git)"),
    INVENTORY("Inventory");

    private final String title;

    Phase(String title) {
        this.title = title;
    }

    /** The heading renderers show above the phase's steps. */
    public String title() {
        return title;
    }
}
