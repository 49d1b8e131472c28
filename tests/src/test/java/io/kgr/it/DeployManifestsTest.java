package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kgr.embedded.EmbeddedKubernetes;
import io.kgr.service.ServiceConfig;

/**
 * deploy/ renders with {@code kubectl kustomize} and holds what running kgr in Kubernetes needs: a valid kgr.yaml whose
 * credential files are mounted, two replicas with leader election, probes, a locked-down pod, least-privilege RBAC.
 */
class DeployManifestsTest {
    static final Path DEPLOY = Path.of(System.getProperty("kgr.samples")).resolve("../deploy").normalize();
    /** deploy/ as kubectl apply -k deploy/ installs it: the full profile. */
    static List<Map<String, Object>> objects;
    /** deploy/overlays/topics-users: kgr beside another operator. */
    static List<Map<String, Object>> topicsUsers;
    static String kubectl;

    @BeforeAll
    static void render() throws Exception {
        kubectl = findKubectl();
        assumeTrue(kubectl != null, "kubectl is not installed here: cannot render deploy/ (.ci/run installs Debian's kubernetes-client)");
        objects = kustomize(DEPLOY);
        topicsUsers = kustomize(DEPLOY.resolve("overlays/topics-users"));
    }

    static List<Map<String, Object>> kustomize(Path dir) throws Exception {
        Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<Map<String, Object>> all = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(out)) {
            if (doc != null) all.add(map(doc));
        }
        return all;
    }

    private static String findKubectl() throws IOException, InterruptedException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Path.of(dir, "kubectl").toFile().canExecute()) return Path.of(dir, "kubectl").toString();
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    static Map<String, Object> one(String kind, String namePrefix) {
        return objects.stream().filter(o -> kind.equals(o.get("kind")))
                .filter(o -> String.valueOf(map(o.get("metadata")).get("name")).startsWith(namePrefix))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + namePrefix + " in deploy/"));
    }

    @Test
    void everyPartIsThereAndNoSecretIsInstalled() {
        assertThat(objects).extracting(o -> o.get("kind")).contains("Namespace", "CustomResourceDefinition",
                "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "Deployment", "Service", "ConfigMap",
                "NetworkPolicy", "PodDisruptionBudget");
        // an example Secret applied by default would install a publicly known webhook secret (and overwrite a real one)
        assertThat(objects).noneMatch(o -> o.get("kind").equals("Secret"));
        assertThat(topicsUsers).noneMatch(o -> o.get("kind").equals("Secret"));
        // the namespace the RoleBinding grants rights in is installed too
        assertThat(objects).anyMatch(o -> o.get("kind").equals("Namespace") && map(o.get("metadata")).get("name").equals("kafka"));
        Map<String, Object> container = map(list(map(map(map(one("Deployment", "kgr").get("spec")).get("template"))
                .get("spec")).get("containers")).get(0));
        assertThat(container.get("image")).as("set by the overlay's images:").isEqualTo("ghcr.io/kgr-io/kgr:0.1.0");
        assertThat(Stream.of("kafkas", "kafkanodepools", "kafkatopics", "kafkausers")).allSatisfy(plural ->
                one("CustomResourceDefinition", plural + ".kafka.strimzi.io"));
        Map<String, Object> crd = one("CustomResourceDefinition", "podsets.kgr.io");
        assertThat(map(crd.get("spec")).get("group")).isEqualTo("kgr.io");
        assertThat(map(map(crd.get("spec")).get("names")).get("plural")).isEqualTo("podsets");
    }

    @Test
    void theTopicsAndUsersProfileTouchesNoPodVolumeOrServiceOfTheCluster() {
        List<Map<String, Object>> roles = topicsUsers.stream().filter(o -> o.get("kind").equals("ClusterRole")).toList();
        assertThat(roles).singleElement().satisfies(r -> assertThat(list(r.get("rules"))).singleElement()
                .satisfies(rule -> assertThat(list(map(rule).get("resources"))).containsExactly("secrets")));
        assertThat(topicsUsers).noneMatch(o -> o.get("kind").equals("CustomResourceDefinition"));
        Map<String, Object> configMap = topicsUsers.stream().filter(o -> o.get("kind").equals("ConfigMap")).findFirst().orElseThrow();
        ServiceConfig.Result parsed = ServiceConfig.parse("kgr.yaml", String.valueOf(map(configMap.get("data")).get("kgr.yaml")),
                Path.of("/etc/kgr"));
        assertThat(parsed.diagnostics()).isEmpty();
    }

    @Test
    void eachProfileAppliesToAnApiServer() throws Exception {
        for (List<Map<String, Object>> profile : List.of(objects, topicsUsers)) {
            try (var kube = EmbeddedKubernetes.start("kafka")) {
                var serialization = kube.client().getKubernetesSerialization();
                for (Map<String, Object> o : profile) {
                    var object = serialization.unmarshal(serialization.asJson(o), HasMetadata.class);
                    if (object.getKind().equals("Namespace") || object.getKind().equals("CustomResourceDefinition")) {
                        kube.client().resource(object).createOr(existing -> existing.update());
                    } else {
                        kube.client().resource(object).create();
                    }
                }
                assertThat(kube.client().apps().deployments().inNamespace("kgr").withName("kgr").get()).isNotNull();
                assertThat(kube.client().rbac().roleBindings().inNamespace("kafka").list().getItems()).isNotEmpty();
            }
        }
    }

    @Test
    void theConfigIsValidAndItsCredentialFilesAreMounted() {
        Map<String, Object> configMap = one("ConfigMap", "kgr-config");
        String yaml = String.valueOf(map(configMap.get("data")).get("kgr.yaml"));
        ServiceConfig.Result parsed = ServiceConfig.parse("deploy/kgr.yaml", yaml, Path.of("/etc/kgr"));
        assertThat(parsed.diagnostics()).isEmpty();
        ServiceConfig config = parsed.config().orElseThrow();

        Map<String, Object> pod = map(map(map(one("Deployment", "kgr").get("spec")).get("template")).get("spec"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        List<String> mounts = list(container.get("volumeMounts")).stream().map(m -> String.valueOf(map(m).get("mountPath"))).toList();
        List<Path> files = new ArrayList<>();
        config.sources().forEach(s -> {
            s.tokenFile().ifPresent(files::add);
            s.webhookSecretFile().ifPresent(files::add);
        });
        // the shipped config is safe by default: the status and plan API needs a token, from a mounted Secret
        assertThat(config.server().apiTokenFile()).isPresent();
        config.server().apiTokenFile().ifPresent(files::add);
        assertThat(files).isNotEmpty().allSatisfy(f -> assertThat(mounts).anyMatch(m -> f.startsWith(m)));
        assertThat(mounts).contains(config.cacheDir().toString(), "/etc/kgr/kgr.yaml");
        assertThat(list(container.get("args"))).contains("serve", "/etc/kgr/kgr.yaml");
        // the ConfigMap the Deployment mounts is the generated one
        assertThat(list(pod.get("volumes")).stream().map(DeployManifestsTest::map)
                .filter(v -> v.containsKey("configMap")).map(v -> map(v.get("configMap")).get("name")))
                .containsExactly(map(configMap.get("metadata")).get("name"));
    }

    @Test
    void twoLockedDownReplicasWithProbes() {
        Map<String, Object> spec = map(one("Deployment", "kgr").get("spec"));
        assertThat(spec.get("replicas")).isEqualTo(2);
        Map<String, Object> pod = map(map(spec.get("template")).get("spec"));
        assertThat(map(pod.get("securityContext")).get("runAsNonRoot")).isEqualTo(true);
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        Map<String, Object> security = map(container.get("securityContext"));
        assertThat(security.get("readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(security.get("allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(map(map(container.get("livenessProbe")).get("httpGet")).get("path")).isEqualTo("/healthz");
        assertThat(map(map(container.get("readinessProbe")).get("httpGet")).get("path")).isEqualTo("/readyz");
        assertThat(map(container.get("resources"))).containsKeys("requests", "limits");
        assertThat(list(pod.get("volumes")).stream().map(DeployManifestsTest::map).filter(v -> v.containsKey("emptyDir"))).hasSizeGreaterThanOrEqualTo(1);
        // the pod knows its own name and namespace: the Lease holder identity and the leader label use them
        assertThat(list(container.get("env")).stream().map(e -> map(e).get("name"))).contains("POD_NAME", "POD_NAMESPACE");
        Map<String, Object> webhook = map(one("Service", "kgr-webhook").get("spec"));
        assertThat(map(webhook.get("selector"))).containsEntry("kgr.io/leader", "true");
    }

    @Test
    void rbacGrantsOnlyNamedVerbsOnNamedResources() {
        List<Map<String, Object>> roles = objects.stream().filter(o -> o.get("kind").equals("Role") || o.get("kind").equals("ClusterRole")).toList();
        for (Map<String, Object> role : roles) {
            for (Object r : list(role.get("rules"))) {
                Map<String, Object> rule = map(r);
                assertThat(list(rule.get("verbs"))).doesNotContain("*", "escalate", "bind", "impersonate");
                assertThat(list(rule.get("resources"))).doesNotContain("*");
            }
        }
        Map<String, Object> leaderRole = one("Role", "kgr-leader-election");
        assertThat(list(leaderRole.get("rules"))).anySatisfy(r -> {
            assertThat(list(map(r).get("resources"))).contains("leases");
            assertThat(list(map(r).get("verbs"))).contains("get", "create", "update");
        });
        // cluster rights are granted per namespace, by a RoleBinding, never cluster-wide
        assertThat(objects).filteredOn(o -> o.get("kind").equals("ClusterRoleBinding"))
                .allSatisfy(b -> assertThat(map(b.get("roleRef")).get("name")).isNotEqualTo("kgr-cluster-manager"));
    }
}
