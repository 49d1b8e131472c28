package io.kgr.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.kgr.desired.ClusterSpec;
import io.kgr.desired.DesiredStateBuilder;
import io.kgr.kube.ClusterModel;
import io.kgr.kube.NodeIds;
import io.kgr.observe.LiveKube;
import io.kgr.observe.LivePartition;
import io.kgr.observe.LiveState;
import io.kgr.observe.LiveTopic;

/** The order of rolls: unready pods first, then brokers by id, then controllers, the active controller last. */
class KubePlannerTest {
    static final String POOLS = """
            apiVersion: kafka.strimzi.io/v1beta2
            kind: KafkaNodePool
            metadata: {name: brokers, labels: {strimzi.io/cluster: c1}}
            spec: {replicas: 3, roles: [broker], storage: {type: ephemeral}}
            ---
            apiVersion: kafka.strimzi.io/v1beta2
            kind: KafkaNodePool
            metadata: {name: controllers, labels: {strimzi.io/cluster: c1}}
            spec: {replicas: 3, roles: [controller], storage: {type: ephemeral}}
            """;

    static ClusterSpec spec(String extraConfig) {
        return spec(extraConfig, POOLS);
    }

    static ClusterSpec spec(String extraConfig, String pools) {
        String kafka = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: c1}
                spec:
                  kafka:
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                    config: {num.io.threads: 8%s}
                """.formatted(extraConfig);
        var r = DesiredStateBuilder.read(Map.of("k.yaml", kafka, "p.yaml", pools));
        return r.state().orElseThrow().kafka().orElseThrow();
    }

    /** The namespace as the given spec left it, all pods Ready except {@code unready}. */
    static LiveKube liveFrom(ClusterSpec spec, String... unready) {
        var objects = new ClusterModel(spec, "ns", NodeIds.assign(spec.pools(), Map.of()), "id").generate();
        LiveKube live = LiveKube.empty("ns");
        for (Pod p : objects.pods()) {
            boolean ready = !List.of(unready).contains(p.getMetadata().getName());
            p.setStatus(new PodStatusBuilder().withPhase("Running").withConditions(new PodConditionBuilder().withType("Ready")
                    .withStatus(ready ? "True" : "False").build()).build());
            live.pods().put(p.getMetadata().getName(), p);
        }
        objects.services().forEach(s -> live.services().put(s.getMetadata().getName(), s));
        objects.configMaps().forEach(c -> live.configMaps().put(c.getMetadata().getName(), c));
        objects.podSets().forEach(c -> live.podSets().put(c.getMetadata().getName(), c));
        objects.disruptionBudgets().forEach(b -> live.disruptionBudgets().put(b.getMetadata().getName(), b));
        return live;
    }

    static LiveState kafka(int activeController) {
        return new LiveState("x", new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), new TreeMap<>(), List.of(), false,
                new TreeMap<>(), new TreeMap<>(), activeController);
    }

    static List<String> rolls(KubePlanner.Part k) {
        List<String> out = new ArrayList<>();
        k.in(Phase.ROLLS).forEach(s -> out.add(s.change().subject()));
        return out;
    }

    @Test
    void aNodeKgrIsStillDrainingGetsItsLostPodBackAndOnlyThen() {
        String four = POOLS.replace("spec: {replicas: 3, roles: [broker]", "spec: {replicas: 4, roles: [broker]");
        LiveKube live = liveFrom(spec("", four));
        // broker 3 was being drained when its pod was lost; the pod set was already rewritten without it
        assertThat(live.pods().remove("c1-brokers-3")).isNotNull();
        assertThat(live.configMaps()).containsKey("c1-brokers-3");
        var partition = new io.kgr.observe.LivePartition(0, 3, List.of(0), List.of(3));
        var moving = new io.kgr.observe.LiveTopic("t", List.of(partition), new TreeMap<>(), new TreeMap<>(Map.of(0, List.of(3, 0))));
        LiveState kafka = new LiveState("x", new TreeSet<>(List.of(0, 1, 2, 3)), new TreeMap<>(Map.of("t", moving)),
                new TreeMap<>(), List.of(), false, new TreeMap<>(), new TreeMap<>(), 4);
        var draining = new KubePlanner.Options(false, false, false, List.of(), java.time.Instant.now(),
                Map.of("t", java.util.Set.of(0)), java.util.Set.of(3));
        KubePlanner.Part back = new KubePlanner(spec(""), live, Optional.of(kafka), "id", draining).plan();
        assertThat(back.in(Phase.POD_SETS)).extracting(Step::id).contains("create-pod:c1-brokers-3");
        assertThat(back.in(Phase.POD_SETS)).filteredOn(st -> st.id().equals("create-pod:c1-brokers-3")).singleElement()
                .satisfies(st -> assertThat(st.reason()).contains("still being drained"));
        // without kgr's drain of it, a lost node that Git removed is not made again
        KubePlanner.Part not = new KubePlanner(spec(""), live, Optional.of(kafka), "id").plan();
        assertThat(not.in(Phase.POD_SETS)).extracting(Step::id).doesNotContain("create-pod:c1-brokers-3");
    }

    @Test
    void brokersByIdThenControllersWithTheActiveOneLast() {
        ClusterSpec before = spec("");
        KubePlanner.Part k = new KubePlanner(spec(", num.replica.alter.log.dirs.threads: 2"), liveFrom(before),
                Optional.of(kafka(4)), "id").plan();
        assertThat(rolls(k)).containsExactly("c1-brokers-0", "c1-brokers-1", "c1-brokers-2", "c1-controllers-3",
                "c1-controllers-5", "c1-controllers-4");
        // each roll waits for the one before it
        assertThat(k.in(Phase.ROLLS).get(1).dependsOn()).containsExactly(k.in(Phase.ROLLS).get(0).id());
        assertThat(k.in(Phase.ROLLS)).allSatisfy(s -> assertThat(s.risk()).isEqualTo(Risk.DISRUPTIVE));
    }

    @Test
    void unreadyPodsRollFirst() {
        KubePlanner.Part k = new KubePlanner(spec(", num.replica.alter.log.dirs.threads: 2"), liveFrom(spec(""), "c1-brokers-2"),
                Optional.of(kafka(3)), "id").plan();
        assertThat(rolls(k).get(0)).isEqualTo("c1-brokers-2");
        assertThat(rolls(k).get(rolls(k).size() - 1)).isEqualTo("c1-controllers-3");
    }

    @Test
    void nothingRollsAndNothingChangesForTheSameGit() {
        KubePlanner.Part k = new KubePlanner(spec(""), liveFrom(spec("")), Optional.of(kafka(3)), "id").plan();
        assertThat(k.in(Phase.ROLLS)).isEmpty();
        assertThat(k.in(Phase.KUBERNETES_PREREQUISITES)).isEmpty();
        assertThat(k.in(Phase.POD_SETS)).isEmpty();
        assertThat(k.refusals()).isEmpty();
    }

    /** The server.properties a plan writes for a node (its ConfigMap's create or update). */
    private static String propertiesPlanned(KubePlanner.Part k, String pod) {
        return k.in(Phase.KUBERNETES_PREREQUISITES).stream().map(Step::change)
                .filter(c -> c instanceof Change.ApplyKubeObject a && a.objectKind().equals("ConfigMap") && a.name().equals(pod))
                .map(c -> ((Change.ApplyKubeObject) c).manifest()).findFirst().orElseThrow();
    }

    @Test
    void aNewClusterGetsStrimzisInternalListenerNamesAndAClusterKeepsTheNamesItWasMadeWith() {
        // a new cluster: its nodes speak Strimzi's names, and its pods and pod sets record them
        KubePlanner.Part fresh = new KubePlanner(spec(""), LiveKube.empty("ns"), Optional.empty(), "id").plan();
        assertThat(propertiesPlanned(fresh, "c1-brokers-0")).contains("controller.listener.names=CONTROLPLANE-9090",
                "inter.broker.listener.name=REPLICATION-9091", "REPLICATION-9091://0.0.0.0:9091",
                "CONTROLPLANE-9090:SSL", "listener.name.replication-9091.ssl.client.auth=required")
                .doesNotContain("=REPLICATION\\n", "CONTROLLER:");
        assertThat(propertiesPlanned(fresh, "c1-controllers-3")).contains("CONTROLPLANE-9090://0.0.0.0:9090");
        assertThat(fresh.in(Phase.POD_SETS)).hasSize(2 + 6).allSatisfy(st -> assertThat(
                st.change() instanceof Change.ApplyKubeObject a ? a.manifest() : ((Change.CreatePod) st.change()).manifest())
                .contains("\"kgr.io/internal-listeners\":\"strimzi\""));

        // a cluster made with kgr's older names keeps them: renaming node by node would cut replication
        KubePlanner.Part older = new KubePlanner(spec(""), liveFrom(spec("")), Optional.of(kafka(3)), "id").plan();
        assertThat(older.in(Phase.KUBERNETES_PREREQUISITES)).isEmpty();
        assertThat(older.in(Phase.ROLLS)).isEmpty();
        KubePlanner.Part olderChanged = new KubePlanner(spec(", log.retention.ms: 1000"), liveFrom(spec("")),
                Optional.of(kafka(3)), "id").plan();
        assertThat(propertiesPlanned(olderChanged, "c1-brokers-0")).contains("inter.broker.listener.name=REPLICATION\\n")
                .doesNotContain("REPLICATION-9091");

        // a cluster with Strimzi's names that lost its ConfigMaps and pod sets keeps them too: its pods record them
        var objects = new ClusterModel(spec(""), "ns", NodeIds.assign(spec("").pools(), Map.of()), "id",
                new ClusterModel.Security(false, false, Map.of(), io.kgr.kube.ServerProperties.InternalNames.STRIMZI)).generate();
        LiveKube lost = liveFrom(spec(""));
        lost.configMaps().clear();
        lost.podSets().clear();
        lost.pods().clear();
        for (Pod p : objects.pods()) {
            p.setStatus(new PodStatusBuilder().withPhase("Running").withConditions(new PodConditionBuilder().withType("Ready")
                    .withStatus("True").build()).build());
            lost.pods().put(p.getMetadata().getName(), p);
        }
        KubePlanner.Part restored = new KubePlanner(spec(""), lost, Optional.of(kafka(3)), "id").plan();
        assertThat(propertiesPlanned(restored, "c1-brokers-0")).contains("inter.broker.listener.name=REPLICATION-9091");
    }

    @Test
    void aDynamicSettingChangesConfigurationButRollsNothing() {
        KubePlanner.Part k = new KubePlanner(spec(", log.retention.ms: 1000"), liveFrom(spec("")), Optional.of(kafka(3)), "id").plan();
        assertThat(k.in(Phase.ROLLS)).isEmpty();
        assertThat(k.in(Phase.KUBERNETES_PREREQUISITES)).extracting(s -> s.change().kind()).containsOnly("update-kube-object");
    }

    @Test
    void theControllerQuorumSizeDoesNotChange() {
        ClusterSpec bigger = spec("");
        var pools = new ArrayList<>(bigger.pools());
        var c = pools.get(1);
        pools.set(1, new ClusterSpec.Pool(c.name(), c.roles(), 5, c.storage(), null, null, null, Optional.empty(), Optional.empty()));
        ClusterSpec five = new ClusterSpec(bigger.name(), bigger.namespace(), bigger.version(), bigger.metadataVersion(),
                bigger.image(), true, bigger.listeners(), bigger.config(), pools, Optional.empty(), Optional.empty(), null);
        KubePlanner.Part k = new KubePlanner(five, liveFrom(spec("")), Optional.of(kafka(3)), "id").plan();
        assertThat(k.refusals()).anySatisfy(r -> assertThat(r.reason()).contains("controller quorum would change from 3 to 5"));
    }

    @Test
    void aRenamedControllerPoolIsANewQuorumAndIsRefused() {
        // the same count of controllers, other node ids: before, 3 == 3 passed, and the old voters were pruned
        ClusterSpec renamed = spec("", POOLS.replace("name: controllers", "name: voters"));
        Plan plan = planOn(renamed);
        assertThat(plan.refusals()).anySatisfy(r -> assertThat(r.reason())
                .contains("controller quorum keeps 3 nodes but its voters would change", "voters [3, 4, 5] →",
                        "would be removed while they are voters"));
    }

    @Test
    void theControllerRoleMovedToOtherNodesIsRefused() {
        ClusterSpec moved = spec("", POOLS.replace("roles: [broker]", "roles: [broker, controller]")
                .replace("roles: [controller]", "roles: [broker]"));
        Plan plan = planOn(moved);
        assertThat(plan.refusals()).anySatisfy(r -> assertThat(r.reason())
                .contains("voters [3, 4, 5] → [0, 1, 2]"));
    }

    @Test
    void aReleaseBelowTheFinalizedMetadataVersionIsRefused() {
        ClusterSpec now = spec("");
        short finalized = org.apache.kafka.server.common.MetadataVersion.fromVersionString("4.4-IV0", true).featureLevel();
        LiveState kafka = new LiveState("x", new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), new TreeMap<>(), List.of(),
                false, new TreeMap<>(), new TreeMap<>(), 3, new TreeMap<>(), finalized);
        for (String release : List.of("4.3.1", "4.4.0")) {
            ClusterSpec wanted = new ClusterSpec(now.name(), now.namespace(), release, now.metadataVersion(),
                    now.image().replace(now.version(), release),
                    true, now.listeners(), now.config(), now.pools(), Optional.empty(), Optional.empty(), null);
            KubePlanner.Part k = new KubePlanner(wanted, liveFrom(now), Optional.of(kafka), "id").plan();
            if (release.equals("4.3.1")) {
                assertThat(k.refusals()).as(release).anySatisfy(r -> assertThat(r.reason()).contains(
                        "Kafka 4.3.1 cannot run this cluster: its metadata.version is finalized at 4.4-IV0",
                        "keep spec.kafka.version at a release of 4.4 or later"));
            } else {
                assertThat(k.refusals()).as(release).isEmpty();
            }
        }
        // nodes that run that release already are not rolled onto it: nothing is planned, so nothing is refused
        assertThat(now.image()).contains(now.version());
        ClusterSpec old = new ClusterSpec(now.name(), now.namespace(), "4.1.0", now.metadataVersion(),
                now.image().replace(now.version(), "4.1.0"), true, now.listeners(), now.config(), now.pools(), Optional.empty(),
                Optional.empty(), null);
        KubePlanner.Part same = new KubePlanner(old, liveFrom(old), Optional.of(kafka), "id").plan();
        assertThat(same.refusals()).isEmpty();
    }

    @Test
    void volumesWithoutPodsOrPodSetsKeepTheirClusterIdOrThePlanIsRefused() {
        ClusterSpec persistent = spec("", POOLS.replace("storage: {type: ephemeral}",
                "storage: {type: persistent-claim, size: 1Gi, deleteClaim: false}"));
        var objects = new ClusterModel(persistent, "ns", NodeIds.assign(persistent.pools(), Map.of()), "the-id").generate();
        // every pod and pod set is gone, Kafka does not answer: only the volumes are left
        LiveKube volumesOnly = LiveKube.empty("ns");
        objects.claims().forEach(c -> volumesOnly.claims().put(c.getMetadata().getName(), c));
        KubePlanner.Part k = new KubePlanner(persistent, volumesOnly, Optional.empty(), "a-new-random-id").plan();
        assertThat(k.refusals()).isEmpty();
        assertThat(k.in(Phase.POD_SETS)).as("the pods are made again").isNotEmpty();
        assertThat(k.in(Phase.POD_SETS)).allSatisfy(s -> assertThat(s.change().toString()).doesNotContain("a-new-random-id"));

        // volumes made before they recorded the id: never formatted into a new cluster
        objects.claims().forEach(c -> c.getMetadata().getAnnotations().remove(ClusterModel.CLUSTER_ID));
        KubePlanner.Part old = new KubePlanner(persistent, volumesOnly, Optional.empty(), "a-new-random-id").plan();
        assertThat(old.refusals()).anySatisfy(r -> assertThat(r.reason()).contains("the cluster's id is unknown: its volumes"
                + " exist", "kgr will not format them into a new cluster"));
    }

    @Test
    void eachPoolHasADisruptionBudgetThatTheTemplateMayWiden() {
        ClusterSpec wide = spec("", POOLS.replace("spec: {replicas: 3, roles: [broker], storage: {type: ephemeral}}",
                "spec: {replicas: 3, roles: [broker], storage: {type: ephemeral}, template: {podDisruptionBudget: {maxUnavailable: 2}}}"));
        var objects = new ClusterModel(wide, "ns", NodeIds.assign(wide.pools(), Map.of()), "id").generate();
        assertThat(objects.disruptionBudgets()).extracting(b -> b.getMetadata().getName() + "=" + b.getSpec().getMaxUnavailable().getIntVal()
                + " " + b.getSpec().getSelector().getMatchLabels().get("strimzi.io/pool-name"))
                .containsExactly("c1-brokers=2 brokers", "c1-controllers=1 controllers");
        // a namespace without them (a cluster kgr made before) gets them, and a changed budget is updated, without a roll
        LiveKube without = liveFrom(spec(""));
        without.disruptionBudgets().clear();
        KubePlanner.Part k = new KubePlanner(wide, without, Optional.of(kafka(3)), "id").plan();
        assertThat(k.in(Phase.KUBERNETES_PREREQUISITES)).extracting(s -> s.change().subject())
                .contains("PodDisruptionBudget/c1-brokers", "PodDisruptionBudget/c1-controllers");
        KubePlanner.Part widened = new KubePlanner(wide, liveFrom(spec("")), Optional.of(kafka(3)), "id").plan();
        assertThat(widened.in(Phase.KUBERNETES_PREREQUISITES)).extracting(s -> s.id()).containsExactly("update-kube-object:PodDisruptionBudget/c1-brokers");
        assertThat(widened.in(Phase.ROLLS)).isEmpty();
    }

    @Test
    void aTopicsOnlyTargetNeverGetsTheKafkaManifestsBrokerSettings() {
        var desired = new io.kgr.desired.DesiredState("c1", new TreeMap<>(), new TreeMap<>(),
                Optional.of(spec(", log.retention.ms: 1000")));
        Plan topicsOnly = new Planner().plan(desired, kafka(3), Fixtures.owning(), Policy.defaults(false), Fixtures.header());
        assertThat(topicsOnly.steps()).noneMatch(s -> s.change() instanceof Change.AlterBrokerConfig);
        assertThat(topicsOnly.notes()).anyMatch(n -> n.contains("are not planned by this version of kgr"));
        // where kgr runs the cluster, the same setting is planned
        Plan running = new Planner().plan(desired, Optional.of(kafka(3)), Fixtures.owning(), Policy.defaults(false),
                Fixtures.header(), Optional.of(liveFrom(spec(""))), "id");
        assertThat(running.steps()).anyMatch(s -> s.change() instanceof Change.AlterBrokerConfig);
    }

    @Test
    void aLostPodsVolumeIsNotPrunedWhileItsBrokerMayHoldReplicas() {
        String persistent = POOLS.replace("spec: {replicas: 3, roles: [broker], storage: {type: ephemeral}}",
                "spec: {replicas: 3, roles: [broker], storage: {type: persistent-claim, size: 1Gi, deleteClaim: true}}");
        ClusterSpec three = spec("", persistent);
        ClusterSpec two = spec("", persistent.replace("spec: {replicas: 3, roles: [broker]", "spec: {replicas: 2, roles: [broker]"));
        LiveKube live = liveFrom(three);
        new ClusterModel(three, "ns", NodeIds.assign(three.pools(), Map.of()), "id").generate().claims()
                .forEach(c -> live.claims().put(c.getMetadata().getName(), c));
        live.pods().remove("c1-brokers-2"); // lost before the scale-down: nothing drains it
        KubePlanner.Part registered = new KubePlanner(two, live, Optional.of(kafka(3)), "id").pruning(true).plan();
        assertThat(registered.in(Phase.PRUNE)).noneMatch(st -> st.change().subject().startsWith("PersistentVolumeClaim/"));
        assertThat(registered.notes()).anyMatch(n -> n.contains("of node 2, removed from its pool (its pod is gone), is kept:"
                + " broker 2 is still registered"));
        // once Kafka no longer knows broker 2 and places nothing on it, the volume goes with the rest of the node (its
        // pool is still in Git: the node's removal, no orphan, so pruning need not be on)
        LiveState gone = new LiveState("x", new TreeSet<>(List.of(0, 1)), new TreeMap<>(), new TreeMap<>(), List.of(), false,
                new TreeMap<>(), new TreeMap<>(), 3);
        KubePlanner.Part free = new KubePlanner(two, live, Optional.of(gone), "id").plan();
        assertThat(free.in(Phase.PRUNE)).anyMatch(st -> st.change().subject().startsWith("PersistentVolumeClaim/")
                && st.change().subject().endsWith("c1-brokers-2"));
    }

    /**
     * A namespace where Strimzi's cluster operator made the cluster: one refusal that says what to do instead of one per
     * object, and nothing planned beside Strimzi's objects (no pod set, budget or agent of kgr's next to them).
     */
    @Test
    void aClusterStrimziMadeIsOneRefusalThatSaysWhatToDo() {
        ClusterSpec spec = spec("");
        LiveKube live = liveFrom(spec);
        live.podSets().clear(); // Strimzi's are StrimziPodSets, which kgr does not read
        live.disruptionBudgets().clear();
        live.configMaps().remove("c1-kgr-agent");
        List.of(live.pods(), live.services(), live.configMaps()).forEach(objects -> objects.values().forEach(o ->
                o.getMetadata().getLabels().put("app.kubernetes.io/managed-by", "strimzi-cluster-operator")));
        KubePlanner.Part part = new KubePlanner(spec, live, Optional.of(kafka(3)), "id").plan();
        assertThat(part.steps()).isEmpty();
        assertThat(part.refusals()).singleElement().satisfies(r -> {
            assertThat(r.kind() + " " + r.subject()).isEqualTo("Kafka c1");
            assertThat(r.reason()).contains("cluster c1 in namespace ns was made by Strimzi (", " Pod, ", " Service")
                    .contains("kgr does not take over a running Strimzi cluster in place")
                    .contains("keep its Kafka and KafkaNodePool manifests out of this source's path");
        });
        // a Strimzi-made object of another cluster in the same namespace changes nothing for this one
        LiveKube mine = liveFrom(spec);
        Pod other = liveFrom(spec).pods().values().iterator().next();
        other.getMetadata().setName("other-brokers-0");
        other.getMetadata().getLabels().putAll(Map.of("app.kubernetes.io/managed-by", "strimzi-cluster-operator",
                "strimzi.io/cluster", "other"));
        mine.pods().put("other-brokers-0", other);
        assertThat(new KubePlanner(spec, mine, Optional.of(kafka(3)), "id").plan().refusals()).isEmpty();
    }

    /**
     * A fenced registration Git has no node for, that no pod runs as and that hosts nothing is unregistered; a declared
     * node's, a running pod's and one still holding a replica are not (ids 0–2 brokers, 3–5 controllers here).
     */
    @Test
    void onlyARemovedBrokersIdleRegistrationIsUnregistered() {
        ClusterSpec spec = spec("");
        LiveKube live = liveFrom(spec);
        Pod stray = liveFrom(spec).pods().get("c1-brokers-0");
        stray.getMetadata().setName("c1-brokers-8"); // a pod of the cluster kgr no longer declares, still there
        live.pods().put("c1-brokers-8", stray);
        var topics = new TreeMap<String, LiveTopic>(Map.of("t", new LiveTopic("t",
                List.of(new LivePartition(0, 0, List.of(0, 7), List.of(0))), new TreeMap<>(), new TreeMap<>())));
        LiveState fenced = new LiveState("x", new TreeSet<>(List.of(0, 1)), topics, new TreeMap<>(), List.of(), false,
                new TreeMap<>(), new TreeMap<>(), 3, new TreeMap<>(), (short) -1, new TreeSet<>(List.of(2, 6, 7, 8)));
        KubePlanner.Part part = new KubePlanner(spec, live, Optional.of(fenced), "id").plan();
        assertThat(part.steps()).filteredOn(st -> st.change() instanceof Change.UnregisterBroker)
                .extracting(Step::id).containsExactly("unregister-broker:6");
        assertThat(part.notes()).anyMatch(n -> n.contains("broker 7 is still registered (fenced) and is a replica of 1"));
    }

    @Test
    void theSameQuorumUnderTheSameNamesIsNotRefused() {
        assertThat(planOn(spec(", num.replica.alter.log.dirs.threads: 2")).refusals()).isEmpty();
    }

    /** A whole plan (Kafka and Kubernetes) of {@code spec} against the namespace the fixture spec made. */
    private static Plan planOn(ClusterSpec spec) {
        var desired = new io.kgr.desired.DesiredState("c1", new TreeMap<>(), new TreeMap<>(), Optional.of(spec));
        return new Planner().plan(desired, Optional.of(kafka(3)), Fixtures.owning(), Policy.defaults(true),
                Fixtures.header(), Optional.of(liveFrom(spec(""))), "id");
    }

    @Test
    void aNodesStorageTypeDoesNotChange() {
        ClusterSpec ephemeral = spec("");
        var pools = new ArrayList<>(ephemeral.pools());
        var b = pools.get(0);
        var persistent = new ClusterSpec.Storage("persistent-claim", List.of(new ClusterSpec.Volume(Optional.empty(),
                "persistent-claim", Optional.of("10Gi"), Optional.empty(), false, false)));
        pools.set(0, new ClusterSpec.Pool(b.name(), b.roles(), 3, persistent, null, null, null, Optional.empty(), Optional.empty()));
        ClusterSpec changed = new ClusterSpec(ephemeral.name(), ephemeral.namespace(), ephemeral.version(),
                ephemeral.metadataVersion(), ephemeral.image(), true, ephemeral.listeners(), ephemeral.config(), pools,
                Optional.empty(), Optional.empty(), null);
        KubePlanner.Part k = new KubePlanner(changed, liveFrom(ephemeral), Optional.of(kafka(3)), "id").plan();
        assertThat(k.refusals()).anySatisfy(r -> assertThat(r.reason()).contains("volume data: ephemeral → persistent-claim")
                .contains("storage type cannot change"));
        assertThat(k.in(Phase.ROLLS)).extracting(s -> s.change().subject()).doesNotContain("c1-brokers-0");
    }

    @Test
    void aLostControllerPodIsRecreatedWithoutAQuorumChange() {
        LiveKube live = liveFrom(spec(""));
        String lost = live.pods().keySet().stream().filter(n -> n.contains("controllers")).findFirst().orElseThrow();
        live.pods().remove(lost); // evicted, or deleted by hand
        KubePlanner.Part k = new KubePlanner(spec(""), live, Optional.of(kafka(3)), "id").plan();
        assertThat(k.refusals()).as("the pools still declare three controllers").isEmpty();
        assertThat(k.in(Phase.POD_SETS)).extracting(st -> st.change().subject()).contains(lost);
    }

    @Test
    void withoutItsPodSetsTheClusterKeepsTheIdKafkaReportsAndNeverGetsARandomOne() {
        // pod sets made with id "id"; they are lost, the brokers still run and say their id: nothing rolls
        LiveKube live = liveFrom(spec(""));
        live.podSets().clear();
        var kafka = new LiveState("id", new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), new TreeMap<>(), List.of(), false,
                new TreeMap<>(), new TreeMap<>(), 3);
        KubePlanner.Part k = new KubePlanner(spec(""), live, Optional.of(kafka), "a-random-new-id").plan();
        assertThat(k.refusals()).isEmpty();
        assertThat(k.in(Phase.ROLLS)).as("the same id: no pod's revision changes").isEmpty();

        // and when Kafka does not answer either, the plan is refused rather than formatting nodes with a new id
        KubePlanner.Part blind = new KubePlanner(spec(""), live, Optional.empty(), "a-random-new-id").plan();
        assertThat(blind.refusals()).anySatisfy(r -> assertThat(r.reason()).contains("the cluster's id is unknown"));
    }

    @Test
    void aDynamicSettingRemovedFromGitIsRemovedFromTheBrokersDefaultsAndOthersAreLeftAlone() {
        LiveKube before = liveFrom(spec(", log.cleaner.threads: 2"));
        var brokerDefaults = new TreeMap<String, String>(Map.of("num.io.threads", "8", "log.cleaner.threads", "2",
                "min.insync.replicas", "2")); // the last one set by Kafka (ELR) or an operator, never by Git
        var kafka = new LiveState("id", new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), new TreeMap<>(), List.of(), false,
                new TreeMap<>(), brokerDefaults, 3);
        var desired = new io.kgr.desired.DesiredState("c1", new TreeMap<>(), new TreeMap<>(), Optional.of(spec("")));
        Plan plan = new Planner().plan(desired, Optional.of(kafka), Fixtures.owning(), Policy.defaults(false), Fixtures.header(),
                Optional.of(before), "id");
        var alter = plan.steps().stream().map(Step::change).filter(c -> c instanceof Change.AlterBrokerConfig)
                .map(c -> (Change.AlterBrokerConfig) c).findFirst().orElseThrow();
        assertThat(alter.delete()).containsExactly("log.cleaner.threads");
        assertThat(alter.set()).isEmpty();
        assertThat(plan.steps()).noneMatch(s -> s.change() instanceof Change.RollPod);
    }

    @Test
    void aRemovedSettingWhoseDeletionFailedIsStillDeletedByTheNextPlan() {
        // the ConfigMaps were rewritten without the key (phase 1), then the broker config step failed (phase 5): only
        // the inventory still says kgr set it
        LiveKube rewritten = liveFrom(spec(""));
        var brokerDefaults = new TreeMap<String, String>(Map.of("num.io.threads", "8", "log.cleaner.threads", "2"));
        var kafka = new LiveState("id", new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), new TreeMap<>(), List.of(), false,
                new TreeMap<>(), brokerDefaults, 3);
        var desired = new io.kgr.desired.DesiredState("c1", new TreeMap<>(), new TreeMap<>(), Optional.of(spec("")));
        var recorded = new io.kgr.inventory.Inventory("c1", "repo-a", Fixtures.header().commit(), Fixtures.T0,
                new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeSet<>(List.of("log.cleaner.threads", "num.io.threads")));
        Plan plan = new Planner().plan(desired, Optional.of(kafka), new io.kgr.inventory.Inventories(recorded, List.of(), "v"),
                Policy.defaults(false), Fixtures.header(), Optional.of(rewritten), "id");
        var alter = plan.steps().stream().map(Step::change).filter(c -> c instanceof Change.AlterBrokerConfig)
                .map(c -> (Change.AlterBrokerConfig) c).findFirst().orElseThrow();
        assertThat(alter.delete()).containsExactly("log.cleaner.threads");
        var inventory = plan.steps().stream().map(Step::change).filter(c -> c instanceof Change.UpdateInventory)
                .map(c -> (Change.UpdateInventory) c).findFirst().orElseThrow();
        assertThat(inventory.brokerKeys()).containsExactly("num.io.threads");
    }

    @Test
    void kgrsObjectsNoNodeAccountsForGoOnlyWithPruning() {
        LiveKube live = liveFrom(spec(""));
        var some = live.configMaps().values().iterator().next();
        var orphan = new io.fabric8.kubernetes.api.model.ConfigMapBuilder(some).editMetadata().withName("c1-retired-9").endMetadata().build();
        live.configMaps().put("c1-retired-9", orphan);
        KubePlanner.Part kept = new KubePlanner(spec(""), live, Optional.of(kafka(3)), "id").plan();
        assertThat(kept.in(Phase.PRUNE)).isEmpty();
        assertThat(kept.notes()).anyMatch(n -> n.contains("ConfigMap/c1-retired-9") && n.contains("kept (pruning is off"));
        KubePlanner.Part pruned = new KubePlanner(spec(""), live, Optional.of(kafka(3)), "id").pruning(true).plan();
        assertThat(pruned.in(Phase.PRUNE)).extracting(Step::id).containsExactly("delete-kube-object:ConfigMap/c1-retired-9");
    }
}
