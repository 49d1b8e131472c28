package io.kgr.bench;

import static io.kgr.bench.TopicBench.concat;
import static io.kgr.bench.TopicBench.log;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaFilter;

import io.kgr.it.EmbeddedKafka;

/**
 * {@code make bench}, users: N users (SCRAM, 5 ACLs each) against a real broker with an authorizer: plan from empty,
 * apply, no-op plan (wall, peak RSS, median of 3), next to the Admin floor (bulk describes; batched
 * alterUserScramCredentials + createAcls).
 */
public final class UserBench {
    static List<String[]> aclsOf(String user) {
        return List.of(
                new String[] {"TOPIC", user + ".", "PREFIXED", "WRITE"},
                new String[] {"TOPIC", user + ".", "PREFIXED", "READ"},
                new String[] {"TOPIC", "shared.events", "LITERAL", "READ"},
                new String[] {"GROUP", user + "-", "PREFIXED", "READ"},
                new String[] {"CLUSTER", "kafka-cluster", "LITERAL", "IDEMPOTENT_WRITE"});
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path root = Path.of("").toAbsolutePath();
        Path jar = Path.of(System.getProperty("kgr.jar", root.resolve("reconciler/kgr/target/kgr.jar").toString()));
        Path testClasses = Path.of(System.getProperty("kgr.testClasses", root.resolve("tests/target/test-classes").toString()));
        Path repo = Files.createTempDirectory("kgr-bench-users");
        Path secrets = Files.createTempDirectory("kgr-bench-secrets");
        String prefix = "user";
        for (int i = 0; i < n; i++) {
            String user = prefix + i;
            Files.createDirectories(secrets.resolve(user));
            Files.writeString(secrets.resolve(user).resolve("password"), "pw-" + user + "-" + Long.toHexString(i * 7919L));
            Files.writeString(repo.resolve(user + ".yaml"), "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaUser\n"
                    + "metadata:\n  name: " + user + "\n  labels:\n    strimzi.io/cluster: bench\nspec:\n"
                    + "  authentication:\n    type: scram-sha-512\n    password:\n      valueFrom:\n        secretKeyRef:\n"
                    + "          name: " + user + "\n          key: password\n  authorization:\n    type: simple\n    acls:\n"
                    + "      - resource: {type: topic, name: " + user + "., patternType: prefix}\n        operations: [Write, Read]\n"
                    + "      - resource: {type: topic, name: shared.events}\n        operations: [Read]\n"
                    + "      - resource: {type: group, name: " + user + "-, patternType: prefix}\n        operations: [Read]\n"
                    + "      - resource: {type: cluster}\n        operations: [IdempotentWrite]\n");
        }
        StringBuilder report = new StringBuilder();
        report.append("| N users (5 ACLs each) | step | kgr wall s | kgr peak RSS MiB | floor wall s | floor peak RSS MiB | kgr / floor |\n");
        report.append("|---:|---|---:|---:|---:|---:|---:|\n");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(1, Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:ANONYMOUS")); Admin admin = kafka.admin()) {
            String bs = kafka.bootstrapServers();
            List<String> kgrBase = TopicBench.kgrCommand(jar);
            List<String> common = List.of("--repo", repo.toString(), "--bootstrap-server", bs, "--secrets-dir", secrets.toString(),
                    "--no-color");
            List<String> planCmd = concat(concat(kgrBase, "plan"), common.toArray(String[]::new));
            List<String> applyCmd = concat(concat(kgrBase, "apply", "--auto-approve"), common.toArray(String[]::new));
            List<String> floorBase = concat(concat(List.of("java"), TopicBench.CLI_JVM.toArray(String[]::new)), "-cp",
                    jar + ":" + testClasses, AdminFloor.class.getName());
            List<String> floorObserve = concat(floorBase, "users-observe", bs);
            List<String> floorCreate = concat(floorBase, "users-observe-create", bs, prefix, String.valueOf(n), secrets.toString());
            List<TopicBench.Sample> planEmpty = new ArrayList<>(), observeEmpty = new ArrayList<>(), apply = new ArrayList<>(),
                    create = new ArrayList<>(), noop = new ArrayList<>(), observeFull = new ArrayList<>();
            for (int run = 0; run < TopicBench.RUNS; run++) {
                boolean kgrFirst = run % 2 == 0;
                log("users N=" + n + " run " + (run + 1));
                TopicBench.pair(kgrFirst, planCmd, planEmpty, floorObserve, observeEmpty);
                apply.add(TopicBench.time(applyCmd, 0));
                TopicBench.pair(kgrFirst, planCmd, noop, floorObserve, observeFull);
                clear(admin);
                create.add(TopicBench.time(floorCreate, 0));
                clear(admin);
            }
            TopicBench.row(report, n, "plan from empty", planEmpty, observeEmpty);
            TopicBench.row(report, n, "apply (from empty)", apply, create);
            TopicBench.row(report, n, "no-op plan", noop, observeFull);
        }
        System.out.println(report);
        Path out = Files.createDirectories(root.resolve("bench-results")).resolve("users-" + LocalDate.now() + ".md");
        Files.writeString(out, "Run " + LocalDate.now() + " on " + TopicBench.machine() + "\n\n" + report, StandardCharsets.UTF_8);
        System.out.println("Written to " + out);
    }

    /** Removes every SCRAM credential, ACL and user quota, and kgr's inventory. */
    private static void clear(Admin admin) throws Exception {
        List<UserScramCredentialAlteration> deletions = new ArrayList<>();
        admin.describeUserScramCredentials().all().get(120, TimeUnit.SECONDS).forEach((user, d) -> d.credentialInfos()
                .forEach(i -> deletions.add(new UserScramCredentialDeletion(user, i.mechanism()))));
        if (!deletions.isEmpty()) admin.alterUserScramCredentials(deletions).all().get(120, TimeUnit.SECONDS);
        admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get(120, TimeUnit.SECONDS);
        List<ClientQuotaAlteration> quotas = new ArrayList<>();
        admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get(120, TimeUnit.SECONDS).forEach((entity, values) ->
                quotas.add(new ClientQuotaAlteration(entity, values.keySet().stream()
                        .map(k -> new ClientQuotaAlteration.Op(k, null)).toList())));
        if (!quotas.isEmpty()) admin.alterClientQuotas(quotas).all().get(120, TimeUnit.SECONDS);
        if (admin.listTopics().names().get(60, TimeUnit.SECONDS).contains("__kgr_inventory")) {
            admin.deleteTopics(List.of("__kgr_inventory")).all().get(60, TimeUnit.SECONDS);
        }
        Thread.sleep(3000);
    }

}
