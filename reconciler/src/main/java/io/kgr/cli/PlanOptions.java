package io.kgr.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.kgr.plan.Policy;
import picocli.CommandLine.Option;

/** What to plan and how to show it. */
final class PlanOptions {
    @Option(names = "--prune", description = "Delete topics this source created that Git no longer declares.")
    boolean prune;

    @Option(names = "--protect", paramLabel = "REGEX",
            description = "Topic name pattern kgr never changes or deletes; repeatable. Added to the defaults: __.*, _schemas, _confluent.*, connect-(configs|offsets|status).")
    List<String> protect = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json or markdown (default: ${DEFAULT-VALUE}).")
    Output output;

    @Option(names = "--no-color", description = "No colours (also when NO_COLOR is set, or output is not a terminal).")
    boolean noColour;

    Policy policy() {
        List<Pattern> patterns = new ArrayList<>(Policy.DEFAULT_PROTECTED);
        protect.forEach(p -> patterns.add(Pattern.compile(p)));
        return new Policy(prune, patterns);
    }

    @Option(names = "--out", paramLabel = "FILE", description = "Also save the plan (JSON) for a later 'kgr apply --plan FILE'.")
    Path out;
}
