package io.kgr.status;

import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import io.kgr.model.AclRule;

/**
 * What kgr applied for one user: its principal, SCRAM mechanism and a salted hash of the applied password (the
 * broker never returns passwords, so this is how a changed password is noticed), the ACL bindings and quota keys it
 * created. Only these are ever removed by kgr.
 *
 * @param passwordHash empty when unknown (never applied, or the last attempt failed)
 */
public record ManagedUser(String principal, String mechanism, String passwordHash, List<AclRule> acls,
                          SortedSet<String> quotaKeys) {
    public ManagedUser {
        acls = acls.stream().sorted().distinct().toList();
        quotaKeys = Collections.unmodifiableSortedSet(new TreeSet<>(quotaKeys));
    }
}
