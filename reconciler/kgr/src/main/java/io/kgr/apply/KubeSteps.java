package io.kgr.apply;

import io.kgr.kube.Pods;
import io.kgr.model.Labels;
import io.kgr.model.StrimziKinds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kgr.observe.KubeObserver;
import io.kgr.plan.Change;
import io.kgr.plan.Step;
import io.kgr.tls.CertSecrets;

/**
 * Applies the Kubernetes steps: objects are created, or merge-patched with the fields kgr sets; a new pod is created and
 * waited for; a roll checks the node's partitions first (none may fall below min.insync.replicas while it is down),
 * replaces the pod, waits until it is Ready and, for a broker, until no partition is under-replicated.
 */
final class KubeSteps {
    private static final Logger log = LoggerFactory.getLogger(KubeSteps.class);
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final KubernetesClient client;
    private final String namespace;
    private final Admin admin;
    private final Results results;
    private final KubeWaits waits;

    KubeSteps(KubeObserver kube, Admin admin, Results results, KubeWaits waits) {
        this.client = kube.client();
        this.namespace = kube.namespace();
        this.admin = admin;
        this.results = results;
        this.waits = waits;
    }

    /** One Kubernetes step's writes and waits. */
    private interface KubeAction {
        void run() throws StepFailed, InterruptedException;
    }

    void run(Step step) {
        long start = System.nanoTime();
        Change change = step.change();
        try {
            // a switch expression: a kind of change added to the plan fails to compile here until it is placed
            KubeAction action = switch (change.type()) {
                case APPLY_KUBE_OBJECT -> () -> applyObject((Change.ApplyKubeObject) change);
                case EXPAND_VOLUME -> () -> expand((Change.ExpandVolume) change);
                case CREATE_POD -> () -> createPod((Change.CreatePod) change);
                case ROLL_POD -> () -> roll((Change.RollPod) change);
                case DELETE_KUBE_OBJECT -> () -> delete((Change.DeleteKubeObject) change);
                case UNREGISTER_BROKER -> () -> unregisterStranded(((Change.UnregisterBroker) change).nodeId());
                case TAKE_OVER_OBJECT -> () -> new TakeOver(client, namespace).apply((Change.TakeOverObject) change);
                case ISSUE_CA -> () -> new CertSteps(client, namespace).issueCa((Change.IssueCa) change);
                case ISSUE_CERTIFICATE -> () -> new CertSteps(client, namespace).issueCertificate((Change.IssueCertificate) change);
                case CREATE_TOPIC, INCREASE_PARTITIONS, ALTER_TOPIC_CONFIG, CHANGE_REPLICATION_FACTOR, MOVE_REPLICAS,
                        DELETE_TOPIC, UPSERT_SCRAM_CREDENTIAL, CREATE_USER_SECRET, DELETE_USER_SECRET,
                        DELETE_SCRAM_CREDENTIAL, CREATE_ACLS, DELETE_ACLS, ALTER_USER_QUOTAS, UPDATE_INVENTORY,
                        ALTER_BROKER_CONFIG, REMOVE_THROTTLES -> throw new IllegalArgumentException("not a Kubernetes change: " + change.kind());
            };
            action.run();
            results.ok(step, start);
        } catch (KubernetesClientException e) {
            results.failed(step, "Kubernetes: " + (e.getStatus() != null && e.getStatus().getMessage() != null
                    ? e.getStatus().getMessage() : e.getMessage()), start);
        } catch (StepFailed e) {
            results.failed(step, e.getMessage(), start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            results.failed(step, "interrupted", start);
        }
    }

    /**
     * New pods start together (a broker cannot become ready before the controllers it needs exist), then each is
     * waited for until Ready.
     */
    void createPods(List<Step> steps) {
        long start = System.nanoTime();
        List<Step> created = new ArrayList<>();
        for (Step step : steps) {
            Change.CreatePod c = (Change.CreatePod) step.change();
            try {
                client.pods().inNamespace(namespace).resource((Pod) object(c.manifest())).create();
                created.add(step);
            } catch (KubernetesClientException e) {
                results.failed(step, "Kubernetes: " + e.getMessage(), start);
            }
        }
        for (Step step : created) {
            try {
                waitReady(((Change.CreatePod) step.change()).pod(), start);
                results.ok(step, start);
            } catch (StepFailed e) {
                results.failed(step, e.getMessage(), start);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results.failed(step, "interrupted", start);
            }
        }
    }

    private HasMetadata object(String manifest) {
        return SERIALIZATION.unmarshal(manifest);
    }

    private void applyObject(Change.ApplyKubeObject c) {
        HasMetadata o = object(c.manifest());
        // a merge patch of exactly the fields kgr sets: what others (or the API server) added stays
        if (o instanceof GenericKubernetesResource g && StrimziKinds.of(g.getKind()).isPresent()) {
            mirror(g, c.create());
            return;
        }
        if (o instanceof GenericKubernetesResource g) {
            var pods = client.genericKubernetesResources(KubeObserver.POD_SETS).inNamespace(namespace);
            if (c.create()) {
                pods.resource(g).create();
                return;
            }
            // the pod set's spec is kgr's alone: replace it, guarded by the resource version just read
            GenericKubernetesResource current = pods.withName(c.name()).get();
            if (current == null) {
                pods.resource(g).create();
                return;
            }
            pods.resource(withSpecOf(current, g)).update();
            return;
        }
        if (c.create()) client.resource(o).inNamespace(namespace).create();
        else client.resource(o).inNamespace(namespace).patch(PatchContext.of(PatchType.JSON_MERGE), c.manifest());
    }

    /**
     * A read-only mirror of a Strimzi resource: created, or its spec replaced and kgr's labels and annotations set,
     * guarded by the resource version just read. Its status is not touched here (see the status writer).
     */
    private void mirror(GenericKubernetesResource g, boolean create) {
        var resources = client.genericKubernetesResources(StrimziKinds.of(g.getKind()).orElseThrow()).inNamespace(namespace);
        GenericKubernetesResource current = create ? null : resources.withName(g.getMetadata().getName()).get();
        if (current == null) {
            resources.resource(g).create();
            return;
        }
        if (!Labels.managedByKgr(current)) {
            throw new IllegalStateException(g.getKind() + " " + g.getMetadata().getName() + " was not made by kgr: left alone");
        }
        resources.resource(withSpecOf(current, g)).update();
    }

    /**
     * {@code current} (as just read, with its resource version) with {@code wanted}'s spec, which is kgr's alone, and
     * kgr's labels and annotations added to those others set.
     */
    private static GenericKubernetesResource withSpecOf(GenericKubernetesResource current, GenericKubernetesResource wanted) {
        current.getAdditionalProperties().put("spec", wanted.getAdditionalProperties().get("spec"));
        Map<String, String> labels = new TreeMap<>(current.getMetadata().getLabels() == null
                ? Map.of() : current.getMetadata().getLabels());
        if (wanted.getMetadata().getLabels() != null) labels.putAll(wanted.getMetadata().getLabels());
        current.getMetadata().setLabels(labels);
        Map<String, String> annotations = new TreeMap<>(current.getMetadata().getAnnotations() == null
                ? Map.of() : current.getMetadata().getAnnotations());
        if (wanted.getMetadata().getAnnotations() != null) annotations.putAll(wanted.getMetadata().getAnnotations());
        current.getMetadata().setAnnotations(annotations);
        return current;
    }

    private void expand(Change.ExpandVolume c) {
        client.persistentVolumeClaims().inNamespace(namespace).withName(c.claim()).edit(pvc -> {
            pvc.getSpec().getResources().getRequests().put("storage", new Quantity(c.to()));
            return pvc;
        });
    }

    private void createPod(Change.CreatePod c) throws InterruptedException, StepFailed {
        Pod pod = (Pod) object(c.manifest());
        client.pods().inNamespace(namespace).resource(pod).create();
        waitReady(c.pod());
    }

    private void roll(Change.RollPod c) throws InterruptedException, StepFailed {
        Pod current = client.pods().inNamespace(namespace).withName(c.pod()).get();
        boolean wasReady = current != null && Pods.ready(current);
        boolean controller = current != null && current.getMetadata().getLabels() != null
                && "true".equals(current.getMetadata().getLabels().get(Labels.CONTROLLER_ROLE));
        if (c.broker() && wasReady) safeToRestart(c.nodeId());
        if (controller && wasReady) quorumSafeWithout(c.nodeId());
        // a ready node is restarted only while every other node is ready (unready ones roll first, on their own)
        if (wasReady) othersReady(c.pod(), current.getMetadata().getLabels() == null ? null
                : current.getMetadata().getLabels().get(Labels.CLUSTER));
        if (admin == null && wasReady) {
            throw new StepFailed("Kafka does not answer: kgr does not restart a ready broker without checking its partitions");
        }
        log.info("rolling {} (node {})", c.pod(), c.nodeId());
        client.pods().inNamespace(namespace).withName(c.pod()).delete();
        waitGone(c.pod());
        client.pods().inNamespace(namespace).resource((Pod) object(c.manifest())).create();
        waitReady(c.pod());
        if (c.broker() && admin != null) waitInSync(c.pod());
        if (controller && admin != null) quorumSafeWithout(-1); // the restarted voter has caught up again
    }

    /** Waits (bounded) until every other pod kgr made for the cluster is Ready; fails naming the ones that are not. */
    private void othersReady(String pod, String cluster) throws InterruptedException, StepFailed {
        long deadline = System.nanoTime() + waits.podReady().toNanos();
        List<String> unready = List.of();
        while (true) {
            unready = client.pods().inNamespace(namespace).withLabel(Labels.MANAGED_BY, Labels.KGR).list().getItems()
                    .stream().filter(p -> cluster == null || cluster.equals(p.getMetadata().getLabels().get(Labels.CLUSTER)))
                    .filter(p -> !p.getMetadata().getName().equals(pod) && !Pods.ready(p))
                    .map(p -> p.getMetadata().getName()).sorted().toList();
            if (unready.isEmpty()) return;
            if (System.nanoTime() > deadline) break;
            Thread.sleep(waits.poll().toMillis());
        }
        throw new StepFailed("not restarting " + pod + " while " + String.join(", ", unready) + " is not ready");
    }

    /**
     * KRaft stays available while a majority of its voters has caught up with the leader. Before a controller restarts,
     * the voters other than {@code nodeId} must make that majority on their own (each caught up within the last 10 s);
     * with {@code nodeId} -1, all voters must have caught up (after a restart). Waits, bounded, then fails.
     */
    private void quorumSafeWithout(int nodeId) throws InterruptedException, StepFailed {
        long deadline = System.nanoTime() + waits.inSync().toNanos();
        String why = "";
        while (true) {
            try {
                var quorum = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
                long now = System.currentTimeMillis();
                long leaderEnd = quorum.voters().stream().filter(v -> v.replicaId() == quorum.leaderId())
                        .mapToLong(QuorumInfo.ReplicaState::logEndOffset).max().orElse(-1);
                List<Integer> caughtUp = quorum.voters().stream().filter(v -> v.replicaId() == quorum.leaderId()
                        || v.lastCaughtUpTimestamp().orElse(0L) > now - 10_000 || v.logEndOffset() >= leaderEnd)
                        .map(QuorumInfo.ReplicaState::replicaId).toList();
                int voters = quorum.voters().size();
                if (voters <= 1 && nodeId >= 0) return; // a single voter cannot stay available through any restart
                long remaining = caughtUp.stream().filter(id -> id != nodeId).count();
                boolean ok = nodeId < 0 ? caughtUp.size() == voters : remaining >= voters / 2 + 1;
                if (ok) return;
                why = caughtUp.size() + " of " + voters + " voters caught up " + caughtUp;
            } catch (ExecutionException | TimeoutException e) {
                why = "the quorum cannot be described: " + Results.reason(e);
            }
            if (System.nanoTime() > deadline) break;
            Thread.sleep(waits.poll().toMillis());
        }
        throw new StepFailed(nodeId < 0 ? "the restarted controller did not catch up with the quorum (" + why + ")"
                : "restarting controller " + nodeId + " would leave the KRaft quorum without a caught-up majority (" + why
                        + "); not restarted (the next run tries again)");
    }

    private void waitGone(String pod) throws InterruptedException, StepFailed {
        long deadline = System.nanoTime() + waits.podReady().toNanos();
        while (client.pods().inNamespace(namespace).withName(pod).get() != null) {
            if (System.nanoTime() > deadline) throw new StepFailed("pod " + pod + " was not gone after " + waits.podReady().toSeconds() + " s");
            Thread.sleep(waits.poll().toMillis());
        }
    }

    private void delete(Change.DeleteKubeObject c) throws InterruptedException, StepFailed {
        switch (c.objectKind()) {
            case "Pod" -> removeNode(c.name());
            case "ConfigMap" -> client.configMaps().inNamespace(namespace).withName(c.name()).delete();
            case "Service" -> client.services().inNamespace(namespace).withName(c.name()).delete();
            case "PodDisruptionBudget" -> client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(c.name()).delete();
            case "PersistentVolumeClaim" -> client.persistentVolumeClaims().inNamespace(namespace).withName(c.name()).delete();
            case "PodSet" -> client.genericKubernetesResources(KubeObserver.POD_SETS).inNamespace(namespace).withName(c.name()).delete();
            case "StrimziPodSet" -> releaseStrimziPodSet(c.name());
            case "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser" -> {
                var mirrors = client.genericKubernetesResources(StrimziKinds.of(c.objectKind()).orElseThrow()).inNamespace(namespace);
                var mirror = mirrors.withName(c.name()).get();
                if (mirror != null && Labels.managedByKgr(mirror)) mirrors.withName(c.name()).delete();
            }
            case "Secret" -> {
                var secret = client.secrets().inNamespace(namespace).withName(c.name()).get();
                if (secret != null && CertSecrets.managedByKgr(secret)) {
                    client.secrets().inNamespace(namespace).withName(c.name()).delete();
                }
            }
            default -> throw new IllegalArgumentException("kgr does not delete " + c.objectKind());
        }
    }

    /**
     * A pod set of Strimzi's whose pods kgr took over: deleted with its pods orphaned, and only once no pod names it as
     * its owner any more (a pod that still did would be deleted with it).
     */
    private void releaseStrimziPodSet(String name) throws StepFailed {
        for (var context : StrimziKinds.STRIMZI_POD_SETS) {
            GenericKubernetesResource set;
            try {
                set = client.genericKubernetesResources(context).inNamespace(namespace).withName(name).get();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) continue;
                throw e;
            }
            if (set == null) continue;
            if (!Labels.managedByStrimzi(set)) throw new StepFailed("StrimziPodSet " + name + " is not labelled as Strimzi's");
            String uid = set.getMetadata().getUid();
            for (Pod p : client.pods().inNamespace(namespace).list().getItems()) {
                if (p.getMetadata().getOwnerReferences() != null
                        && p.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid.equals(r.getUid()))) {
                    throw new StepFailed("pod " + p.getMetadata().getName() + " still belongs to StrimziPodSet " + name
                            + ": it is not deleted (the pod would go with it)");
                }
            }
            client.genericKubernetesResources(context).inNamespace(namespace).withName(name)
                    .withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
            return;
        }
    }

    /**
     * A node Git removed. A broker goes only if it hosts no partition replica now (Kafka may have placed a new topic
     * there since the plan); once it has left the cluster, its registration is removed so that the controllers
     * forget it, as Strimzi does.
     */
    /** How long a broker that still shows replicas is read again before its removal fails. */
    static final Duration HOSTED_RECHECK = Duration.ofSeconds(20);

    private void removeNode(String name) throws InterruptedException, StepFailed {
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        if (pod == null) return;
        boolean broker = pod.getMetadata().getLabels() != null
                && "true".equals(pod.getMetadata().getLabels().get(Labels.BROKER_ROLE));
        int id = Pods.nodeId(name).orElseThrow();
        if (broker && admin != null) {
            Predicate<TopicPartitionInfo> onIt = p -> p.replicas().stream().anyMatch(n -> n.id() == id);
            List<String> hosted = partitions(onIt, "before removing " + name);
            // the broker that confirmed this plan's moves may be ahead of the one asked now: its view is read again
            // for a while before the removal fails (the pod goes only once a read shows no replica on it)
            long deadline = System.nanoTime() + HOSTED_RECHECK.toNanos();
            while (!hosted.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
                hosted = partitions(onIt, "before removing " + name);
            }
            if (!hosted.isEmpty()) {
                throw new StepFailed("broker " + id + " hosts " + hosted.size() + " partition replica(s) again: "
                        + String.join(", ", hosted.subList(0, Math.min(10, hosted.size()))) + (hosted.size() > 10 ? ", …" : "")
                        + "; not removed");
            }
        }
        client.pods().inNamespace(namespace).withName(name).delete();
        if (!broker || admin == null) return;
        waitGone(name);
        unregister(id);
    }

    /**
     * The registration a removed broker left: removed only while the broker is still registered but fenced (it does
     * not run) and hosts no replica, as read now; already gone is done.
     */
    private void unregisterStranded(int id) throws InterruptedException, StepFailed {
        if (admin == null) throw new StepFailed("no connection to the brokers");
        try {
            var registered = admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes()
                    .get(30, TimeUnit.SECONDS).stream().filter(n -> n.id() == id).findFirst();
            if (registered.isEmpty()) return;
            if (!registered.get().isFenced()) throw new StepFailed("broker " + id + " runs again; its registration is kept");
            List<String> hosted = partitions(p -> p.replicas().stream().anyMatch(n -> n.id() == id), "before unregistering " + id);
            if (!hosted.isEmpty()) {
                throw new StepFailed("broker " + id + " is still a replica of " + hosted.size() + " partition(s): "
                        + String.join(", ", hosted.subList(0, Math.min(10, hosted.size()))) + "; not unregistered");
            }
            admin.unregisterBroker(id).all().get(30, TimeUnit.SECONDS);
            log.info("unregistered removed broker {}", id);
        } catch (ExecutionException | TimeoutException e) {
            throw new StepFailed("cannot unregister broker " + id + ": " + Results.reason(e));
        }
    }

    /** Waits (bounded) until the broker has shut down, then removes its registration; a failure is only logged. */
    private void unregister(int id) throws InterruptedException {
        long deadline = System.nanoTime() + waits.podReady().toNanos();
        try {
            while (admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == id)) {
                if (System.nanoTime() > deadline) {
                    log.warn("broker {} still answers after its pod was removed; its registration is kept", id);
                    return;
                }
                Thread.sleep(waits.poll().toMillis());
            }
            admin.unregisterBroker(id).all().get(30, TimeUnit.SECONDS);
            log.info("unregistered removed broker {}", id);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("could not unregister removed broker {}: {}", id, Results.reason(e));
        }
    }

    /**
     * A broker may restart only if every partition it hosts keeps at least min.insync.replicas in-sync replicas without
     * it. Waits (bounded) for that, then refuses naming the partitions.
     */
    private void safeToRestart(int nodeId) throws InterruptedException, StepFailed {
        if (admin == null) return;
        long deadline = System.nanoTime() + waits.inSync().toNanos();
        List<String> unsafe = List.of();
        while (true) {
            unsafe = partitionsThatWouldFallBelowMinIsr(nodeId);
            if (unsafe.isEmpty()) return;
            if (System.nanoTime() > deadline) break;
            Thread.sleep(waits.poll().toMillis());
        }
        throw new StepFailed("restarting broker " + nodeId + " would take " + unsafe.size()
                + " partition(s) below min.insync.replicas: " + String.join(", ", unsafe.subList(0, Math.min(10, unsafe.size())))
                + (unsafe.size() > 10 ? ", …" : "") + "; not restarted (the next run tries again)");
    }

    /** Every topic, internal ones included. */
    private Map<String, TopicDescription> describeAll() throws Exception {
        var names = admin.listTopics(new ListTopicsOptions().listInternal(true))
                .names().get(30, TimeUnit.SECONDS);
        if (names.isEmpty()) return Map.of();
        return admin.describeTopics(names).allTopicNames().get(60, TimeUnit.SECONDS);
    }

    /** The partitions ("topic-partition", sorted) that match. */
    private List<String> partitions(Predicate<TopicPartitionInfo> match, String when) throws StepFailed {
        try {
            List<String> out = new ArrayList<>();
            describeAll().forEach((name, d) -> d.partitions().stream().filter(match)
                    .forEach(p -> out.add(name + "-" + p.partition())));
            out.sort(null);
            return out;
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new StepFailed("cannot read partitions from Kafka " + when + ": " + Results.reason(e));
        }
    }

    private List<String> partitionsThatWouldFallBelowMinIsr(int nodeId) throws StepFailed {
        try {
            Map<String, TopicDescription> topics = describeAll();
            if (topics.isEmpty()) return List.of();
            Map<String, Integer> minIsr = minInsync(topics.keySet());
            List<String> out = new ArrayList<>();
            topics.forEach((name, d) -> {
                for (TopicPartitionInfo p : d.partitions()) {
                    boolean hosts = p.replicas().stream().anyMatch(n -> n.id() == nodeId);
                    if (!hosts) continue;
                    long isrWithout = p.isr().stream().filter(n -> n.id() != nodeId).count();
                    int needed = minIsr.getOrDefault(name, 1);
                    // a partition that has only one replica cannot stay available anyway; Kafka accepts that risk
                    if (p.replicas().size() > 1 && isrWithout < needed) out.add(name + "-" + p.partition());
                }
            });
            out.sort(null);
            return out;
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new StepFailed("cannot read partitions from Kafka before the roll: " + Results.reason(e));
        }
    }

    private Map<String, Integer> minInsync(Set<String> topics) throws Exception {
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        Map<String, Integer> out = new HashMap<>();
        admin.describeConfigs(resources).all().get(60, TimeUnit.SECONDS).forEach((r, config) -> {
            var e = config.get("min.insync.replicas");
            if (e != null && e.value() != null) out.put(r.name(), Integer.parseInt(e.value()));
        });
        return out;
    }

    private void waitReady(String pod) throws InterruptedException, StepFailed {
        waitReady(pod, System.nanoTime());
    }

    private void waitReady(String pod, long since) throws InterruptedException, StepFailed {
        long deadline = since + waits.podReady().toNanos();
        while (true) {
            Pod p = client.pods().inNamespace(namespace).withName(pod).get();
            if (p != null && Pods.ready(p)) return;
            if (System.nanoTime() > deadline) {
                throw new StepFailed("pod " + pod + " was not Ready after " + waits.podReady().toSeconds() + " s");
            }
            Thread.sleep(waits.poll().toMillis());
        }
    }

    /** After a broker's restart: no under-replicated partition left (bounded). */
    private void waitInSync(String pod) throws InterruptedException, StepFailed {
        long deadline = System.nanoTime() + waits.inSync().toNanos();
        while (true) {
            Optional<Integer> under = underReplicated();
            if (under.isPresent() && under.get() == 0) return;
            if (System.nanoTime() > deadline) {
                throw new StepFailed("after restarting " + pod + ", " + under.map(String::valueOf).orElse("an unknown number of")
                        + " partition(s) were still under-replicated after " + waits.inSync().toSeconds() + " s");
            }
            Thread.sleep(waits.poll().toMillis());
        }
    }

    private Optional<Integer> underReplicated() {
        try {
            return Optional.of(partitions(p -> p.isr().size() < p.replicas().size(), "").size());
        } catch (StepFailed e) {
            return Optional.empty();
        }
    }

    static final class StepFailed extends Exception {
        StepFailed(String message) {
            super(message);
        }
    }
}
