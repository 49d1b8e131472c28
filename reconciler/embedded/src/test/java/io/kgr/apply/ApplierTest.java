package io.kgr.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.observe.KubeObserver;
import io.kgr.plan.Change;
import io.kgr.plan.Phase;
import io.kgr.plan.Plan;
import io.kgr.plan.PlanHeader;
import io.kgr.plan.Risk;
import io.kgr.plan.Step;

/**
 * The applier on plans of Kubernetes steps, against the in-memory API server: what runs, what is skipped because a
 * step it depends on failed, what does not start after a shutdown, and the cluster's writer lease.
 */
class ApplierTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private EmbeddedKubernetes kube;

    @BeforeEach
    void start() throws Exception {
        kube = EmbeddedKubernetes.start("ns");
        kube.client().configMaps().inNamespace("ns").resource(configMap("taken")).create();
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
                .withData(Map.of("k", "v")).build();
    }

    private static Step create(String name, String... after) {
        var change = new Change.ApplyKubeObject("ConfigMap", name, JSON.asJson(configMap(name)), true);
        return new Step("create-kube-object:ConfigMap/" + name, Phase.KUBERNETES_PREREQUISITES, change, Risk.SAFE, List.of(),
                "", List.of(after));
    }

    private static Step delete(String name, String... after) {
        var change = new Change.DeleteKubeObject("ConfigMap", name);
        return new Step("delete-kube-object:ConfigMap/" + name, Phase.PRUNE, change, Risk.SAFE, List.of(), "", List.of(after));
    }

    private static Plan plan(Step... steps) {
        return new Plan(new PlanHeader("src", "loc", "", "abc", "c1", "", Instant.now(), "f"), List.of(steps), List.of(),
                List.of(), List.of());
    }

    private Applier applier() {
        return new Applier(null, null, null, ApplyOptions.defaults(), r -> { })
                .withKubernetes(new KubeObserver(kube.client(), "ns"), KubeWaits.defaults());
    }

    private Map<String, StepResult.Outcome> outcomes(ApplyReport report) {
        return report.results().stream().collect(java.util.stream.Collectors.toMap(StepResult::stepId, StepResult::outcome));
    }

    private boolean exists(String name) {
        return kube.client().configMaps().inNamespace("ns").withName(name).get() != null;
    }

    @Test
    void aFailedStepSkipsWhatDependsOnItAndTheRestRuns() {
        // "taken" exists already: its create fails, and the delete that waits for it does not run
        ApplyReport report = applier().apply(plan(create("taken"), create("fresh"), delete("taken", "create-kube-object:ConfigMap/taken"),
                delete("fresh")));
        assertThat(outcomes(report)).containsEntry("create-kube-object:ConfigMap/taken", StepResult.Outcome.FAILED)
                .containsEntry("create-kube-object:ConfigMap/fresh", StepResult.Outcome.OK)
                .containsEntry("delete-kube-object:ConfigMap/taken", StepResult.Outcome.SKIPPED)
                .containsEntry("delete-kube-object:ConfigMap/fresh", StepResult.Outcome.OK);
        assertThat(report.results()).filteredOn(r -> r.stepId().equals("delete-kube-object:ConfigMap/taken")).singleElement()
                .satisfies(r -> assertThat(r.message()).contains("create-kube-object:ConfigMap/taken"));
        assertThat(exists("taken")).as("the skipped delete did not run").isTrue();
        assertThat(report.succeeded()).isFalse();
    }

    @Test
    void afterAShutdownNoFurtherStepStarts() {
        ApplyReport report = applier().stopWhen(() -> true).apply(plan(create("a"), delete("taken")));
        assertThat(report.results()).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(StepResult.Outcome.SKIPPED);
            assertThat(r.message()).contains("not started: kgr is shutting down");
        });
        assertThat(exists("a")).isFalse();
        assertThat(exists("taken")).isTrue();
    }

    @Test
    void aClusterAnotherWriterHoldsIsNotTouchedUntilItIsGivenBack() throws Exception {
        WriterLease other = WriterLease.acquire(kube.client(), "ns", "c1", "kgr@elsewhere/1");
        ApplyReport refused = applier().apply(plan(create("a")));
        assertThat(refused.results()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(StepResult.Outcome.SKIPPED);
            assertThat(r.message()).contains("cluster c1 is being written by kgr@elsewhere/1", "nothing was applied");
        });
        assertThat(exists("a")).isFalse();
        assertThatThrownBy(() -> WriterLease.acquire(kube.client(), "ns", "c1", "kgr@third/3"))
                .isInstanceOf(WriterLease.Held.class);

        other.close();
        assertThat(applier().writingAs("kgr@here/2").apply(plan(create("a"))).succeeded()).isTrue();
        assertThat(exists("a")).isTrue();
        assertThat(kube.client().leases().inNamespace("ns").withName(WriterLease.nameFor("c1")).get())
                .as("given back after the apply").isNull();
    }

    @Test
    void aLeaseAnotherWriterTookIsLost() throws Exception {
        WriterLease mine = WriterLease.acquire(kube.client(), "ns", "c1", "kgr@here/2");
        assertThat(mine.lost()).isFalse();
        mine.renew();
        assertThat(mine.lost()).isFalse();
        // the lease expired (this writer hung) and another took it
        kube.client().leases().inNamespace("ns").withName(WriterLease.nameFor("c1"))
                .edit(l -> { l.getSpec().setHolderIdentity("kgr@elsewhere/1"); return l; });
        mine.renew();
        assertThat(mine.lost()).isTrue();
        mine.close();
        assertThat(kube.client().leases().inNamespace("ns").withName(WriterLease.nameFor("c1")).get())
                .as("a lost lease is not deleted by the writer that lost it").isNotNull();
    }
}
