package io.kgr.plan;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kgr.model.AclRule;
import io.kgr.model.SecretRef;
import io.kgr.inventory.ManagedUser;

/** What a step does: one record per kind of action, carrying all it needs to be applied later from a saved plan. */
public sealed interface Change {

    /** A stable, kebab-case name of the action kind (used in step ids, JSON and metrics). */
    String kind();

    /** The thing acted on (a topic name, or the inventory key). */
    String subject();

    Action action();

    /**
     * The kinds of change, one constant per record: a {@code switch} expression over it (apply's batches, the JSON
     * reader) fails to compile when a kind is added and not handled.
     */
    enum Kind {
        // declared in the order a phase applies them (Plan.ORDER sorts by phase, then kind, then subject)
        TAKE_OVER_OBJECT("take-over-object"),
        ISSUE_CA("issue-ca"),
        ISSUE_CERTIFICATE("issue-certificate"),
        APPLY_KUBE_OBJECT("create-kube-object", "update-kube-object"),
        EXPAND_VOLUME("expand-volume"),
        CREATE_POD("create-pod"),
        ROLL_POD("roll-pod"),
        ALTER_BROKER_CONFIG("alter-broker-config"),
        CREATE_TOPIC("create-topic"),
        INCREASE_PARTITIONS("increase-partitions"),
        ALTER_TOPIC_CONFIG("alter-topic-config"),
        REMOVE_THROTTLES("remove-throttles"),
        CHANGE_REPLICATION_FACTOR("change-replication-factor"),
        MOVE_REPLICAS("move-replicas"),
        CREATE_USER_SECRET("create-user-secret"),
        UPSERT_SCRAM_CREDENTIAL("upsert-scram-credential"),
        CREATE_ACLS("create-acls"),
        DELETE_ACLS("delete-acls"),
        ALTER_USER_QUOTAS("alter-user-quotas"),
        DELETE_SCRAM_CREDENTIAL("delete-scram-credential"),
        DELETE_USER_SECRET("delete-user-secret"),
        DELETE_TOPIC("delete-topic"),
        DELETE_KUBE_OBJECT("delete-kube-object"),
        UNREGISTER_BROKER("unregister-broker"),
        UPDATE_INVENTORY("update-inventory");

        private final List<String> ids;

        Kind(String... ids) {
            this.ids = List.of(ids);
        }

        /** The kind a step id or a saved plan names ({@link Change#kind()}), if any. */
        public static Optional<Kind> of(String id) {
            for (Kind k : values()) if (k.ids.contains(id)) return Optional.of(k);
            return Optional.empty();
        }
    }

    /**
     * One method per kind of change: renderers and executors implement it, so adding a kind fails to compile until
     * each of them handles it (Java 17 has no pattern {@code switch} over a sealed type yet).
     */
    interface Visitor<R> {
        R createTopic(CreateTopic change);
        R increasePartitions(IncreasePartitions change);
        R alterTopicConfig(AlterTopicConfig change);
        R changeReplicationFactor(ChangeReplicationFactor change);
        R moveReplicas(MoveReplicas change);
        R deleteTopic(DeleteTopic change);
        R upsertScramCredential(UpsertScramCredential change);
        R createUserSecret(CreateUserSecret change);
        R deleteUserSecret(DeleteUserSecret change);
        R deleteScramCredential(DeleteScramCredential change);
        R createAcls(CreateAcls change);
        R deleteAcls(DeleteAcls change);
        R alterUserQuotas(AlterUserQuotas change);
        R updateInventory(UpdateInventory change);
        R applyKubeObject(ApplyKubeObject change);
        R expandVolume(ExpandVolume change);
        R createPod(CreatePod change);
        R rollPod(RollPod change);
        R deleteKubeObject(DeleteKubeObject change);
        R takeOverObject(TakeOverObject change);
        R unregisterBroker(UnregisterBroker change);
        R alterBrokerConfig(AlterBrokerConfig change);
        R removeThrottles(RemoveThrottles change);
        R issueCa(IssueCa change);
        R issueCertificate(IssueCertificate change);
    }

    /** This change's kind, as a constant the compiler checks switches over. */
    Kind type();

    /** Calls the visitor's method for this kind of change. */
    <R> R accept(Visitor<R> visitor);

    /** A new topic; null partitions/replicas mean the broker's defaults. */
    /** @param assignment explicit replicas per partition (empty: the broker places them) */
    record CreateTopic(String topic, Integer partitions, Integer replicas, SortedMap<String, String> config,
                       List<List<Integer>> assignment) implements Change {
        public CreateTopic(String topic, Integer partitions, Integer replicas, SortedMap<String, String> config) {
            this(topic, partitions, replicas, config, List.of());
        }

        public String kind() { return "create-topic"; }
        public Kind type() { return Kind.CREATE_TOPIC; }
        public <R> R accept(Visitor<R> visitor) { return visitor.createTopic(this); }
        public String subject() { return topic; }
        public Action action() { return Action.CREATE; }
    }

    /**
     * More partitions. {@code newReplicas} lists the replicas of each new partition when they are placed explicitly;
     * empty lets the controller place them (rack-aware), at the topic's current replication factor.
     */
    record IncreasePartitions(String topic, int from, int to, List<List<Integer>> newReplicas) implements Change {
        public String kind() { return "increase-partitions"; }
        public Kind type() { return Kind.INCREASE_PARTITIONS; }
        public <R> R accept(Visitor<R> visitor) { return visitor.increasePartitions(this); }
        public String subject() { return topic; }
        public Action action() { return Action.UPDATE; }
    }

    /** Topic-level overrides to set, and overrides to remove (back to the broker default). */
    record AlterTopicConfig(String topic, SortedMap<String, String> set, SortedSet<String> delete) implements Change {
        public String kind() { return "alter-topic-config"; }
        public Kind type() { return Kind.ALTER_TOPIC_CONFIG; }
        public <R> R accept(Visitor<R> visitor) { return visitor.alterTopicConfig(this); }
        public String subject() { return topic; }
        public Action action() { return Action.UPDATE; }
    }

    /** A reassignment to a new replication factor: the full target replica list of every existing partition. */
    /** A change that moves partition replicas (a reassignment): apply submits it throttled and waits for it. */
    interface Reassignment {
        String topic();

        SortedMap<Integer, List<Integer>> assignment();
    }

    record ChangeReplicationFactor(String topic, int from, int to, SortedMap<Integer, List<Integer>> assignment)
            implements Change, Reassignment {
        public String kind() { return "change-replication-factor"; }
        public Kind type() { return Kind.CHANGE_REPLICATION_FACTOR; }
        public <R> R accept(Visitor<R> visitor) { return visitor.changeReplicationFactor(this); }
        public String subject() { return topic; }
        public Action action() { return Action.UPDATE; }
    }

    /**
     * Moves a topic's replicas off brokers that the plan removes, keeping each partition's replication factor (a
     * Cruise Control {@code remove_brokers}, planned and shown): the node's removal depends on it.
     */
    record MoveReplicas(String topic, SortedSet<Integer> off, SortedMap<Integer, List<Integer>> assignment)
            implements Change, Reassignment {
        public String kind() { return "move-replicas"; }
        public Kind type() { return Kind.MOVE_REPLICAS; }
        public <R> R accept(Visitor<R> visitor) { return visitor.moveReplicas(this); }
        public String subject() { return topic; }
        public Action action() { return Action.UPDATE; }
    }

    record DeleteTopic(String topic, int partitions) implements Change {
        public String kind() { return "delete-topic"; }
        public Kind type() { return Kind.DELETE_TOPIC; }
        public <R> R accept(Visitor<R> visitor) { return visitor.deleteTopic(this); }
        public String subject() { return topic; }
        public Action action() { return Action.DELETE; }
    }

    /**
     * Sets a SCRAM credential. The plan never holds the password nor anything computed from it: apply reads it again
     * from {@code passwordRef} and checks that the source still has the version the plan read ({@code passwordVersion}:
     * a Kubernetes Secret's uid and resourceVersion, a file's identity and change time), so a password that changed
     * after planning is not applied unseen. Empty where the source has no versions (environment variables) and for a
     * password kgr generates during the apply.
     */
    record UpsertScramCredential(String user, String mechanism, int iterations, SecretRef passwordRef,
                                 String passwordVersion, boolean rotation) implements Change {
        public String kind() { return "upsert-scram-credential"; }
        public Kind type() { return Kind.UPSERT_SCRAM_CREDENTIAL; }
        public <R> R accept(Visitor<R> visitor) { return visitor.upsertScramCredential(this); }
        public String subject() { return user; }
        public Action action() { return rotation ? Action.UPDATE : Action.CREATE; }
    }

    /** A Kubernetes Secret with a password kgr generates at apply time (never in the plan). */
    record CreateUserSecret(String user, String mechanism) implements Change {
        public String kind() { return "create-user-secret"; }
        public Kind type() { return Kind.CREATE_USER_SECRET; }
        public <R> R accept(Visitor<R> visitor) { return visitor.createUserSecret(this); }
        public String subject() { return user; }
        public Action action() { return Action.CREATE; }
    }

    /** The generated-password Secret of a user Git no longer declares; only a Secret kgr labelled is deleted. */
    record DeleteUserSecret(String user) implements Change {
        public String kind() { return "delete-user-secret"; }
        public Kind type() { return Kind.DELETE_USER_SECRET; }
        public <R> R accept(Visitor<R> visitor) { return visitor.deleteUserSecret(this); }
        public String subject() { return user; }
        public Action action() { return Action.DELETE; }
    }

    record DeleteScramCredential(String user, String mechanism) implements Change {
        public String kind() { return "delete-scram-credential"; }
        public Kind type() { return Kind.DELETE_SCRAM_CREDENTIAL; }
        public <R> R accept(Visitor<R> visitor) { return visitor.deleteScramCredential(this); }
        public String subject() { return user; }
        public Action action() { return Action.DELETE; }
    }

    /** ACL bindings to add for one user (its principal). */
    record CreateAcls(String user, List<AclRule> acls) implements Change {
        public String kind() { return "create-acls"; }
        public Kind type() { return Kind.CREATE_ACLS; }
        public <R> R accept(Visitor<R> visitor) { return visitor.createAcls(this); }
        public String subject() { return user; }
        public Action action() { return Action.CREATE; }
    }

    /** ACL bindings kgr created that Git no longer declares, removed by exact match. */
    record DeleteAcls(String user, List<AclRule> acls) implements Change {
        public String kind() { return "delete-acls"; }
        public Kind type() { return Kind.DELETE_ACLS; }
        public <R> R accept(Visitor<R> visitor) { return visitor.deleteAcls(this); }
        public String subject() { return user; }
        public Action action() { return Action.DELETE; }
    }

    /** Quota values to set and quota keys to remove for one user entity. */
    record AlterUserQuotas(String user, SortedMap<String, Double> set, SortedSet<String> remove) implements Change {
        public String kind() { return "alter-user-quotas"; }
        public Kind type() { return Kind.ALTER_USER_QUOTAS; }
        public <R> R accept(Visitor<R> visitor) { return visitor.alterUserQuotas(this); }
        public String subject() { return user; }
        public Action action() { return set.isEmpty() ? Action.DELETE : Action.UPDATE; }
    }

    /** The ownership record after this plan: managed topic → the manifest it came from, managed users. */
    record UpdateInventory(String cluster, String source, String commit, SortedMap<String, String> topics,
                           SortedMap<String, ManagedUser> users, SortedMap<String, String> adopted,
                           SortedSet<String> brokerKeys) implements Change {
        public UpdateInventory(String cluster, String source, String commit, SortedMap<String, String> topics,
                               SortedMap<String, ManagedUser> users, SortedMap<String, String> adopted) {
            this(cluster, source, commit, topics, users, adopted, new TreeSet<>());
        }

        public UpdateInventory(String cluster, String source, String commit, SortedMap<String, String> topics,
                               SortedMap<String, ManagedUser> users) {
            this(cluster, source, commit, topics, users, new TreeMap<>());
        }

        public String kind() { return "update-inventory"; }
        public Kind type() { return Kind.UPDATE_INVENTORY; }
        public <R> R accept(Visitor<R> visitor) { return visitor.updateInventory(this); }
        public String subject() { return cluster + "/" + source; }
        public Action action() { return Action.UPDATE; }
    }
    /**
     * A Kubernetes object to create or bring back to what Git says ({@code manifest}: the object as JSON). Updates are
     * merge patches of the fields kgr sets; only objects labelled as managed by kgr are ever updated.
     */
    record ApplyKubeObject(String objectKind, String name, String manifest, boolean create) implements Change {
        public String kind() { return create ? "create-kube-object" : "update-kube-object"; }
        public Kind type() { return Kind.APPLY_KUBE_OBJECT; }
        public <R> R accept(Visitor<R> visitor) { return visitor.applyKubeObject(this); }
        public String subject() { return objectKind + "/" + name; }
        public Action action() { return create ? Action.CREATE : Action.UPDATE; }
    }

    /** A claim grown to a bigger size (its StorageClass allows expansion). */
    record ExpandVolume(String claim, String from, String to) implements Change {
        public String kind() { return "expand-volume"; }
        public Kind type() { return Kind.EXPAND_VOLUME; }
        public <R> R accept(Visitor<R> visitor) { return visitor.expandVolume(this); }
        public String subject() { return claim; }
        public Action action() { return Action.UPDATE; }
    }

    /** A new pod (a new node, or one that is missing); applied by creating it and waiting until it is Ready. */
    record CreatePod(String pod, String manifest) implements Change {
        public String kind() { return "create-pod"; }
        public Kind type() { return Kind.CREATE_POD; }
        public <R> R accept(Visitor<R> visitor) { return visitor.createPod(this); }
        public String subject() { return pod; }
        public Action action() { return Action.CREATE; }
    }

    /**
     * A restart with a new spec: delete the pod, create it from {@code manifest}, wait until it is Ready and, for a
     * broker, until no partition is under-replicated. Before it, the node's partitions must not fall below
     * min.insync.replicas.
     */
    record RollPod(String pod, int nodeId, boolean broker, String manifest) implements Change {
        public String kind() { return "roll-pod"; }
        public Kind type() { return Kind.ROLL_POD; }
        public <R> R accept(Visitor<R> visitor) { return visitor.rollPod(this); }
        public String subject() { return pod; }
        public Action action() { return Action.UPDATE; }
    }

    /** A Kubernetes object kgr made that Git no longer needs (a removed node's pod, ConfigMap, services, claim). */
    record DeleteKubeObject(String objectKind, String name) implements Change {
        public String kind() { return "delete-kube-object"; }
        public Kind type() { return Kind.DELETE_KUBE_OBJECT; }
        public <R> R accept(Visitor<R> visitor) { return visitor.deleteKubeObject(this); }
        public String subject() { return objectKind + "/" + name; }
        public Action action() { return Action.DELETE; }
    }

    /**
     * An object Strimzi's cluster operator made, taken over in place as it is (nothing restarts): kgr's labels and
     * annotations added, the owner references to Strimzi's resources dropped (so that deleting the {@code Kafka} resource
     * no longer deletes it). Applied only to the object the plan saw ({@code uid}) while it is still Strimzi's; an
     * object already taken over is done. A node's certificate Secret ({@code nodeCertificate}) also gets the files kgr's
     * brokers read, made from the key and certificate it holds (nothing is re-issued); no value is in the plan.
     */
    record TakeOverObject(String objectKind, String name, String uid, SortedMap<String, String> labels,
                          SortedMap<String, String> annotations, boolean nodeCertificate) implements Change {
        public TakeOverObject {
            labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
            annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
        }

        public String kind() { return "take-over-object"; }
        public Kind type() { return Kind.TAKE_OVER_OBJECT; }
        public <R> R accept(Visitor<R> visitor) { return visitor.takeOverObject(this); }
        public String subject() { return objectKind + "/" + name; }
        public Action action() { return Action.UPDATE; }
    }

    /**
     * The KRaft registration a removed broker left behind (its pod is gone, its id no longer in Git, it hosts nothing),
     * when the removal that would have removed it stopped before it could (a kill, a lost lease, a failed call).
     */
    record UnregisterBroker(int nodeId) implements Change {
        public String kind() { return "unregister-broker"; }
        public Kind type() { return Kind.UNREGISTER_BROKER; }
        public <R> R accept(Visitor<R> visitor) { return visitor.unregisterBroker(this); }
        public String subject() { return String.valueOf(nodeId); }
        public Action action() { return Action.DELETE; }
    }

    /** Cluster-wide dynamic broker settings (what Kafka applies without a restart): keys to set and to remove. */
    record AlterBrokerConfig(SortedMap<String, String> set, SortedSet<String> delete) implements Change {
        public String kind() { return "alter-broker-config"; }
        public Kind type() { return Kind.ALTER_BROKER_CONFIG; }
        public <R> R accept(Visitor<R> visitor) { return visitor.alterBrokerConfig(this); }
        public String subject() { return "cluster-default"; }
        public Action action() { return Action.UPDATE; }
    }

    /**
     * The replication throttles a source's replica moves needed, removed once every move is done (they were kept, and
     * recorded, while the moves outlasted the run that started them). Then the source's record of its moves is removed.
     *
     * @param brokers broker id → the throttle keys kgr set there
     * @param topics  topic → the throttle keys kgr set there
     */
    record RemoveThrottles(String source, SortedMap<String, List<String>> brokers, SortedMap<String, List<String>> topics)
            implements Change {
        public String kind() { return "remove-throttles"; }
        public Kind type() { return Kind.REMOVE_THROTTLES; }
        public <R> R accept(Visitor<R> visitor) { return visitor.removeThrottles(this); }
        public String subject() { return source; }
        public Action action() { return Action.UPDATE; }
    }

    /**
     * One of a cluster's two CAs ({@code cluster-ca} signs the nodes' and kgr's certificates, {@code clients-ca} the
     * TLS users'), kept in Strimzi's Secrets {@code <cluster>-<ca>} (key) and {@code <cluster>-<ca>-cert}. Keys and
     * certificates are made at apply time and never are part of a plan.
     *
     * @param mode {@code create}; {@code renew-certificate} (a new certificate for the same key: what it signed stays
     *             valid); {@code replace-key} (a new key; the old certificate stays trusted until everything it signed
     *             was re-issued); {@code drop-old-certificates} (that moment has come)
     */
    record IssueCa(String cluster, String ca, String mode, String commonName, int validityDays, int certGeneration,
                   int keyGeneration) implements Change {
        public String kind() { return "issue-ca"; }
        public Kind type() { return Kind.ISSUE_CA; }
        public <R> R accept(Visitor<R> visitor) { return visitor.issueCa(this); }
        public String subject() { return cluster + "-" + ca; }
        public Action action() { return mode.equals("create") ? Action.CREATE : Action.UPDATE; }
    }

    /**
     * A certificate signed by one of the cluster's CAs in a Secret kgr keeps: a node's ({@code purpose} node: the
     * Secret is named after the pod), kgr's own admin client's ({@code kgr}), a TLS user's ({@code user}). With
     * {@code newKey} false only the trusted CA certificates in it are brought up to date.
     *
     * @param generations the generation annotations the Secret gets (which CA certificate and key it follows)
     */
    record IssueCertificate(String secret, String purpose, String cluster, String commonName, List<String> names,
                            int validityDays, boolean newKey, boolean exists, SortedMap<String, String> generations)
            implements Change {
        public IssueCertificate {
            names = List.copyOf(names);
            generations = Collections.unmodifiableSortedMap(new TreeMap<>(generations));
        }

        public String kind() { return "issue-certificate"; }
        public Kind type() { return Kind.ISSUE_CERTIFICATE; }
        public <R> R accept(Visitor<R> visitor) { return visitor.issueCertificate(this); }
        public String subject() { return secret; }
        public Action action() { return exists ? Action.UPDATE : Action.CREATE; }
    }
}
