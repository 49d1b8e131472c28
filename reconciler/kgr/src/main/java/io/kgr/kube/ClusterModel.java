package io.kgr.kube;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kgr.desired.BrokerConfigKeys;
import io.kgr.model.Labels;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kgr.desired.ClusterSpec;
import io.kgr.tls.CertSecrets;

/**
 * The Kubernetes objects of a cluster, computed from its {@link ClusterSpec} alone: a pure, deterministic function
 * (the same Git gives byte-identical objects). Each pod carries {@value #REVISION}, a hash of everything that needs a
 * restart to take effect — and only that, so nothing rolls when nothing that matters changed.
 */
public final class ClusterModel {
    public static final String MANAGED_BY = Labels.MANAGED_BY;
    public static final String REVISION = "kgr.io/revision";
    public static final String CLUSTER_ID = "kgr.io/cluster-id";
    /** On a pod set and its pods: the names of the cluster's own listeners ({@link ServerProperties.InternalNames#recorded}). */
    public static final String INTERNAL_LISTENERS = "kgr.io/internal-listeners";
    public static final String DELETE_CLAIM = "kgr.io/delete-claim";
    public static final String POD_NAME = "strimzi.io/pod-name";
    public static final String POOL = "strimzi.io/pool-name";
    public static final String CLUSTER = Labels.CLUSTER;
    public static final String PODSET_API = "kgr.io/v1alpha1";
    /** Which component a pod is: {@code <cluster>-kafka} or {@code <cluster>-zookeeper} (services select by it). */
    public static final String NAME = "strimzi.io/name";

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** Everything for one cluster, in the order it is created: services, configuration, volumes, pod sets, pods. */
    public record Objects(List<Service> services, List<ConfigMap> configMaps, List<PersistentVolumeClaim> claims,
                          List<GenericKubernetesResource> podSets, List<Pod> pods, List<PodDisruptionBudget> disruptionBudgets) {
        public List<HasMetadata> all() {
            List<HasMetadata> all = new ArrayList<>();
            all.addAll(services);
            all.addAll(disruptionBudgets);
            all.addAll(configMaps);
            all.addAll(claims);
            all.addAll(podSets);
            all.addAll(pods);
            return all;
        }
    }

    /**
     * How the cluster uses certificates: whether its own listeners are mTLS, whether its nodes mount a certificate
     * Secret, and the certificate annotations of each pod (which CA certificates it trusts and which certificate it
     * serves: a change of either needs a restart, so they are part of the pod's revision).
     */
    public record Security(boolean internalTls, boolean certificates, Map<String, ? extends Map<String, String>> podAnnotations,
                           ServerProperties.InternalNames names, boolean takenOver) {
        public static final Security NONE = new Security(false, false, Map.of());

        /** With kgr's older listener names. */
        public Security(boolean internalTls, boolean certificates, Map<String, ? extends Map<String, String>> podAnnotations) {
            this(internalTls, certificates, podAnnotations, ServerProperties.InternalNames.KGR);
        }

        /** A cluster kgr made (not one it took over from Strimzi). */
        public Security(boolean internalTls, boolean certificates, Map<String, ? extends Map<String, String>> podAnnotations,
                        ServerProperties.InternalNames names) {
            this(internalTls, certificates, podAnnotations, names, false);
        }

        /** The subject of kgr's own client certificate on this cluster ({@link CertSecrets#STRIMZI_OPERATOR_SUBJECT} if taken over). */
        public String adminSubject(String cluster) {
            return takenOver ? CertSecrets.STRIMZI_OPERATOR_SUBJECT : CertSecrets.kgrSubject(cluster);
        }
    }

    private final ClusterSpec c;
    private final String namespace;
    private final Map<String, SortedSet<Integer>> nodeIds;
    private final String clusterId;
    private final Security security;

    /**
     * @param nodeIds   the ids of each pool's nodes ({@link NodeIds#assign})
     * @param clusterId the cluster's id, fixed for its lifetime (the storage of every node is formatted with it)
     */
    public ClusterModel(ClusterSpec cluster, String namespace, Map<String, SortedSet<Integer>> nodeIds, String clusterId) {
        this(cluster, namespace, nodeIds, clusterId, Security.NONE);
    }

    public ClusterModel(ClusterSpec cluster, String namespace, Map<String, SortedSet<Integer>> nodeIds, String clusterId,
                        Security security) {
        this.c = cluster;
        this.namespace = namespace;
        this.nodeIds = nodeIds;
        this.clusterId = clusterId;
        this.security = security;
    }

    public Objects generate() {
        List<Service> services = services();
        List<ConfigMap> configMaps = new ArrayList<>();
        List<PersistentVolumeClaim> claims = new ArrayList<>();
        List<GenericKubernetesResource> podSets = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        List<PodDisruptionBudget> budgets = new ArrayList<>();
        for (ClusterSpec.Pool pool : c.pools()) {
            budgets.add(disruptionBudget(pool));
            List<Pod> poolPods = new ArrayList<>();
            for (int id : nodeIds.getOrDefault(pool.name(), new TreeSet<>())) {
                String pod = Names.pod(c, pool, id);
                String properties = ServerProperties.render(c, namespace, pool, id, nodeIds, security.internalTls(),
                        security.names(), security.adminSubject(c.name()));
                configMaps.add(new ConfigMapBuilder().withMetadata(meta(pod, labels(pool, id), Map.of()))
                        .withData(new TreeMap<>(Map.of("server.properties", properties))).build());
                for (ClusterSpec.Volume v : pool.storage().volumes()) {
                    if (v.persistent()) claims.add(claim(v, pod, pool, id));
                }
                poolPods.add(pod(pool, id, properties));
            }
            pods.addAll(poolPods);
            podSets.add(podSet(pool, poolPods));
        }
        if (c.pools().stream().anyMatch(ClusterSpec.Pool::isBroker)) {
            configMaps.add(new ConfigMapBuilder().withMetadata(meta(BrokerAgent.configMapName(c), clusterLabels(), Map.of()))
                    .withBinaryData(new TreeMap<>(BrokerAgent.binaryData())).build());
        }
        c.zookeeper().ifPresent(zk -> zookeeper(zk, services, configMaps, claims, podSets, pods));
        return new Objects(services, configMaps, claims, podSets, pods, budgets);
    }

    /**
     * A pool's PodDisruptionBudget: a node drain of Kubernetes evicts at most {@code maxUnavailable} of its pods at a
     * time (Strimzi's default 1), also while kgr is down — nothing else would bring an evicted broker back before kgr's
     * next run.
     */
    private PodDisruptionBudget disruptionBudget(ClusterSpec.Pool pool) {
        return new PodDisruptionBudgetBuilder().withMetadata(meta(Names.podSet(c, pool), poolLabels(pool), Map.of()))
                .withNewSpec().withMaxUnavailable(new IntOrString(pool.maxUnavailable()))
                .withNewSelector().withMatchLabels(new TreeMap<>(Map.of(CLUSTER, c.name(), POOL, pool.name()))).endSelector()
                .endSpec().build();
    }

    /** A ZooKeeper ensemble for clusters before Kafka 4: its services, configuration, volumes, pod set and pods. */
    private void zookeeper(ClusterSpec.ZooKeeper zk, List<Service> services, List<ConfigMap> configMaps,
                           List<PersistentVolumeClaim> claims, List<GenericKubernetesResource> podSets, List<Pod> pods) {
        String nodes = Names.zookeeperNodesService(c);
        Map<String, String> labels = clusterLabels();
        labels.put(NAME, c.name() + "-zookeeper");
        labels.put(POOL, "zookeeper");
        labels.put(Labels.BROKER_ROLE, "false");
        labels.put(Labels.CONTROLLER_ROLE, "false");
        Map<String, String> select = new TreeMap<>(Map.of(CLUSTER, c.name(), NAME, c.name() + "-zookeeper"));
        services.add(new ServiceBuilder().withMetadata(meta(Names.zookeeperClientService(c), clusterLabels(), Map.of()))
                .withNewSpec().withType("ClusterIP").withSelector(select).withPorts(port("tcp-clients", 2181)).endSpec().build());
        services.add(new ServiceBuilder().withMetadata(meta(nodes, clusterLabels(), Map.of())).withNewSpec()
                .withClusterIP("None").withPublishNotReadyAddresses(true).withSelector(select)
                .withPorts(port("tcp-clients", 2181), port("tcp-clustering", 2888), port("tcp-election", 3888))
                .endSpec().build());
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < zk.replicas(); i++) {
            servers.add("server." + (i + 1) + "=" + c.name() + "-zookeeper-" + i + "." + nodes + "." + namespace
                    + ".svc:2888:3888");
        }
        ClusterSpec.Volume volume = zk.storage().volumes().isEmpty() ? null : zk.storage().volumes().get(0);
        List<Pod> zkPods = new ArrayList<>();
        for (int i = 0; i < zk.replicas(); i++) {
            String name = c.name() + "-zookeeper-" + i;
            Map<String, String> podLabels = new TreeMap<>(labels);
            podLabels.put(POD_NAME, name);
            String properties = "# generated by kgr for " + name + "\ndataDir=/var/lib/zookeeper/data\nclientPort=2181\n"
                    + "tickTime=2000\ninitLimit=5\nsyncLimit=2\nautopurge.purgeInterval=1\n4lw.commands.whitelist=ruok,srvr,mntr\n"
                    + String.join("\n", servers) + "\n";
            configMaps.add(new ConfigMapBuilder().withMetadata(meta(name, podLabels, Map.of()))
                    .withData(new TreeMap<>(Map.of("zookeeper.properties", properties))).build());
            boolean persistent = volume != null && volume.persistent();
            if (persistent) {
                claims.add(new PersistentVolumeClaimBuilder()
                        .withMetadata(meta("data-" + name, podLabels, Map.of(DELETE_CLAIM, String.valueOf(volume.deleteClaim()))))
                        .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(volume.storageClass().orElse(null))
                        .withNewResources().withRequests(new TreeMap<>(Map.of("storage", new Quantity(volume.size().orElse("1Gi")))))
                        .endResources().endSpec().build());
            }
            List<VolumeMount> mounts = List.of(new VolumeMountBuilder().withName("zookeeper-config").withMountPath("/config").build(),
                    new VolumeMountBuilder().withName("data").withMountPath("/var/lib/zookeeper").build());
            List<Volume> volumes = List.of(
                    new VolumeBuilder().withName("zookeeper-config").withNewConfigMap().withName(name).endConfigMap().build(),
                    persistent ? new VolumeBuilder().withName("data").withNewPersistentVolumeClaim().withClaimName("data-" + name)
                            .endPersistentVolumeClaim().build()
                            : new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build());
            PodSpec spec = new PodBuilder().withNewSpec().withHostname(name).withSubdomain(nodes)
                    .withInitContainers(new ContainerBuilder().withName("myid").withImage(c.image())
                            .withCommand("sh", "-c", "mkdir -p /var/lib/zookeeper/data && echo " + (i + 1)
                                    + " > /var/lib/zookeeper/data/myid").withVolumeMounts(mounts).build())
                    .withContainers(new ContainerBuilder().withName("zookeeper").withImage(c.image())
                            .withCommand("/opt/kafka/bin/zookeeper-server-start.sh", "/config/zookeeper.properties")
                            .withPorts(containerPort("tcp-clients", 2181), containerPort("tcp-clustering", 2888),
                                    containerPort("tcp-election", 3888))
                            .withVolumeMounts(mounts)
                            .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(2181)).endTcpSocket()
                            .withPeriodSeconds(5).endReadinessProbe().build())
                    .withVolumes(volumes).endSpec().buildSpec();
            Map<String, String> annotations = Map.of(REVISION, revision(SERIALIZATION.asJson(spec) + "\n" + properties));
            Pod pod = new PodBuilder().withMetadata(meta(name, podLabels, annotations)).withSpec(spec).build();
            zkPods.add(pod);
        }
        pods.addAll(zkPods);
        List<Object> podMaps = new ArrayList<>();
        for (Pod p : zkPods) podMaps.add(SERIALIZATION.convertValue(p, Map.class));
        Map<String, Object> spec = new TreeMap<>();
        spec.put("selector", Map.of("matchLabels", new TreeMap<>(select)));
        spec.put("pods", podMaps);
        podSets.add(new GenericKubernetesResourceBuilder().withApiVersion(PODSET_API).withKind("PodSet")
                .withMetadata(meta(c.name() + "-zookeeper", labels, Map.of(CLUSTER_ID, clusterId)))
                .withAdditionalProperties(Map.of("spec", spec)).build());
    }

    private ObjectMeta meta(String name, Map<String, String> labels, Map<String, String> annotations) {
        return new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(new TreeMap<>(labels))
                .withAnnotations(annotations.isEmpty() ? null : new TreeMap<>(annotations)).build();
    }

    /** Labels on everything kgr makes for the cluster (Strimzi's, plus managed-by kgr). */
    Map<String, String> clusterLabels() {
        TreeMap<String, String> l = new TreeMap<>();
        l.put("app.kubernetes.io/instance", c.name());
        l.put("app.kubernetes.io/name", "kafka");
        l.put(MANAGED_BY, "kgr");
        l.put(CLUSTER, c.name());
        l.put("strimzi.io/kind", "Kafka");
        return l;
    }

    private Map<String, String> poolLabels(ClusterSpec.Pool pool) {
        Map<String, String> l = clusterLabels();
        l.put(POOL, pool.name());
        l.put(NAME, c.name() + "-kafka");
        l.put(Labels.BROKER_ROLE, String.valueOf(pool.isBroker()));
        l.put(Labels.CONTROLLER_ROLE, String.valueOf(pool.isController()));
        return l;
    }

    private Map<String, String> labels(ClusterSpec.Pool pool, int id) {
        Map<String, String> l = poolLabels(pool);
        l.put(POD_NAME, Names.pod(c, pool, id));
        return l;
    }

    private List<Service> services() {
        List<Service> out = new ArrayList<>();
        List<ServicePort> all = new ArrayList<>();
        if (c.kraft()) all.add(port("tcp-ctrlplane", ServerProperties.CONTROLLER_PORT));
        all.add(port("tcp-replication", ServerProperties.REPLICATION_PORT));
        c.listeners().forEach(l -> all.add(port("tcp-" + l.name(), l.port())));
        out.add(new ServiceBuilder().withMetadata(meta(Names.brokersService(c), clusterLabels(), Map.of())).withNewSpec()
                .withClusterIP("None").withPublishNotReadyAddresses(true).withSelector(selector(Map.of()))
                .withPorts(all).endSpec().build());
        List<ServicePort> internal = new ArrayList<>();
        internal.add(port("tcp-replication", ServerProperties.REPLICATION_PORT));
        c.listeners().stream().filter(l -> l.type().equals("internal")).forEach(l -> internal.add(port("tcp-" + l.name(), l.port())));
        out.add(new ServiceBuilder().withMetadata(meta(Names.bootstrapService(c), clusterLabels(), Map.of())).withNewSpec()
                .withType("ClusterIP").withSelector(selector(Map.of(Labels.BROKER_ROLE, "true")))
                .withPorts(internal).endSpec().build());
        for (ClusterSpec.Listener l : c.listeners()) {
            String type = switch (l.type()) {
                case "cluster-ip" -> "ClusterIP";
                case "nodeport" -> "NodePort";
                case "loadbalancer" -> "LoadBalancer";
                default -> null;
            };
            if (type == null) continue;
            out.add(new ServiceBuilder().withMetadata(meta(Names.listenerBootstrapService(c, l), clusterLabels(), Map.of()))
                    .withNewSpec().withType(type).withSelector(selector(Map.of(Labels.BROKER_ROLE, "true")))
                    .withPorts(port("tcp-" + l.name(), l.port())).endSpec().build());
            if (type.equals("ClusterIP")) continue;
            for (ClusterSpec.Pool pool : c.pools()) {
                if (!pool.isBroker()) continue;
                for (int id : nodeIds.getOrDefault(pool.name(), new TreeSet<>())) {
                    out.add(new ServiceBuilder().withMetadata(meta(Names.perBrokerService(c, pool, l, id), clusterLabels(), Map.of()))
                            .withNewSpec().withType(type).withSelector(selector(Map.of(POD_NAME, Names.pod(c, pool, id))))
                            .withPorts(port("tcp-" + l.name(), l.port())).endSpec().build());
                }
            }
        }
        return out;
    }

    private Map<String, String> selector(Map<String, String> extra) {
        TreeMap<String, String> s = new TreeMap<>(Map.of(CLUSTER, c.name(), NAME, c.name() + "-kafka"));
        s.putAll(extra);
        return s;
    }

    private static ServicePort port(String name, int port) {
        return new ServicePortBuilder().withName(name).withProtocol("TCP").withPort(port)
                .withTargetPort(new IntOrString(port)).build();
    }

    private PersistentVolumeClaim claim(ClusterSpec.Volume v, String pod, ClusterSpec.Pool pool, int id) {
        return new PersistentVolumeClaimBuilder()
                // the cluster id the volume is formatted with: known from the volume when every pod and pod set is gone
                .withMetadata(meta(Names.claim(v, pod), labels(pool, id), Map.of(DELETE_CLAIM, String.valueOf(v.deleteClaim()),
                        CLUSTER_ID, clusterId)))
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(v.storageClass().orElse(null))
                .withNewResources().withRequests(new TreeMap<>(Map.of("storage", new Quantity(v.size().orElse("1Gi")))))
                .endResources().endSpec().build();
    }

    private Pod pod(ClusterSpec.Pool pool, int id, String properties) {
        String name = Names.pod(c, pool, id);
        Map<String, String> labels = labels(pool, id);
        Map<String, String> annotations = new TreeMap<>();
        Map<String, Object> template = merged(c.podTemplate(), pool.podTemplate());
        Object templateMeta = template.get("metadata");
        if (templateMeta instanceof Map<?, ?> m) {
            if (m.get("labels") instanceof Map<?, ?> extra) extra.forEach((k, v) -> labels.putIfAbsent(String.valueOf(k), String.valueOf(v)));
            if (m.get("annotations") instanceof Map<?, ?> extra) extra.forEach((k, v) -> annotations.put(String.valueOf(k), String.valueOf(v)));
        }
        List<ContainerPort> ports = new ArrayList<>();
        if (pool.isController() && c.kraft()) ports.add(containerPort("tcp-ctrlplane", ServerProperties.CONTROLLER_PORT));
        if (pool.isBroker()) {
            ports.add(containerPort("tcp-replication", ServerProperties.REPLICATION_PORT));
            c.listeners().forEach(l -> ports.add(containerPort("tcp-" + l.name(), l.port())));
        }
        int probePort = pool.isBroker() ? ServerProperties.REPLICATION_PORT : ServerProperties.CONTROLLER_PORT;
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(new VolumeMountBuilder().withName("kafka-config").withMountPath("/config").build());
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("kafka-config").withNewConfigMap().withName(name).endConfigMap().build());
        for (ClusterSpec.Volume v : pool.storage().volumes()) {
            String volume = Names.volumeName(v);
            mounts.add(new VolumeMountBuilder().withName(volume).withMountPath(ServerProperties.mountPath(v)).build());
            volumes.add(v.persistent()
                    ? new VolumeBuilder().withName(volume).withNewPersistentVolumeClaim().withClaimName(Names.claim(v, name))
                        .endPersistentVolumeClaim().build()
                    : new VolumeBuilder().withName(volume).withNewEmptyDir().endEmptyDir().build());
        }
        if (security.certificates()) {
            // the node's certificate, its key and the CA certificates it trusts (Secret named after the pod)
            mounts.add(new VolumeMountBuilder().withName("kafka-certs").withMountPath(CertSecrets.NODE_CERTS)
                    .withReadOnly(true).build());
            volumes.add(new VolumeBuilder().withName("kafka-certs").withNewSecret().withSecretName(name).endSecret().build());
        }
        // the broker's container (not the formatting before it) loads the agent its readiness probe asks
        List<VolumeMount> kafkaMounts = new ArrayList<>(mounts);
        if (pool.isBroker()) {
            kafkaMounts.add(new VolumeMountBuilder().withName(BrokerAgent.VOLUME).withMountPath(BrokerAgent.MOUNT_PATH)
                    .withReadOnly(true).build());
            volumes.add(new VolumeBuilder().withName(BrokerAgent.VOLUME).withNewConfigMap()
                    .withName(BrokerAgent.configMapName(c)).endConfigMap().build());
        }
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("KAFKA_CLUSTER_ID", clusterId, null));
        String heap = JvmOptions.heap(pool.jvmOptions(), pool.resources());
        if (!heap.isEmpty()) env.add(new EnvVar("KAFKA_HEAP_OPTS", heap, null));
        String format = "/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id \"$KAFKA_CLUSTER_ID\""
                + " --config /config/server.properties";
        List<EnvVar> kafkaEnv = new ArrayList<>(env);
        String performance = JvmOptions.performance(pool.jvmOptions());
        if (!performance.isEmpty()) kafkaEnv.add(new EnvVar("KAFKA_JVM_PERFORMANCE_OPTS", performance, null));
        String opts = ((pool.isBroker() ? BrokerAgent.JAVA_OPTION : "") + " " + JvmOptions.systemProperties(pool.jvmOptions())).trim();
        if (!opts.isEmpty()) kafkaEnv.add(new EnvVar("KAFKA_OPTS", opts, null));
        // a broker is ready when it runs (its agent says so), a controller-only node when its listener is open
        Probe readiness = pool.isBroker() ? BrokerAgent.readiness()
                : new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString(probePort)).endTcpSocket()
                        .withInitialDelaySeconds(10).withPeriodSeconds(5).build();
        Probe liveness = pool.isBroker() ? BrokerAgent.liveness()
                : new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString(probePort)).endTcpSocket()
                        .withInitialDelaySeconds(30).withPeriodSeconds(10).build();
        PodSpec spec = new PodBuilder().withNewSpec()
                .withHostname(name).withSubdomain(Names.brokersService(c))
                .withInitContainers(new ContainerBuilder().withName("format-storage").withImage(c.image())
                        .withCommand("sh", "-c", format).withEnv(env).withVolumeMounts(mounts).build())
                .withContainers(new ContainerBuilder().withName("kafka").withImage(c.image())
                        .withCommand("/opt/kafka/bin/kafka-server-start.sh", "/config/server.properties")
                        .withEnv(kafkaEnv).withPorts(ports).withVolumeMounts(kafkaMounts)
                        .withResources(convert(pool.resources(), ResourceRequirements.class))
                        .withReadinessProbe(readiness)
                        .withLivenessProbe(liveness)
                        .build())
                .withVolumes(volumes)
                .withAffinity(convert(template.get("affinity"), Affinity.class))
                .withTolerations(convertList(template.get("tolerations"), Toleration.class))
                .withSecurityContext(convert(template.get("securityContext"), PodSecurityContext.class))
                .withPriorityClassName(template.get("priorityClassName") instanceof String s ? s : null)
                .withTerminationGracePeriodSeconds(template.get("terminationGracePeriodSeconds") instanceof Number n
                        ? n.longValue() : 120L)
                .endSpec().buildSpec();
        // the revision covers what a restart would change: the pod's spec and the static part of server.properties
        Map<String, String> certificates = security.podAnnotations().containsKey(name)
                ? security.podAnnotations().get(name) : Map.of();
        annotations.putAll(certificates);
        annotations.put(REVISION, revision(SERIALIZATION.asJson(spec) + "\n" + staticPart(properties)
                + (certificates.isEmpty() ? "" : "\n" + new TreeMap<>(certificates))));
        if (security.names().equals(ServerProperties.InternalNames.STRIMZI)) {
            annotations.put(INTERNAL_LISTENERS, security.names().recorded());
        }
        return new PodBuilder().withMetadata(meta(name, labels, annotations)).withSpec(spec).build();
    }

    private GenericKubernetesResource podSet(ClusterSpec.Pool pool, List<Pod> pods) {
        List<Object> podMaps = new ArrayList<>();
        for (Pod p : pods) podMaps.add(SERIALIZATION.convertValue(p, Map.class));
        Map<String, Object> spec = new TreeMap<>();
        spec.put("selector", Map.of("matchLabels", new TreeMap<>(Map.of(CLUSTER, c.name(), POOL, pool.name()))));
        spec.put("pods", podMaps);
        return new GenericKubernetesResourceBuilder().withApiVersion(PODSET_API).withKind("PodSet")
                .withMetadata(meta(Names.podSet(c, pool), poolLabels(pool), podSetAnnotations()))
                .withAdditionalProperties(Map.of("spec", spec)).build();
    }

    /**
     * The cluster id, Strimzi's listener names where the cluster uses them (kgr's older names are not recorded), and
     * whether kgr took the cluster over from Strimzi.
     */
    private Map<String, String> podSetAnnotations() {
        Map<String, String> out = new TreeMap<>(Map.of(CLUSTER_ID, clusterId));
        if (security.names().equals(ServerProperties.InternalNames.STRIMZI)) out.put(INTERNAL_LISTENERS, security.names().recorded());
        // for good: the cluster's admin identity stays Strimzi's operator's after its last Strimzi pod is replaced
        if (security.takenOver()) out.put(Labels.TAKEN_OVER, Labels.STRIMZI_OPERATOR);
        return out;
    }

    private static ContainerPort containerPort(String name, int port) {
        return new ContainerPortBuilder().withName(name).withContainerPort(port).withProtocol("TCP").build();
    }

    /** server.properties without the settings Kafka can change at run time (those are applied without a restart). */
    static String staticPart(String properties) {
        StringBuilder out = new StringBuilder();
        for (String line : properties.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && BrokerConfigKeys.isDynamic(line.substring(0, eq))) continue;
            out.append(line).append('\n');
        }
        return out.toString();
    }

    static String revision(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merged(Object clusterTemplate, Object poolTemplate) {
        Map<String, Object> out = new TreeMap<>();
        if (clusterTemplate instanceof Map<?, ?> m) out.putAll((Map<String, Object>) m);
        if (poolTemplate instanceof Map<?, ?> m) out.putAll((Map<String, Object>) m); // the pool's template wins, as in Strimzi
        return out;
    }

    private static <T> T convert(Object value, Class<T> type) {
        return value == null ? null : SERIALIZATION.convertValue(value, type);
    }

    private static <T> List<T> convertList(Object value, Class<T> type) {
        if (!(value instanceof List<?> list)) return null;
        return list.stream().map(v -> SERIALIZATION.convertValue(v, type)).toList();
    }
}
