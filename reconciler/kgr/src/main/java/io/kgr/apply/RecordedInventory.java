package io.kgr.apply;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kgr.inventory.Inventory;
import io.kgr.inventory.ManagedUser;
import io.kgr.model.AclRule;
import io.kgr.plan.Change;

/**
 * The inventory an apply records: what the plan said it would own after it ran, corrected for the steps that did not
 * succeed (failed, skipped, or not started because kgr stopped), so that it records only what is true. Pure: the
 * applier calls it with what it read and what happened.
 */
final class RecordedInventory {
    private RecordedInventory() {
    }

    /**
     * @param planned     the plan's inventory step
     * @param before      the source's inventory as stored before this apply
     * @param notDone     the changes of the steps that did not succeed
     * @param freshHashes hashes of the passwords set by this apply (the plan could not know them)
     */
    static Inventory after(Change.UpdateInventory planned, Inventory before, List<Change> notDone,
                           Map<String, String> freshHashes, Instant at) {
        TreeMap<String, String> topics = new TreeMap<>(planned.topics());
        TreeMap<String, ManagedUser> users = new TreeMap<>(planned.users());
        TreeMap<String, String> adopted = new TreeMap<>(planned.adopted());
        users.replaceAll((name, u) -> !u.passwordHash().equals(ManagedUser.KEEP) ? u
                : u.withPasswordHash(before.users().containsKey(name) ? before.users().get(name).passwordHash() : ""));
        freshHashes.forEach((user, hash) -> users.computeIfPresent(user, (k, u) -> u.withPasswordHash(hash)));
        // a deletion that did not happen keeps the thing owned — the whole record of a user, first: its credential,
        // its generated Secret and its ACLs stay kgr's to delete on a later run (a stub would lose its mechanism, and
        // the credential would outlive its ownership)
        for (Change c : notDone) keepUndeleted(c, before, topics, users, adopted);
        for (Change c : notDone) forgetFailed(c, topics, users);
        // broker settings: a deletion that did not happen keeps the key kgr's to delete on a later run
        TreeSet<String> brokerKeys = new TreeSet<>(planned.brokerKeys());
        if (notDone.stream().anyMatch(c -> c instanceof Change.AlterBrokerConfig)) brokerKeys.addAll(before.brokerKeys());
        return new Inventory(planned.cluster(), planned.source(), planned.commit(), at, topics, users, adopted, brokerKeys);
    }

    private static void keepUndeleted(Change change, Inventory before, Map<String, String> topics,
                                      Map<String, ManagedUser> users, Map<String, String> adopted) {
        String user = switch (change.type()) {
            case DELETE_SCRAM_CREDENTIAL -> ((Change.DeleteScramCredential) change).user();
            case DELETE_USER_SECRET -> ((Change.DeleteUserSecret) change).user();
            case DELETE_ACLS -> ((Change.DeleteAcls) change).user();
            case ALTER_USER_QUOTAS -> ((Change.AlterUserQuotas) change).user();
            default -> null;
        };
        if (user != null && !users.containsKey(user) && before.ownsUser(user)) users.put(user, before.users().get(user));
        if (change instanceof Change.DeleteTopic d && before.owns(d.topic())) {
            topics.putIfAbsent(d.topic(), before.topics().get(d.topic()));
            if (before.adopted().containsKey(d.topic())) adopted.putIfAbsent(d.topic(), before.adopted().get(d.topic()));
        }
    }

    private static void forgetFailed(Change change, Map<String, String> topics, Map<String, ManagedUser> users) {
        if (change instanceof Change.CreateTopic c) {
            topics.remove(c.topic());
        } else if (change instanceof Change.UpsertScramCredential c) {
            users.computeIfPresent(c.user(), (k, u) -> u.withPasswordHash(""));
        } else if (change instanceof Change.CreateAcls c) {
            users.computeIfPresent(c.user(), (k, u) -> u.withAcls(u.acls().stream().filter(a -> !c.acls().contains(a)).toList()));
        } else if (change instanceof Change.DeleteAcls c) {
            ManagedUser u = users.get(c.user());
            List<AclRule> kept = new ArrayList<>(u == null ? List.of() : u.acls());
            for (AclRule a : c.acls()) if (!kept.contains(a)) kept.add(a);
            users.put(c.user(), u != null ? u.withAcls(kept)
                    : new ManagedUser(c.acls().get(0).principal(), "", "", kept, new TreeSet<>()));
        } else if (change instanceof Change.AlterUserQuotas c) {
            users.computeIfPresent(c.user(), (k, u) -> {
                TreeSet<String> keys = new TreeSet<>(u.quotaKeys());
                keys.addAll(c.remove());
                return u.withQuotaKeys(keys);
            });
        }
    }
}
