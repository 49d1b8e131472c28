package io.kgr.it;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kgr.model.StrimziKinds;
import io.kgr.tls.Pki;

/**
 * A one-node KRaft cluster (pool {@code dual}, controller and broker) made in a namespace as Strimzi 1.x's cluster
 * operator makes one: its {@code Kafka} and {@code KafkaNodePool} resources with a status, a {@code StrimziPodSet}, the
 * pod with Strimzi's labels, image and {@code kafka_run.sh}, its ConfigMap with {@code server.config} (Strimzi's listener
 * names, certificates read with Strimzi's {@code strimzisecrets} provider) and {@code cluster.id}, the CA Secrets and
 * the node's certificate Secret, the JBOD volume, the Services and the disruption budget, each labelled
 * {@code app.kubernetes.io/managed-by: strimzi-cluster-operator} and owned by the Kafka (the pod by its pod set). The
 * local kubelet runs the pod as a real broker. Written for these tests from Strimzi's documented layout.
 */
final class StrimziMadeCluster {
    static final String KAFKA_SPEC = """
            {"kafka": {"version": "4.1.0",
                       "listeners": [{"name": "plain", "port": 9092, "type": "internal", "tls": false}],
                       "authorization": {"type": "simple", "superUsers": ["ANONYMOUS"]},
                       "config": {"offsets.topic.replication.factor": 1, "transaction.state.log.replication.factor": 1,
                                  "transaction.state.log.min.isr": 1, "min.insync.replicas": 1,
                                  "group.initial.rebalance.delay.ms": 0}}}
            """;
    static final String POOL_SPEC = """
            {"replicas": 1, "roles": ["controller", "broker"],
             "storage": {"type": "jbod", "volumes": [{"id": 0, "type": "persistent-claim", "size": "1Gi",
                                                      "deleteClaim": false, "kraftMetadata": "shared"}]}}
            """;
    static final String CLUSTER_ID = "q1Zk2lHnRUCoTGFX7mJ9Aw";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final ResourceDefinitionContext POD_SETS = StrimziKinds.STRIMZI_POD_SETS.get(0);

    private final KubernetesClient client;
    private final String ns;
    private final String name;
    private final String pod;

    StrimziMadeCluster(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.ns = namespace;
        this.name = name;
        this.pod = name + "-dual-0";
    }

    String pod() {
        return pod;
    }

    /** Everything Strimzi would have made, with the Kafka resource reconciled (observedGeneration = generation). */
    void create() {
        GenericKubernetesResource kafka = resource("Kafka", name, Map.of(), KAFKA_SPEC);
        kafka = client.genericKubernetesResources(StrimziKinds.of("Kafka").orElseThrow()).inNamespace(ns).resource(kafka).create();
        long generation = kafka.getMetadata().getGeneration() == null ? 1 : kafka.getMetadata().getGeneration();
        kafka.setAdditionalProperty("status", Map.of("observedGeneration", generation, "clusterId", CLUSTER_ID,
                "conditions", List.of(Map.of("type", "Ready", "status", "True"))));
        client.genericKubernetesResources(StrimziKinds.of("Kafka").orElseThrow()).inNamespace(ns).resource(kafka).updateStatus();
        OwnerReference owner = new OwnerReferenceBuilder().withApiVersion(StrimziKinds.API_VERSION).withKind("Kafka")
                .withName(name).withUid(kafka.getMetadata().getUid()).withController(false).withBlockOwnerDeletion(false).build();
        client.genericKubernetesResources(StrimziKinds.of("KafkaNodePool").orElseThrow()).inNamespace(ns)
                .resource(resource("KafkaNodePool", "dual", Map.of("strimzi.io/cluster", name), POOL_SPEC)).create();

        // the CAs and the node's certificate, as Strimzi keeps them
        Instant from = Instant.now().minus(5, ChronoUnit.MINUTES);
        KeyPair clusterKey = Pki.newKey();
        X509Certificate clusterCa = Pki.selfSignedCa(clusterKey, "CN=cluster-ca v0,O=io.strimzi", from, 365);
        KeyPair clientsKey = Pki.newKey();
        X509Certificate clientsCa = Pki.selfSignedCa(clientsKey, "CN=clients-ca v0,O=io.strimzi", from, 365);
        secret(name + "-cluster-ca", Map.of("ca.key", Pki.pem(clusterKey.getPrivate())), Map.of("strimzi.io/ca-key-generation", "0"), owner);
        secret(name + "-cluster-ca-cert", Map.of("ca.crt", Pki.pem(List.of(clusterCa))), Map.of("strimzi.io/ca-cert-generation", "0"), owner);
        secret(name + "-clients-ca", Map.of("ca.key", Pki.pem(clientsKey.getPrivate())), Map.of("strimzi.io/ca-key-generation", "0"), owner);
        secret(name + "-clients-ca-cert", Map.of("ca.crt", Pki.pem(List.of(clientsCa))), Map.of("strimzi.io/ca-cert-generation", "0"), owner);
        KeyPair nodeKey = Pki.newKey();
        X509Certificate node = Pki.sign(clusterKey.getPrivate(), clusterCa, nodeKey.getPublic(), "CN=" + name + "-kafka,O=io.strimzi",
                nodeNames(), from, 365);
        secret(pod, Map.of(pod + ".crt", Pki.pem(List.of(node)), pod + ".key", Pki.pem(nodeKey.getPrivate())),
                Map.of("strimzi.io/cluster-ca-cert-generation", "0", "strimzi.io/cluster-ca-key-generation", "0"), owner);
        // an operator certificate Secret that kgr does not use: left as it is
        secret(name + "-cluster-operator-certs", Map.of("cluster-operator.crt", "unused"), Map.of(), owner);

        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withMetadata(meta(pod, podLabels(), Map.of(), owner))
                .withData(new TreeMap<>(Map.of("server.config", serverConfig(), "cluster.id", CLUSTER_ID,
                        "metadata.version", "4.1-IV1"))).build()).create();
        client.persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder()
                .withMetadata(meta("data-0-" + pod, podLabels(), Map.of("strimzi.io/delete-claim", "false"), null))
                .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                .withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec().build()).create();
        Map<String, String> select = Map.of("strimzi.io/cluster", name, "strimzi.io/kind", "Kafka", "strimzi.io/name", name + "-kafka");
        client.services().inNamespace(ns).resource(new ServiceBuilder().withMetadata(meta(name + "-kafka-brokers", clusterLabels(), Map.of(), owner))
                .withNewSpec().withClusterIP("None").withPublishNotReadyAddresses(true).withSelector(select)
                .withPorts(port("tcp-ctrlplane", 9090), port("tcp-replication", 9091), port("tcp-plain", 9092)).endSpec().build()).create();
        Map<String, String> brokers = new TreeMap<>(select);
        brokers.put("strimzi.io/broker-role", "true");
        client.services().inNamespace(ns).resource(new ServiceBuilder().withMetadata(meta(name + "-kafka-bootstrap", clusterLabels(), Map.of(), owner))
                .withNewSpec().withType("ClusterIP").withSelector(brokers)
                .withPorts(port("tcp-replication", 9091), port("tcp-plain", 9092)).endSpec().build()).create();
        client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(new PodDisruptionBudgetBuilder()
                .withMetadata(meta(name + "-kafka", clusterLabels(), Map.of(), owner)).withNewSpec()
                .withMaxUnavailable(new IntOrString(1)).withNewSelector().withMatchLabels(select).endSelector().endSpec().build()).create();

        Pod p = podObject();
        Map<String, Object> setSpec = new LinkedHashMap<>();
        setSpec.put("selector", Map.of("matchLabels", Map.of("strimzi.io/cluster", name, "strimzi.io/pool-name", "dual")));
        setSpec.put("pods", List.of(JSON.convertValue(p, Map.class)));
        GenericKubernetesResource set = new GenericKubernetesResourceBuilder().withApiVersion("core.strimzi.io/v1")
                .withKind("StrimziPodSet").withMetadata(meta(name + "-dual", poolLabels(), Map.of(), owner)).build();
        set.setAdditionalProperty("spec", setSpec);
        set = client.genericKubernetesResources(POD_SETS).inNamespace(ns).resource(set).create();
        p.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("core.strimzi.io/v1")
                .withKind("StrimziPodSet").withName(set.getMetadata().getName()).withUid(set.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build()));
        client.pods().inNamespace(ns).resource(p).create();
    }

    /** Strimzi's annotation that stops its operator acting on the cluster, and the condition the operator then sets. */
    void pause() {
        var kafkas = client.genericKubernetesResources(StrimziKinds.of("Kafka").orElseThrow()).inNamespace(ns);
        GenericKubernetesResource k = kafkas.withName(name).edit(r -> {
            Map<String, String> a = new TreeMap<>(r.getMetadata().getAnnotations() == null ? Map.of() : r.getMetadata().getAnnotations());
            a.put("strimzi.io/pause-reconciliation", "true");
            r.getMetadata().setAnnotations(a);
            return r;
        });
        Map<String, Object> status = new TreeMap<>(JSON.convertValue(k.getAdditionalProperties().get("status"), Map.class));
        status.put("conditions", List.of(Map.of("type", "ReconciliationPaused", "status", "True")));
        k.setAdditionalProperty("status", status);
        kafkas.resource(k).updateStatus();
    }

    private Pod podObject() {
        Map<String, String> labels = new TreeMap<>(podLabels());
        labels.put("statefulset.kubernetes.io/pod-name", pod);
        return new PodBuilder().withMetadata(meta(pod, labels, Map.of("strimzi.io/revision", "6f1e2d3c",
                        "strimzi.io/cluster-ca-cert-generation", "0", "strimzi.io/cluster-ca-key-generation", "0",
                        "strimzi.io/clients-ca-cert-generation", "0"), null))
                .withNewSpec().withHostname(pod).withSubdomain(name + "-kafka-brokers")
                .addNewContainer().withName("kafka").withImage("quay.io/strimzi/kafka:1.0.0-kafka-4.1.0")
                .withCommand("/opt/kafka/kafka_run.sh")
                .addNewEnv().withName("KAFKA_HEAP_OPTS").withValue("-Xms256m -Xmx256m").endEnv()
                .addNewEnv().withName("STRIMZI_KAFKA_GC_LOG_ENABLED").withValue("false").endEnv()
                .addNewVolumeMount().withName("data-0").withMountPath("/var/lib/kafka/data-0").endVolumeMount()
                .addNewVolumeMount().withName("kafka-metrics-and-logging").withMountPath("/opt/kafka/custom-config/").endVolumeMount()
                .addNewVolumeMount().withName("strimzi-tmp").withMountPath("/tmp").endVolumeMount()
                // Strimzi's probes ask its agent over HTTP; the local kubelet's broker has no Strimzi agent
                .withNewReadinessProbe().withNewExec().withCommand("/opt/kafka/kafka_readiness.sh").endExec().endReadinessProbe()
                .endContainer()
                .addNewVolume().withName("data-0").withNewPersistentVolumeClaim().withClaimName("data-0-" + pod).endPersistentVolumeClaim().endVolume()
                .addNewVolume().withName("kafka-metrics-and-logging").withNewConfigMap().withName(pod).endConfigMap().endVolume()
                .addNewVolume().withName("strimzi-tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().build();
    }

    private String serverConfig() {
        String host = pod + "." + name + "-kafka-brokers." + ns + ".svc";
        StringBuilder c = new StringBuilder();
        c.append("node.id=0\nprocess.roles=broker,controller\n");
        c.append("log.dirs=/var/lib/kafka/data-0/kafka-log0\nmetadata.log.dir=/var/lib/kafka/data-0/kafka-log0\n");
        c.append("controller.listener.names=CONTROLPLANE-9090\n");
        c.append("controller.quorum.voters=0@").append(host).append(":9090\n");
        for (String l : List.of("controlplane-9090", "replication-9091")) {
            String p = "listener.name." + l + ".";
            c.append(p).append("ssl.client.auth=required\n");
            c.append(p).append("ssl.keystore.certificate.chain=${strimzisecrets:").append(ns).append('/').append(pod).append(':').append(pod).append(".crt}\n");
            c.append(p).append("ssl.keystore.key=${strimzisecrets:").append(ns).append('/').append(pod).append(':').append(pod).append(".key}\n");
            c.append(p).append("ssl.keystore.type=PEM\n");
            c.append(p).append("ssl.truststore.certificates=${strimzisecrets:").append(ns).append('/').append(name).append("-cluster-ca-cert:ca.crt}\n");
            c.append(p).append("ssl.truststore.type=PEM\n");
        }
        c.append("listeners=CONTROLPLANE-9090://0.0.0.0:9090,REPLICATION-9091://0.0.0.0:9091,PLAIN-9092://0.0.0.0:9092\n");
        c.append("advertised.listeners=REPLICATION-9091://").append(host).append(":9091,PLAIN-9092://").append(host).append(":9092\n");
        c.append("listener.security.protocol.map=CONTROLPLANE-9090:SSL,REPLICATION-9091:SSL,PLAIN-9092:PLAINTEXT\n");
        c.append("inter.broker.listener.name=REPLICATION-9091\nsasl.enabled.mechanisms=\nssl.endpoint.identification.algorithm=HTTPS\n");
        c.append("config.providers=strimzienv,strimzisecrets,strimzifile,strimzidir\n");
        c.append("config.providers.strimzienv.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider\n");
        c.append("config.providers.strimzienv.param.allowlist.pattern=.*\n");
        c.append("config.providers.strimzifile.class=org.apache.kafka.common.config.provider.FileConfigProvider\n");
        c.append("config.providers.strimzifile.param.allowed.paths=/opt/kafka\n");
        c.append("config.providers.strimzidir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider\n");
        c.append("config.providers.strimzidir.param.allowed.paths=/opt/kafka\n");
        c.append("config.providers.strimzisecrets.class=io.strimzi.kafka.KubernetesSecretConfigProvider\n");
        c.append("authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer\n");
        c.append("super.users=User:CN=").append(name).append("-kafka,O=io.strimzi;User:CN=cluster-operator,O=io.strimzi;User:ANONYMOUS\n");
        c.append("offsets.topic.replication.factor=1\ntransaction.state.log.replication.factor=1\n");
        c.append("transaction.state.log.min.isr=1\nmin.insync.replicas=1\ngroup.initial.rebalance.delay.ms=0\n");
        return c.toString();
    }

    /** The names Strimzi's node certificate carries: the pod's DNS names and the cluster's Services, in every form. */
    private List<String> nodeNames() {
        List<String> out = new ArrayList<>();
        String host = pod + "." + name + "-kafka-brokers." + ns + ".svc";
        out.add(host);
        out.add(host + ".cluster.local");
        for (String service : List.of(name + "-kafka-brokers", name + "-kafka-bootstrap")) {
            out.add(service);
            out.add(service + "." + ns);
            out.add(service + "." + ns + ".svc");
            out.add(service + "." + ns + ".svc.cluster.local");
        }
        return out;
    }

    private void secret(String secretName, Map<String, String> data, Map<String, String> annotations, OwnerReference owner) {
        Map<String, String> encoded = new TreeMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.US_ASCII))));
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withMetadata(meta(secretName, clusterLabels(), annotations, owner))
                .withType("Opaque").withData(encoded).build()).create();
    }

    private GenericKubernetesResource resource(String kind, String resourceName, Map<String, String> labels, String spec) {
        GenericKubernetesResource r = new GenericKubernetesResourceBuilder().withApiVersion(StrimziKinds.API_VERSION).withKind(kind)
                .withMetadata(new ObjectMetaBuilder().withName(resourceName).withNamespace(ns).withLabels(labels).build()).build();
        r.setAdditionalProperty("spec", JSON.unmarshal(spec, Map.class));
        return r;
    }

    private ObjectMeta meta(String objectName, Map<String, String> labels, Map<String, String> annotations, OwnerReference owner) {
        return new ObjectMetaBuilder().withName(objectName).withNamespace(ns).withLabels(new TreeMap<>(labels))
                .withAnnotations(annotations.isEmpty() ? null : new TreeMap<>(annotations))
                .withOwnerReferences(owner == null ? null : List.of(owner)).build();
    }

    private Map<String, String> clusterLabels() {
        Map<String, String> l = new TreeMap<>();
        l.put("app.kubernetes.io/instance", name);
        l.put("app.kubernetes.io/managed-by", "strimzi-cluster-operator");
        l.put("app.kubernetes.io/name", "kafka");
        l.put("app.kubernetes.io/part-of", "strimzi-" + name);
        l.put("strimzi.io/cluster", name);
        l.put("strimzi.io/component-type", "kafka");
        l.put("strimzi.io/kind", "Kafka");
        l.put("strimzi.io/name", name + "-kafka");
        return l;
    }

    private Map<String, String> poolLabels() {
        Map<String, String> l = clusterLabels();
        l.put("strimzi.io/pool-name", "dual");
        l.put("strimzi.io/broker-role", "true");
        l.put("strimzi.io/controller-role", "true");
        return l;
    }

    private Map<String, String> podLabels() {
        Map<String, String> l = poolLabels();
        l.put("strimzi.io/pod-name", pod);
        return l;
    }

    private static io.fabric8.kubernetes.api.model.ServicePort port(String portName, int port) {
        return new ServicePortBuilder().withName(portName).withProtocol("TCP").withPort(port).withTargetPort(new IntOrString(port)).build();
    }
}
