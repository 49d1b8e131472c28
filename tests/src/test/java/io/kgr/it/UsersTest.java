package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users end to end on a real broker with a SASL_PLAINTEXT listener and the StandardAuthorizer: kgr logs in as the
 * super user through --command-config, creates SCRAM users, ACLs and quotas, and real clients prove what the ACLs
 * allow.
 */
class UsersTest {
    static EmbeddedKafka kafka;
    static Admin admin;
    @TempDir static Path shared;
    @TempDir Path tmp;
    Path repo;
    Path secrets;
    static Path commandConfig;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.startSecured();
        admin = kafka.admin();
        commandConfig = shared.resolve("admin.properties");
        StringBuilder sb = new StringBuilder();
        EmbeddedKafka.SUPER_USER.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(commandConfig, sb.toString());
        admin.createTopics(List.of(new NewTopic("u.allowed", 1, (short) 1), new NewTopic("u.denied", 1, (short) 1),
                new NewTopic("u.other-1", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        kafka.close();
    }

    @BeforeEach
    void dirs() throws Exception {
        repo = Files.createDirectories(tmp.resolve("repo"));
        secrets = Files.createDirectories(tmp.resolve("secrets"));
    }

    private void password(String secret, String value) throws Exception {
        Files.createDirectories(secrets.resolve(secret));
        Files.writeString(secrets.resolve(secret).resolve("password"), value + "\n");
    }

    private static String user(String name, String auth, String acls, String quotas) {
        return "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaUser\nmetadata:\n  name: " + name
                + "\n  labels:\n    strimzi.io/cluster: secured\nspec:\n" + auth + "  authorization:\n    type: simple\n"
                + "    acls:\n" + acls + quotas;
    }

    private static String scram(String secret) {
        return "  authentication:\n    type: scram-sha-512\n    password:\n      valueFrom:\n        secretKeyRef:\n"
                + "          name: " + secret + "\n          key: password\n";
    }

    private static String topicAcl(String name, String pattern, String ops) {
        return "      - resource:\n          type: topic\n          name: " + name + "\n          patternType: " + pattern
                + "\n        operations: [" + ops + "]\n";
    }

    private Kgr.Result kgr(String command, String[] first, String... more) {
        return kgr(command, Kgr.args(first.length == 0 ? "--no-color" : first[0],
                java.util.Arrays.copyOfRange(first, Math.min(1, first.length), first.length), more));
    }

    private Kgr.Result kgr(String command, String... more) {
        return Kgr.run(Kgr.args(command, new String[] {"--repo", repo.toString(), "--bootstrap-server",
                kafka.bootstrapServers(), "--cluster", "secured", "--command-config", commandConfig.toString(), "--secrets-dir",
                secrets.toString(), "--no-color"}, more));
    }

    private static Properties login(String user, String password) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        p.put("max.block.ms", "10000");
        p.put("delivery.timeout.ms", "10000");
        p.put("request.timeout.ms", "5000");
        p.put("enable.idempotence", "false");
        p.put("acks", "1");
        return p;
    }

    /** Produces one record as the user; returns null on success, else the cause. */
    private static Throwable produce(String user, String password, String topic) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(login(user, password), new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get(15, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    private static Map<String, Double> quotas(String user) throws Exception {
        var filter = ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, user)));
        var entities = admin.describeClientQuotas(filter).entities().get(30, TimeUnit.SECONDS);
        return entities.getOrDefault(new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, user)), Map.of());
    }

    @Test
    void usersAclsAndQuotasFromGitDecideWhatRealClientsMayDo() throws Exception {
        password("alice-secret", "first-Passw0rd");
        Files.writeString(repo.resolve("alice.yaml"), user("alice", scram("alice-secret"),
                topicAcl("u.allowed", "literal", "Write, Describe"), "  quotas:\n    producerByteRate: 1048576\n"));

        Kgr.Result plan = kgr("plan");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("+ create SCRAM credential for user alice", "password   = (sensitive)",
                "+ create ACLs for user alice", "= ALLOW WRITE on TOPIC u.allowed (LITERAL) from *",
                "~ alter quotas of user alice", "producer_byte_rate  = 1048576");
        Kgr.Result apply = kgr("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.all()).isZero();

        assertThat(produce("alice", "first-Passw0rd", "u.allowed")).isNull();
        assertThat(produce("alice", "first-Passw0rd", "u.denied")).isInstanceOf(TopicAuthorizationException.class);
        assertThat(quotas("alice")).containsEntry("producer_byte_rate", 1048576.0);
        assertThat(kgr("plan", "-o", "json").changes()).isEmpty();

        // an ACL changes in Git: the plan shows it, apply changes what alice may do
        Files.writeString(repo.resolve("alice.yaml"), user("alice", scram("alice-secret"),
                topicAcl("u.other", "prefix", "Write, Describe"), ""));
        Kgr.Result change = kgr("plan");
        assertThat(change.out()).contains("+ create ACLs for user alice", "ALLOW WRITE on TOPIC u.other (PREFIXED)",
                "- delete ACLs of user alice", "ALLOW WRITE on TOPIC u.allowed (LITERAL) from * → (deleted)",
                "- remove quotas of user alice", "producer_byte_rate  1048576 → (deleted)");
        assertThat(kgr("apply", "--auto-approve").exitCode()).isZero();
        assertThat(produce("alice", "first-Passw0rd", "u.other-1")).isNull();
        assertThat(produce("alice", "first-Passw0rd", "u.allowed")).isInstanceOf(TopicAuthorizationException.class);
        assertThat(quotas("alice")).isEmpty();

        // the password is rotated by changing the referenced secret
        password("alice-secret", "second-Passw0rd");
        Kgr.Result rotate = kgr("plan");
        assertThat(rotate.out()).contains("~ rotate password of user alice  [disruptive]",
                "the password in secret alice-secret/password changed", "password   (sensitive) → (sensitive)");
        assertThat(kgr("apply", "--auto-approve").exitCode()).isZero();
        assertThat(produce("alice", "second-Passw0rd", "u.other-1")).isNull();
        assertThat(produce("alice", "first-Passw0rd", "u.other-1")).isInstanceOf(SaslAuthenticationException.class);
        assertThat(kgr("plan", "-o", "json").changes()).isEmpty();
    }

    @Test
    void aRotationIsFoundAfterTheSecretsVersionWasRecorded() throws Exception {
        // a secret file older than a second when it is applied: the stored hash names its version, and no-op plans
        // trust that version instead of running PBKDF2. A rotation that keeps the length (same size, same inode) must
        // still be found: the rewrite changes the file's change time.
        password("dave-secret", "dave-Passw0rd-1");
        Files.writeString(repo.resolve("dave.yaml"), user("dave", scram("dave-secret"),
                topicAcl("u.allowed", "literal", "Write, Describe"), ""));
        Thread.sleep(1200);
        assertThat(kgr("apply", "--auto-approve").exitCode()).isZero();
        assertThat(kgr("plan", "-o", "json").changes()).isEmpty();

        password("dave-secret", "dave-Passw0rd-2");
        Thread.sleep(1200); // settled again: the plan reads a version, another one than the stored hash names
        Kgr.Result rotate = kgr("plan");
        assertThat(rotate.out()).contains("~ rotate password of user dave  [disruptive]",
                "the password in secret dave-secret/password changed");
        assertThat(kgr("apply", "--auto-approve").exitCode()).isZero();
        assertThat(produce("dave", "dave-Passw0rd-2", "u.allowed")).isNull();
        assertThat(produce("dave", "dave-Passw0rd-1", "u.allowed")).isInstanceOf(SaslAuthenticationException.class);

        // written again with the same password: a new version, the hash says it is the same, nothing to do
        Thread.sleep(1200);
        password("dave-secret", "dave-Passw0rd-2");
        assertThat(kgr("plan", "-o", "json").changes()).isEmpty();
    }

    @Test
    void pruneRemovesOnlyWhatKgrCreated() throws Exception {
        password("carol-secret", "carol-Passw0rd");
        Files.writeString(repo.resolve("carol.yaml"), user("carol", scram("carol-secret"),
                topicAcl("u.allowed", "literal", "Read"), "  quotas:\n    consumerByteRate: 2048\n"));
        assertThat(kgr("apply", "--auto-approve").exitCode()).isZero();
        // someone grants carol more by hand: unmanaged, never removed by kgr
        AclBinding manual = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "u.denied", PatternType.LITERAL),
                new AccessControlEntry("User:carol", "*", AclOperation.READ, AclPermissionType.ALLOW));
        admin.createAcls(List.of(manual)).all().get(30, TimeUnit.SECONDS);
        assertThat(kgr("plan").out()).contains("No changes.", "acl User:carol  (1 binding(s) not in Git and not created by kgr)");
        String unmanagedOnly = "acl User:carol  (1 binding(s) not declared in Git)";

        Files.delete(repo.resolve("carol.yaml"));
        Kgr.Result noPrune = kgr("apply", "--auto-approve");
        assertThat(noPrune.exitCode()).as(noPrune.all()).isZero();
        assertThat(noPrune.out()).contains("user carol is no longer in Git; kept");
        assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS)).containsKey("carol");

        // the repository is empty now: a prune of everything the source owns needs explicit consent
        Kgr.Result guarded = kgr("apply", "--auto-approve", "--prune");
        assertThat(guarded.exitCode()).as(guarded.all()).isEqualTo(1);
        assertThat(guarded.out()).contains("! refuse prune", "would delete everything source");
        assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS)).containsKey("carol");

        Kgr.Result prune = kgr("apply", "--auto-approve", "--prune", "--allow-mass-prune");
        assertThat(prune.exitCode()).as(prune.all()).isZero();
        assertThat(prune.out()).contains(unmanagedOnly);
        assertThat(prune.out()).contains("- delete ACLs of user carol", "- delete SCRAM credential of user carol",
                "- remove quotas of user carol");
        assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS)).doesNotContainKey("carol");
        assertThat(quotas("carol")).isEmpty();
        var left = admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).stream()
                .filter(b -> b.entry().principal().equals("User:carol")).toList();
        assertThat(left).containsExactly(manual);
    }

    @Test
    void badUserInputIsReportedWithFileAndLineAndNothingIsApplied() throws Exception {
        Files.writeString(repo.resolve("bad-op.yaml"), user("dave", scram("dave-secret"),
                topicAcl("u.allowed", "literal", "Write, Fly"), ""));
        Files.writeString(repo.resolve("bad-cluster.yaml"), user("erin", "",
                "      - resource:\n          type: cluster\n          patternType: prefix\n        operations: [Alter]\n", ""));
        password("frank-secret", "frank-Passw0rd");
        Files.writeString(repo.resolve("ok.yaml"), user("frank", scram("frank-secret"), topicAcl("u.allowed", "literal", "Read"), ""));
        Kgr.Result r = kgr("apply", "--auto-approve");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains(
                "bad-cluster.yaml:13:24  spec.authorization.acls[0].resource.patternType  a cluster resource cannot have patternType prefix",
                "bad-op.yaml:13:11  spec.authentication.password.valueFrom.secretKeyRef  password secret dave-secret/password not found",
                "bad-op.yaml:22:29  spec.authorization.acls[0].operations[1]  'Fly' is not one of Read, Write,",
                "ValidationFailed");
        assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS)).doesNotContainKey("frank");
    }

    @Test
    void noPasswordIsEverPrintedOrLogged() throws Exception {
        String secret = "Sup3r-Secret-Value-" + System.nanoTime();
        password("gina-secret", secret);
        Files.writeString(repo.resolve("gina.yaml"), user("gina", scram("gina-secret"), topicAcl("u.allowed", "literal", "Read"), ""));
        Path planFile = tmp.resolve("plan.json");
        List<String> outputs = new ArrayList<>();
        // as a separate process, with debug logging, so that logs are captured too
        for (List<String> args : List.of(
                List.of("plan", "-o", "json", "--out", planFile.toString()),
                List.of("plan", "-o", "markdown"),
                List.of("apply", "--plan", planFile.toString()),
                List.of("plan"))) {
            outputs.add(runJar(args));
        }
        outputs.add(Files.readString(planFile));
        // rotate, then apply from Git in text mode
        password("gina-secret", secret + "-2");
        outputs.add(runJar(List.of("apply", "--auto-approve")));
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(
                kafka.clientProperties(Map.of("group.id", "inspect", "auto.offset.reset", "earliest")),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer())) {
            consumer.subscribe(List.of("__kgr_inventory"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            StringBuilder inventory = new StringBuilder();
            while (System.nanoTime() < deadline && inventory.indexOf("gina") < 0) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> inventory.append(r.value()));
            }
            assertThat(inventory.toString()).as("the inventory keeps a salted hash").contains("gina", "pbkdf2-sha256:4096:");
            String stored = inventory.toString().replaceAll("(?s).*\"gina\"[^}]*?\"passwordHash\":\"pbkdf2-sha256:4096:([^:\"]+):([^\"]+)\".*", "$1 $2");
            for (String out : outputs) {
                assertThat(out).as("nothing derived from a password is printed").doesNotContain("pbkdf2");
                for (String part : stored.split(" ")) assertThat(out).doesNotContain(part);
            }
            outputs.add(inventory.toString());
        }
        // a saved plan proves at apply time that the password is still the one it was planned with
        password("gina-secret", secret + "-3");
        Path rotation = tmp.resolve("rotation.json");
        assertThat(kgr("plan", "--out", rotation.toString()).exitCode()).isZero();
        // the plan pins the version of the password's file (identity and change time), nothing computed from it
        assertThat(Files.readString(rotation)).contains("\"passwordVersion\" : \"file:").doesNotContain("pbkdf2", "hmac");
        password("gina-secret", secret + "-4");
        Kgr.Result stale = Kgr.run("apply", "--plan", rotation.toString(), "--bootstrap-server", kafka.bootstrapServers(),
                "--command-config", commandConfig.toString(), "--secrets-dir", secrets.toString(), "--no-color");
        assertThat(stale.exitCode()).as(stale.all()).isEqualTo(1);
        assertThat(stale.out()).contains("changed since the plan was made");
        assertThat(produce("gina", secret + "-4", "u.denied")).as("the unplanned password was not set")
                .isInstanceOf(SaslAuthenticationException.class);
        assertThat(produce("gina", secret + "-2", "u.denied")).isInstanceOf(TopicAuthorizationException.class);
        for (String out : outputs) {
            assertThat(out).doesNotContain(secret);
        }
        assertThat(String.join("\n", outputs)).contains("(sensitive)");
    }

    @Test
    void generatedPasswordsLiveInAKubernetesSecretThatKgrOwns() throws Exception {
        var mock = io.kgr.embedded.EmbeddedKubernetes.start("kafka");
        try {
            var kube = mock.client();
            Path kubeconfig = mock.writeKubeconfig(tmp.resolve("kubeconfig"));
            String noPassword = "  authentication:\n    type: scram-sha-512\n";
            Files.writeString(repo.resolve("ivan.yaml"), user("ivan", noPassword, topicAcl("u.allowed", "literal", "Write, Describe"), ""));
            // a Secret someone else made is never taken over
            kube.secrets().inNamespace("kafka").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                    .withNewMetadata().withName("jill").endMetadata().addToStringData("password", "theirs").build()).create();
            Files.writeString(repo.resolve("jill.yaml"), user("jill", noPassword, topicAcl("u.allowed", "literal", "Read"), ""));
            String[] k8s = {"--namespace", "kafka", "--kubeconfig", kubeconfig.toString()};

            Kgr.Result refused = kgr("plan", k8s);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("jill.yaml:9:5  spec.authentication.password  the Secret kafka/jill exists and"
                    + " was not created by kgr");
            Files.delete(repo.resolve("jill.yaml"));

            Kgr.Result plan = kgr("plan", k8s);
            assertThat(plan.exitCode()).as(plan.all()).isZero();
            assertThat(plan.out()).containsSubsequence("+ create Secret ivan with a generated password",
                    "+ create SCRAM credential for user ivan");
            Kgr.Result apply = kgr("apply", Kgr.args("--auto-approve", k8s, "-o", "json"));
            assertThat(apply.exitCode()).as(apply.all()).isZero();
            assertThat(apply.applied()).containsSubsequence("create-user-secret:ivan", "upsert-scram-credential:ivan");

            var secret = kube.secrets().inNamespace("kafka").withName("ivan").get();
            assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "kgr");
            String password = new String(java.util.Base64.getDecoder().decode(secret.getData().get("password")));
            assertThat(password).hasSize(32);
            assertThat(new String(java.util.Base64.getDecoder().decode(secret.getData().get("sasl.jaas.config"))))
                    .contains("username=\"ivan\"");
            assertThat(produce("ivan", password, "u.allowed")).isNull();
            assertThat(apply.all()).doesNotContain(password);
            assertThat(kube.secrets().inNamespace("kafka").withName("jill").get().getStringData()).containsEntry("password", "theirs");

            Kgr.Result again = kgr("plan", k8s, "-o", "json");
            assertThat(again.changes()).as("the generated password is known now").isEmpty();

            Files.delete(repo.resolve("ivan.yaml"));
            Kgr.Result prune = kgr("apply", Kgr.args("--auto-approve", k8s, "--prune", "--allow-mass-prune"));
            assertThat(prune.exitCode()).as(prune.all()).isZero();
            assertThat(prune.out()).containsSubsequence("- delete SCRAM credential of user ivan", "- delete Secret ivan");
            assertThat(kube.secrets().inNamespace("kafka").withName("ivan").get()).isNull();
            assertThat(kube.secrets().inNamespace("kafka").withName("jill").get()).isNotNull();
        } finally {
            mock.close();
        }
    }

    /**
     * A prune killed after any of its writes (no inventory written, as with a kill): the next run continues the same
     * prune — the steps left, nothing else, nothing forgotten — and converges. Shown by applying a saved plan cut after
     * its k-th step, which is exactly what a kill leaves.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "killed after step {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3})
    void aPruneKilledAfterAnyOfItsWritesIsFinishedByTheNextRun(int k) throws Exception {
        var mock = io.kgr.embedded.EmbeddedKubernetes.start("kafka");
        String name = "kill" + k;
        try {
            Path kubeconfig = mock.writeKubeconfig(tmp.resolve("kubeconfig"));
            String[] k8s = {"--namespace", "kafka", "--kubeconfig", kubeconfig.toString()};
            Files.writeString(repo.resolve(name + ".yaml"), user(name, "  authentication:\n    type: scram-sha-512\n",
                    topicAcl("u.allowed", "literal", "Write, Describe"), ""));
            // a second user keeps the prune below the mass-prune guard
            Files.writeString(repo.resolve("stay.yaml"), user("stay" + k, "  authentication:\n    type: scram-sha-512\n",
                    topicAcl("u.allowed", "literal", "Read"), ""));
            Kgr.Result created = kgr("apply", Kgr.args("--auto-approve", k8s));
            assertThat(created.exitCode()).as(created.all()).isZero();

            Files.delete(repo.resolve(name + ".yaml"));
            Path planFile = tmp.resolve("prune.json");
            Kgr.Result planned = kgr("plan", Kgr.args("--prune", k8s, "-o", "json", "--out", planFile.toString()));
            assertThat(planned.exitCode()).as(planned.all()).isZero();
            List<String> prune = planned.steps().stream().filter(id -> !id.startsWith("update-inventory:")).toList();
            assertThat(prune).containsExactly("delete-acls:" + name, "delete-scram-credential:" + name + "/SCRAM-SHA-512",
                    "delete-user-secret:" + name);

            applyKilledAfter(planFile, prune.subList(0, k), k8s);

            // the next plan continues the same prune: what the kill left, and only that. The generated Secret is
            // forgotten only once a run recorded its deletion (the planner does not read a pruned user's Secret): after
            // a kill at the last step its deletion is shown again, and deleting an absent Secret does nothing
            Kgr.Result next = kgr("plan", Kgr.args("--prune", k8s, "-o", "json"));
            assertThat(next.exitCode()).as(next.all()).isZero();
            List<String> left = k < prune.size() ? prune.subList(k, prune.size()) : List.of("delete-user-secret:" + name);
            assertThat(next.steps().stream().filter(id -> !id.startsWith("update-inventory:")))
                    .as("after a kill at step " + k).containsExactlyElementsOf(left);
            Kgr.Result finish = kgr("apply", Kgr.args("--auto-approve", k8s, "--prune"));
            assertThat(finish.exitCode()).as(finish.all()).isZero();
            assertThat(kgr("plan", Kgr.args("--prune", k8s, "-o", "json")).changes()).isEmpty();
            assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS)).doesNotContainKey(name)
                    .containsKey("stay" + k);
            assertThat(mock.client().secrets().inNamespace("kafka").withName(name).get()).isNull();
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                    .noneMatch(b -> b.entry().principal().equals("User:" + name));
        } finally {
            mock.close();
        }
    }

    /**
     * Applies the saved plan as a kill would have left it: only {@code done} ran (in the plan's order), the other
     * steps and the inventory did not.
     */
    private void applyKilledAfter(Path planFile, List<String> done, String... extra) throws Exception {
        Path killed = Kgr.cutPlan(planFile, done, tmp.resolve("killed.json"));
        Kgr.Result partial = kgr("apply", Kgr.args("--plan=" + killed, extra, "-o", "json"));
        assertThat(partial.exitCode()).as(partial.all()).isZero();
        assertThat(partial.applied()).containsExactlyElementsOf(done);
    }

    /**
     * A user's authentication changes (SCRAM → a certificate from outside: {@code User:x} becomes {@code User:CN=x}),
     * and the apply is killed after any of its writes: the new principal's ACLs come first, so the user is never left
     * without a principal that may do what Git says; the next run removes what is left of the old principal (its ACLs,
     * its credential) and nothing is orphaned.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "killed after step {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void anAuthenticationChangeKilledAfterAnyOfItsWritesIsFinishedByTheNextRun(int k) throws Exception {
        String name = "switch" + k;
        password(name + "-secret", name + "-Passw0rd");
        String acl = topicAcl("u.allowed", "literal", "Read");
        Files.writeString(repo.resolve(name + ".yaml"), user(name, scram(name + "-secret"), acl, ""));
        assertThat(kgr("apply", "--auto-approve").exitCode()).isZero();

        Files.writeString(repo.resolve(name + ".yaml"), user(name, "  authentication:\n    type: tls-external\n", acl, ""));
        Path planFile = tmp.resolve("switch.json");
        Kgr.Result planned = kgr("plan", "-o", "json", "--out", planFile.toString());
        assertThat(planned.exitCode()).as(planned.all()).isZero();
        List<String> change = planned.steps().stream().filter(id -> !id.startsWith("update-inventory:")).toList();
        assertThat(change).containsExactly("create-acls:" + name, "delete-acls:" + name,
                "delete-scram-credential:" + name + "/SCRAM-SHA-512");

        applyKilledAfter(planFile, change.subList(0, k));
        assertThat(principalsWithAcls(name)).as("the new principal may read from the first write on")
                .contains("User:CN=" + name);

        Kgr.Result next = kgr("plan", "-o", "json");
        assertThat(next.steps().stream().filter(id -> !id.startsWith("update-inventory:")))
                .as("after a kill at step " + k).containsExactlyElementsOf(change.subList(k, change.size()));
        assertThat(kgr("apply", "--auto-approve").exitCode()).isZero();
        assertThat(kgr("plan", "-o", "json").changes()).isEmpty();
        assertThat(principalsWithAcls(name)).containsExactly("User:CN=" + name);
        assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS)).doesNotContainKey(name);
    }

    private static List<String> principalsWithAcls(String user) throws Exception {
        return admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).stream()
                .map(b -> b.entry().principal()).filter(p -> p.equals("User:" + user) || p.equals("User:CN=" + user))
                .distinct().sorted().toList();
    }

    private String runJar(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", System.getProperty("kgr.jar"), args.get(0)));
        if (!args.get(0).equals("apply") || !args.contains("--plan")) {
            cmd.addAll(List.of("--repo", repo.toString()));
        }
        cmd.addAll(List.of("--bootstrap-server", kafka.bootstrapServers(), "--cluster", "secured", "--command-config", commandConfig.toString(),
                "--secrets-dir", secrets.toString(), "--no-color"));
        cmd.addAll(args.subList(1, args.size()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("KGR_LOG_LEVEL", "DEBUG");
        pb.environment().put("KGR_KAFKA_LOG_LEVEL", "DEBUG");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out.length() > 4000 ? out.substring(out.length() - 4000) : out).isZero();
        return out;
    }


    @Test
    void theInventoryIsReadableOnlyByKgrsOwnPrincipal() throws Exception {
        admin.createTopics(List.of(new NewTopic("u.readable", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        password("hank-secret", "hank-Passw0rd");
        Files.writeString(repo.resolve("hank.yaml"), user("hank", scram("hank-secret"), topicAcl("\"*\"", "literal", "Read, Describe"), ""));
        Kgr.Result apply = kgr("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        var deny = admin.describeAcls(new AclBindingFilter(new org.apache.kafka.common.resource.ResourcePatternFilter(
                ResourceType.TOPIC, "__kgr_inventory", PatternType.LITERAL), org.apache.kafka.common.acl.AccessControlEntryFilter.ANY))
                .values().get(30, TimeUnit.SECONDS);
        assertThat(deny).extracting(b -> b.entry().principal() + " " + b.entry().permissionType() + " " + b.entry().operation())
                .containsExactly("User:* DENY ALL");
        try (Admin hank = Admin.create(login("hank", "hank-Passw0rd"))) {
            assertThat(hank.describeTopics(List.of("u.readable")).allTopicNames().get(30, TimeUnit.SECONDS)).as("hank reads every topic")
                    .containsKey("u.readable");
            assertThatThrownBy(() -> hank.describeTopics(List.of("__kgr_inventory")).allTopicNames().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(kgr("plan", "-o", "json").changes()).as("kgr itself still reads its inventory").isEmpty();
        Files.delete(repo.resolve("hank.yaml"));
    }

    @Test
    void moreAclBindingsThanTheControllerTakesInOneRequestAreSplit() throws Exception {
        // 2,001 topics × 5 operations = 10,005 bindings: over the controller's 10,000 records per request
        StringBuilder acls = new StringBuilder();
        for (int i = 0; i <= 2000; i++) acls.append(topicAcl("bulk.t" + i, "literal", "Read, Write, Describe, Alter, Delete"));
        password("bulk-secret", "bulk-Passw0rd");
        Files.writeString(repo.resolve("bulk.yaml"), user("bulk", scram("bulk-secret"), acls.toString(), ""));
        Kgr.Result apply = kgr("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        AclBindingFilter bulk = new AclBindingFilter(org.apache.kafka.common.resource.ResourcePatternFilter.ANY,
                new org.apache.kafka.common.acl.AccessControlEntryFilter("User:bulk", null, AclOperation.ANY, AclPermissionType.ANY));
        assertThat(admin.describeAcls(bulk).values().get(30, TimeUnit.SECONDS)).hasSize(10_005);
        assertThat(kgr("plan", "-o", "json").changes()).isEmpty();

        Files.writeString(repo.resolve("bulk.yaml"), user("bulk", scram("bulk-secret"), "", "").replace("    acls:\n", "    acls: []\n"));
        Kgr.Result remove = kgr("apply", "--auto-approve");
        assertThat(remove.exitCode()).as(remove.err()).isZero();
        assertThat(admin.describeAcls(bulk).values().get(30, TimeUnit.SECONDS)).isEmpty();
        Files.delete(repo.resolve("bulk.yaml"));
    }
}
