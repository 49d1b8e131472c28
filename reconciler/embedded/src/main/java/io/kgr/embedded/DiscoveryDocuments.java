package io.kgr.embedded;

import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import java.util.TreeMap;

/**
 * The legacy discovery documents ({@code /api}, {@code /apis}, and a resource list per group version) for the kinds
 * the demo's API server stores. kubectl reads them before any {@code get}; the mock server does not serve them.
 */
final class DiscoveryDocuments {
    private record Resource(String name, String singular, String kind, boolean namespaced, String shortNames,
                            String categories) {
        Resource(String name, String singular, String kind, boolean namespaced, String shortNames) {
            this(name, singular, kind, namespaced, shortNames, "");
        }
    }

    private static List<Resource> strimzi() {
        return List.of(new Resource("kafkas", "kafka", "Kafka", true, "k", "strimzi"),
                new Resource("kafkanodepools", "kafkanodepool", "KafkaNodePool", true, "knp", "strimzi"),
                new Resource("kafkatopics", "kafkatopic", "KafkaTopic", true, "kt", "strimzi"),
                new Resource("kafkausers", "kafkauser", "KafkaUser", true, "ku", "strimzi"));
    }

    private static final String VERBS = "[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]";

    private static final Map<String, List<Resource>> GROUP_VERSIONS = Map.of(
            "v1", List.of(
                    new Resource("pods", "pod", "Pod", true, "po"),
                    new Resource("services", "service", "Service", true, "svc"),
                    new Resource("endpoints", "endpoints", "Endpoints", true, "ep"),
                    new Resource("configmaps", "configmap", "ConfigMap", true, "cm"),
                    new Resource("secrets", "secret", "Secret", true, ""),
                    new Resource("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, "pvc"),
                    new Resource("namespaces", "namespace", "Namespace", false, "ns"),
                    new Resource("events", "event", "Event", true, "ev")),
            "kgr.io/v1alpha1", List.of(new Resource("podsets", "podset", "PodSet", true, "kps", "kgr,strimzi")),
            "kafka.strimzi.io/v1", strimzi(),
            "kafka.strimzi.io/v1beta2", strimzi(),
            "coordination.k8s.io/v1", List.of(new Resource("leases", "lease", "Lease", true, "")),
            "storage.k8s.io/v1", List.of(new Resource("storageclasses", "storageclass", "StorageClass", false, "sc")),
            "apiextensions.k8s.io/v1", List.of(new Resource("customresourcedefinitions", "customresourcedefinition",
                    "CustomResourceDefinition", false, "crd,crds")));

    private DiscoveryDocuments() {
    }

    /** The document for {@code path}, or null when it is not a discovery path. */
    static String forPath(String path) {
        if (path.equals("/api") || path.equals("/api/")) {
            return "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                    + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";
        }
        if (path.equals("/apis") || path.equals("/apis/")) {
            StringBuilder groups = new StringBuilder();
            // one entry per group, its versions newest first (v1 before v1beta2): the first is the preferred one
            TreeMap<String, List<String>> versions = new TreeMap<>();
            GROUP_VERSIONS.keySet().stream().filter(gv -> gv.contains("/")).sorted().forEach(gv -> versions
                    .computeIfAbsent(gv.substring(0, gv.indexOf('/')), k -> new ArrayList<>())
                    .add(gv.substring(gv.indexOf('/') + 1)));
            versions.forEach((group, vs) -> {
                StringBuilder list = new StringBuilder();
                for (String version : vs) {
                    if (list.length() > 0) list.append(',');
                    list.append("{\"groupVersion\":\"").append(group).append('/').append(version)
                            .append("\",\"version\":\"").append(version).append("\"}");
                }
                String preferred = "{\"groupVersion\":\"" + group + "/" + vs.get(0) + "\",\"version\":\"" + vs.get(0) + "\"}";
                if (groups.length() > 0) groups.append(',');
                groups.append("{\"name\":\"").append(group).append("\",\"versions\":[").append(list)
                        .append("],\"preferredVersion\":").append(preferred).append('}');
            });
            return "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + groups + "]}";
        }
        String groupVersion = path.startsWith("/api/") ? path.substring("/api/".length())
                : path.startsWith("/apis/") ? path.substring("/apis/".length()) : null;
        if (groupVersion == null) return null;
        groupVersion = groupVersion.replaceAll("/$", "");
        List<Resource> resources = GROUP_VERSIONS.get(groupVersion);
        if (resources == null) return null;
        StringBuilder list = new StringBuilder();
        for (Resource r : resources) {
            if (list.length() > 0) list.append(',');
            list.append("{\"name\":\"").append(r.name()).append("\",\"singularName\":\"").append(r.singular())
                    .append("\",\"namespaced\":").append(r.namespaced()).append(",\"kind\":\"").append(r.kind())
                    .append("\",\"verbs\":").append(VERBS);
            if (!r.shortNames().isEmpty()) {
                list.append(",\"shortNames\":[\"").append(r.shortNames().replace(",", "\",\"")).append("\"]");
            }
            if (!r.categories().isEmpty()) {
                list.append(",\"categories\":[\"").append(r.categories().replace(",", "\",\"")).append("\"]");
            }
            list.append('}');
        }
        return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion
                + "\",\"resources\":[" + list + "]}";
    }
}
