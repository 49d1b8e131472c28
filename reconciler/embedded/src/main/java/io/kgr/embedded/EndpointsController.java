package io.kgr.embedded;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The embedded environment's endpoints controller: the Endpoints of each Service with a selector list the addresses
 * of the pods it selects — ready pods as addresses, the others as not ready — as Kubernetes keeps them. Pods without
 * an address (simulated ones) are not listed. So a Service leads to the brokers that really run.
 */
final class EndpointsController {
    private final KubernetesClient client;
    private final String namespace;

    EndpointsController(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    void sync(List<Pod> pods) {
        for (Service s : client.services().inNamespace(namespace).list().getItems()) {
            Map<String, String> selector = s.getSpec() == null ? null : s.getSpec().getSelector();
            if (selector == null || selector.isEmpty()) continue;
            List<Pod> selected = pods.stream()
                    .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
                    .filter(p -> p.getMetadata().getLabels() != null
                            && p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .sorted(Comparator.comparing(p -> p.getStatus().getPodIP()))
                    .toList();
            List<EndpointSubset> subsets = subsets(s, selected);
            String name = s.getMetadata().getName();
            Endpoints current = client.endpoints().inNamespace(namespace).withName(name).get();
            if (current == null) {
                client.endpoints().inNamespace(namespace).resource(new EndpointsBuilder().withNewMetadata().withName(name)
                        .withNamespace(namespace).withLabels(s.getMetadata().getLabels()).endMetadata()
                        .withSubsets(subsets).build()).create();
            } else if (!Objects.equals(normal(current.getSubsets()), subsets)) {
                current.setSubsets(subsets);
                client.endpoints().inNamespace(namespace).resource(current).update();
            }
        }
    }

    private static List<EndpointSubset> subsets(Service s, List<Pod> selected) {
        List<EndpointAddress> ready = new ArrayList<>();
        List<EndpointAddress> notReady = new ArrayList<>();
        for (Pod p : selected) {
            EndpointAddress a = new EndpointAddressBuilder().withIp(p.getStatus().getPodIP()).withNewTargetRef()
                    .withKind("Pod").withName(p.getMetadata().getName()).withNamespace(p.getMetadata().getNamespace())
                    .endTargetRef().build();
            (PodSimulator.ready(p) ? ready : notReady).add(a);
        }
        if (ready.isEmpty() && notReady.isEmpty()) return List.of();
        List<EndpointPort> ports = new ArrayList<>();
        for (ServicePort port : s.getSpec().getPorts()) {
            int target = port.getTargetPort() != null && port.getTargetPort().getIntVal() != null
                    ? port.getTargetPort().getIntVal() : port.getPort();
            ports.add(new EndpointPortBuilder().withName(port.getName()).withPort(target)
                    .withProtocol(port.getProtocol() == null ? "TCP" : port.getProtocol()).build());
        }
        return List.of(new EndpointSubsetBuilder().withAddresses(ready).withNotReadyAddresses(notReady).withPorts(ports).build());
    }

    private static List<EndpointSubset> normal(List<EndpointSubset> subsets) {
        return subsets == null ? List.of() : subsets;
    }
}
