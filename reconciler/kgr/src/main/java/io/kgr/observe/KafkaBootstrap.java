package io.kgr.observe;

import io.fabric8.kubernetes.api.model.Secret;
import io.kgr.model.Labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kgr.tls.CertSecrets;

/**
 * Where a cluster's brokers answer when no bootstrap address is configured: the cluster's bootstrap Service
 * ({@code <cluster>-kafka-bootstrap}, which kgr creates), on the port of the first listener. Inside Kubernetes that is
 * the Service's DNS name; outside it, the addresses of the Service's ready endpoints — what cluster DNS would give,
 * for networks that reach pod addresses (and the embedded environment). A new cluster has no such Service or no
 * ready broker yet: then there is nothing to connect to, and only its Kubernetes objects are planned.
 */
public final class KafkaBootstrap {
    private static final String SUFFIX = "-kafka-bootstrap";
    private static final String REPLICATION_PORT = "tcp-replication";

    /**
     * Either the bootstrap servers, or why there are none yet. {@code security}: the client settings for them — kgr's
     * own certificate on the cluster's mTLS replication listener — never printed (they hold a private key).
     */
    public record Resolution(Optional<String> servers, String why, Map<String, String> security) {
        static Resolution of(String servers) {
            return new Resolution(Optional.of(servers), "", Map.of());
        }

        static Resolution none(String why) {
            return new Resolution(Optional.empty(), why, Map.of());
        }
    }

    private KafkaBootstrap() {
    }

    /**
     * @param cluster   the Kafka cluster's name; empty: the only kgr-made bootstrap Service in the namespace
     * @param inCluster whether kgr runs inside Kubernetes (cluster DNS resolves Service names)
     * @throws IllegalArgumentException when the namespace holds several clusters and none is named
     */
    public static Resolution resolve(KubernetesClient client, String namespace, Optional<String> cluster, boolean inCluster) {
        return resolve(client, namespace, cluster, inCluster, true);
    }

    /** Where the cluster's clients connect: its first listener (never kgr's certificate). */
    public static Resolution forClients(KubernetesClient client, String namespace, Optional<String> cluster, boolean inCluster) {
        return resolve(client, namespace, cluster, inCluster, false);
    }

    private static Resolution resolve(KubernetesClient client, String namespace, Optional<String> cluster, boolean inCluster,
                                      boolean asKgr) {
        List<Service> services = client.services().inNamespace(namespace).withLabel(Labels.MANAGED_BY, Labels.KGR)
                .list().getItems().stream()
                .filter(s -> s.getMetadata().getName().endsWith(SUFFIX))
                .filter(s -> cluster.isEmpty() || s.getMetadata().getName().equals(cluster.get() + SUFFIX))
                .toList();
        if (services.isEmpty()) {
            return Resolution.none(cluster.map(c -> "no Service " + c + SUFFIX).orElse("no Service *" + SUFFIX + " made by kgr")
                    + " in namespace " + namespace + " yet");
        }
        if (services.size() > 1) {
            throw new IllegalArgumentException("namespace " + namespace + " holds several Kafka clusters ("
                    + String.join(", ", services.stream().map(s -> s.getMetadata().getName()).toList())
                    + "): name one with --cluster, or give --bootstrap-server");
        }
        Service service = services.get(0);
        String name = service.getMetadata().getName();
        Map<String, String> security = asKgr ? kgrCertificate(client, namespace,
                name.substring(0, name.length() - SUFFIX.length()), inCluster) : Map.of();
        // with its own certificate kgr uses the cluster's replication listener, whatever the user listeners are
        Optional<ServicePort> port = security.isEmpty() ? clientPort(service) : replicationPort(service);
        if (port.isEmpty()) return Resolution.none("Service " + name + " has no listener port");
        if (inCluster) {
            return new Resolution(Optional.of(name + "." + namespace + ".svc:" + port.get().getPort()), "", security);
        }
        Endpoints endpoints = client.endpoints().inNamespace(namespace).withName(name).get();
        List<String> servers = new ArrayList<>();
        if (endpoints != null && endpoints.getSubsets() != null) {
            for (EndpointSubset subset : endpoints.getSubsets()) {
                Optional<Integer> target = subset.getPorts() == null ? Optional.empty() : subset.getPorts().stream()
                        .filter(p -> port.get().getName() == null || port.get().getName().equals(p.getName()))
                        .map(EndpointPort::getPort).findFirst();
                if (target.isEmpty() || subset.getAddresses() == null) continue;
                for (EndpointAddress a : subset.getAddresses()) servers.add(a.getIp() + ":" + target.get());
            }
        }
        if (servers.isEmpty()) return Resolution.none("no broker is ready behind Service " + name + " yet");
        servers.sort(null);
        return new Resolution(Optional.of(String.join(",", servers)), "", security);
    }

    private static Optional<ServicePort> replicationPort(Service service) {
        if (service.getSpec() == null || service.getSpec().getPorts() == null) return Optional.empty();
        return service.getSpec().getPorts().stream().filter(p -> REPLICATION_PORT.equals(p.getName())).findFirst();
    }

    /**
     * kgr's client settings for a cluster whose own listeners are mTLS: its certificate from the cluster CA (Secret
     * {@code <cluster>-kgr-certs}, which kgr made) and the CA certificates to trust, as PEM values. Outside Kubernetes
     * the brokers are reached by address, which their certificates do not name: the chain is still checked against
     * the cluster's CA, the host name is not. Empty when the Secret is not there (a cluster without certificates).
     */
    static Map<String, String> kgrCertificate(KubernetesClient client, String namespace, String cluster,
                                                        boolean inCluster) {
        Secret secret = client.secrets().inNamespace(namespace)
                .withName(CertSecrets.kgr(cluster)).get();
        if (secret == null || !CertSecrets.managedByKgr(secret)) return Map.of();
        Optional<String> key = CertSecrets.text(secret, "kgr.key");
        Optional<String> cert = CertSecrets.text(secret, "kgr.crt");
        Optional<String> trust = CertSecrets.text(secret, "ca.crt");
        if (key.isEmpty() || cert.isEmpty() || trust.isEmpty()) return Map.of();
        Map<String, String> out = new TreeMap<>();
        out.put("security.protocol", "SSL");
        out.put("ssl.keystore.type", "PEM");
        out.put("ssl.keystore.key", key.get());
        out.put("ssl.keystore.certificate.chain", cert.get());
        out.put("ssl.truststore.type", "PEM");
        out.put("ssl.truststore.certificates", trust.get());
        if (!inCluster) out.put("ssl.endpoint.identification.algorithm", "");
        return out;
    }

    /** The first listener's port (kgr lists the listeners in the order the Kafka manifest declares them). */
    private static Optional<ServicePort> clientPort(Service service) {
        if (service.getSpec() == null || service.getSpec().getPorts() == null) return Optional.empty();
        return service.getSpec().getPorts().stream().filter(p -> !REPLICATION_PORT.equals(p.getName())).findFirst();
    }

    /** The innermost message of a client's failure to start (an unresolvable name, a bad setting). */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** kgr runs inside Kubernetes: the service account's API server is in its environment. */
    public static boolean inCluster() {
        return System.getenv("KUBERNETES_SERVICE_HOST") != null;
    }
}
