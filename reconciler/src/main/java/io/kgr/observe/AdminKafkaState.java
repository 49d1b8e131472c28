package io.kgr.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Observes a cluster with bulk Admin calls only: one describeCluster, one listTopics, one describeTopics for all
 * topics and one describeConfigs for all topics — never one request per topic.
 */
public final class AdminKafkaState implements KafkaState {
    private final Admin admin;
    private final Duration timeout;

    public AdminKafkaState(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    @Override
    public LiveState observe() throws ObserveException {
        try {
            DescribeClusterResult cluster = admin.describeCluster();
            Set<String> names = new TreeSet<>(get(admin.listTopics(new ListTopicsOptions().listInternal(false)).names()));
            names.removeIf(n -> n.startsWith("__")); // internal and tool-private topics are never managed
            String clusterId = get(cluster.clusterId());
            Collection<Node> nodes = get(cluster.nodes());

            Map<String, TopicDescription> descriptions = names.isEmpty() ? Map.of()
                    : get(admin.describeTopics(names).allTopicNames());
            Map<String, Map<String, String>> overrides = names.isEmpty() ? Map.of() : overrides(names);

            TreeMap<String, LiveTopic> topics = new TreeMap<>();
            for (TopicDescription d : descriptions.values()) {
                List<LivePartition> partitions = new ArrayList<>(d.partitions().size());
                for (TopicPartitionInfo p : d.partitions()) {
                    partitions.add(new LivePartition(p.partition(), p.leader() == null ? -1 : p.leader().id(),
                            p.replicas().stream().map(Node::id).toList(), p.isr().stream().map(Node::id).toList()));
                }
                partitions.sort(java.util.Comparator.comparingInt(LivePartition::partition));
                topics.put(d.name(), new LiveTopic(d.name(), partitions, new TreeMap<>(overrides.getOrDefault(d.name(), Map.of()))));
            }
            TreeSet<Integer> brokers = new TreeSet<>();
            nodes.forEach(n -> brokers.add(n.id()));
            return new LiveState(clusterId, brokers, topics);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ObserveException("cannot read the cluster state: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new ObserveException("cannot read the cluster state: no answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObserveException("interrupted while reading the cluster state", e);
        }
    }

    private Map<String, Map<String, String>> overrides(Set<String> names)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<ConfigResource> resources = new ArrayList<>(names.size());
        for (String n : names) resources.add(new ConfigResource(ConfigResource.Type.TOPIC, n));
        Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources).all());
        Map<String, Map<String, String>> out = new HashMap<>(configs.size() * 2);
        for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
            Map<String, String> own = new TreeMap<>();
            for (ConfigEntry entry : e.getValue().entries()) {
                if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && entry.value() != null) {
                    own.put(entry.name(), entry.value());
                }
            }
            out.put(e.getKey().name(), own);
        }
        return out;
    }

    private <T> T get(org.apache.kafka.common.KafkaFuture<T> future)
            throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
