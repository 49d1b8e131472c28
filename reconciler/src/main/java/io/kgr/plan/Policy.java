package io.kgr.plan;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Choices of the operator that shape a plan.
 *
 * @param prune     delete topics this source created that Git no longer declares
 * @param protect   topic name patterns kgr never changes or deletes (internal {@code __*} topics always are)
 */
public record Policy(boolean prune, List<Pattern> protect) {
    public static final List<Pattern> DEFAULT_PROTECTED = List.of(
            Pattern.compile("__.*"), Pattern.compile("_schemas"), Pattern.compile("_confluent.*"),
            Pattern.compile("connect-(configs|offsets|status)"));

    public Policy {
        protect = List.copyOf(protect);
    }

    public static Policy defaults(boolean prune) {
        return new Policy(prune, DEFAULT_PROTECTED);
    }

    /** The protecting pattern matching {@code topic}, or null. Internal topics are protected whatever the list. */
    public String protectedBy(String topic) {
        if (topic.startsWith("__")) return "__*";
        for (Pattern p : protect) {
            if (p.matcher(topic).matches()) return p.pattern();
        }
        return null;
    }
}
