package io.kgr.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kgr.plan.Change;
import io.kgr.plan.FieldChange;
import io.kgr.plan.Phase;
import io.kgr.plan.Risk;
import io.kgr.plan.Step;

/** Which steps a source's approvals hold: by risk until approved, and risky ones outside maintenance windows. */
class ApprovalsTest {
    private static Step step(Risk risk) {
        var change = new Change.DeleteTopic("t", 1);
        return new Step("delete-topic:t", Phase.PRUNE, change, risk, List.<FieldChange>of(), "", List.of());
    }

    @Test
    void heldRisksWaitUntilApprovedAndOthersNever() {
        Approvals approvals = new Approvals(Set.of(Risk.DESTRUCTIVE), List.of());
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        assertThat(approvals.holds(step(Risk.DESTRUCTIVE), Set.of(), now)).hasValueSatisfying(w -> assertThat(w).contains("approval"));
        assertThat(approvals.holds(step(Risk.DESTRUCTIVE), Set.of(Risk.DESTRUCTIVE), now)).isEmpty();
        assertThat(approvals.holds(step(Risk.DISRUPTIVE), Set.of(), now)).isEmpty();
        assertThat(approvals.holds(step(Risk.SAFE), Set.of(), now)).isEmpty();
        assertThat(Approvals.none().holds(step(Risk.DESTRUCTIVE), Set.of(), now)).isEmpty();
    }

    @Test
    void riskyStepsWaitForAnOpenWindowInUtc() {
        // weekdays 22:00–00:00 UTC
        Approvals approvals = new Approvals(Set.of(), List.of(new Approvals.Window("0 0 22 ? * MON-FRI", Duration.ofHours(2))));
        assertThat(approvals.holds(step(Risk.DISRUPTIVE), Set.of(), Instant.parse("2026-12-07T23:30:00Z"))).isEmpty(); // Monday
        assertThat(approvals.holds(step(Risk.DISRUPTIVE), Set.of(), Instant.parse("2026-12-07T12:00:00Z")))
                .hasValueSatisfying(w -> assertThat(w).contains("maintenance window"));
        assertThat(approvals.holds(step(Risk.DESTRUCTIVE), Set.of(), Instant.parse("2026-12-06T23:00:00Z"))).isPresent(); // Sunday
        assertThat(approvals.holds(step(Risk.SAFE), Set.of(), Instant.parse("2026-12-07T12:00:00Z"))).isEmpty();
    }

    @Test
    void aCommitApprovesItselfWithATrailer() {
        assertThat(Approvals.approvedBy("Drop the old topics\n\nReviewed in #42.\nKgr-Approve: destructive\n"))
                .containsExactly(Risk.DESTRUCTIVE);
        assertThat(Approvals.approvedBy("x\n\nkgr-approve: disruptive, destructive")).containsExactlyInAnyOrder(Risk.DISRUPTIVE, Risk.DESTRUCTIVE);
        assertThat(Approvals.approvedBy("x\n\nKgr-Approve: all")).containsExactlyInAnyOrder(Risk.DISRUPTIVE, Risk.DESTRUCTIVE);
        assertThat(Approvals.approvedBy("mentions Kgr-Approve: destructive inside a line")).isEmpty();
        assertThat(Approvals.approvedBy("")).isEmpty();
    }
}
