package io.kgr.render;

import static io.kgr.plan.Fixtures.desired;
import static io.kgr.plan.Fixtures.header;
import static io.kgr.plan.Fixtures.live;
import static io.kgr.plan.Fixtures.liveState;
import static io.kgr.plan.Fixtures.owningWithOther;
import static io.kgr.plan.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kgr.desired.DesiredState;
import io.kgr.desired.UserSpec;
import io.kgr.manifest.Location;
import io.kgr.model.AclRule;
import io.kgr.model.Secret;
import io.kgr.model.SecretRef;
import io.kgr.observe.LiveState;
import io.kgr.inventory.Inventories;
import io.kgr.inventory.Inventory;
import io.kgr.inventory.ManagedUser;
import io.kgr.plan.Plan;
import io.kgr.plan.Planner;
import io.kgr.plan.Policy;

/**
 * Golden files for the three output formats. To accept an intended change of output, run with
 * {@code -Dkgr.updateGolden=true} and review the diff of src/test/resources/golden.
 */
class RenderGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    /** One plan with every kind of step, a refusal, unmanaged topics and a note. */
    static Plan everything() {
        var d = desired(
                spec("orders", 12, 3, Map.of("retention.ms", "604800000", "cleanup.policy", "delete")),
                spec("payments", 6, 3, Map.of("retention.ms", "86400000", "compression.type", "zstd")),
                spec("clicks", 2, 1, Map.of()),
                spec("audit", 3, 3, Map.of()),
                spec("theirs", 1, 1, Map.of()));
        var l = liveState(3,
                live("payments", 3, 3, 3, Map.of("retention.ms", "604800000", "segment.ms", "3600000")),
                live("clicks", 4, 1, 3, Map.of()),
                live("audit", 3, 1, 3, Map.of()),
                live("retired", 1, 1, 3, Map.of()),
                live("theirs", 1, 1, 3, Map.of()),
                live("legacy.stuff", 1, 1, 3, Map.of()));
        var inv = owningWithOther("team-b", List.of("payments", "clicks", "audit", "retired"), List.of("theirs"));
        var alice = new UserSpec("alice", "User:alice", "scram-sha-512", Optional.of("SCRAM-SHA-512"),
                Optional.of(new SecretRef("alice", "password")), Optional.of(new Secret("do-not-print-me")),
                List.of(new AclRule("User:alice", "*", "WRITE", "ALLOW", "TOPIC", "orders", "LITERAL"),
                        new AclRule("User:alice", "*", "READ", "ALLOW", "GROUP", "billing-", "PREFIXED")),
                new TreeMap<>(Map.of("producer_byte_rate", 1048576.0)), new Location("users/alice.yaml", 1, 1));
        var bob = new ManagedUser("User:bob", "SCRAM-SHA-512", "", List.of(
                new AclRule("User:bob", "*", "READ", "ALLOW", "TOPIC", "orders", "LITERAL")), new TreeSet<>());
        var withUsers = new DesiredState(d.cluster(), d.topics(), new TreeMap<>(Map.of("alice", alice)));
        var live = new LiveState(l.clusterId(), l.brokers(), l.topics(),
                new TreeMap<>(Map.of("bob", new TreeSet<>(Set.of("SCRAM-SHA-512")))),
                List.of(new AclRule("User:bob", "*", "READ", "ALLOW", "TOPIC", "orders", "LITERAL"),
                        new AclRule("User:mallory", "*", "ALL", "ALLOW", "CLUSTER", "kafka-cluster", "LITERAL")),
                true, new TreeMap<>());
        var own = inv.own();
        var invWithBob = new Inventories(new Inventory(own.cluster(), own.source(), own.commit(), own.appliedAt(),
                own.topics(), new TreeMap<>(Map.of("bob", bob))), inv.others(), inv.version());
        return new Planner().plan(withUsers, live, invWithBob, Policy.defaults(true), header());
    }

    static Plan empty() {
        return new Planner().plan(desired(spec("t", 1, 1, Map.of())), liveState(1, live("t", 1, 1, 1, Map.of())),
                owningWithOther("team-b", List.of("t"), List.of()), Policy.defaults(false), header());
    }

    private static void golden(String name, String actual) throws Exception {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("kgr.updateGolden")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(file).as("golden file (create it with -Dkgr.updateGolden=true)").exists();
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void text() throws Exception {
        golden("plan.txt", new TextRenderer(false).render(everything()));
        golden("no-changes.txt", new TextRenderer(false).render(empty()));
    }

    @Test
    void passwordsNeverAppearInAnyFormat() {
        Plan plan = everything();
        for (String out : List.of(new TextRenderer(false).render(plan), PlanJson.write(plan), new MarkdownRenderer().render(plan))) {
            assertThat(out).doesNotContain("do-not-print-me").contains("(sensitive)");
        }
    }

    @Test
    void colourOnlyWhenAsked() {
        assertThat(new TextRenderer(true).render(everything())).contains("\u001b[32m  + create topic orders");
        assertThat(new TextRenderer(false).render(everything())).doesNotContain("\u001b[");
    }

    @Test
    void json() throws Exception {
        golden("plan.json", PlanJson.write(everything()));
    }

    @Test
    void markdown() throws Exception {
        golden("plan.md", new MarkdownRenderer().render(everything()));
    }

    @Test
    void savedPlanReadsBackToTheSamePlan() throws Exception {
        Plan plan = everything();
        Plan read = PlanJson.read(PlanJson.write(plan));
        assertThat(read).isEqualTo(plan);
    }

    @Test
    void refusesAPlanFileOfAnotherFormatVersion() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PlanJson.read("{\"formatVersion\": 99}"))
                .isInstanceOf(PlanJson.InvalidPlanException.class).hasMessageContaining("formatVersion 99");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PlanJson.read("not json"))
                .isInstanceOf(PlanJson.InvalidPlanException.class);
    }
}
