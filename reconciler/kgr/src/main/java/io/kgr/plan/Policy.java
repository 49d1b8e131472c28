package io.kgr.plan;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Choices of the operator that shape a plan.
 *
 * @param prune           delete topics and users this source created that Git no longer declares
 * @param protect         topic name patterns kgr never changes or deletes (internal {@code __*} topics always are)
 * @param allowMassPrune  the operator's explicit consent to a prune that empties the source, or removes more than
 *                        {@code maxPruneShare} of it (Argo CD's {@code allowEmpty}); off by default
 * @param maxPruneShare   the largest share (percent) of what a source owns that one plan may delete without that consent
 * @param operationalKeys topic config keys other tools set (replication throttles, …): never set, changed or removed
 *                        unless Git declares them
 * @param deleteNothing   while Git does not answer: nothing at all is deleted (no prune, no node or Service removal)
 * @param allowNodeRemoval the operator's explicit consent to removing the nodes of a node pool that Git no longer has
 *                        (a deleted or mislabelled KafkaNodePool looks exactly like that); off by default
 */
public record Policy(boolean prune, List<Pattern> protect, boolean allowMassPrune, int maxPruneShare,
                     Set<String> operationalKeys, boolean deleteNothing, boolean allowNodeRemoval) {
    public static final List<Pattern> DEFAULT_PROTECTED = List.of(
            Pattern.compile("__.*"), Pattern.compile("_schemas"), Pattern.compile("_confluent.*"),
            Pattern.compile("connect-(configs|offsets|status)"));
    /** A plan deleting more than half of what its source owns is far more often a mistake than a clean-up. */
    public static final int DEFAULT_MAX_PRUNE_SHARE = 50;
    /** Set by kafka-reassign-partitions and Cruise Control while they move replicas. */
    public static final Set<String> DEFAULT_OPERATIONAL_KEYS = Set.of(
            "leader.replication.throttled.replicas", "follower.replication.throttled.replicas");

    public Policy {
        protect = List.copyOf(protect);
        operationalKeys = Set.copyOf(operationalKeys);
        if (maxPruneShare < 0 || maxPruneShare > 100) {
            throw new IllegalArgumentException("the largest prune share is a percentage (0–100), not " + maxPruneShare);
        }
    }

    public Policy(boolean prune, List<Pattern> protect, boolean allowMassPrune, int maxPruneShare, Set<String> operationalKeys) {
        this(prune, protect, allowMassPrune, maxPruneShare, operationalKeys, false, false);
    }

    public Policy withNodeRemoval(boolean allowed) {
        return new Policy(prune, protect, allowMassPrune, maxPruneShare, operationalKeys, deleteNothing, allowed);
    }

    public Policy(boolean prune, List<Pattern> protect) {
        this(prune, protect, false, DEFAULT_MAX_PRUNE_SHARE, DEFAULT_OPERATIONAL_KEYS);
    }

    public static Policy defaults(boolean prune) {
        return new Policy(prune, DEFAULT_PROTECTED);
    }

    /** The policy of a run while Git does not answer: drift is corrected, but nothing is deleted. */
    public Policy whileGitIsDown() {
        return new Policy(false, protect, allowMassPrune, maxPruneShare, operationalKeys, true, allowNodeRemoval);
    }

    public Policy withMassPrune(boolean allowed, int share) {
        return new Policy(prune, protect, allowed, share, operationalKeys, deleteNothing, allowNodeRemoval);
    }

    public Policy withOperationalKeys(Set<String> keys) {
        return new Policy(prune, protect, allowMassPrune, maxPruneShare, keys, deleteNothing, allowNodeRemoval);
    }

    /** The protecting pattern matching {@code topic}, or null. Internal topics are protected whatever the list. */
    public String protectedBy(String topic) {
        if (topic.startsWith("__")) return "__*";
        for (Pattern p : protect) {
            if (p.matcher(topic).matches()) return p.pattern();
        }
        return null;
    }

    /** Whether kgr leaves {@code key} alone on a topic whose manifest does not declare it. */
    public boolean isOperational(String key) {
        return operationalKeys.contains(key);
    }
}
