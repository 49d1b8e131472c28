package io.kgr.bench;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kgr.PlanRun;
import io.kgr.apply.Applier;
import io.kgr.apply.ApplyOptions;
import io.kgr.apply.ApplyReport;
import io.kgr.apply.KubeWaits;
import io.kgr.desired.DesiredState;
import io.kgr.desired.DesiredStateBuilder;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.inventory.Inventories;
import io.kgr.inventory.Inventory;
import io.kgr.model.StrimziKinds;
import io.kgr.observe.KubeObserver;
import io.kgr.observe.LiveKube;
import io.kgr.observe.LiveState;
import io.kgr.plan.Phase;
import io.kgr.plan.Plan;
import io.kgr.plan.PlanHeader;
import io.kgr.plan.Planner;
import io.kgr.plan.Policy;
import io.kgr.plan.Step;
import io.kgr.status.StatusWriter;

/**
 * What the Strimzi mirrors and their status cost at N topics, on the in-memory API server (fabric8's mock: slower per
 * request than a real API server, so the times are an upper bound): the first publication (N creates, one at a time),
 * then a run that changes nothing — its observe of the namespace (the Strimzi kinds listed), its plan, and what it
 * writes (nothing, mirrors and status alike). Usage: MirrorBench [N].
 */
public final class MirrorBench {
    private MirrorBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Map<String, String> files = new TreeMap<>();
        files.put("kafka.yaml", """
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata: {name: bench}
                spec:
                  kafka:
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaNodePool
                metadata: {name: dual, labels: {strimzi.io/cluster: bench}}
                spec: {replicas: 3, roles: [controller, broker], storage: {type: ephemeral}}
                """);
        for (int i = 0; i < n; i++) {
            files.put("topics/t" + i + ".yaml", "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: topic-" + i
                    + "\n  labels: {strimzi.io/cluster: bench}\nspec:\n  partitions: 1\n  replicas: 1\n  config: {retention.ms: 86400000}\n");
        }
        DesiredState desired = DesiredStateBuilder.read(files).state().orElseThrow();
        try (EmbeddedKubernetes kube = EmbeddedKubernetes.start("kafka")) {
            KubeObserver observer = new KubeObserver(kube.client(), "kafka");
            PlanHeader header = new PlanHeader("bench", "bench", "", "0123456789ab", "bench", "", Instant.now(), "f");
            TreeMap<String, io.kgr.observe.LiveTopic> topics = new TreeMap<>();
            LiveState live = new LiveState("cluster-id", new TreeSet<>(List.of(0, 1, 2)), topics);
            Inventories inventories = new Inventories(Inventory.empty("bench", "bench"), List.of(), "v1");

            long t0 = System.nanoTime();
            LiveKube empty = observer.observe();
            long observeEmpty = System.nanoTime() - t0;
            Plan first = new Planner().plan(desired, Optional.of(live), inventories, Policy.defaults(false), header,
                    Optional.of(empty), "id");
            List<Step> mirrors = first.steps().stream().filter(s -> s.phase() == Phase.MIRRORS).toList();
            Plan publish = new Plan(header, mirrors, List.of(), List.of(), List.of());
            long t1 = System.nanoTime();
            ApplyReport report = new Applier(null, null, null, ApplyOptions.defaults(), r -> { })
                    .withKubernetes(observer, KubeWaits.defaults()).apply(publish);
            long publishNanos = System.nanoTime() - t1;

            long t2 = System.nanoTime();
            LiveKube full = observer.observe();
            long observeFull = System.nanoTime() - t2;
            long t3 = System.nanoTime();
            Plan again = new Planner().plan(desired, Optional.of(live), inventories, Policy.defaults(false), header,
                    Optional.of(full), "id");
            long planAgain = System.nanoTime() - t3;
            long mirrorSteps = again.steps().stream().filter(s -> s.phase() == Phase.MIRRORS).count();

            StatusWriter writer = new StatusWriter(kube.client(), "kafka", Clock.systemUTC());
            PlanRun run = new PlanRun(io.kgr.RunStatus.SUCCEEDED, "", Optional.empty(), List.of(), Optional.of(again),
                    Optional.of(new PlanRun.Observed(desired, Optional.of(live), Optional.of(full))));
            long t4 = System.nanoTime();
            int firstStatus = writer.write(run, Optional.empty());
            long statusFirst = System.nanoTime() - t4;
            long t5 = System.nanoTime();
            int secondStatus = writer.write(run, Optional.empty());
            long statusAgain = System.nanoTime() - t5;

            System.out.printf("mirrors of %d topics on the in-memory API server:%n", n);
            System.out.printf("  observe of the namespace: %.2f s empty, %.2f s with the mirrors%n", observeEmpty / 1e9, observeFull / 1e9);
            System.out.printf("  first publication: %d create steps, %d ok, %.1f s (%.2f ms each, one at a time)%n",
                    mirrors.size(), report.results().stream().filter(r -> r.outcome() == io.kgr.apply.StepResult.Outcome.OK).count(),
                    publishNanos / 1e9, publishNanos / 1e6 / Math.max(1, mirrors.size()));
            System.out.printf("  no-op plan: %.2f s, %d mirror steps%n", planAgain / 1e9, mirrorSteps);
            System.out.printf("  status: first write %d objects in %.1f s; a run that changes nothing writes %d (%.2f s)%n",
                    firstStatus, statusFirst / 1e9, secondStatus, statusAgain / 1e9);
            System.out.printf("  mirrors listed: %d%n", kube.client().genericKubernetesResources(StrimziKinds.of("KafkaTopic")
                    .orElseThrow()).inNamespace("kafka").list().getItems().size());
        }
    }
}
