package io.kgr.render;

import io.kgr.plan.Change;
import io.kgr.plan.Change.AlterTopicConfig;
import io.kgr.plan.Change.ChangeReplicationFactor;
import io.kgr.plan.Change.CreateTopic;
import io.kgr.plan.Change.DeleteTopic;
import io.kgr.plan.Change.IncreasePartitions;
import io.kgr.plan.Change.UpdateInventory;
import io.kgr.plan.Change.UpsertScramCredential;
import io.kgr.plan.Change.DeleteScramCredential;
import io.kgr.plan.Change.CreateAcls;
import io.kgr.plan.Change.DeleteAcls;
import io.kgr.plan.Change.AlterUserQuotas;
import io.kgr.plan.FieldChange;
import io.kgr.plan.Plan;

/** The words all renderers share, so text, Markdown and logs describe a step the same way. */
final class Words {
    static final String SENSITIVE = "(sensitive)";
    static final String UNSET = "(broker default)";

    private Words() {
    }

    static String headline(Change change) {
        // Java 17: no pattern switch yet; the sealed hierarchy keeps this list complete
        if (change instanceof CreateTopic c) return "create topic " + c.topic();
        if (change instanceof IncreasePartitions c) return "increase partitions of topic " + c.topic();
        if (change instanceof AlterTopicConfig c) return "alter config of topic " + c.topic();
        if (change instanceof ChangeReplicationFactor c) return "change replication factor of topic " + c.topic();
        if (change instanceof Change.MoveReplicas c) return "move replicas of topic " + c.topic() + " off broker(s) " + c.off();
        if (change instanceof DeleteTopic c) return "delete topic " + c.topic();
        if (change instanceof UpsertScramCredential c) {
            return (c.rotation() ? "rotate password of user " : "create SCRAM credential for user ") + c.user();
        }
        if (change instanceof DeleteScramCredential c) return "delete SCRAM credential of user " + c.user();
        if (change instanceof Change.CreateUserSecret c) return "create Secret " + c.user() + " with a generated password";
        if (change instanceof Change.DeleteUserSecret c) return "delete Secret " + c.user() + " (generated password)";
        if (change instanceof CreateAcls c) return "create ACLs for user " + c.user();
        if (change instanceof DeleteAcls c) return "delete ACLs of user " + c.user();
        if (change instanceof AlterUserQuotas c) {
            return (c.set().isEmpty() ? "remove quotas of user " : "alter quotas of user ") + c.user();
        }
        if (change instanceof UpdateInventory c) return "update inventory " + c.subject();
        if (change instanceof Change.IssueCa c) return switch (c.mode()) {
            case "create" -> "create " + c.ca().replace("-ca", " CA") + " of cluster " + c.cluster() + " (Secrets " + c.subject()
                    + ", " + c.subject() + "-cert)";
            case "renew-certificate" -> "renew the certificate of " + c.ca().replace("-ca", " CA") + " " + c.subject() + " (same key)";
            case "replace-key" -> "replace the key of " + c.ca().replace("-ca", " CA") + " " + c.subject()
                    + " (the old certificate stays trusted until all it signed is re-issued)";
            default -> "stop trusting the replaced certificate of " + c.ca().replace("-ca", " CA") + " " + c.subject();
        };
        if (change instanceof Change.IssueCertificate c) return (c.newKey() ? (c.exists() ? "renew " : "issue ")
                + "certificate " : "update the trusted CA certificates of ") + "Secret " + c.secret()
                + (c.newKey() ? " (" + c.commonName() + ")" : "");
        if (change instanceof Change.ApplyKubeObject c) return (c.create() ? "create " : "update ") + c.objectKind() + " " + c.name();
        if (change instanceof Change.ExpandVolume c) return "expand volume " + c.claim();
        if (change instanceof Change.CreatePod c) return "create pod " + c.pod();
        if (change instanceof Change.RollPod c) return "roll pod " + c.pod();
        if (change instanceof Change.DeleteKubeObject c) return "delete " + c.objectKind() + " " + c.name();
        if (change instanceof Change.AlterBrokerConfig) return "alter dynamic broker config (cluster default)";
        throw new IllegalArgumentException("unknown change " + change.kind());
    }

    static String before(FieldChange f) {
        if (f.before() == null) return null;
        return f.sensitive() ? SENSITIVE : f.before();
    }

    static String after(FieldChange f) {
        if (f.after() == null) return null;
        return f.sensitive() ? SENSITIVE : f.after();
    }

    /**
     * {@code a → b}; {@code = b} for new values; for removed ones {@code a → (broker default)}, or
     * {@code a → (deleted)} when the whole thing is deleted.
     */
    static String transition(FieldChange f, io.kgr.plan.Action action) {
        String b = before(f);
        String a = after(f);
        if (b == null) return "= " + a;
        if (a == null) return b + " → " + (action == io.kgr.plan.Action.DELETE ? "(deleted)" : UNSET);
        return b + " → " + a;
    }

    static String summary(Plan plan) {
        if (!plan.hasChanges() && !plan.isRefused()) return "No changes. The cluster matches Git.";
        return "Plan: " + plan.count(io.kgr.plan.Action.CREATE) + " to add, " + plan.count(io.kgr.plan.Action.UPDATE)
                + " to change, " + plan.count(io.kgr.plan.Action.DELETE) + " to delete, " + plan.refusals().size()
                + " refused" + (onlyInventory(plan) ? " (inventory update only)." : ".");
    }

    private static boolean onlyInventory(Plan plan) {
        return plan.hasChanges() && plan.steps().stream().allMatch(s -> s.change() instanceof UpdateInventory);
    }

    static String source(Plan plan) {
        var h = plan.header();
        String ref = h.ref() == null || h.ref().isEmpty() ? "" : " (" + h.ref() + ")";
        String commit = h.commit().startsWith("dir:") || h.commit().length() <= 12 ? h.commit() : h.commit().substring(0, 12);
        return h.location() + " @ " + commit + ref;
    }
}
