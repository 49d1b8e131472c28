package io.kgr.plan;

import static io.kgr.plan.Fixtures.header;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.kgr.desired.DesiredState;
import io.kgr.desired.UserSpec;
import io.kgr.manifest.Location;
import io.kgr.model.AclRule;
import io.kgr.model.Secret;
import io.kgr.model.SecretRef;
import io.kgr.observe.LiveState;
import io.kgr.plan.Change.UpsertScramCredential;
import io.kgr.inventory.Inventories;
import io.kgr.inventory.Inventory;
import io.kgr.inventory.ManagedUser;

class UserPlannerTest {
    private static final AclRule WRITE = new AclRule("User:u", "*", "WRITE", "ALLOW", "TOPIC", "t", "LITERAL");
    private static final AclRule READ = new AclRule("User:u", "*", "READ", "ALLOW", "TOPIC", "t", "LITERAL");

    private static UserSpec scram(String password, List<AclRule> acls, Map<String, Double> quotas) {
        return new UserSpec("u", "User:u", "scram-sha-512", Optional.of("SCRAM-SHA-512"),
                Optional.of(new SecretRef("u", "password")), Optional.of(new Secret(password, "v-7")), acls, new TreeMap<>(quotas),
                new Location("u.yaml", 1, 1));
    }

    private static LiveState live(boolean credential, List<AclRule> acls, Map<String, Double> quotas, boolean authorizer) {
        TreeMap<String, java.util.SortedSet<String>> scram = new TreeMap<>();
        if (credential) scram.put("u", new TreeSet<>(Set.of("SCRAM-SHA-512")));
        TreeMap<String, java.util.SortedMap<String, Double>> q = new TreeMap<>();
        if (!quotas.isEmpty()) q.put("u", new TreeMap<>(quotas));
        return new LiveState("id", new TreeSet<>(Set.of(0)), new TreeMap<>(), scram, acls, authorizer, q);
    }

    private static Inventories owning(ManagedUser user) {
        TreeMap<String, ManagedUser> users = new TreeMap<>();
        if (user != null) users.put("u", user);
        return new Inventories(new Inventory("c1", "repo-a", "abc", Fixtures.T0, new TreeMap<>(), users), List.of(), "v", KEY);
    }

    private static final String KEY = PasswordHash.newKey();

    private static ManagedUser applied(String password, List<AclRule> acls, Set<String> quotaKeys) {
        return new ManagedUser("User:u", "SCRAM-SHA-512", password == null ? "" : PasswordHash.fresh(new Secret(password)),
                acls, new TreeSet<>(quotaKeys));
    }

    private static Plan plan(UserSpec user, LiveState live, Inventories inv, boolean prune) {
        TreeMap<String, UserSpec> users = new TreeMap<>();
        if (user != null) users.put("u", user);
        return new Planner().plan(new DesiredState("c1", new TreeMap<>(), users), live, inv, Policy.defaults(prune), header());
    }

    private static List<String> ids(Plan p) {
        return p.steps().stream().map(Step::id).toList();
    }

    @Test
    void newUserGetsCredentialThenAclsThenQuotasAndNoPasswordInThePlan() {
        Plan p = plan(scram("pw-1", List.of(WRITE), Map.of("producer_byte_rate", 100.0)), live(false, List.of(), Map.of(), true),
                owning(null), false);
        assertThat(ids(p)).containsExactly("upsert-scram-credential:u", "create-acls:u", "alter-user-quotas:u",
                "update-inventory:c1/repo-a");
        UpsertScramCredential c = (UpsertScramCredential) p.steps().get(0).change();
        assertThat(c.rotation()).isFalse();
        assertThat(c.toString()).doesNotContain("pw-1");
        assertThat(p.steps().get(0).fields().get(0)).satisfies(f -> {
            assertThat(f.sensitive()).isTrue();
            assertThat(f.after()).isEqualTo("(sensitive)");
        });
        // what the plan pins is the version of the password's source, nothing computed from the password
        assertThat(c.passwordVersion()).isEqualTo("v-7");
        // neither the plan's JSON nor its inventory step carries a hash, a salt, an HMAC or a key
        String json = io.kgr.render.PlanJson.write(p);
        assertThat(json).doesNotContain("pbkdf2", "pw-1", KEY, "hmac").contains("\"passwordVersion\" : \"v-7\"");
    }

    @Test
    void unchangedUserHasNoSteps() {
        Plan p = plan(scram("pw-1", List.of(WRITE), Map.of("producer_byte_rate", 100.0)),
                live(true, List.of(WRITE), Map.of("producer_byte_rate", 100.0), true),
                owning(applied("pw-1", List.of(WRITE), Set.of("producer_byte_rate"))), false);
        assertThat(p.steps()).isEmpty();
    }

    @Test
    void changedSecretIsARotationAndAdoptedCredentialsAreSetOnce() {
        var rotated = plan(scram("pw-2", List.of(), Map.of()), live(true, List.of(), Map.of(), true),
                owning(applied("pw-1", List.of(), Set.of())), false);
        assertThat(ids(rotated)).containsExactly("upsert-scram-credential:u", "update-inventory:c1/repo-a");
        assertThat(((UpsertScramCredential) rotated.steps().get(0).change()).rotation()).isTrue();
        assertThat(rotated.steps().get(0).risk()).isEqualTo(Risk.DISRUPTIVE);

        var adopted = plan(scram("pw-1", List.of(), Map.of()), live(true, List.of(), Map.of(), true), owning(null), false);
        assertThat(adopted.steps().get(0).reason()).contains("kgr never set it");
    }

    @Test
    void removesOnlyAclsKgrCreatedAndListsTheOthers() {
        AclRule manual = new AclRule("User:u", "*", "DELETE", "ALLOW", "TOPIC", "t", "LITERAL");
        // kgr's own guard of its inventory topic is neither removed nor listed as someone else's
        Plan p = plan(scram("pw-1", List.of(READ), Map.of()), live(true, List.of(WRITE, manual,
                        io.kgr.inventory.KafkaInventoryStore.PROTECTION), Map.of(), true),
                owning(applied("pw-1", List.of(WRITE), Set.of())), false);
        assertThat(ids(p)).containsExactly("create-acls:u", "delete-acls:u", "update-inventory:c1/repo-a");
        assertThat(((Change.DeleteAcls) p.steps().get(1).change()).acls()).containsExactly(WRITE);
        assertThat(p.unmanaged()).singleElement().satisfies(u -> assertThat(u.note()).contains("1 binding(s)"));
    }

    @Test
    void aclsWithoutAnAuthorizerAreRefused() {
        Plan p = plan(scram("pw-1", List.of(WRITE), Map.of()), live(false, List.of(), Map.of(), false), owning(null), false);
        assertThat(p.refusals()).singleElement().satisfies(r -> assertThat(r.reason()).contains("no authorizer"));
    }

    @Test
    void removedUserIsPrunedOnlyWithPolicyAclsFirstCredentialLast() {
        var inv = owning(applied("pw", List.of(WRITE), Set.of("producer_byte_rate")));
        var l = live(true, List.of(WRITE), Map.of("producer_byte_rate", 5.0), true);
        Plan keep = plan(null, l, inv, false);
        assertThat(keep.steps()).isEmpty();
        assertThat(keep.notes()).anyMatch(n -> n.contains("user u is no longer in Git; kept"));
        Plan prune = plan(null, l, inv, true);
        assertThat(ids(prune)).containsExactly("delete-acls:u", "alter-user-quotas:u",
                "delete-scram-credential:u/SCRAM-SHA-512", "update-inventory:c1/repo-a");
        assertThat(prune.steps()).first().extracting(Step::phase).isEqualTo(Phase.PRUNE);
    }

    @Test
    void tlsUsersGetAclsForTheirCertificatePrincipal() {
        AclRule cn = new AclRule("User:CN=u", "*", "READ", "ALLOW", "TOPIC", "t", "LITERAL");
        var tls = new UserSpec("u", "User:CN=u", "tls", Optional.empty(), Optional.empty(), Optional.empty(), List.of(cn),
                new TreeMap<>(), new Location("u.yaml", 1, 1));
        Plan p = plan(tls, live(false, List.of(), Map.of(), true), owning(null), false);
        assertThat(ids(p)).containsExactly("create-acls:u", "update-inventory:c1/repo-a");
        // a tls-external user's certificate comes from elsewhere: the plan says so
        var external = new UserSpec("u", "User:CN=u", "tls-external", Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(cn), new TreeMap<>(), new Location("u.yaml", 1, 1));
        Plan e = plan(external, live(false, List.of(), Map.of(), true), owning(null), false);
        assertThat(e.notes()).anyMatch(n -> n.contains("User:CN=u") && n.contains("comes from outside kgr"));
    }

    @Test
    void anotherSourcesUserIsRefused() {
        var inv = new Inventories(Inventory.empty("c1", "repo-a"), List.of(new Inventory("c1", "repo-b", "x", Fixtures.T0,
                new TreeMap<>(), new TreeMap<>(Map.of("u", applied("pw", List.of(), Set.of()))))), "v");
        Plan p = plan(scram("pw", List.of(), Map.of()), live(true, List.of(), Map.of(), true), inv, false);
        assertThat(p.refusals()).singleElement().satisfies(r -> assertThat(r.reason()).contains("'repo-b'"));
        assertThat(p.steps()).isEmpty();
    }

    private static UserSpec generated(Secret existing) {
        return new UserSpec("u", "User:u", "scram-sha-512", Optional.of("SCRAM-SHA-512"),
                Optional.of(new SecretRef("u", "password")), Optional.ofNullable(existing), List.of(), new TreeMap<>(),
                new Location("u.yaml", 1, 1), true);
    }

    @Test
    void generatedPasswordsGetTheirSecretFirstThenTheCredential() {
        Plan p = plan(generated(null), live(false, List.of(), Map.of(), true), owning(null), false);
        assertThat(ids(p)).containsExactly("create-user-secret:u", "upsert-scram-credential:u", "update-inventory:c1/repo-a");
        assertThat(p.steps().get(1).dependsOn()).containsExactly("create-user-secret:u");
        assertThat(((UpsertScramCredential) p.steps().get(1).change()).passwordVersion()).as("made during apply").isEmpty();
        assertThat(((Change.UpdateInventory) p.steps().get(2).change()).users().get("u").generatedSecret()).isTrue();

        // once generated and recorded, nothing changes
        var recorded = new ManagedUser("User:u", "SCRAM-SHA-512", PasswordHash.fresh(new Secret("gen")), List.of(),
                new TreeSet<>(), true);
        assertThat(plan(generated(new Secret("gen")), live(true, List.of(), Map.of(), true), owning(recorded), false).steps())
                .isEmpty();
        // and pruning the user deletes the Secret after the credential
        assertThat(ids(plan(null, live(true, List.of(), Map.of(), true), owning(recorded), true)))
                .containsExactly("delete-scram-credential:u/SCRAM-SHA-512", "delete-user-secret:u", "update-inventory:c1/repo-a");
    }

    @Test
    void aMechanismChangeDeletesTheOldCredentialOnlyAfterTheNewOneIsSet() {
        var before = new ManagedUser("User:u", "SCRAM-SHA-256", PasswordHash.fresh(new Secret("pw-1")), List.of(), new TreeSet<>());
        TreeMap<String, java.util.SortedSet<String>> scram = new TreeMap<>();
        scram.put("u", new TreeSet<>(Set.of("SCRAM-SHA-256")));
        var live = new LiveState("id", new TreeSet<>(Set.of(0)), new TreeMap<>(), scram, List.of(), true, new TreeMap<>());
        Plan p = plan(scram("pw-1", List.of(), Map.of()), live, owning(before), false);
        assertThat(ids(p)).containsExactly("upsert-scram-credential:u", "delete-scram-credential:u/SCRAM-SHA-256",
                "update-inventory:c1/repo-a");
        assertThat(p.steps().get(1).dependsOn()).containsExactly("upsert-scram-credential:u");
    }

    @Test
    void anAuthenticationChangeRemovesTheOldPrincipalsAclsAfterTheNewOnesExist() {
        // the user was SCRAM (User:u) with WRITE; Git now says TLS (User:CN=u) with the same WRITE
        AclRule tlsWrite = new AclRule("User:CN=u", "*", "WRITE", "ALLOW", "TOPIC", "t", "LITERAL");
        UserSpec tls = new UserSpec("u", "User:CN=u", "tls", Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(tlsWrite), new TreeMap<>(), new Location("u.yaml", 1, 1));
        Plan p = plan(tls, live(false, List.of(WRITE), Map.of(), true), owning(applied(null, List.of(WRITE), Set.of())), false);
        assertThat(ids(p)).containsExactly("create-acls:u", "delete-acls:u", "update-inventory:c1/repo-a");
        Step delete = p.steps().get(1);
        assertThat(((Change.DeleteAcls) delete.change()).acls()).containsExactly(WRITE);
        assertThat(delete.dependsOn()).containsExactly("create-acls:u");
        // once done, the inventory records only the new principal's binding, and nothing more is planned
        var after = ((Change.UpdateInventory) p.steps().get(2).change()).users().get("u");
        assertThat(after.acls()).containsExactly(tlsWrite);
        Plan next = plan(tls, live(false, List.of(tlsWrite), Map.of(), true), owning(after), false);
        assertThat(ids(next)).doesNotContain("delete-acls:u", "create-acls:u");
    }
}
