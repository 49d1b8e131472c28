package io.kgr.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.kgr.plan.Policy;
import picocli.CommandLine.Option;

/** What to plan and how to show it. */
final class PlanOptions {
    @Option(names = "--prune", description = "Delete what this source created (or adopted) and Git no longer declares:"
            + " topics, users' credentials, ACLs and quotas, objects kgr made for a cluster that no node accounts for,"
            + " and Strimzi mirrors. Off by default.")
    boolean prune;

    @Option(names = "--protect", paramLabel = "REGEX",
            description = "Topic name pattern kgr never changes or deletes; repeatable. Added to the defaults: __.*, _schemas, _confluent.*, connect-(configs|offsets|status).")
    List<String> protect = new ArrayList<>();

    @Option(names = "--allow-mass-prune",
            description = "Allow a prune that deletes everything this source manages, or more than --max-prune-share of it (refused otherwise: an empty or mislabelled commit looks exactly like that).")
    boolean allowMassPrune;

    @Option(names = "--max-prune-share", paramLabel = "PERCENT", defaultValue = "50",
            description = "The largest share of what this source manages that one plan may delete without --allow-mass-prune (default: ${DEFAULT-VALUE}).")
    int maxPruneShare;

    @Option(names = "--allow-node-removal",
            description = "Allow removing the nodes of a node pool that Git no longer has (refused otherwise: a deleted or mislabelled KafkaNodePool looks exactly like that; scaling the pool to 0 replicas first needs no consent).")
    boolean allowNodeRemoval;

    @Option(names = "--operational-key", paramLabel = "KEY",
            description = "Topic config key other tools set (added to leader/follower.replication.throttled.replicas): never set, changed or removed unless Git declares it; repeatable.")
    List<String> operationalKeys = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json or markdown (default: ${DEFAULT-VALUE}).")
    Output output;

    @Option(names = "--no-color", description = "No colours (also when NO_COLOR is set, or output is not a terminal).")
    boolean noColour;

    Policy policy() {
        List<Pattern> patterns = new ArrayList<>(Policy.DEFAULT_PROTECTED);
        protect.forEach(p -> patterns.add(Pattern.compile(p)));
        Set<String> operational = new TreeSet<>(Policy.DEFAULT_OPERATIONAL_KEYS);
        operational.addAll(operationalKeys);
        return new Policy(prune, patterns, allowMassPrune, maxPruneShare, operational).withNodeRemoval(allowNodeRemoval);
    }

    @Option(names = "--out", paramLabel = "FILE", description = "Also save the plan (JSON) for a later 'kgr apply --plan FILE'.")
    Path out;
}
