package io.kgr.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.kgr.desired.DesiredState;
import io.kgr.desired.UserSpec;
import io.kgr.model.AclRule;
import io.kgr.observe.LiveState;
import io.kgr.plan.Change.AlterUserQuotas;
import io.kgr.plan.Change.CreateAcls;
import io.kgr.plan.Change.DeleteAcls;
import io.kgr.plan.Change.CreateUserSecret;
import io.kgr.plan.Change.DeleteScramCredential;
import io.kgr.plan.Change.DeleteUserSecret;
import io.kgr.plan.Change.UpsertScramCredential;
import io.kgr.inventory.Inventories;
import io.kgr.inventory.KafkaInventoryStore;
import io.kgr.inventory.Inventory;
import io.kgr.inventory.ManagedUser;

/**
 * The user part of a plan (DESIGN phase 8, and users in phase 9): credentials → ACLs → quotas, then for users Git
 * no longer declares (with pruning on, owned only): ACLs → quotas → credentials. Pure, like {@link Planner}.
 */
final class UserPlanner {
    private static final int SCRAM_ITERATIONS = 4096;

    final List<Step> secrets = new ArrayList<>();
    final List<Step> credentials = new ArrayList<>();
    final List<Step> aclCreates = new ArrayList<>();
    final List<Step> aclDeletes = new ArrayList<>();
    final List<Step> quotas = new ArrayList<>();
    final List<Step> pruneAcls = new ArrayList<>();
    final List<Step> pruneQuotas = new ArrayList<>();
    final List<Step> pruneCredentials = new ArrayList<>();
    final List<Refusal> refusals = new ArrayList<>();
    final List<Unmanaged> unmanaged = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final TreeMap<String, ManagedUser> nextUsers = new TreeMap<>();
    /** Users this plan removes (pruning): the prune guard counts them. */
    final List<String> pruned = new ArrayList<>();

    private final DesiredState desired;
    private final LiveState live;
    private final Inventory owned;
    private final Inventories inventories;
    private final Policy policy;
    /** Users whose password is the one kgr applied last (by the inventory's salted hash). */
    private Map<String, Boolean> unchanged = Map.of();

    UserPlanner(DesiredState desired, LiveState live, Inventories inventories, Policy policy) {
        this.desired = desired;
        this.live = live;
        this.inventories = inventories;
        this.owned = inventories.own();
        this.policy = policy;
    }

    void plan() {
        // PBKDF2 is deliberately slow (~2 ms a password): check all passwords at once, on every core
        unchanged = desired.users().values().parallelStream().filter(u -> u.password().isPresent())
                .collect(Collectors.toConcurrentMap(UserSpec::name, u -> {
                    ManagedUser before = owned.users().get(u.name());
                    return before != null && PasswordHash.matches(before.passwordHash(), u.password().get());
                }));
        for (UserSpec user : desired.users().values()) planUser(user);
        for (var e : owned.users().entrySet()) {
            if (desired.holds("user", e.getKey())) {
                nextUsers.put(e.getKey(), inventories.ownUsersAsPlanned().get(e.getKey())); // left as it is, still owned
            } else if (!desired.users().containsKey(e.getKey())) {
                planRemovedUser(e.getKey(), e.getValue());
            }
        }
        listUnmanaged();
    }

    private void planUser(UserSpec user) {
        var other = inventories.otherUserOwner(user.name());
        if (other.isPresent()) {
            refusals.add(new Refusal("user", user.name(), "user is managed by another source ('" + other.get()
                    + "'); two sources must not manage one user; " + inventories.handOverHint(other.get())));
            return;
        }
        ManagedUser before = owned.users().get(user.name());
        if (user.authentication().equals("tls-external")) {
            notes.add("user " + user.name() + " uses tls-external authentication: ACLs and quotas are planned for "
                    + user.principal() + "; its certificate comes from outside kgr");
        }
        String hash = planCredential(user, before);
        List<AclRule> ownedAcls = planAcls(user, before);
        SortedSet<String> quotaKeys = planQuotas(user, before);
        nextUsers.put(user.name(), new ManagedUser(user.principal(), user.mechanism().orElse(""), hash, ownedAcls, quotaKeys,
                user.generatedPassword()));
    }

    /** Returns the password hash the inventory records after this plan. */
    private String planCredential(UserSpec user, ManagedUser before) {
        SortedSet<String> liveMechanisms = live.scramUsers().getOrDefault(user.name(), new TreeSet<>());
        if (user.mechanism().isEmpty()) {
            if (before != null && !before.mechanism().isEmpty() && liveMechanisms.contains(before.mechanism())) {
                deleteCredential(credentials, Phase.USERS, user.name(), before.mechanism(), "user no longer authenticates with SCRAM");
            }
            return "";
        }
        String mechanism = user.mechanism().get();
        if (user.generatedPassword() && user.password().isEmpty()) {
            // the Secret is written first, then the credential is set from it; apply records the hash
            var secret = new CreateUserSecret(user.name(), mechanism);
            Step secretStep = new Step(Step.idOf(secret), Phase.USERS, secret, Risk.SAFE,
                    List.of(new FieldChange("password", null, "(sensitive)", true), FieldChange.of("secret", null, user.name())),
                    "the manifest names no password: kgr generates one into a Secret named after the user", List.of());
            secrets.add(secretStep);
            boolean exists = liveMechanisms.contains(mechanism);
            var change = new UpsertScramCredential(user.name(), mechanism, SCRAM_ITERATIONS, user.passwordRef().get(), "", exists);
            credentials.add(new Step(Step.idOf(change), Phase.USERS, change, exists ? Risk.DISRUPTIVE : Risk.SAFE,
                    List.of(new FieldChange("password", exists ? "(sensitive)" : null, "(sensitive)", true),
                            FieldChange.of("mechanism", exists ? mechanism : null, mechanism)),
                    "set from the generated Secret", List.of(secretStep.id())));
            return "";
        }
        boolean exists = liveMechanisms.contains(mechanism);
        boolean knownSame = before != null && before.mechanism().equals(mechanism) && unchanged.getOrDefault(user.name(), false);
        // the stored hash stays as it is (apply copies it); a credential set now gets a fresh one at apply
        String hash = knownSame ? ManagedUser.KEEP : "";
        if (!exists || !knownSame) {
            String reason = !exists ? "SCRAM credential does not exist on the cluster"
                    : before == null || before.passwordHash().isEmpty()
                        ? "credential exists but kgr never set it: set it from Git (adopting the user)"
                        : "the password in " + user.passwordRef().get() + " changed";
            var change = new UpsertScramCredential(user.name(), mechanism, SCRAM_ITERATIONS, user.passwordRef().get(),
                    user.password().get().version(), exists);
            credentials.add(new Step(Step.idOf(change), Phase.USERS, change, exists ? Risk.DISRUPTIVE : Risk.SAFE,
                    List.of(new FieldChange("password", exists ? "(sensitive)" : null, "(sensitive)", true),
                            FieldChange.of("mechanism", exists ? mechanism : null, mechanism)),
                    exists ? reason + "; clients using the old password fail to log in" : reason, List.of()));
        }
        // a mechanism Git dropped (e.g. SCRAM-SHA-256 → SCRAM-SHA-512) goes only once the new one is set: the delete
        // depends on the upsert, so a failed upsert never leaves the user without any credential
        if (before != null && !before.mechanism().isEmpty() && !before.mechanism().equals(mechanism)
                && liveMechanisms.contains(before.mechanism())) {
            List<String> after = credentials.stream().filter(s -> s.change() instanceof UpsertScramCredential u
                    && u.user().equals(user.name())).map(Step::id).toList();
            deleteCredential(credentials, Phase.USERS, user.name(), before.mechanism(), "Git now says " + mechanism, after);
        }
        return hash;
    }

    private List<AclRule> planAcls(UserSpec user, ManagedUser before) {
        List<AclRule> wanted = user.acls();
        List<AclRule> present = live.aclsOf(user.principal());
        if (!wanted.isEmpty() && !live.aclsEnabled()) {
            refusals.add(new Refusal("user", user.name(), "Git declares ACLs but the cluster has no authorizer"
                    + " (authorizer.class.name is not set): ACLs can be neither read nor written"));
            return before == null ? List.of() : before.acls();
        }
        List<AclRule> create = wanted.stream().filter(a -> !present.contains(a)).toList();
        List<AclRule> ownedBefore = before == null ? List.of() : before.acls();
        List<AclRule> remove = new ArrayList<>(present.stream().filter(a -> !wanted.contains(a) && ownedBefore.contains(a)).toList());
        // bindings kgr made for the user's earlier principal (its authentication changed: User:x → User:CN=x) go too,
        // once the new principal's are in place; until then the inventory keeps them
        List<AclRule> earlier = ownedBefore.stream().filter(a -> !a.principal().equals(user.principal()))
                .filter(a -> live.aclsOf(a.principal()).contains(a)).toList();
        remove.addAll(earlier);
        String createId = null;
        if (!create.isEmpty()) {
            var change = new CreateAcls(user.name(), create);
            Step step = new Step(Step.idOf(change), Phase.USERS, change, Risk.SAFE, aclFields(create, true),
                    "ACLs declared for " + user.principal(), List.of());
            aclCreates.add(step);
            createId = step.id();
        }
        if (!remove.isEmpty()) {
            var change = new DeleteAcls(user.name(), remove);
            String why = earlier.isEmpty() ? "ACLs kgr created for " + user.principal() + " that Git no longer declares;"
                    + " clients lose this access"
                    : "the user now authenticates as " + user.principal() + ": the ACLs kgr created for "
                    + earlier.get(0).principal() + " go" + (remove.size() > earlier.size() ? ", and those Git no longer declares" : "");
            aclDeletes.add(new Step(Step.idOf(change), Phase.USERS, change, Risk.DISRUPTIVE, aclFields(remove, false), why,
                    earlier.isEmpty() || createId == null ? List.of() : List.of(createId)));
        }
        long foreign = present.stream().filter(a -> !wanted.contains(a) && !ownedBefore.contains(a)).count();
        if (foreign > 0) {
            unmanaged.add(new Unmanaged("acl", user.principal(), foreign + " binding(s) not in Git and not created by kgr"));
        }
        return wanted;
    }

    private SortedSet<String> planQuotas(UserSpec user, ManagedUser before) {
        Map<String, Double> current = live.userQuotas().getOrDefault(user.name(), new TreeMap<>());
        SortedSet<String> ownedBefore = before == null ? new TreeSet<>() : before.quotaKeys();
        TreeMap<String, Double> set = new TreeMap<>();
        TreeSet<String> remove = new TreeSet<>();
        List<FieldChange> fields = new ArrayList<>();
        user.quotas().forEach((k, v) -> {
            Double now = current.get(k);
            if (!Objects.equals(now, v)) {
                set.put(k, v);
                fields.add(FieldChange.of(k, now == null ? null : number(now), number(v)));
            }
        });
        for (String k : ownedBefore) {
            if (!user.quotas().containsKey(k) && current.containsKey(k)) {
                remove.add(k);
                fields.add(FieldChange.of(k, number(current.get(k)), null));
            }
        }
        if (!set.isEmpty() || !remove.isEmpty()) {
            var change = new AlterUserQuotas(user.name(), set, remove);
            quotas.add(new Step(Step.idOf(change), Phase.USERS, change, Risk.SAFE, fields,
                    "quotas declared for user " + user.name(), List.of()));
        }
        return new TreeSet<>(user.quotas().keySet());
    }

    private void planRemovedUser(String name, ManagedUser before) {
        List<AclRule> present = live.aclsOf(before.principal()).stream().filter(before.acls()::contains).toList();
        Map<String, Double> quotaNow = live.userQuotas().getOrDefault(name, new TreeMap<>());
        TreeSet<String> quotaKeys = new TreeSet<>(before.quotaKeys());
        quotaKeys.retainAll(quotaNow.keySet());
        boolean credential = !before.mechanism().isEmpty()
                && live.scramUsers().getOrDefault(name, new TreeSet<>()).contains(before.mechanism());
        // a TLS user may still have its certificate Secret on Kubernetes (the broker does not know it): it stays owned
        boolean tls = before.principal().startsWith("User:CN=");
        if (present.isEmpty() && quotaKeys.isEmpty() && !credential && !before.generatedSecret() && !tls) return; // already gone
        if (!policy.prune()) {
            notes.add("user " + name + " is no longer in Git; kept (pruning is off: --prune removes its credential, ACLs"
                    + " and quotas)");
            nextUsers.put(name, inventories.ownUsersAsPlanned().get(name));
            return;
        }
        pruned.add(name);
        if (!present.isEmpty()) {
            var change = new DeleteAcls(name, present);
            pruneAcls.add(new Step(Step.idOf(change), Phase.PRUNE, change, Risk.DESTRUCTIVE, aclFields(present, false),
                    "user removed from Git; its ACLs were created by this source, and pruning is on", List.of()));
        }
        if (!quotaKeys.isEmpty()) {
            List<FieldChange> fields = new ArrayList<>();
            quotaKeys.forEach(k -> fields.add(FieldChange.of(k, number(quotaNow.get(k)), null)));
            var change = new AlterUserQuotas(name, new TreeMap<>(), quotaKeys);
            pruneQuotas.add(new Step(Step.idOf(change), Phase.PRUNE, change, Risk.SAFE, fields,
                    "user removed from Git; pruning is on", List.of()));
        }
        if (credential) {
            deleteCredential(pruneCredentials, Phase.PRUNE, name, before.mechanism(), "user removed from Git; pruning is on");
        }
        if (before.generatedSecret()) {
            var change = new DeleteUserSecret(name);
            pruneCredentials.add(new Step(Step.idOf(change), Phase.PRUNE, change, Risk.DESTRUCTIVE,
                    List.of(new FieldChange("password", "(sensitive)", null, true), FieldChange.of("secret", name, null)),
                    "the Secret kgr generated for a user removed from Git; pruning is on", List.of()));
        }
    }

    private static void deleteCredential(List<Step> into, Phase phase, String user, String mechanism, String reason) {
        deleteCredential(into, phase, user, mechanism, reason, List.of());
    }

    private static void deleteCredential(List<Step> into, Phase phase, String user, String mechanism, String reason,
                                         List<String> dependsOn) {
        var change = new DeleteScramCredential(user, mechanism);
        into.add(new Step(Step.idOf(change) + "/" + mechanism, phase, change, Risk.DESTRUCTIVE,
                List.of(new FieldChange("password", "(sensitive)", null, true), FieldChange.of("mechanism", mechanism, null)),
                reason + "; clients of this user can no longer log in" + (dependsOn.isEmpty() ? ""
                        : " with " + mechanism + " (after the new credential is in place)"), dependsOn));
    }

    private void listUnmanaged() {
        TreeSet<String> managedPrincipals = new TreeSet<>();
        desired.users().values().forEach(u -> managedPrincipals.add(u.principal()));
        nextUsers.values().forEach(u -> managedPrincipals.add(u.principal()));
        TreeSet<AclRule> ownAcls = new TreeSet<>();
        owned.users().values().forEach(u -> ownAcls.addAll(u.acls()));
        TreeMap<String, Integer> foreignAcls = new TreeMap<>();
        for (AclRule a : live.acls()) {
            if (a.equals(KafkaInventoryStore.PROTECTION)) continue; // kgr's own guard of its inventory
            if (!managedPrincipals.contains(a.principal()) && !ownAcls.contains(a)) {
                foreignAcls.merge(a.principal(), 1, Integer::sum);
            }
        }
        foreignAcls.forEach((p, n) -> unmanaged.add(new Unmanaged("acl", p, n + " binding(s) "
                + inventories.others().stream().filter(i -> i.users().values().stream().anyMatch(u -> u.principal().equals(p)))
                        .map(i -> "managed by source '" + i.source() + "'").findFirst().orElse("not declared in Git"))));
        for (String user : live.scramUsers().keySet()) {
            if (desired.users().containsKey(user) || owned.ownsUser(user) || desired.holds("user", user)) continue;
            unmanaged.add(new Unmanaged("user", user, inventories.otherUserOwner(user)
                    .map(s -> "managed by source '" + s + "'").orElse("SCRAM credential not declared in Git")));
        }
    }

    private static List<FieldChange> aclFields(List<AclRule> acls, boolean add) {
        List<FieldChange> out = new ArrayList<>();
        for (AclRule a : acls) out.add(add ? FieldChange.of("acl", null, a.describe()) : FieldChange.of("acl", a.describe(), null));
        return out;
    }

    private static String number(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
