package io.kgr.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.kgr.inventory.Inventory;
import io.kgr.inventory.ManagedUser;
import io.kgr.model.AclRule;
import io.kgr.plan.Change;

/** What an apply records when some of its steps did not succeed: only what is true on the cluster. */
class RecordedInventoryTest {
    private static final Instant T = Instant.parse("2026-12-06T12:00:00Z");
    private static final AclRule READ = new AclRule("User:bob", "*", "READ", "ALLOW", "TOPIC", "t", "LITERAL");
    private static final ManagedUser BOB = new ManagedUser("User:bob", "SCRAM-SHA-512", "pbkdf2-sha256:4096:x:y", List.of(READ),
            new TreeSet<>(), true);

    private static Inventory before() {
        return new Inventory("c1", "src", "a", T, new TreeMap<>(Map.of("kept", "k.yaml", "gone", "g.yaml")),
                new TreeMap<>(Map.of("bob", BOB)));
    }

    /** The plan prunes user bob and topic gone; the inventory it planned no longer has them. */
    private static Change.UpdateInventory planned() {
        return new Change.UpdateInventory("c1", "src", "b", new TreeMap<>(Map.of("kept", "k.yaml")), new TreeMap<>());
    }

    @Test
    void aPrunedUserWhoseAclDeleteFailedKeepsItsWholeRecord() {
        // DeleteAcls failed; the credential and Secret deletions after it did not start (kgr stopped, or they depended on it)
        List<Change> notDone = List.of(new Change.DeleteAcls("bob", List.of(READ)),
                new Change.DeleteScramCredential("bob", "SCRAM-SHA-512"), new Change.DeleteUserSecret("bob"));
        Inventory after = RecordedInventory.after(planned(), before(), notDone, Map.of(), T);
        // before, a stub with no mechanism was recorded: the credential and its generated Secret outlived their ownership
        assertThat(after.users().get("bob")).isEqualTo(BOB);
        assertThat(after.ownsUser("bob")).isTrue();
    }

    @Test
    void onlyTheAclDeleteFailedTheUsersRecordStillHoldsItsAcls() {
        Inventory after = RecordedInventory.after(planned(), before(), List.of(new Change.DeleteAcls("bob", List.of(READ))),
                Map.of(), T);
        assertThat(after.users().get("bob").acls()).containsExactly(READ);
        assertThat(after.users().get("bob").mechanism()).isEqualTo("SCRAM-SHA-512");
    }

    @Test
    void aTopicWhoseDeleteFailedStaysOwnedAndOneWhoseCreateFailedIsNot() {
        Change.UpdateInventory planned = new Change.UpdateInventory("c1", "src", "b",
                new TreeMap<>(Map.of("kept", "k.yaml", "new", "n.yaml")), new TreeMap<>(Map.of("bob", BOB)));
        Inventory after = RecordedInventory.after(planned, before(), List.of(new Change.DeleteTopic("gone", 1),
                new Change.CreateTopic("new", 1, 1, new TreeMap<>())), Map.of(), T);
        assertThat(after.topics()).containsOnlyKeys("kept", "gone");
    }

    @Test
    void aBrokerSettingWhoseDeletionFailedStaysRecorded() {
        Inventory before = new Inventory("c1", "src", "a", T, new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
                new TreeSet<>(List.of("log.cleaner.threads", "num.io.threads")));
        Change.UpdateInventory planned = new Change.UpdateInventory("c1", "src", "b", new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>(), new TreeSet<>(List.of("num.io.threads")));
        Change alter = new Change.AlterBrokerConfig(new TreeMap<>(), new TreeSet<>(List.of("log.cleaner.threads")));
        assertThat(RecordedInventory.after(planned, before, List.of(alter), Map.of(), T).brokerKeys())
                .containsExactly("log.cleaner.threads", "num.io.threads");
        assertThat(RecordedInventory.after(planned, before, List.of(), Map.of(), T).brokerKeys())
                .containsExactly("num.io.threads");
    }

    @Test
    void everythingDoneRecordsThePlannedInventory() {
        Inventory after = RecordedInventory.after(planned(), before(), List.of(), Map.of(), T);
        assertThat(after.topics()).containsOnlyKeys("kept");
        assertThat(after.users()).isEmpty();
        assertThat(after.commit()).isEqualTo("b");
    }
}
