package io.kgr.render;

import io.kgr.plan.Action;
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
        return change.accept(new Change.Visitor<>() {
            @Override
            public String createTopic(Change.CreateTopic c) {
                return "create topic " + c.topic();
            }

            @Override
            public String increasePartitions(Change.IncreasePartitions c) {
                return "increase partitions of topic " + c.topic();
            }

            @Override
            public String alterTopicConfig(Change.AlterTopicConfig c) {
                return "alter config of topic " + c.topic();
            }

            @Override
            public String changeReplicationFactor(Change.ChangeReplicationFactor c) {
                return "change replication factor of topic " + c.topic();
            }

            @Override
            public String moveReplicas(Change.MoveReplicas c) {
                return "move replicas of topic " + c.topic() + " off broker(s) " + c.off();
            }

            @Override
            public String deleteTopic(Change.DeleteTopic c) {
                return "delete topic " + c.topic();
            }

            @Override
            public String upsertScramCredential(Change.UpsertScramCredential c) {
                return (c.rotation() ? "rotate password of user " : "create SCRAM credential for user ") + c.user();
            }

            @Override
            public String deleteScramCredential(Change.DeleteScramCredential c) {
                return "delete SCRAM credential of user " + c.user();
            }

            @Override
            public String createUserSecret(Change.CreateUserSecret c) {
                return "create Secret " + c.user() + " with a generated password";
            }

            @Override
            public String deleteUserSecret(Change.DeleteUserSecret c) {
                return "delete Secret " + c.user() + " (generated password)";
            }

            @Override
            public String createAcls(Change.CreateAcls c) {
                return "create ACLs for user " + c.user();
            }

            @Override
            public String deleteAcls(Change.DeleteAcls c) {
                return "delete ACLs of user " + c.user();
            }

            @Override
            public String alterUserQuotas(Change.AlterUserQuotas c) {
                return (c.set().isEmpty() ? "remove quotas of user " : "alter quotas of user ") + c.user();
            }

            @Override
            public String updateInventory(Change.UpdateInventory c) {
                return "update inventory " + c.subject();
            }

            @Override
            public String issueCa(Change.IssueCa c) {
                String ca = c.ca().replace("-ca", " CA");
                return switch (c.mode()) {
                    case "create" -> "create " + ca + " of cluster " + c.cluster() + " (Secrets " + c.subject() + ", "
                            + c.subject() + "-cert)";
                    case "renew-certificate" -> "renew the certificate of " + ca + " " + c.subject() + " (same key)";
                    case "replace-key" -> "replace the key of " + ca + " " + c.subject()
                            + " (the old certificate stays trusted until all it signed is re-issued)";
                    default -> "stop trusting the replaced certificate of " + ca + " " + c.subject();
                };
            }

            @Override
            public String issueCertificate(Change.IssueCertificate c) {
                return (c.newKey() ? (c.exists() ? "renew " : "issue ") + "certificate "
                        : "update the trusted CA certificates of ") + "Secret " + c.secret()
                        + (c.newKey() ? " (" + c.commonName() + ")" : "");
            }

            @Override
            public String applyKubeObject(Change.ApplyKubeObject c) {
                return (c.create() ? "create " : "update ") + c.objectKind() + " " + c.name();
            }

            @Override
            public String expandVolume(Change.ExpandVolume c) {
                return "expand volume " + c.claim();
            }

            @Override
            public String createPod(Change.CreatePod c) {
                return "create pod " + c.pod();
            }

            @Override
            public String rollPod(Change.RollPod c) {
                return "roll pod " + c.pod();
            }

            @Override
            public String deleteKubeObject(Change.DeleteKubeObject c) {
                return "delete " + c.objectKind() + " " + c.name();
            }

            @Override
            public String takeOverObject(Change.TakeOverObject c) {
                return "take over " + c.objectKind() + " " + c.name() + " from Strimzi, as it runs";
            }

            @Override
            public String unregisterBroker(Change.UnregisterBroker c) {
                return "unregister removed broker " + c.nodeId() + " from the cluster's metadata";
            }

            @Override
            public String alterBrokerConfig(Change.AlterBrokerConfig c) {
                return "alter dynamic broker config (cluster default)";
            }

            @Override
            public String removeThrottles(Change.RemoveThrottles c) {
                return "remove the replication throttles of finished moves (source " + c.source() + ")";
            }
        });
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
    static String transition(FieldChange f, Action action) {
        String b = before(f);
        String a = after(f);
        if (b == null) return "= " + a;
        if (a == null) return b + " → " + (action == Action.DELETE ? "(deleted)" : UNSET);
        return b + " → " + a;
    }

    static String summary(Plan plan) {
        if (!plan.hasChanges() && !plan.isRefused()) return "No changes. The cluster matches Git.";
        return "Plan: " + plan.count(Action.CREATE) + " to add, " + plan.count(Action.UPDATE)
                + " to change, " + plan.count(Action.DELETE) + " to delete, " + plan.refusals().size()
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
