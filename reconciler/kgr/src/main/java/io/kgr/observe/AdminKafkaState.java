package io.kgr.observe;

import java.util.OptionalLong;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.ListPartitionReassignmentsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;

import io.kgr.model.AclRule;

/**
 * Observes a cluster with bulk Admin calls only: one describeCluster, one listTopics, one describeTopics for all
 * topics, topics' configs a thousand a request (over the {@link ConfigReaders} too), one describeUserScramCredentials,
 * one describeAcls and one describeClientQuotas — never one request per topic or user — all in flight at once after
 * listTopics.
 */
public final class AdminKafkaState implements KafkaState {
    private final Admin admin;
    private final ConfigReaders readers;
    private final Duration timeout;

    public AdminKafkaState(Admin admin, Duration timeout) {
        this(admin, ConfigReaders.none(), timeout);
    }

    /** @param readers clients besides {@code admin} that read topics' configs too (owned by the caller) */
    public AdminKafkaState(Admin admin, ConfigReaders readers, Duration timeout) {
        this.admin = admin;
        this.readers = readers;
        this.timeout = timeout;
    }

    /** The KRaft quorum's leader; -1 where the cluster cannot say (ZooKeeper mode, no permission). */
    private int activeController(KafkaFuture<QuorumInfo> asked) {
        try {
            return get(asked).leaderId();
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The finalized {@code metadata.version} feature level; -1 when unknown (no answer, or an older cluster). */
    private short metadataVersionLevel(KafkaFuture<FeatureMetadata> asked) {
        try {
            var level = get(asked).finalizedFeatures().get("metadata.version");
            return level == null ? -1 : level.maxVersionLevel();
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * The brokers registered with the cluster that do not run (fenced); none where the brokers cannot tell (a cluster
     * older than Kafka 4.0, or one that does not answer the question).
     */
    private SortedSet<Integer> fenced(KafkaFuture<Collection<Node>> registered) {
        TreeSet<Integer> out = new TreeSet<>();
        try {
            registered.get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream().filter(Node::isFenced).forEach(n -> out.add(n.id()));
        } catch (ExecutionException | TimeoutException e) {
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Cluster-wide dynamic broker settings (kafka-configs --entity-type brokers --entity-default). */
    private TreeMap<String, String> brokerDefaults(KafkaFuture<Map<ConfigResource, Config>> asked)
            throws ExecutionException, InterruptedException, TimeoutException {
        var resource = new ConfigResource(ConfigResource.Type.BROKER, "");
        TreeMap<String, String> out = new TreeMap<>();
        get(asked).get(resource).entries().forEach(e -> {
            if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG) {
                out.put(e.name(), e.value());
            }
        });
        return out;
    }

    @Override
    public LiveState observe() throws ObserveException {
        return read(null, null);
    }

    @Override
    public LiveState observe(LiveState earlier, Set<String> topics) throws ObserveException {
        return read(earlier, new TreeSet<>(topics));
    }

    @Override
    public Set<String> topicNames() throws ObserveException {
        try {
            return new TreeSet<>(get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()));
        } catch (ExecutionException | TimeoutException e) {
            throw new ObserveException("cannot list the cluster's topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObserveException("interrupted while listing topics", e);
        }
    }

    /**
     * Asks the controller to validate creating each topic (nothing is written): "already exists" is its answer for a
     * topic it has. In requests of 1,000 names, all sent before any answer is read.
     */
    @Override
    public ControllerTopics atTheController(Set<String> topics) {
        Set<String> exist = new TreeSet<>();
        Set<String> absent = new TreeSet<>();
        List<Map<String, KafkaFuture<Void>>> asked = new ArrayList<>();
        List<NewTopic> chunk = new ArrayList<>();
        var options = new CreateTopicsOptions().validateOnly(true)
                .timeoutMs((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        for (String t : topics) {
            chunk.add(new NewTopic(t, Optional.of(1), Optional.empty()));
            if (chunk.size() == 1_000) {
                asked.add(admin.createTopics(chunk, options).values());
                chunk = new ArrayList<>();
            }
        }
        if (!chunk.isEmpty()) asked.add(admin.createTopics(chunk, options).values());
        for (var answers : asked) {
            for (var e : answers.entrySet()) {
                try {
                    get(e.getValue());
                    absent.add(e.getKey());
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof TopicExistsException) exist.add(e.getKey());
                    // anything else (no permission, a create policy, no answer): the controller did not say
                } catch (TimeoutException ex) {
                    // not answered: neither
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return new ControllerTopics(exist, absent);
                }
            }
        }
        return new ControllerTopics(exist, absent);
    }

    /** Everything ({@code earlier} null), or {@code earlier} with {@code only} read again. */
    /** How long a read waits for the brokers to catch up with the metadata log ({@link #metadataSettled}). */
    static final Duration SETTLING = Duration.ofSeconds(2);

    /**
     * Waits (at most {@link #SETTLING}) until every live node has fetched the metadata log up to its high watermark, so
     * that this read sees every write committed before it. A broker applies the log a moment after the controller
     * commits it: an ACL created through one broker was missing from another's answer a moment later, and the next
     * plan created it again and called it drift. This narrows that window, it does not close it: a broker applies
     * what it fetched a moment after the leader sees the fetch. Clusters that cannot say (ZooKeeper mode, no
     * permission) are read at once, as before.
     */
    private void metadataSettled() {
        long deadline = System.nanoTime() + SETTLING.toNanos();
        try {
            long committed = -1; // the high watermark when the read began: the log moves on meanwhile (idle records)
            while (true) {
                QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (committed < 0) committed = quorum.highWatermark();
                List<Fetcher> fetchers = new ArrayList<>();
                for (QuorumInfo.ReplicaState r : concat(quorum.voters(), quorum.observers())) {
                    fetchers.add(new Fetcher(r.logEndOffset(), r.lastFetchTimestamp()));
                }
                if (!behind(committed, System.currentTimeMillis(), fetchers) || System.nanoTime() > deadline) return;
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // read as before
        }
    }

    /** A node of the metadata quorum as its leader sees it: how far it has fetched, and when it last fetched. */
    record Fetcher(long logEndOffset, OptionalLong lastFetchMs) {
    }

    /**
     * Whether a live node has not yet fetched the log up to the high watermark. A node that has not fetched for 5 s is
     * down or cut off, and not waited for (it would hold every read up for the whole wait).
     */
    static boolean behind(long highWatermark, long nowMs, List<Fetcher> fetchers) {
        return fetchers.stream().anyMatch(f -> f.logEndOffset() < highWatermark
                && f.lastFetchMs().orElse(nowMs) >= nowMs - 5_000);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private LiveState read(LiveState earlier, Set<String> only) throws ObserveException {
        metadataSettled();
        try {
            DescribeClusterResult cluster = admin.describeCluster();
            // internal and tool-private topics (__*) are observed too — never managed, but their replicas live on the
            // brokers: a node that hosts __consumer_offsets is not empty
            Set<String> names = only != null ? only
                    : new TreeSet<>(get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()));
            String clusterId = get(cluster.clusterId());
            Collection<Node> nodes = get(cluster.nodes());

            // every bulk request is sent before any answer is read: the client parses one answer while the broker
            // works on the next, and the run waits for the slowest, not for the sum
            var described = names.isEmpty() ? null : admin.describeTopics(names).topicNameValues();
            TopicConfigs configured = TopicConfigs.ask(readers.with(admin, names.size()), names);
            long reassignMs = Math.min(timeout.toMillis(), 10_000);
            var movesAsked = names.isEmpty() ? null : admin.listPartitionReassignments(
                    new ListPartitionReassignmentsOptions().timeoutMs((int) reassignMs)).reassignments();
            var aclsAsked = admin.describeAcls(AclBindingFilter.ANY).values();
            var scramAsked = admin.describeUserScramCredentials().all();
            var quotasAsked = admin.describeClientQuotas(ClientQuotaFilter.contains(
                    List.of(ClientQuotaFilterComponent.ofEntityType(ClientQuotaEntity.USER)))).entities();
            var defaultsAsked = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, ""))).all();
            var quorumAsked = admin.describeMetadataQuorum().quorumInfo();
            var featuresAsked = admin.describeFeatures().featureMetadata();
            var registeredAsked = admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes();

            Map<String, TopicDescription> descriptions = names.isEmpty() ? Map.of() : withoutVanished(described);
            TreeMap<String, String> topicDefaults = earlier == null ? new TreeMap<>() : new TreeMap<>(earlier.topicDefaults());
            Map<String, Map<String, String>> overrides = overrides(configured, names.size(), topicDefaults);

            // moves in flight: a partition's replicas are the move's target (what it will have), never target ∪ removing
            Map<TopicPartition, PartitionReassignment> moving =
                    names.isEmpty() ? Map.of() : reassignments(movesAsked, reassignMs);
            TreeMap<String, LiveTopic> topics = new TreeMap<>();
            if (earlier != null) {
                topics.putAll(earlier.topics());
                names.forEach(topics::remove); // read again below; a topic that is gone stays gone
            }
            for (TopicDescription d : descriptions.values()) {
                // a broker that described the topic but not its configs lags the one that did (a topic just created):
                // without its overrides it would look as if its configs had to be set; it is read as not there yet
                if (!overrides.containsKey(d.name())) continue;
                List<LivePartition> partitions = new ArrayList<>(d.partitions().size());
                TreeMap<Integer, List<Integer>> reassigning = new TreeMap<>();
                for (TopicPartitionInfo p : d.partitions()) {
                    List<Integer> replicas = p.replicas().stream().map(Node::id).toList();
                    var move = moving.get(new TopicPartition(d.name(), p.partition()));
                    if (move != null) {
                        reassigning.put(p.partition(), replicas);
                        replicas = replicas.stream().filter(r -> !move.removingReplicas().contains(r)).toList();
                    }
                    partitions.add(new LivePartition(p.partition(), p.leader() == null ? -1 : p.leader().id(),
                            replicas, p.isr().stream().map(Node::id).toList()));
                }
                partitions.sort(Comparator.comparingInt(LivePartition::partition));
                topics.put(d.name(), new LiveTopic(d.name(), partitions, new TreeMap<>(overrides.getOrDefault(d.name(), Map.of())),
                        reassigning, d.topicId() == null ? "" : d.topicId().toString()));
            }
            TreeSet<Integer> brokers = new TreeSet<>();
            nodes.forEach(n -> brokers.add(n.id()));
            List<AclRule> acls = acls(aclsAsked);
            return new LiveState(clusterId, brokers, topics, scramUsers(scramAsked), acls == null ? List.of() : acls, acls != null,
                    userQuotas(quotasAsked), brokerDefaults(defaultsAsked), activeController(quorumAsked), topicDefaults,
                    metadataVersionLevel(featuresAsked), fenced(registeredAsked));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ObserveException("cannot read the cluster state: " + ObserveException.reason(cause), cause);
        } catch (TimeoutException e) {
            throw new ObserveException("cannot read the cluster state: no answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObserveException("interrupted while reading the cluster state", e);
        }
    }

    /** All SCRAM users and their mechanisms, in one request. */
    private TreeMap<String, SortedSet<String>> scramUsers(
            KafkaFuture<Map<String, UserScramCredentialsDescription>> asked)
            throws ExecutionException, InterruptedException, TimeoutException {
        TreeMap<String, SortedSet<String>> out = new TreeMap<>();
        for (UserScramCredentialsDescription d : get(asked).values()) {
            TreeSet<String> mechanisms = new TreeSet<>();
            for (ScramCredentialInfo info : d.credentialInfos()) mechanisms.add(info.mechanism().mechanismName());
            out.put(d.name(), mechanisms);
        }
        return out;
    }

    /** All ACL bindings, or null when the cluster has no authorizer. */
    private List<AclRule> acls(KafkaFuture<Collection<AclBinding>> asked)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            List<AclRule> out = new ArrayList<>();
            for (AclBinding b : get(asked)) {
                out.add(new AclRule(b.entry().principal(), b.entry().host(), b.entry().operation().name(),
                        b.entry().permissionType().name(), b.pattern().resourceType().name(), b.pattern().name(),
                        b.pattern().patternType().name()));
            }
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SecurityDisabledException) return null;
            throw e;
        }
    }

    /** Quotas of user entities (the default user entity included, as "<default>"). */
    private TreeMap<String, SortedMap<String, Double>> userQuotas(
            KafkaFuture<Map<ClientQuotaEntity, Map<String, Double>>> asked)
            throws ExecutionException, InterruptedException, TimeoutException {
        TreeMap<String, SortedMap<String, Double>> out = new TreeMap<>();
        for (var e : get(asked).entrySet()) {
            Map<String, String> entity = e.getKey().entries();
            if (entity.size() != 1 || !entity.containsKey(ClientQuotaEntity.USER)) continue; // user+client-id pairs are not kgr's
            String user = entity.get(ClientQuotaEntity.USER);
            out.put(user == null ? "<default>" : user, new TreeMap<>(e.getValue()));
        }
        return out;
    }

    /** Each topic's own settings (its overrides); the broker's defaults for the risky keys into {@code topicDefaults}. */
    private Map<String, Map<String, String>> overrides(TopicConfigs asked, int topics, Map<String, String> topicDefaults)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, Map<String, String>> out = new HashMap<>(topics * 2);
        asked.drain((topic, config) -> {
            Map<String, String> own = new TreeMap<>();
            // the defaults are the same for every topic: once all are known, the other entries are not looked at
            boolean defaultsKnown = topicDefaults.size() >= LiveState.RISKY_TOPIC_KEYS.size();
            for (ConfigEntry entry : config.entries()) {
                if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && entry.value() != null) {
                    own.put(entry.name(), entry.value());
                } else if (!defaultsKnown && entry.value() != null && LiveState.RISKY_TOPIC_KEYS.contains(entry.name())
                        && !topicDefaults.containsKey(entry.name())) {
                    topicDefaults.put(entry.name(), entry.value()); // the broker's default, as any topic without an override sees it
                }
            }
            out.put(topic, own);
        }, timeout.toMillis());
        return out;
    }

    /** The answers of one bulk request, without the entries whose topic was deleted meanwhile. */
    private <K, V> Map<K, V> withoutVanished(Map<K, KafkaFuture<V>> futures)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<K, V> out = new HashMap<>(futures.size() * 2);
        for (Map.Entry<K, KafkaFuture<V>> e : futures.entrySet()) {
            try {
                out.put(e.getKey(), get(e.getValue()));
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) throw ex;
            }
        }
        return out;
    }

    /**
     * The moves in flight. Only the KRaft controllers know them: without a quorum (a lost controller) this fails within
     * 10 s rather than the whole request timeout, and the plan is made without Kafka (pods first), as for a new cluster.
     */
    private Map<TopicPartition, PartitionReassignment> reassignments(
            KafkaFuture<Map<TopicPartition,
                    PartitionReassignment>> asked, long ms)
            throws ExecutionException, InterruptedException, ObserveException {
        try {
            return asked.get(ms + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new ObserveException("the controller quorum does not answer (the reassignments in flight cannot be read)", e);
        }
    }

    private <T> T get(KafkaFuture<T> future)
            throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
