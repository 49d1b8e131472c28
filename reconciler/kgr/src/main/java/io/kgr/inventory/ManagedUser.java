package io.kgr.inventory;

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
 * @param passwordHash    empty when unknown (never applied, or the last attempt failed)
 * @param generatedSecret kgr generated the password into a Kubernetes Secret (deleted with the user on prune)
 */
public record ManagedUser(String principal, String mechanism, String passwordHash, List<AclRule> acls,
                          SortedSet<String> quotaKeys, boolean generatedSecret) {
    public ManagedUser {
        acls = acls.stream().sorted().distinct().toList();
        quotaKeys = Collections.unmodifiableSortedSet(new TreeSet<>(quotaKeys));
    }

    public ManagedUser(String principal, String mechanism, String passwordHash, List<AclRule> acls,
                       SortedSet<String> quotaKeys) {
        this(principal, mechanism, passwordHash, acls, quotaKeys, false);
    }

    /**
     * A planned inventory's stand-in for "the hash stored now": plans never carry hashes, so apply takes this user's
     * hash from the stored inventory when it writes the new one.
     */
    public static final String KEEP = "(kept)";

    public ManagedUser withPasswordHash(String hash) {
        return new ManagedUser(principal, mechanism, hash, acls, quotaKeys, generatedSecret);
    }

    public ManagedUser withAcls(List<AclRule> owned) {
        return new ManagedUser(principal, mechanism, passwordHash, owned, quotaKeys, generatedSecret);
    }

    public ManagedUser withQuotaKeys(SortedSet<String> keys) {
        return new ManagedUser(principal, mechanism, passwordHash, acls, keys, generatedSecret);
    }
}
