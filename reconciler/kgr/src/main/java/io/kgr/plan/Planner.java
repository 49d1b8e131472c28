package io.kgr.plan;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.SortedSet;

import io.kgr.desired.BrokerConfigKeys;
import io.kgr.desired.DesiredState;
import io.kgr.desired.TopicConfigKeys;
import io.kgr.desired.TopicSpec;
import io.kgr.desired.UserSpec;
import io.kgr.inventory.KafkaInventoryStore;
import io.kgr.kube.ClusterModel;
import io.kgr.observe.LiveKube;
import io.kgr.observe.LiveState;
import io.kgr.observe.LiveTopic;
import io.kgr.plan.Change.AlterTopicConfig;
import io.kgr.plan.Change.ChangeReplicationFactor;
import io.kgr.plan.Change.CreateTopic;
import io.kgr.plan.Change.DeleteTopic;
import io.kgr.plan.Change.IncreasePartitions;
import io.kgr.plan.Change.UpdateInventory;
import io.kgr.inventory.Inventories;
import io.kgr.inventory.Inventory;
import io.kgr.inventory.ManagedUser;

/**
 * Desired × live × inventory × policy → plan. A pure function: no I/O, the same inputs always give the same plan.
 * Steps are ordered by phase (topics, users, prune, inventory), then by kind within a phase (topics: create →
 * partitions → config → replication factor; users: credentials → ACLs → quotas; prune: ACLs → quotas → credentials →
 * topics), then by name.
 */
public final class Planner {
    private static final Set<String> RETENTION_KEYS = Set.of("retention.ms", "retention.bytes",
            "local.retention.ms", "local.retention.bytes");

    public Plan plan(DesiredState desired, LiveState live, Inventories inventories, Policy policy, PlanHeader header) {
        return new Run(desired, live, inventories, policy, Set.of(), Set.of(), false).plan(header);
    }

    /**
     * A plan that also covers the cluster's Kubernetes objects ({@code kube}: the namespace as it is now). Without a
     * live Kafka (a cluster that does not exist yet, or does not answer), only the Kubernetes part is planned; topics
     * and users follow once the brokers answer.
     */
    public Plan plan(DesiredState desired, Optional<LiveState> live, Inventories inventories, Policy policy,
                     PlanHeader header, Optional<LiveKube> kube, String newClusterId) {
        return plan(desired, live, inventories, policy, header, kube, newClusterId, "");
    }

    /** The same; {@code whyNoKafka} says why the live Kafka could not be read, for the plan's note. */
    public Plan plan(DesiredState desired, Optional<LiveState> live, Inventories inventories, Policy policy,
                     PlanHeader header, Optional<LiveKube> kube, String newClusterId,
                     String whyNoKafka) {
        KubePlanner.Options kubeOptions = new KubePlanner.Options(policy.prune(), policy.deleteNothing(), policy.allowNodeRemoval(),
                desired.users().values().stream().filter(u -> u.authentication().equals("tls"))
                        .map(UserSpec::name).sorted().toList(), header.createdAt(),
                live.map(l -> KgrMoves.inFlight(inventories.movesInFlight(), l)).orElse(Map.of()),
                live.map(l -> KgrMoves.draining(inventories.movesInFlight(), l)).orElse(Set.of()));
        // a Kafka paused in Git (Strimzi's annotation) keeps its Kubernetes objects as they are; topics and users go on
        Optional<String> paused = desired.kafka().flatMap(k -> pausedInGit(desired, k.name()));
        Optional<LiveKube> objects = paused.isPresent() ? Optional.empty() : kube;
        // a cluster Strimzi made, taken over in place: the rest is planned against the namespace as the takeover leaves it
        Optional<StrimziTakeover.Result> takeover = objects.isEmpty() || desired.kafka().isEmpty() ? Optional.empty()
                : StrimziTakeover.plan(desired, desired.kafka().get(), objects.get(), live, newClusterId, kubeOptions);
        Optional<LiveKube> planned = takeover.map(t -> Optional.of(t.live())).orElse(objects);
        Optional<KubePlanner> kubePlanner = planned.isEmpty() || desired.kafka().isEmpty() ? Optional.empty()
                : Optional.of(new KubePlanner(desired.kafka().get(), planned.get(), live, newClusterId, kubeOptions));
        // brokers that Git removes get no new replicas, and shrinking partitions give theirs up first; brokers that the
        // plan starts are up before topics change, so topics may use them
        Set<Integer> leaving = kubePlanner.map(KubePlanner::leavingBrokers).orElse(Set.of());
        Set<Integer> joining = kubePlanner.map(KubePlanner::joiningBrokers).orElse(Set.of());
        Optional<MirrorPlanner.Part> mirrors = kube.map(k -> MirrorPlanner.plan(desired, k, header, policy));
        // a refused takeover leaves the cluster Strimzi's: its dynamic broker settings are not kgr's to set either
        boolean runsCluster = kubePlanner.isPresent() && takeover.map(t -> t.refusals().isEmpty()).orElse(true);
        Plan base = live.isPresent() ? new Run(desired, live.get(), inventories, policy, leaving, joining, runsCluster)
                .declaredBefore(kube.map(k -> dynamicKeysConfigured(k, desired.kafka().get().name())).orElse(Set.of())).plan(header)
                : new Plan(header, List.of(), List.of(), List.of(), List.of());
        if (kubePlanner.isEmpty()) {
            Plan plan = withMirrors(base, mirrors);
            if (paused.isEmpty() || kube.isEmpty()) return plan;
            List<String> notes = new ArrayList<>(plan.notes().stream().filter(n -> !n.endsWith(NOT_PLANNED)).toList());
            boolean takeOver = desired.declared().stream().anyMatch(d -> d.kind().equals("Kafka")
                    && d.body().path("metadata").path("annotations").has(io.kgr.model.Labels.TAKE_OVER));
            notes.add("Kafka " + desired.kafka().get().name() + " is paused in Git (" + paused.get() + "): its Kubernetes"
                    + " objects (pods, volumes, certificates, Services) are left as they are; topics and users are planned"
                    + (takeOver ? "; to take it over from Strimzi, remove the annotation from Git and keep it on the cluster's"
                    + " Kafka resource" : ""));
            return new Plan(plan.header(), plan.steps(), plan.refusals(), plan.unmanaged(), notes, plan.flags());
        }
        KubePlanner k = kubePlanner.get();
        List<Refusal> drainRefusals = new ArrayList<>();
        List<Step> drains = live.isPresent() && !leaving.isEmpty()
                ? drains(live.get(), base, leaving, joining, drainRefusals) : List.of();
        KubePlanner.Part kubePart = takeover.isPresent() && !takeover.get().refusals().isEmpty()
                ? new KubePlanner.Part(List.of(), takeover.get().refusals(), takeover.get().notes())
                : StrimziTakeover.first(takeover, k.plan(Reassignments.of(base).with(drains)));
        List<Step> prunedNodes = kubePart.in(Phase.PRUNE);
        List<Step> steps = new ArrayList<>(kubePart.steps().stream().filter(s -> s.phase() != Phase.PRUNE).toList());
        List<Step> inventory = base.steps().stream().filter(st -> st.change() instanceof Change.UpdateInventory).toList();
        base.steps().stream().filter(st -> !(st.change() instanceof Change.UpdateInventory)).forEach(steps::add);
        steps.addAll(drains);
        steps.addAll(prunedNodes);
        // a user's certificate goes only when the user is pruned: pruning on, Git answering, and the user owned
        if (policy.prune() && !policy.deleteNothing()) {
            steps.addAll(k.userCertificatesPruned(prunedUsers(inventories, inventory), userPruneSteps(base)));
        }
        steps.addAll(inventory);
        steps = new ArrayList<>(withoutIdleInventory(steps));
        List<Refusal> refusals = new ArrayList<>(drainRefusals);
        refusals.addAll(kubePart.refusals());
        refusals.addAll(base.refusals());
        List<String> notes = new ArrayList<>(kubePart.notes());
        base.notes().stream().filter(n -> runsCluster || !n.endsWith(NOT_PLANNED)).forEach(notes::add);
        if (live.isEmpty()) {
            notes.add("Kafka of cluster " + desired.kafka().get().name() + " does not answer yet"
                    + (whyNoKafka.isBlank() ? "" : " (" + whyNoKafka + ")") + ": topics and users are"
                    + " planned once its brokers are up (the next run)");
        }
        return withMirrors(new Plan(header, Plan.ordered(steps), refusals, base.unmanaged(), notes,
                live.isEmpty() ? Set.of(Plan.Flag.KAFKA_PENDING) : Set.of()), mirrors);
    }

    /**
     * The plan with the mirrors of Git's Strimzi resources: they go after everything they stand for, before the
     * inventory; a plan that changes nothing else still publishes (or corrects) them.
     */
    private static Plan withMirrors(Plan plan, Optional<MirrorPlanner.Part> mirrors) {
        if (mirrors.isEmpty() || (mirrors.get().steps().isEmpty() && mirrors.get().notes().isEmpty())) return plan;
        List<Step> steps = new ArrayList<>(plan.steps());
        steps.addAll(mirrors.get().steps());
        List<String> notes = new ArrayList<>(plan.notes());
        notes.addAll(mirrors.get().notes());
        return new Plan(plan.header(), Plan.ordered(steps), plan.refusals(), plan.unmanaged(), notes, plan.flags());
    }

    private static final String NOT_PLANNED = " are not planned by this version of kgr yet";

    /** Strimzi's annotation on the Kafka manifest that tells operators to leave the cluster alone, if Git has it. */
    private static Optional<String> pausedInGit(DesiredState desired, String cluster) {
        return desired.declared().stream().filter(d -> d.kind().equals("Kafka") && d.name().equals(cluster)).findFirst()
                .filter(d -> "true".equals(d.body().path("metadata").path("annotations")
                        .path(StrimziTakeover.PAUSE).asString("")))
                .map(d -> StrimziTakeover.PAUSE + ": \"true\"");
    }

    /** The users this plan removes from the source's inventory (pruned). */
    private static Set<String> prunedUsers(Inventories inventories, List<Step> inventory) {
        Set<String> out = new TreeSet<>(inventories.own().users().keySet());
        for (Step s : inventory) if (s.change() instanceof Change.UpdateInventory u) out.removeAll(u.users().keySet());
        return inventory.isEmpty() ? Set.of() : out;
    }

    /** The prune steps of each user (its certificate Secret goes after them). */
    private static Map<String, List<String>> userPruneSteps(Plan base) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Step s : base.steps()) {
            if (s.phase() == Phase.PRUNE && (s.change() instanceof Change.DeleteAcls || s.change() instanceof Change.DeleteScramCredential
                    || s.change() instanceof Change.AlterUserQuotas)) {
                out.computeIfAbsent(s.change().subject(), k -> new ArrayList<>()).add(s.id());
            }
        }
        return out;
    }

    /** The dynamic broker settings in the server.properties of the cluster's nodes now (kgr wrote them from Git). */
    private static Set<String> dynamicKeysConfigured(LiveKube kube, String cluster) {
        TreeSet<String> out = new TreeSet<>();
        for (var cm : kube.configMaps().values()) {
            var labels = cm.getMetadata().getLabels();
            if (labels == null || !cluster.equals(labels.get(ClusterModel.CLUSTER)) || cm.getData() == null) continue;
            String properties = cm.getData().get("server.properties");
            if (properties == null) continue;
            for (String line : properties.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#") && BrokerConfigKeys.isDynamic(line.substring(0, eq).trim())) {
                    out.add(line.substring(0, eq).trim());
                }
            }
        }
        return out;
    }

    /**
     * Moves every replica off the brokers the plan removes — internal and unmanaged topics included, since the broker
     * goes whoever owns its data — onto the brokers that stay, keeping each partition's replication factor. A
     * partition being moved by someone else is left alone (the broker then stays: the removal is refused).
     */
    private static List<Step> drains(LiveState live, Plan base, Set<Integer> leaving, Set<Integer> joining,
                                     List<Refusal> refusals) {
        TreeSet<Integer> staying = new TreeSet<>(live.brokers());
        staying.addAll(joining);
        staying.removeAll(leaving);
        ReplicaAssigner assigner = new ReplicaAssigner(live, staying);
        Reassignments planned = Reassignments.of(base);
        List<Step> out = new ArrayList<>();
        List<String> cannot = new ArrayList<>();
        for (LiveTopic t : live.topics().values()) {
            if (!t.reassigning().isEmpty()) continue;
            var assignment = assigner.drain(t, p -> planned.replicasAfter(t.name(), p), cannot);
            if (assignment.isEmpty()) continue;
            TreeSet<Integer> off = new TreeSet<>();
            List<FieldChange> fields = new ArrayList<>();
            for (var e : assignment.entrySet()) {
                List<Integer> before = t.partitions().stream().filter(p -> p.partition() == e.getKey()).findFirst()
                        .map(p -> planned.replicasAfter(t.name(), p)).orElse(List.of());
                before.stream().filter(leaving::contains).forEach(off::add);
                fields.add(FieldChange.of("partition " + e.getKey(), before.toString(), e.getValue().toString()));
            }
            var change = new Change.MoveReplicas(t.name(), off, assignment);
            // after this plan's own change of the topic's replication factor, which it starts from
            out.add(new Step(Step.idOf(change), Phase.TOPICS, change, Risk.DISRUPTIVE, fields,
                    "broker(s) " + off + " leave the cluster: their replicas move to the brokers that stay (throttled while"
                            + " they move; kgr removes the throttle once the moves are done),"
                            + " keeping the replication factor", planned.stepMoving(t.name()).map(List::of).orElse(List.of())));
        }
        if (!cannot.isEmpty()) {
            refusals.add(new Refusal("cluster", String.valueOf(leaving), "the " + staying.size() + " broker(s) that stay"
                    + " cannot hold the replication factor of " + cannot.size() + " partition(s) ("
                    + String.join(", ", cannot.subList(0, Math.min(10, cannot.size()))) + (cannot.size() > 10 ? ", …" : "")
                    + "): lower those topics' replicas in the same commit, or remove fewer brokers"));
        }
        return out;
    }

    /**
     * An inventory step that would only record the commit (no ownership change) is kept only with other steps: a
     * commit that changes nothing on the cluster still plans "No changes".
     */
    private static List<Step> withoutIdleInventory(List<Step> steps) {
        boolean others = steps.stream().anyMatch(s -> !(s.change() instanceof UpdateInventory));
        if (others) return steps;
        return steps.stream().filter(s -> !(s.change() instanceof UpdateInventory) || !s.fields().isEmpty()).toList();
    }

    /**
     * What a plan says when Git declares no Kafka for the cluster but the namespace still holds what kgr made for it:
     * kgr never deletes a whole cluster on its own, so the objects stay, and the plan says so and how to remove them.
     */
    public static List<String> leftoverClusterNotes(String cluster, String namespace, List<String> objects) {
        if (objects.isEmpty()) return List.of();
        Map<String, Long> byKind = new TreeMap<>();
        objects.forEach(o -> byKind.merge(o.substring(0, o.indexOf('/')), 1L, Long::sum));
        List<String> counts = new ArrayList<>();
        byKind.forEach((kind, n) -> counts.add(n + " " + kind));
        return List.of("Git declares no Kafka " + cluster + ", but namespace " + namespace + " still holds what kgr made"
                + " for it (" + String.join(", ", counts) + "): kgr never deletes a whole cluster. Restore the Kafka"
                + " manifest, or remove the cluster yourself: kubectl delete -n " + namespace + " podsets,pods,services,"
                + "configmaps -l app.kubernetes.io/managed-by=kgr,strimzi.io/cluster=" + cluster
                + " (its PersistentVolumeClaims hold the data)");
    }

    /**
     * The Kafka manifest's settings that Kafka applies at run time, compared with the cluster-wide dynamic defaults
     * (kafka-configs --entity-type brokers --entity-default): no restart needed.
     */
    private static Optional<Step> brokerConfigStep(DesiredState desired, LiveState live, Set<String> declaredBefore) {
        if (desired.kafka().isEmpty()) return Optional.empty();
        TreeMap<String, String> set = new TreeMap<>();
        TreeSet<String> delete = new TreeSet<>();
        List<FieldChange> fields = new ArrayList<>();
        desired.kafka().get().config().forEach((k, v) -> {
            if (!BrokerConfigKeys.isDynamic(k)) return;
            String now = live.brokerDefaults().get(k);
            if (!ConfigValues.same(v, now)) {
                set.put(k, v);
                fields.add(new FieldChange(k, now, v, false));
            }
        });
        // a dynamic key Git declared before (the nodes' current server.properties has it) and no longer does goes back
        // to Kafka's default; keys Git never declared are left alone: Kafka sets some itself (min.insync.replicas with
        // ELR), and an operator's emergency setting is not kgr's to undo
        for (String k : declaredBefore) {
            if (desired.kafka().get().config().containsKey(k) || !live.brokerDefaults().containsKey(k)) continue;
            delete.add(k);
            fields.add(new FieldChange(k, live.brokerDefaults().get(k), null, false));
        }
        if (set.isEmpty() && delete.isEmpty()) return Optional.empty();
        Change c = new Change.AlterBrokerConfig(set, delete);
        return Optional.of(new Step(Step.idOf(c), Phase.BROKER_CONFIG, c, Risk.SAFE, fields,
                "broker settings Kafka changes without a restart differ from Git", List.of()));
    }

    /** The state of one planning run; every list is filled in name order, so the result is stable. */
    private static final class Run {
        private final boolean kubernetesPlanned;
        private final DesiredState desired;
        private final LiveState live;
        private final Inventory owned;
        private final Inventories inventories;
        private final Policy policy;
        private final ReplicaAssigner assigner;
        /** The brokers once this plan's pods have changed (live, plus starting, minus leaving): topics must fit on them. */
        private final int staying;
        private final String leavingNote;

        private final List<Step> creates = new ArrayList<>();
        private final List<Step> increases = new ArrayList<>();
        private final List<Step> alters = new ArrayList<>();
        private final List<Step> reassignments = new ArrayList<>();
        private final List<Step> deletes = new ArrayList<>();
        private final List<Refusal> refusals = new ArrayList<>();
        private final List<Unmanaged> unmanaged = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final TreeMap<String, String> nextInventory = new TreeMap<>();
        /** Topics with a reassignment in flight that this plan did not start → their moving partitions. */
        private final TreeMap<String, Set<Integer>> movesInFlight = new TreeMap<>();
        /** The partitions kgr's own moves of earlier runs are still moving (topic → partitions). */
        private final Map<String, Set<Integer>> kgrMoves;
        /** Existing topics this plan takes over because Git now declares them. */
        private final TreeSet<String> adoptedNow = new TreeSet<>();

        Optional<Step> brokerConfig() {
            TreeSet<String> before = new TreeSet<>(declaredBefore);
            before.addAll(owned.brokerKeys());
            return brokerConfigStep(desired, live, before);
        }

        /**
         * The cluster-wide dynamic settings kgr sets for this source after the plan: those Git declares where kgr runs
         * the cluster (a key Git removed is dropped here; if its deletion fails, the apply keeps it recorded).
         */
        private SortedSet<String> nextBrokerKeys() {
            if (!kubernetesPlanned || desired.kafka().isEmpty()) return owned.brokerKeys();
            return desired.kafka().get().config().keySet().stream().filter(BrokerConfigKeys::isDynamic)
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        /**
         * Dynamic broker settings the nodes' current configuration has (what Git declared before this commit); with the
         * inventory's record of what kgr set, this is what a removal from Git deletes.
         */
        private Set<String> declaredBefore = Set.of();

        Run declaredBefore(Set<String> keys) {
            this.declaredBefore = keys;
            return this;
        }

        /** Brokers are leaving: new partitions get explicit replicas on the brokers that stay. */
        private boolean placeExplicitly;

        private List<List<Integer>> unplaced(String topic) {
            notes.add("topic " + topic + " leaves partitions or replicas to the broker's defaults while brokers are leaving:"
                    + " Kafka may place a replica on a leaving broker, and its removal then waits for the next run");
            return List.of();
        }

        /** @param kubernetesPlanned whether the cluster's Kubernetes objects are planned beside (else the plan says not) */
        Run(DesiredState desired, LiveState live, Inventories inventories, Policy policy, Set<Integer> leaving,
            Set<Integer> joining, boolean kubernetesPlanned) {
            this.kubernetesPlanned = kubernetesPlanned;
            this.placeExplicitly = !leaving.isEmpty();
            this.desired = desired;
            this.live = live;
            this.inventories = inventories;
            this.owned = inventories.own();
            this.policy = policy;
            TreeSet<Integer> brokers = new TreeSet<>(live.brokers());
            brokers.addAll(joining);
            brokers.removeAll(leaving);
            this.assigner = new ReplicaAssigner(live, brokers);
            this.staying = brokers.size();
            this.kgrMoves = KgrMoves.inFlight(inventories.movesInFlight(), live);
            this.leavingNote = leaving.isEmpty() ? "" : " that stay (broker(s) " + new TreeSet<>(leaving) + " are being removed)";
        }

        Plan plan(PlanHeader header) {
            Map<String, String> renamedFrom = renames();
            for (TopicSpec spec : desired.topics().values()) {
                planTopic(spec, renamedFrom.get(spec.name()));
            }
            planRemovedTopics(renamedFrom);
            listUnmanaged();
            UserPlanner users = new UserPlanner(desired, live, inventories, policy);
            users.plan();
            guardPrune(header, users.pruned);
            refusals.addAll(users.refusals);
            unmanaged.addAll(users.unmanaged);
            notes.addAll(users.notes);
            notes.addAll(desired.skippedNotes());
            for (DesiredState.Held h : desired.held()) {
                notes.add(h.kind() + " " + h.name() + " is left as it is on the cluster (" + h.why() + " at " + h.at()
                        + "): kgr neither changes nor deletes it");
            }
            notes.addAll(KgrMoves.progress(inventories.movesInFlight(), live));
            movesInFlight.keySet().removeAll(kgrMoves.keySet()); // said above, with their progress
            if (!movesInFlight.isEmpty()) {
                int partitions = movesInFlight.values().stream().mapToInt(Set::size).sum();
                notes.add("reassignment in progress on " + partitions + " partition(s) of " + movesInFlight.size()
                        + " topic(s) (" + names(List.copyOf(movesInFlight.keySet())) + "), started outside this plan:"
                        + " their replicas are compared as the move's target, and kgr leaves the move alone");
            }
            if (!kubernetesPlanned) desired.kafka().ifPresent(k -> notes.add("Kafka " + k.name() + " and its node pools are validated; its pods,"
                    + " volumes, services and configuration" + NOT_PLANNED));

            List<Step> steps = new ArrayList<>();
            // cluster-wide broker settings are part of running the cluster: only where kgr runs it (on a topics-only target
            // the Kafka manifest is someone else's, e.g. Strimzi's, and the plan says it is not planned)
            if (kubernetesPlanned) brokerConfig().ifPresent(steps::add);
            steps.addAll(creates);
            steps.addAll(increases);
            steps.addAll(alters);
            // before this plan's own moves: those record (and throttle) afresh once the finished ones are cleaned up
            KgrMoves.cleanup(inventories.movesInFlight(), owned.source(), live).ifPresent(steps::add);
            steps.addAll(reassignments);
            steps.addAll(users.secrets);
            steps.addAll(users.credentials);
            steps.addAll(users.aclCreates);
            steps.addAll(users.aclDeletes);
            steps.addAll(users.quotas);
            steps.addAll(users.pruneAcls);
            steps.addAll(users.pruneQuotas);
            steps.addAll(users.pruneCredentials);
            steps.addAll(deletes);
            // the inventory also records the commit of every apply (Git-down runs rely on it), not only ownership
            if (!nextInventory.equals(owned.topics()) || !users.nextUsers.equals(inventories.ownUsersAsPlanned())
                    || !nextAdopted(header.commit()).equals(owned.adopted()) || !owned.commit().equals(header.commit())
                    || !nextBrokerKeys().equals(owned.brokerKeys())) {
                steps.add(inventoryStep(header.commit(), users.nextUsers));
            }
            return new Plan(header, Plan.ordered(withoutIdleInventory(steps)), refusals, unmanaged, notes);
        }

        /**
         * Argo CD's {@code allowEmpty: false}, and more: a prune that would delete everything this source owns, or more
         * than the policy's share of it, is refused unless the operator consented. An empty or mislabelled commit looks
         * exactly like "delete everything" to a reconciler; the refusal names the likely causes.
         */
        private void guardPrune(PlanHeader header, List<String> prunedUsers) {
            int ownedCount = owned.topics().size() + owned.users().size();
            int deleting = deletes.size() + prunedUsers.size();
            if (deleting == 0 || policy.allowMassPrune()) return;
            boolean everything = deleting >= ownedCount;
            if (!everything && (long) deleting * 100 <= (long) policy.maxPruneShare() * ownedCount) return;
            String what = deletes.size() + " topic(s) and " + prunedUsers.size() + " user(s)";
            StringBuilder why = new StringBuilder(everything
                    ? "this plan would delete everything source '" + owned.source() + "' manages on cluster "
                            + desired.cluster() + " (" + what + ")"
                    : "this plan would delete " + what + ", " + (deleting * 100 / ownedCount) + "% of the " + ownedCount
                            + " that source '" + owned.source() + "' manages, more than the " + policy.maxPruneShare()
                            + "% one plan may prune");
            List<String> causes = new ArrayList<>();
            if (desired.topics().isEmpty() && desired.users().isEmpty()) {
                causes.add("no topic or user manifest of this source is labelled for cluster " + desired.cluster()
                        + " (check --path / path: and the strimzi.io/cluster labels)");
            }
            var typos = desired.undeclared();
            if (!typos.isEmpty()) {
                TreeMap<String, Long> byCluster = new TreeMap<>();
                typos.forEach(t -> byCluster.merge(t.cluster(), 1L, Long::sum));
                List<String> parts = new ArrayList<>();
                byCluster.forEach((c, n) -> parts.add(n + " labelled '" + c + "' (first at " + typos.stream()
                        .filter(t -> t.cluster().equals(c)).findFirst().get().label() + ")"));
                causes.add(typos.size() + " manifest(s) are labelled for clusters no Kafka manifest or target declares: "
                        + String.join(", ", parts));
            }
            if (!causes.isEmpty()) why.append("; likely cause: ").append(String.join("; ", causes));
            why.append(". Nothing was applied. If this is what you want, run again with --allow-mass-prune (serve:"
                    + " allowMassPrune: true)" + (everything ? "" : ", or raise --max-prune-share (serve: maxPruneShare)"));
            refusals.add(new Refusal("prune", owned.source(), why.toString()));
        }

        /** Topics whose manifest (same metadata.name) now names a different Kafka topic: Kafka cannot rename. */
        private Map<String, String> renames() {
            Map<String, String> renamedFrom = new TreeMap<>();
            if (owned.topics().isEmpty()) return renamedFrom; // nothing recorded, nothing renamed (a first apply)
            Map<String, String> ownedByResource = new HashMap<>();
            owned.topics().forEach((topic, resource) -> ownedByResource.put(resource, topic));
            for (TopicSpec spec : desired.topics().values()) {
                String previous = ownedByResource.get(spec.resourceName());
                if (previous != null && !previous.equals(spec.name()) && !desired.topics().containsKey(previous)
                        && live.topics().containsKey(previous)) {
                    renamedFrom.put(spec.name(), previous);
                }
            }
            return renamedFrom;
        }

        private void planTopic(TopicSpec spec, String renamedFrom) {
            String name = spec.name();
            String protectedBy = policy.protectedBy(name);
            if (protectedBy != null) {
                refuse(name, "topic matches the protected pattern '" + protectedBy + "'; kgr does not manage it");
                return;
            }
            var otherOwner = inventories.otherOwner(name);
            if (otherOwner.isPresent()) {
                refuse(name, "topic is managed by another source ('" + otherOwner.get()
                        + "'); two sources must not manage one topic; " + inventories.handOverHint(otherOwner.get()));
                return;
            }
            if (renamedFrom != null) {
                refuse(name, "renaming topic '" + renamedFrom + "' to '" + name + "' (" + spec.resourceName()
                        + " changed spec.topicName): Kafka cannot rename topics; declare the new topic in a new manifest"
                        + " and remove the old one");
                nextInventory.put(renamedFrom, owned.topics().get(renamedFrom));
                return;
            }
            LiveTopic current = live.topics().get(name);
            if (current == null) {
                planCreate(spec);
            } else {
                planUpdate(spec, current);
            }
        }

        private void planCreate(TopicSpec spec) {
            if (spec.replicas() != null && spec.replicas() > staying) {
                refuse(spec.name(), "replicas " + spec.replicas() + " is more than the " + staying
                        + " live broker(s)" + leavingNote);
                return;
            }
            List<FieldChange> fields = new ArrayList<>();
            fields.add(FieldChange.of("partitions", null, spec.partitions() == null ? "(broker default)" : spec.partitions().toString()));
            fields.add(FieldChange.of("replicas", null, spec.replicas() == null ? "(broker default)" : spec.replicas().toString()));
            spec.config().forEach((k, v) -> fields.add(FieldChange.of("config." + k, null, v)));
            // while brokers leave, new partitions are placed by the plan on the brokers that stay (never on leaving ones)
            List<List<Integer>> placement = !placeExplicitly ? List.of()
                    : spec.partitions() != null && spec.replicas() != null ? assigner.place(0, spec.partitions(), spec.replicas())
                    : unplaced(spec.name());
            var change = new CreateTopic(spec.name(), spec.partitions(), spec.replicas(), spec.config(), placement);
            creates.add(new Step(Step.idOf(change), Phase.TOPICS, change, Risk.SAFE, fields,
                    "declared in " + spec.origin(), List.of()));
            nextInventory.put(spec.name(), spec.resourceName());
        }

        private void planUpdate(TopicSpec spec, LiveTopic current) {
            String name = spec.name();
            String adoption = owned.owns(name) ? "" : " (adopting the existing topic)";
            if (!owned.owns(name)) adoptedNow.add(name);
            nextInventory.put(name, spec.resourceName());
            boolean rfChange = spec.replicas() != null && spec.replicas() != current.replicationFactor();
            if (!current.reassigning().isEmpty()) {
                // Cruise Control, a KafkaRebalance or kafka-reassign-partitions is moving it: never cancel or override
                movesInFlight.put(name, current.reassigning().keySet());
                if (rfChange) {
                    boolean kgrs = kgrMoves.containsKey(name);
                    notes.add("topic " + name + ": replicas " + current.replicationFactor() + " → " + spec.replicas()
                            + " waits until the reassignment in progress has finished (" + (kgrs
                            ? "kgr's own move of an earlier run" : "kgr does not override a move it did not start") + ")");
                    rfChange = false;
                }
            }
            if (rfChange && spec.replicas() > staying) {
                refuse(name, "replicas " + current.replicationFactor() + " → " + spec.replicas() + " needs more than the "
                        + staying + " live broker(s)" + leavingNote);
                rfChange = false;
            }
            Step increase = null;
            if (spec.partitions() != null && spec.partitions() < current.partitionCount()) {
                refuse(name, "partitions " + current.partitionCount() + " → " + spec.partitions()
                        + ": Kafka cannot remove partitions (recreate the topic to shrink it)");
            } else if (spec.partitions() != null && spec.partitions() > current.partitionCount()) {
                int newRf = rfChange ? spec.replicas() : current.replicationFactor();
                List<List<Integer>> placement = !placeExplicitly || newRf > staying ? List.of()
                        : assigner.place(current.partitionCount(), spec.partitions() - current.partitionCount(), newRf);
                var change = new IncreasePartitions(name, current.partitionCount(), spec.partitions(), placement);
                increase = new Step(Step.idOf(change), Phase.TOPICS, change, Risk.DISRUPTIVE,
                        List.of(FieldChange.of("partitions", String.valueOf(current.partitionCount()), spec.partitions().toString())),
                        "records with a key may go to a different partition after the increase" + adoption, List.of());
            }
            planConfig(spec, current, adoption);
            if (!rfChange) {
                if (increase != null) increases.add(increase);
                return;
            }
            var change = new ChangeReplicationFactor(name, current.replicationFactor(), spec.replicas(),
                    assigner.reassign(current, spec.replicas()));
            Step reassign = new Step(Step.idOf(change), Phase.TOPICS, change, Risk.DISRUPTIVE,
                    List.of(FieldChange.of("replicas", String.valueOf(current.replicationFactor()), spec.replicas().toString())),
                    "moves partition data between brokers (a reassignment, throttled while it runs: kgr sets the replication"
                            + " throttle for the move and removes it once the move is done)" + adoption, List.of());
            reassignments.add(reassign);
            if (increase != null) {
                // Kafka creates new partitions only at the topic's current replication factor: grow after the move
                reassignments.add(new Step(increase.id(), increase.phase(), increase.change(), increase.risk(),
                        increase.fields(), increase.reason() + "; after the replication change", List.of(reassign.id())));
            }
        }

        private void planConfig(TopicSpec spec, LiveTopic current, String adoption) {
            TreeMap<String, String> set = new TreeMap<>();
            TreeSet<String> delete = new TreeSet<>();
            List<FieldChange> fields = new ArrayList<>();
            for (var e : spec.config().entrySet()) {
                String before = current.overrides().get(e.getKey());
                if (!ConfigValues.same(before, e.getValue())) {
                    set.put(e.getKey(), e.getValue());
                    fields.add(FieldChange.of("config." + e.getKey(), before, e.getValue()));
                }
            }
            for (var e : current.overrides().entrySet()) {
                // throttles of a move in progress (kafka-reassign-partitions, Cruise Control) are not drift
                if (!spec.config().containsKey(e.getKey()) && !policy.isOperational(e.getKey())) {
                    delete.add(e.getKey());
                    fields.add(FieldChange.of("config." + e.getKey(), e.getValue(), null));
                }
            }
            if (set.isEmpty() && delete.isEmpty()) return;
            List<String> losses = new ArrayList<>();
            TreeSet<String> changed = new TreeSet<>(set.keySet());
            changed.addAll(delete);
            for (String key : changed) {
                String before = current.overrides().getOrDefault(key, topicDefault(key));
                String after = set.getOrDefault(key, topicDefault(key));
                String loss = dataLoss(key, before, after, set.containsKey(key));
                if (loss != null) losses.add(loss);
            }
            fields.sort(Comparator.comparing(FieldChange::field));
            var change = new AlterTopicConfig(spec.name(), set, delete);
            alters.add(new Step(Step.idOf(change), Phase.TOPICS, change, losses.isEmpty() ? Risk.SAFE : Risk.DESTRUCTIVE,
                    fields, (losses.isEmpty() ? "config differs from Git" : String.join("; ", losses)) + adoption, List.of()));
        }

        /** The value a topic has for {@code key} without an override: the broker's, else Kafka's built-in default. */
        private String topicDefault(String key) {
            String broker = live.topicDefaults().get(key);
            return broker != null ? broker : TopicConfigKeys.defaultValue(key);
        }

        /**
         * Why going from {@code before} to {@code after} (effective values, defaults included) deletes records the
         * topic keeps today, or null: a shorter retention, or compaction given up for deletion.
         */
        private static String dataLoss(String key, String before, String after, boolean set) {
            if (before == null || after == null) return null;
            if (RETENTION_KEYS.contains(key)) {
                BigDecimal b = ConfigValues.retention(before);
                BigDecimal a = ConfigValues.retention(after);
                boolean shorter = a != null && (b == null || a.compareTo(b) < 0);
                if (!shorter) return null;
                return (set ? key + " " + before + " → " + after : "removing the " + key + " override (" + before
                        + ") goes back to the default " + after) + ": older records are deleted at the next log cleanup";
            }
            if (key.equals("cleanup.policy")) {
                boolean compactBefore = Arrays.stream(before.split(",")).anyMatch(p -> p.trim().equals("compact"));
                boolean compactAfter = Arrays.stream(after.split(",")).anyMatch(p -> p.trim().equals("compact"));
                if (compactBefore && !compactAfter) {
                    return "cleanup.policy " + before + " → " + after + ": the latest record of each key is no longer kept;"
                            + " records older than the retention are deleted";
                }
            }
            return null;
        }

        private void planRemovedTopics(Map<String, String> renamedFrom) {
            Set<String> renamedSources = new TreeSet<>(renamedFrom.values());
            for (var e : owned.topics().entrySet()) {
                String topic = e.getKey();
                if (desired.topics().containsKey(topic) || renamedSources.contains(topic)) continue;
                if (desired.holds("topic", topic)) {
                    nextInventory.put(topic, e.getValue()); // still this source's: left as it is, never pruned
                    continue;
                }
                LiveTopic current = live.topics().get(topic);
                if (current == null) continue; // already gone: drop it from the inventory
                if (!policy.prune()) {
                    notes.add("topic " + topic + " is no longer in Git; kept (pruning is off: --prune deletes it)");
                    nextInventory.put(topic, e.getValue());
                    continue;
                }
                String protectedBy = policy.protectedBy(topic);
                if (protectedBy != null) {
                    refuse(topic, "deleting a topic that matches the protected pattern '" + protectedBy + "'");
                    nextInventory.put(topic, e.getValue());
                    continue;
                }
                var change = new DeleteTopic(topic, current.partitionCount());
                String adoptedAt = owned.adopted().get(topic);
                deletes.add(new Step(Step.idOf(change), Phase.PRUNE, change, Risk.DESTRUCTIVE,
                        List.of(FieldChange.of("partitions", String.valueOf(current.partitionCount()), null)),
                        adoptedAt == null ? "removed from Git; created by this source, and pruning is on"
                                : "removed from Git; adopted by this source at " + adoptedAt.substring(0, Math.min(12,
                                        adoptedAt.length())) + " (kgr did not create it), and pruning is on", List.of()));
            }
        }

        private void listUnmanaged() {
            for (String topic : live.topics().keySet()) {
                if (desired.topics().containsKey(topic) || owned.owns(topic) || topic.startsWith("__")
                        || desired.holds("topic", topic)) {
                    continue;
                }
                String note = inventories.otherOwner(topic).map(s -> "managed by source '" + s + "'")
                        .orElse("not declared in Git");
                unmanaged.add(new Unmanaged("topic", topic, note));
            }
        }

        /** Which managed topics kgr took over rather than created, and at which commit (for deletion reasons). */
        private TreeMap<String, String> nextAdopted(String commit) {
            TreeMap<String, String> adopted = new TreeMap<>(owned.adopted());
            adoptedNow.forEach(t -> adopted.put(t, commit));
            adopted.keySet().retainAll(nextInventory.keySet());
            return adopted;
        }

        private Step inventoryStep(String commit, TreeMap<String, ManagedUser> nextUsers) {
            List<String> added = nextInventory.keySet().stream().filter(t -> !owned.owns(t)).toList();
            List<String> removed = owned.topics().keySet().stream().filter(t -> !nextInventory.containsKey(t)).toList();
            List<FieldChange> fields = new ArrayList<>();
            if (!nextInventory.equals(owned.topics())) {
                fields.add(FieldChange.of("managed topics", String.valueOf(owned.topics().size()),
                        String.valueOf(nextInventory.size())));
            }
            if (!added.isEmpty()) fields.add(FieldChange.of("added topics", null, names(added)));
            if (!removed.isEmpty()) fields.add(FieldChange.of("removed topics", null, names(removed)));
            if (!nextUsers.equals(inventories.ownUsersAsPlanned())) {
                fields.add(FieldChange.of("managed users", String.valueOf(owned.users().size()), String.valueOf(nextUsers.size())));
                List<String> addedUsers = nextUsers.keySet().stream().filter(u -> !owned.ownsUser(u)).toList();
                List<String> removedUsers = owned.users().keySet().stream().filter(u -> !nextUsers.containsKey(u)).toList();
                if (!addedUsers.isEmpty()) fields.add(FieldChange.of("added users", null, names(addedUsers)));
                if (!removedUsers.isEmpty()) fields.add(FieldChange.of("removed users", null, names(removedUsers)));
            }
            // the store is made by the first apply: the plan says so (apply does nothing the plan did not show)
            boolean noStoreYet = owned.commit().isEmpty() && inventories.others().isEmpty();
            if (noStoreYet && !live.topics().containsKey(KafkaInventoryStore.TOPIC)) {
                fields.add(FieldChange.of("inventory topic", null, KafkaInventoryStore.TOPIC
                        + " (compacted; where the cluster has an authorizer, a DENY ACL keeps all but super users out)"));
            }
            if (!nextBrokerKeys().equals(owned.brokerKeys())) {
                fields.add(FieldChange.of("broker settings kgr set", owned.brokerKeys().isEmpty() ? null : String.join(", ", owned.brokerKeys()),
                        String.join(", ", nextBrokerKeys())));
            }
            var change = new UpdateInventory(desired.cluster(), owned.source(), commit, new TreeMap<>(nextInventory),
                    nextUsers, nextAdopted(commit), nextBrokerKeys());
            return new Step(Step.idOf(change), Phase.INVENTORY, change, Risk.SAFE, fields,
                    "records what this source manages, so that only what it created is ever pruned", List.of());
        }

        /** Up to ten names; inventories of thousands of topics must not flood the plan. */
        private static String names(List<String> topics) {
            int shown = Math.min(10, topics.size());
            String list = String.join(", ", topics.subList(0, shown));
            return topics.size() > shown ? list + " … (+" + (topics.size() - shown) + " more)" : list;
        }

        private void refuse(String topic, String reason) {
            refusals.add(new Refusal("topic", topic, reason));
        }
    }
}
