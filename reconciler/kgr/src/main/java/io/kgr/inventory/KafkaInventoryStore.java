package io.kgr.inventory;

import io.kgr.model.AclRule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.LoggerFactory;

/**
 * Keeps inventories in a compacted topic on the Kafka cluster itself ({@value #TOPIC}), one record per
 * cluster and source (key {@code <cluster>/<source>}). This works for any reachable Kafka, with or without Kubernetes,
 * and survives restarts of kgr. The topic is created on the first apply.
 */
public final class KafkaInventoryStore implements InventoryStore {
    public static final String TOPIC = "__kgr_inventory";
    /** The binding that keeps everyone but super users off the inventory ({@link #protect}): kgr's own, not a user's. */
    public static final AclRule PROTECTION = new AclRule("User:*", "*", "ALL", "DENY", "TOPIC", TOPIC, "LITERAL");
    /** Records keyed {@code <cluster>/<source>#key} hold a source's secret key, apart from its inventory. */
    static final String KEY_SUFFIX = "#key";
    /** Records keyed {@code <cluster>/<source>#moves} hold the replica moves in flight that the source started. */
    static final String MOVES_SUFFIX = "#moves";
    /** Records keyed {@code <cluster>/<source>#approvals} hold the commits approved through the API, one per line. */
    static final String APPROVALS_SUFFIX = "#approvals";
    /** Inventories of 10,000+ topics exceed Kafka's 1 MiB default record size before compression. */
    static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private final Admin admin;
    private final Properties clientProperties;
    private final Duration timeout;

    public KafkaInventoryStore(Admin admin, Properties clientProperties, Duration timeout) {
        this.admin = admin;
        this.clientProperties = clientProperties;
        this.timeout = timeout;
    }

    /**
     * What the last read found (inventories and keys by record key, and each key's offset), at which end offsets of
     * which topic (its id: a topic made again restarts the offsets), and when.
     */
    private record LastRead(Uuid topicId, Map<TopicPartition, Long> ends, long readAtNanos,
                            Map<String, Inventory> inventories, Map<String, String> keys, Map<String, Long> offsets,
                            InventoryRecords records) {
    }

    /**
     * A store reads from where it stopped for at most this long; then from the beginning again. (Compaction may drop a
     * tombstone a day after it was written: a reader that only ever read on could miss it.)
     */
    static final Duration READ_ON_FOR = Duration.ofHours(1);

    private volatile LastRead lastRead;

    /**
     * Reads every inventory. A store that read them before (the CLI's plan and apply, a service's runs) asks for the end
     * offsets first: nothing written since — same topic, same ends — is answered with what it read then, and records
     * written since are read on from where it stopped (the apply that wrote one reads the inventories again, to see
     * whether another source claimed the same topic at the same time).
     */
    @Override
    public InventoryRecords loadAll() throws InventoryException {
        try {
            TopicDescription described;
            try {
                described = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .get(TOPIC);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    // remembered as "no topic": a read-back after this store's first write reads from its start
                    lastRead = new LastRead(null, Map.of(), System.nanoTime(), Map.of(), Map.of(), Map.of(),
                            InventoryRecords.none());
                    forgetWrites(Long.MAX_VALUE);
                    return InventoryRecords.none();
                }
                throw e;
            }
            List<TopicPartition> partitions = described.partitions().stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            LastRead before = lastRead;
            boolean sameTopic = before != null && described.topicId().equals(before.topicId())
                    && before.ends().keySet().equals(ends.keySet());
            if (sameTopic && before.ends().equals(ends)) return before.records();
            boolean readOn = sameTopic && System.nanoTime() - before.readAtNanos() < READ_ON_FOR.toNanos()
                    && ends.entrySet().stream().allMatch(e -> e.getValue() >= before.ends().get(e.getKey()));
            Map<String, Inventory> inventories = readOn ? new HashMap<>(before.inventories()) : new HashMap<>();
            Map<String, String> keys = readOn ? new HashMap<>(before.keys()) : new HashMap<>();
            Map<String, Long> offsets = readOn ? new HashMap<>(before.offsets()) : new HashMap<>();
            // the last value of each key read now (null: deleted); decoded once, after the read
            Map<String, byte[]> values = new HashMap<>();
            long end = ends.values().stream().mapToLong(Long::longValue).sum();
            if (end > 0) {
                synchronized (reading) {
                    KafkaConsumer<String, byte[]> consumer = consumer();
                    boolean done = false;
                    try {
                        consumer.assign(partitions);
                        if (readOn) before.ends().forEach(consumer::seek);
                        else consumer.seekToBeginning(partitions);
                        long deadline = System.nanoTime() + timeout.toNanos();
                        while (!reachedEnd(consumer, ends)) {
                            if (System.nanoTime() > deadline) {
                                throw new InventoryException("reading " + TOPIC + " did not finish within " + timeout.toSeconds() + " s", null);
                            }
                            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                                if (r.offset() >= ends.get(new TopicPartition(r.topic(), r.partition()))) continue; // after the ends asked for
                                values.put(r.key(), r.value());
                                if (r.value() == null) offsets.remove(r.key());
                                else offsets.put(r.key(), r.offset());
                            }
                        }
                        done = true;
                    } finally {
                        if (!done) closeConsumer(); // a read that failed starts the next one with a new client
                    }
                }
            }
            values.forEach((key, value) -> decode(key, value, null, inventories, keys));
            InventoryRecords records = new InventoryRecords(new ArrayList<>(inventories.values()), "offset-" + end, keys, offsets);
            lastRead = new LastRead(described.topicId(), Map.copyOf(ends), System.nanoTime(), Map.copyOf(inventories),
                    Map.copyOf(keys), Map.copyOf(offsets), records);
            if (ends.size() == 1) forgetWrites(end);
            else forgetWrites(Long.MAX_VALUE);
            return records;
        } catch (ExecutionException e) {
            throw new InventoryException("cannot read inventory topic " + TOPIC + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InventoryException("interrupted while reading " + TOPIC, e);
        } catch (TimeoutException | KafkaException e) {
            throw new InventoryException("cannot read inventory topic " + TOPIC + ": " + e.getMessage(), e);
        }
    }

    /**
     * One record's value into the inventories or side records it names ({@code known}: the inventory this store wrote).
     * Side records (a source's key, its moves in flight) are kept by their record key.
     */
    private static void decode(String key, byte[] value, Inventory known, Map<String, Inventory> inventories,
                               Map<String, String> sides) {
        if (key.endsWith(KEY_SUFFIX) || key.endsWith(MOVES_SUFFIX) || key.endsWith(APPROVALS_SUFFIX)) {
            if (value == null) sides.remove(key);
            else sides.put(key, new String(value, StandardCharsets.UTF_8));
        } else if (value == null) {
            inventories.remove(key);
        } else {
            inventories.put(key, known != null ? known : InventoryCodec.read(value));
        }
    }

    /**
     * The inventories as they stood at this store's last write: what it read before, every record written between that
     * read and its own writes (another source's, read from the topic), and its own writes (known: not read back nor
     * decoded again). Records after its last write are not read: for the order of two claims only what came before
     * counts. When nothing came in between — the usual case — this asks the brokers nothing at all. Anything it cannot
     * tell that way (no read before, the topic made again, more than one partition) is answered by {@link #loadAll}.
     */
    @Override
    public InventoryRecords readBack() throws InventoryException {
        LastRead before = lastRead;
        List<Written> mine;
        synchronized (writing) {
            mine = List.copyOf(written);
        }
        if (before == null || mine.isEmpty()) return loadAll();
        TopicPartition first = new TopicPartition(TOPIC, 0);
        boolean noTopicThen = before.topicId() == null;
        long from = noTopicThen ? 0 : before.ends().getOrDefault(first, -1L);
        Uuid topic = mine.get(0).topic().id();
        boolean comparable = from >= 0 && (noTopicThen || before.ends().size() == 1)
                && mine.stream().allMatch(w -> w.topic().partitions() == 1 && w.topic().id().equals(topic)
                        && (noTopicThen || w.topic().id().equals(before.topicId())) && w.offset() >= from);
        if (!comparable) return loadAll();
        TreeMap<Long, Written> own = new TreeMap<>();
        mine.forEach(w -> own.put(w.offset(), w));
        long last = own.lastKey();
        // offset → the record read, for the offsets in [from, last] this store did not write
        TreeMap<Long, ConsumerRecord<String, byte[]>> between = new TreeMap<>();
        if (last - from + 1 > own.size()) {
            try {
                synchronized (reading) {
                    KafkaConsumer<String, byte[]> consumer = consumer();
                    boolean done = false;
                    try {
                        consumer.assign(List.of(first));
                        consumer.seek(first, from);
                        long deadline = System.nanoTime() + timeout.toNanos();
                        while (consumer.position(first) <= last) {
                            if (System.nanoTime() > deadline) {
                                throw new InventoryException("reading " + TOPIC + " did not finish within " + timeout.toSeconds() + " s", null);
                            }
                            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                                if (r.offset() <= last && !own.containsKey(r.offset())) between.put(r.offset(), r);
                            }
                        }
                        done = true;
                    } finally {
                        if (!done) closeConsumer();
                    }
                }
            } catch (KafkaException e) {
                throw new InventoryException("cannot read inventory topic " + TOPIC + ": " + e.getMessage(), e);
            }
        }
        Map<String, Inventory> inventories = new HashMap<>(before.inventories());
        Map<String, String> keys = new HashMap<>(before.keys());
        Map<String, Long> offsets = new HashMap<>(before.offsets());
        // the last record of each key, in the log's order; decoded once
        Map<String, Written> values = new HashMap<>();
        TreeMap<Long, Written> all = new TreeMap<>(own);
        between.forEach((offset, r) -> all.put(offset, new Written(null, offset, r.key(), r.value(), null)));
        all.forEach((offset, w) -> {
            values.put(w.key(), w);
            if (w.value() == null) offsets.remove(w.key());
            else offsets.put(w.key(), offset);
        });
        values.forEach((key, w) -> decode(key, w.value(), w.inventory(), inventories, keys));
        InventoryRecords records = new InventoryRecords(new ArrayList<>(inventories.values()), "offset-" + (last + 1), keys, offsets);
        lastRead = new LastRead(topic, Map.of(first, last + 1), System.nanoTime(), Map.copyOf(inventories),
                Map.copyOf(keys), Map.copyOf(offsets), records);
        forgetWrites(last + 1);
        return records;
    }

    /** The inventory topic as this store last described it before writing: its id and how many partitions it has. */
    private record TopicSeen(Uuid id, int partitions) {
    }

    /** A record this store wrote ({@code topic} null: one it read), with the inventory it holds, if any. */
    private record Written(TopicSeen topic, long offset, String key, byte[] value, Inventory inventory) {
    }

    private volatile TopicSeen topicSeen;
    /** This store's writes since its last read (under {@code writing}). */
    private final List<Written> written = new ArrayList<>();

    private void seen(TopicDescription d) {
        if (d != null) topicSeen = new TopicSeen(d.topicId(), d.partitions().size());
    }

    /** Forgets the writes a read has covered (those below {@code end}). */
    private void forgetWrites(long end) {
        synchronized (writing) {
            written.removeIf(w -> w.offset() < end);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) return false;
        }
        return true;
    }

    @Override
    public void save(Inventory inventory) throws InventoryException {
        save(inventory, Optional.empty());
    }

    /** The key (when given) and then the inventory, sent together and both acknowledged: one round trip, not two. */
    @Override
    public void save(Inventory inventory, Optional<String> newKey) throws InventoryException {
        try {
            ensureTopic();
            List<Pending> sends = new ArrayList<>();
            newKey.ifPresent(k -> sends.add(new Pending(key(inventory) + KEY_SUFFIX,
                    k.getBytes(StandardCharsets.UTF_8), null)));
            sends.add(new Pending(key(inventory), InventoryCodec.write(inventory), inventory));
            write(sends);
        } catch (ExecutionException e) {
            throw new InventoryException("cannot write inventory to " + TOPIC + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InventoryException("interrupted while writing " + TOPIC, e);
        } catch (TimeoutException | KafkaException e) {
            throw new InventoryException("cannot write inventory to " + TOPIC + ": " + e.getMessage(), e);
        }
    }

    private record Pending(String key, byte[] value, Inventory inventory) {
    }

    /**
     * Records sent in this order, each acknowledged by all in-sync replicas; a write that failed starts the next with a
     * new client. Each one's offset is remembered for {@link #readBack}.
     */
    private void write(List<Pending> records)
            throws ExecutionException, InterruptedException, TimeoutException {
        boolean done = false;
        TopicSeen topic = topicSeen;
        try {
            KafkaProducer<String, byte[]> producer = producer();
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (Pending r : records) acks.add(producer.send(new ProducerRecord<>(TOPIC, 0, r.key(), r.value())));
            for (int i = 0; i < records.size(); i++) {
                var md = acks.get(i).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                Pending r = records.get(i);
                if (topic != null && md.hasOffset()) {
                    synchronized (writing) {
                        written.add(new Written(topic, md.offset(), r.key(), r.value(), r.inventory()));
                    }
                }
            }
            done = true;
        } finally {
            if (!done) closeProducer();
        }
    }

    // the clients are kept from first use to close(): making a producer or a consumer cost ≈ 0.2 s of a CLI apply each,
    // and an apply of new topics read the inventories twice and wrote them twice (its key, then the inventory)
    private final Object writing = new Object();
    private final Object reading = new Object();
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> consumer;

    private KafkaProducer<String, byte[]> producer() {
        synchronized (writing) {
            if (producer == null) producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer());
            return producer;
        }
    }

    /** Used under {@code reading} only (a consumer is not thread-safe). */
    private KafkaConsumer<String, byte[]> consumer() {
        synchronized (reading) {
            if (consumer == null) consumer = new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer());
            return consumer;
        }
    }

    private void closeProducer() {
        synchronized (writing) {
            if (producer != null) producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    private void closeConsumer() {
        synchronized (reading) {
            if (consumer != null) consumer.close(Duration.ofSeconds(5));
            consumer = null;
        }
    }

    @Override
    public void close() {
        closeProducer();
        closeConsumer();
    }

    @Override
    public void saveKey(String cluster, String source, String key) throws InventoryException {
        send(cluster + "/" + source + KEY_SUFFIX, key.getBytes(StandardCharsets.UTF_8), "key of " + cluster + "/" + source);
    }

    private void send(String key, byte[] value, String what) throws InventoryException {
        try {
            ensureTopic();
            write(List.of(new Pending(key, value, null)));
        } catch (ExecutionException e) {
            throw new InventoryException("cannot write the " + what + " to " + TOPIC + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InventoryException("interrupted while writing " + TOPIC, e);
        } catch (TimeoutException | KafkaException e) {
            throw new InventoryException("cannot write the " + what + " to " + TOPIC + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void saveMoves(Moves moves) throws InventoryException {
        send(moves.cluster() + "/" + moves.source() + MOVES_SUFFIX, moves.toJson(),
                "record of the moves of " + moves.cluster() + "/" + moves.source());
    }

    @Override
    public void saveApprovals(String cluster, String source, List<String> commits) throws InventoryException {
        send(cluster + "/" + source + APPROVALS_SUFFIX, String.join("\n", commits).getBytes(StandardCharsets.UTF_8),
                "approvals of " + cluster + "/" + source);
    }

    @Override
    public void clearMoves(String cluster, String source) throws InventoryException {
        send(cluster + "/" + source + MOVES_SUFFIX, null, "removal of the moves record of " + cluster + "/" + source);
    }

    @Override
    public void delete(String cluster, String source) throws InventoryException {
        // tombstones: compaction drops the records, and loadAll already ignores them
        send(cluster + "/" + source, null, "removal of inventory " + cluster + "/" + source);
        send(cluster + "/" + source + KEY_SUFFIX, null, "removal of the key of " + cluster + "/" + source);
        send(cluster + "/" + source + APPROVALS_SUFFIX, null, "removal of the approvals of " + cluster + "/" + source);
    }

    @Override
    public void prepare() throws InventoryException {
        creatingTopic(() -> {
            ensureTopic();
            try {
                rollSegments();
            } catch (ExecutionException e) {
                // best effort: a broker that does not know the new topic yet, or no right to alter it; tried next apply
            }
            protect();
            try {
                producer().partitionsFor(TOPIC); // the write at the end of the apply finds a client that knows the leader
            } catch (KafkaException e) {
                // best effort: the write makes its own way
            }
        });
    }

    @Override
    public void create() throws InventoryException {
        creatingTopic(this::requestTopic);
    }

    private interface AdminWork {
        void run() throws ExecutionException, InterruptedException, TimeoutException;
    }

    /** Runs {@code work}; what fails is reported as a failure to make the inventory topic. */
    private static void creatingTopic(AdminWork work) throws InventoryException {
        try {
            work.run();
        } catch (ExecutionException e) {
            throw new InventoryException("cannot create inventory topic " + TOPIC + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InventoryException("interrupted while creating " + TOPIC, e);
        } catch (TimeoutException e) {
            throw new InventoryException("cannot create inventory topic " + TOPIC + ": timeout", e);
        }
    }

    static String key(Inventory inventory) {
        return inventory.cluster() + "/" + inventory.source();
    }

    /**
     * Where the cluster has an authorizer, nobody but super users (kgr's own principal among them) may read or write
     * the inventory: a DENY for every principal on the topic (DENY wins over any ALLOW, super users are not checked).
     * If kgr itself is not a super user the DENY would lock it out too: then it is taken back, and a warning says so.
     */
    private void protect() throws InterruptedException, TimeoutException {
        AclBinding deny = new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, TOPIC,
                        PatternType.LITERAL),
                new AccessControlEntry("User:*", "*", AclOperation.ALL,
                        AclPermissionType.DENY));
        try {
            if (admin.describeAcls(deny.toFilter()).values().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(deny)) return;
            admin.createAcls(List.of(deny)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return; // no authorizer (SecurityDisabledException) or no right to change ACLs: nothing to protect with
        }
        try {
            admin.describeTopics(Set.of(TOPIC)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // only a refusal says kgr is locked out (a topic just created may not be known to every broker yet)
            if (!(e.getCause() instanceof TopicAuthorizationException)) return;
            try {
                admin.deleteAcls(List.of(deny.toFilter())).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException ignored) {
                // reported below
            }
            LoggerFactory.getLogger(KafkaInventoryStore.class).warn("kgr is not a super user of this cluster:"
                    + " {} is protected only by the authorizer's default deny (any ALLOW on it lets others read it)", TOPIC);
        }
    }

    /**
     * Compaction never cleans a log's active segment, and a broker rolls one only after 1 GiB or 7 days: every apply's
     * inventory (≈ 100 KB compressed at 10,000 topics) would stay, and every plan would read them all. Segments of the
     * inventory roll hourly (or at 64 MiB), so the cleaner keeps about one record per source.
     */
    static final Map<String, String> SEGMENTS = Map.of(TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(3_600_000),
            TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));

    /** An inventory topic made before {@link #SEGMENTS} (by an older kgr) gets them, unless someone set its own. */
    private void rollSegments() throws ExecutionException, InterruptedException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
        Config config = admin.describeConfigs(Set.of(resource)).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
        List<AlterConfigOp> ops = new ArrayList<>();
        SEGMENTS.forEach((key, value) -> {
            var entry = config.get(key);
            if (entry == null || entry.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
            }
        });
        if (!ops.isEmpty()) admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Creates the topic unless it exists; false when it existed with a leader for every partition. It asks about this
     * one topic: the cluster's whole listing (10,000 names and more) cost ≈ 0.1 s of each of an apply's two writes.
     */
    private boolean requestTopic() throws ExecutionException, InterruptedException, TimeoutException {
        try {
            var described = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            seen(described.get(TOPIC));
            return !hasLeaders(described.get(TOPIC));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) throw e;
        }
        int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
        short rf = (short) Math.max(1, Math.min(3, brokers));
        Map<String, String> configs = new HashMap<>(SEGMENTS);
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_RECORD_BYTES));
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.max(1, rf - 1)));
        NewTopic topic = new NewTopic(TOPIC, 1, rf).configs(configs);
        try {
            admin.createTopics(Set.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) throw e;
        }
        return true;
    }

    private static boolean hasLeaders(TopicDescription d) {
        return d != null && d.partitions().stream().allMatch(p -> p.leader() != null);
    }

    private void ensureTopic() throws ExecutionException, InterruptedException, TimeoutException {
        if (!requestTopic()) return;
        // a producer that meets a topic without a leader backs off for seconds; a short poll here is much faster
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var d = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                seen(d.get(TOPIC));
                if (hasLeaders(d.get(TOPIC))) return;
            } catch (ExecutionException e) {
                // not visible in metadata yet
            }
            Thread.sleep(50);
        }
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(MAX_RECORD_BYTES));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(MAX_RECORD_BYTES * 2));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kgr-inventory-reader");
        // the reader stops at the end offsets it asked for: a fetch the broker holds back waiting for more data (500 ms
        // by default) is pure latency here — it made reading two records take 650 ms of a 2 s plan
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        return p;
    }

    private Properties producerProperties() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_RECORD_BYTES));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "kgr-inventory-writer");
        return p;
    }
}
