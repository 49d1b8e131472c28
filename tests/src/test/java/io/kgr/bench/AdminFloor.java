package io.kgr.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The floor kgr is measured against: the least an Admin program must do. {@code observe}: listTopics +
 * describeTopics(all) + describeConfigs(all). {@code observe-create}: the same, then createTopics of the missing
 * {@code <prefix><i>} topics in batches (what an apply from empty needs at minimum).
 */
public final class AdminFloor {
    /**
     * {@code users-observe}: describeUserScramCredentials + describeAcls + describeClientQuotas.
     * {@code users-observe-create}: the same, then alterUserScramCredentials for {@code <prefix><i>} with the
     * password read from {@code <secrets>/<prefix><i>/password}, and createAcls of 5 bindings per user.
     */
    static void users(String mode, String bootstrap, String[] args) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.describeUserScramCredentials().all().get(120, TimeUnit.SECONDS);
            admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values().get(120, TimeUnit.SECONDS);
            admin.describeClientQuotas(org.apache.kafka.common.quota.ClientQuotaFilter.all()).entities().get(120, TimeUnit.SECONDS);
            if (!mode.equals("users-observe-create")) return;
            String prefix = args[2];
            int count = Integer.parseInt(args[3]);
            java.nio.file.Path secrets = java.nio.file.Path.of(args[4]);
            List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> creds = new ArrayList<>();
            List<org.apache.kafka.common.acl.AclBinding> acls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String user = prefix + i;
                String pw = java.nio.file.Files.readString(secrets.resolve(user).resolve("password")).trim();
                creds.add(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
                        new org.apache.kafka.clients.admin.ScramCredentialInfo(
                                org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 4096), pw));
                for (String[] a : UserBench.aclsOf(user)) {
                    acls.add(new org.apache.kafka.common.acl.AclBinding(
                            new org.apache.kafka.common.resource.ResourcePattern(
                                    org.apache.kafka.common.resource.ResourceType.valueOf(a[0]), a[1],
                                    org.apache.kafka.common.resource.PatternType.valueOf(a[2])),
                            new org.apache.kafka.common.acl.AccessControlEntry("User:" + user, "*",
                                    org.apache.kafka.common.acl.AclOperation.valueOf(a[3]),
                                    org.apache.kafka.common.acl.AclPermissionType.ALLOW)));
                }
            }
            admin.alterUserScramCredentials(creds).all().get(300, TimeUnit.SECONDS);
            admin.createAcls(acls).all().get(300, TimeUnit.SECONDS);
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String bootstrap = args[1];
        if (mode.startsWith("users")) {
            users(mode, bootstrap, args);
            return;
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Set<String> names = admin.listTopics().names().get(120, TimeUnit.SECONDS);
            if (!names.isEmpty()) {
                admin.describeTopics(names).allTopicNames().get(120, TimeUnit.SECONDS);
                List<ConfigResource> resources = names.stream()
                        .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
                admin.describeConfigs(resources).all().get(120, TimeUnit.SECONDS);
            }
            if (mode.equals("observe-create")) {
                String prefix = args[2];
                int count = Integer.parseInt(args[3]);
                List<NewTopic> batch = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String name = prefix + i;
                    if (names.contains(name)) continue;
                    // the same topics kgr creates: the benchmark manifests carry one config each
                    batch.add(new NewTopic(name, 1, (short) 1).configs(Map.of("retention.ms", "86400000")));
                    if (batch.size() == 2500) { // 3 metadata records a topic; the controller takes 10,000 a request
                        admin.createTopics(batch).all().get(300, TimeUnit.SECONDS);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) admin.createTopics(batch).all().get(300, TimeUnit.SECONDS);
            }
        }
    }
}
