package io.kgr.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.kgr.apply.ApplyReport;
import io.kgr.apply.StepResult;
import io.kgr.plan.Plan;
import io.kgr.plan.Step;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code apply -o json}: the plan as {@code plan -o json} writes it, and each step's result. */
class ApplyJsonTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void carriesThePlanAndEachStepsResultInOrder() {
        Plan plan = RenderGoldenTest.everything();
        List<StepResult> results = new ArrayList<>();
        List<Step> steps = plan.steps();
        results.add(StepResult.ok(steps.get(0).id(), Duration.ofMillis(1500)));
        results.add(StepResult.failed(steps.get(1).id(), "PolicyViolation: no", Duration.ofMillis(3)));
        for (Step s : steps.subList(2, steps.size())) results.add(StepResult.skipped(s.id(), steps.get(1).id()));
        JsonNode doc = JSON.readTree(ApplyJson.write(plan, Optional.of(new ApplyReport(results, Duration.ofSeconds(2)))));

        assertThat(doc.get("plan")).isEqualTo(JSON.readTree(PlanJson.write(plan)));
        JsonNode apply = doc.get("apply");
        assertThat(apply.get("complete").asBoolean()).isFalse();
        assertThat(apply.get("counts").get("ok").asInt()).isEqualTo(1);
        assertThat(apply.get("counts").get("failed").asInt()).isEqualTo(1);
        assertThat(apply.get("counts").get("skipped").asInt()).isEqualTo(steps.size() - 2);
        assertThat(apply.get("results")).hasSize(steps.size());
        JsonNode failed = apply.get("results").get(1);
        assertThat(failed.get("step").asString()).isEqualTo(steps.get(1).id());
        assertThat(failed.get("outcome").asString()).isEqualTo("failed");
        assertThat(failed.get("message").asString()).isEqualTo("PolicyViolation: no");
        assertThat(apply.get("results").get(0).get("tookMs").asLong()).isEqualTo(1500);
    }

    @Test
    void nothingAppliedIsANullApply() {
        JsonNode doc = JSON.readTree(ApplyJson.write(RenderGoldenTest.everything(), Optional.empty()));
        assertThat(doc.get("apply").isNull()).isTrue();
        assertThat(doc.get("plan").get("steps")).isNotEmpty();
    }
}
