package io.kgr.apply;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;

import io.kgr.observe.TopicConfigs;
import io.kgr.plan.Change;
import io.kgr.plan.Change.AlterTopicConfig;
import io.kgr.plan.Change.AlterUserQuotas;
import io.kgr.plan.Change.CreateAcls;
import io.kgr.plan.Change.DeleteAcls;
import io.kgr.plan.Change.DeleteScramCredential;
import io.kgr.plan.Change.UpsertScramCredential;
import io.kgr.plan.ConfigValues;
import io.kgr.plan.Step;

/**
 * Waits (bounded) until added partitions, applied configs, credentials, ACLs and quotas can be read back from the
 * brokers. The
 * controller acknowledges a change before every broker has it; without this wait, a plan right after an apply can
 * still see the old state and show changes that are already made.
 */
final class Visibility {
    private final Admin admin;
    private final Duration timeout;

    Visibility(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    void await(List<Step> applied) {
        List<Change> changes = applied.stream().map(Step::change).filter(Visibility::checkable).toList();
        if (changes.isEmpty()) return;
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 100;
        while (System.nanoTime() < deadline) {
            try {
                if (visible(changes)) return;
            } catch (Exception e) {
                // a broker may be busy; the deadline bounds the retries
            }
            try {
                // backing off: a broker still creating thousands of topics is slowed down by every listing it serves
                Thread.sleep(pause);
                pause = Math.min(1000, pause * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean checkable(Change c) {
        // created and deleted topics are not waited for here: listing 10,000 new ones lags their create by ≈ 20 s, and
        // the next plan waits for what the inventory records instead (Reconciler#notOlderThanTheLastApply)
        // a new kind of change fails to compile here until it is said whether the apply reads it back
        return switch (c.type()) {
            case INCREASE_PARTITIONS, ALTER_TOPIC_CONFIG, UPSERT_SCRAM_CREDENTIAL, DELETE_SCRAM_CREDENTIAL, CREATE_ACLS,
                    DELETE_ACLS, ALTER_USER_QUOTAS -> true;
            // Kubernetes steps wait for their own objects; reassignments wait for their end; the rest is not read back
            case CREATE_TOPIC, DELETE_TOPIC, CHANGE_REPLICATION_FACTOR, MOVE_REPLICAS, CREATE_USER_SECRET,
                    DELETE_USER_SECRET, UPDATE_INVENTORY, APPLY_KUBE_OBJECT, EXPAND_VOLUME, CREATE_POD, ROLL_POD,
                    DELETE_KUBE_OBJECT, TAKE_OVER_OBJECT, UNREGISTER_BROKER, ALTER_BROKER_CONFIG, REMOVE_THROTTLES, ISSUE_CA,
                    ISSUE_CERTIFICATE -> false;
        };
    }

    private boolean visible(List<Change> changes) throws Exception {
        long ms = timeout.toMillis();
        boolean needScram = changes.stream().anyMatch(c -> c instanceof UpsertScramCredential || c instanceof DeleteScramCredential);
        boolean needAcls = changes.stream().anyMatch(c -> c instanceof CreateAcls || c instanceof DeleteAcls);
        boolean needQuotas = changes.stream().anyMatch(c -> c instanceof AlterUserQuotas);
        List<String> topics = changes.stream().filter(c -> c instanceof AlterTopicConfig)
                .map(c -> ((AlterTopicConfig) c).topic()).distinct().toList();
        // asked first, read last: the brokers answer them while the small requests below are read
        TopicConfigs configsAsked = TopicConfigs.ask(admin, topics);

        Map<String, Set<String>> scram = Map.of();
        if (needScram) {
            var described = admin.describeUserScramCredentials().all().get(ms, TimeUnit.MILLISECONDS);
            var map = new HashMap<String, Set<String>>();
            described.forEach((user, d) -> {
                Set<String> m = new HashSet<>();
                for (ScramCredentialInfo i : d.credentialInfos()) m.add(i.mechanism().mechanismName());
                map.put(user, m);
            });
            scram = map;
        }
        Set<AclBinding> acls = needAcls ? new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values()
                .get(ms, TimeUnit.MILLISECONDS)) : Set.of();
        Map<ClientQuotaEntity, Map<String, Double>> quotas = needQuotas ? admin.describeClientQuotas(
                ClientQuotaFilter.contains(List.of(ClientQuotaFilterComponent.ofEntityType(ClientQuotaEntity.USER))))
                .entities().get(ms, TimeUnit.MILLISECONDS) : Map.of();
        // only each topic's own settings are kept: 50,000 whole answers do not fit in the heap
        Map<String, Map<String, String>> configs = new HashMap<>();
        configsAsked.drain((topic, config) -> {
            Map<String, String> own = new HashMap<>();
            for (ConfigEntry e : config.entries()) {
                if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) own.put(e.name(), e.value());
            }
            configs.put(topic, own);
        }, ms);
        List<String> grown = changes.stream().filter(c -> c instanceof Change.IncreasePartitions)
                .map(c -> ((Change.IncreasePartitions) c).topic()).toList();
        Map<String, TopicDescription> partitions = grown.isEmpty() ? Map.of()
                : admin.describeTopics(grown).allTopicNames().get(ms, TimeUnit.MILLISECONDS);

        for (Change c : changes) {
            if (c instanceof Change.IncreasePartitions t && (partitions.get(t.topic()) == null
                    || partitions.get(t.topic()).partitions().size() < t.to())) {
                return false;
            }
            if (c instanceof UpsertScramCredential u && !scram.getOrDefault(u.user(), Set.of()).contains(u.mechanism())) return false;
            if (c instanceof DeleteScramCredential d && scram.getOrDefault(d.user(), Set.of()).contains(d.mechanism())) return false;
            if (c instanceof CreateAcls a && !a.acls().stream().map(UserSteps::binding).allMatch(acls::contains)) return false;
            if (c instanceof DeleteAcls a && a.acls().stream().map(UserSteps::binding).anyMatch(acls::contains)) return false;
            if (c instanceof AlterUserQuotas q) {
                Map<String, Double> now = quotas.getOrDefault(new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, q.user())), Map.of());
                for (var e : q.set().entrySet()) if (!e.getValue().equals(now.get(e.getKey()))) return false;
                for (String k : q.remove()) if (now.containsKey(k)) return false;
            }
            if (c instanceof AlterTopicConfig t && !configVisible(t, configs.get(t.topic()))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the topic's own settings ({@code own}, null: not described yet) show what {@code t} set and deleted. */
    private static boolean configVisible(AlterTopicConfig t, Map<String, String> own) {
        if (own == null) return false;
        for (Map.Entry<String, String> want : t.set().entrySet()) {
            if (!own.containsKey(want.getKey()) || !ConfigValues.same(want.getValue(), own.get(want.getKey()))) return false;
        }
        return t.delete().stream().noneMatch(own::containsKey);
    }
}
