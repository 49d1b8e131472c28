package io.kgr.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The demo's API server: kubectl can talk to it, the PodSet CRD is there, and the simulator makes pods Ready. */
class EmbeddedKubernetesTest {
    static EmbeddedKubernetes kube;
    @TempDir static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        kube = EmbeddedKubernetes.start("kafka");
    }

    @AfterAll
    static void stop() {
        kube.close();
    }

    @Test
    void podsBecomeReadyAndClaimsBoundWithTheirRequestedSize() {
        var client = kube.client();
        client.pods().inNamespace("kafka").resource(new PodBuilder().withNewMetadata().withName("my-cluster-broker-0")
                .endMetadata().withNewSpec().addNewContainer().withName("kafka").withImage("apache/kafka:4.1.0")
                .endContainer().endSpec().build()).create();
        client.persistentVolumeClaims().inNamespace("kafka").resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName("data-my-cluster-broker-0").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity("10Gi")).endResources().endSpec().build()).create();
        try (PodSimulator simulator = new PodSimulator(client)) {
            simulator.tick();
            var pod = client.pods().inNamespace("kafka").withName("my-cluster-broker-0").get();
            assertThat(PodSimulator.ready(pod)).isTrue();
            var pvc = client.persistentVolumeClaims().inNamespace("kafka").withName("data-my-cluster-broker-0").get();
            assertThat(pvc.getStatus().getPhase()).isEqualTo("Bound");
            assertThat(pvc.getStatus().getCapacity().get("storage")).isEqualTo(new Quantity("10Gi"));

            // an expanded claim reports its new size, as a resizing provisioner would
            pvc.getSpec().getResources().getRequests().put("storage", new Quantity("20Gi"));
            client.persistentVolumeClaims().inNamespace("kafka").resource(pvc).update();
            simulator.tick();
            assertThat(client.persistentVolumeClaims().inNamespace("kafka").withName("data-my-cluster-broker-0").get()
                    .getStatus().getCapacity().get("storage")).isEqualTo(new Quantity("20Gi"));
        }
    }

    @Test
    void podSetsCanBeStoredAndTheCrdIsInstalled() {
        var client = kube.client();
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("podsets.kgr.io").get()).isNotNull();
        var context = new ResourceDefinitionContext.Builder().withGroup("kgr.io").withVersion("v1alpha1")
                .withKind("PodSet").withPlural("podsets").withNamespaced(true).build();
        client.genericKubernetesResources(context).inNamespace("kafka").resource(new GenericKubernetesResourceBuilder()
                .withApiVersion("kgr.io/v1alpha1").withKind("PodSet").withNewMetadata().withName("my-cluster-broker")
                .endMetadata().withAdditionalProperties(Map.of("spec", Map.of("pods", List.of()))).build()).create();
        assertThat(client.genericKubernetesResources(context).inNamespace("kafka").list().getItems()).hasSize(1);
    }

    @Test
    void kubectlTalksToIt() throws Exception {
        String kubectl = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Path.of(dir, "kubectl").toFile().canExecute()) kubectl = Path.of(dir, "kubectl").toString();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(kubectl != null, "kubectl is not installed here");
        Path kubeconfig = kube.writeKubeconfig(tmp.resolve("kubeconfig"));
        kube.client().configMaps().inNamespace("kafka").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("kubectl-sees-me").endMetadata().build()).create();
        Process p = new ProcessBuilder(kubectl, "--kubeconfig", kubeconfig.toString(), "get", "configmaps,podsets", "-n",
                "kafka", "-o", "name").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("configmap/kubectl-sees-me");
    }
}
