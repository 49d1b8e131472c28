package io.kgr.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.time.Instant;
import tools.jackson.databind.json.JsonMapper;

/**
 * An in-memory Kubernetes API server (fabric8's mock server in CRUD mode) on 127.0.0.1: objects are stored and served,
 * but nothing runs them — {@link PodSimulator} plays the kubelet. kgr's PodSet CRD is installed, and the discovery
 * documents kubectl asks for first are served, so that {@code kubectl get} works against it. The demo and the
 * integration tests both use it.
 */
public final class EmbeddedKubernetes implements AutoCloseable {
    static final String PODSET_CRD = "/deploy/crds/podsets.kgr.io.yaml";
    /** Strimzi's kinds, for the mirrors and status kgr publishes (deploy/crds, as on a real cluster). */
    static final List<String> STRIMZI_CRDS = List.of("kafkas", "kafkanodepools", "kafkatopics", "kafkausers");
    /** Held so that the level stays set: the mock server logs every request at INFO through java.util.logging. */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;

    private EmbeddedKubernetes(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    public static EmbeddedKubernetes start(String namespace) throws IOException {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
        CustomResourceDefinitionContext podSets = new CustomResourceDefinitionContext.Builder().withGroup("kgr.io")
                .withVersion("v1alpha1").withKind("PodSet").withPlural("podsets").withScope("Namespaced").withStatusSubresource(true).build();
        List<CustomResourceDefinitionContext> kinds = new ArrayList<>(List.of(podSets));
        for (String version : List.of("v1", "v1beta2")) {
            for (String[] k : List.of(new String[] {"Kafka", "kafkas"}, new String[] {"KafkaNodePool", "kafkanodepools"},
                    new String[] {"KafkaTopic", "kafkatopics"}, new String[] {"KafkaUser", "kafkausers"})) {
                kinds.add(new CustomResourceDefinitionContext.Builder().withGroup("kafka.strimzi.io").withVersion(version)
                        .withKind(k[0]).withPlural(k[1]).withScope("Namespaced").withStatusSubresource(true).build());
            }
        }
        // Strimzi's own pod sets, for clusters made as Strimzi's cluster operator makes them (a takeover in place)
        kinds.add(new CustomResourceDefinitionContext.Builder().withGroup("core.strimzi.io").withVersion("v1")
                .withKind("StrimziPodSet").withPlural("strimzipodsets").withScope("Namespaced").withStatusSubresource(true).build());
        KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(kinds);
        PrinterColumns columns = new PrinterColumns();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new Discovery(crud, columns), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        EmbeddedKubernetes kube = new EmbeddedKubernetes(server);
        kube.client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        List<String> crds = new ArrayList<>(List.of(PODSET_CRD));
        STRIMZI_CRDS.forEach(plural -> crds.add("/deploy/crds/" + plural + ".kafka.strimzi.io.yaml"));
        for (String file : crds) {
            try (InputStream crd = EmbeddedKubernetes.class.getResourceAsStream(file)) {
                if (crd == null) continue;
                CustomResourceDefinition definition = kube.client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class);
                kube.client.apiextensions().v1().customResourceDefinitions().resource(definition).create();
                columns.add(JsonMapper.builder().build()
                        .readTree(kube.client.getKubernetesSerialization().asJson(definition)));
            }
        }
        return kube;
    }

    public String url() {
        return server.url("/").replaceAll("/$", "");
    }

    public NamespacedKubernetesClient client() {
        return client;
    }

    /** A kubeconfig for this server (kubectl and kgr both use it). */
    public Path writeKubeconfig(Path file) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kgr-demo
                  cluster:
                    server: %s
                contexts:
                - name: kgr-demo
                  context: {cluster: kgr-demo, user: kgr-demo, namespace: kafka}
                current-context: kgr-demo
                users:
                - name: kgr-demo
                  user: {token: demo}
                """.formatted(url()), StandardCharsets.UTF_8);
        return file;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    /** Answers the discovery requests of kubectl; everything else is the CRUD store's. */
    private static final class Discovery extends Dispatcher {
        private final KubernetesCrudDispatcher crud;
        private final PrinterColumns columns;

        Discovery(KubernetesCrudDispatcher crud, PrinterColumns columns) {
            this.crud = crud;
            this.columns = columns;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath().replaceAll("\\?.*$", "");
            String body = request.getMethod().equals("GET") ? DiscoveryDocuments.forPath(path) : null;
            if (body != null) {
                return new MockResponse().setResponseCode(200)
                        .setHeader("Content-Type", "application/json").setBody(body);
            }
            MockResponse response = crud.dispatch(request);
            String accept = request.getHeader("Accept");
            if (request.getMethod().equals("GET") && accept != null && accept.contains("as=Table") && columns.covers(path)
                    && response.code() == 200 && response.getBody() != null) {
                // kubectl get of a custom resource: the CRD's printer columns, as a real API server gives them
                String table = columns.table(path, response.getBody().readUtf8(), Instant.now());
                return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(table);
            }
            return response;
        }
    }
}
