package io.kgr.model;

import java.util.Comparator;

/**
 * One ACL binding, compared exactly (principal, host, operation, permission, resource type, name, pattern type),
 * with Kafka's enum names in upper case (e.g. {@code TOPIC}, {@code LITERAL}, {@code WRITE}, {@code ALLOW}).
 */
public record AclRule(String principal, String host, String operation, String permission, String resourceType,
                      String resourceName, String patternType) implements Comparable<AclRule> {

    private static final Comparator<AclRule> ORDER = Comparator.comparing(AclRule::principal)
            .thenComparing(AclRule::resourceType).thenComparing(AclRule::resourceName).thenComparing(AclRule::patternType)
            .thenComparing(AclRule::operation).thenComparing(AclRule::permission).thenComparing(AclRule::host);

    @Override
    public int compareTo(AclRule o) {
        return ORDER.compare(this, o);
    }

    /** Human form: {@code ALLOW WRITE on TOPIC orders (LITERAL) from *}. */
    public String describe() {
        return permission + " " + operation + " on " + resourceType + " " + resourceName + " (" + patternType + ") from " + host;
    }
}
