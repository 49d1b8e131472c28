package io.kgr.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kgr.desired.KubernetesSecrets;
import io.kgr.desired.SecretResolver;
import io.kgr.observe.KubeObserver;
import io.kgr.source.SourceSpec;
import picocli.CommandLine.Option;

/** Where the manifests come from. */
final class SourceOptions {
    @Option(names = "--repo", paramLabel = "DIR|URL",
            description = "Plain directory, local Git repository (bare or not), or file://, https:// or ssh URL.")
    String repo;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit to read (default: HEAD).")
    String ref;

    @Option(names = "--path", paramLabel = "PATH", defaultValue = "", description = "Only read manifests under this path of the repository.")
    String path;

    @Option(names = "--cluster", paramLabel = "NAME",
            description = "Cluster to plan for; manifests labelled strimzi.io/cluster with another name are skipped, unlabelled ones belong to it.")
    String cluster;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Where remote repositories are mirrored (default: ~/.cache/kgr/git).")
    Path cacheDir;

    @Option(names = "--git-token-file", paramLabel = "FILE", description = "File holding an HTTPS token (else env KGR_GIT_TOKEN).")
    Path tokenFile;

    @Option(names = "--ssh-key", paramLabel = "FILE", description = "Private key for ssh:// and user@host:path URLs (needs --known-hosts).")
    Path sshKey;

    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = "known_hosts file that must list the Git server's host key; an unknown or changed key fails the fetch.")
    Path knownHosts;

    @Option(names = "--source-name", paramLabel = "NAME",
            description = "Name of this source in the cluster's inventory (default: the repository's identity, the same from every clone and URL form: host/path of its network URL or origin, else git:<root commit>, else dir:<folder>; then //<path>). Sources with different names never prune each other's resources.")
    String sourceName;

    @Option(names = "--secrets-dir", paramLabel = "DIR",
            description = "Where secretKeyRef passwords are read from: DIR/<secret name>/<key> (a mounted Secret's layout); else env KGR_SECRET_<NAME>_<KEY>.")
    Path secretsDir;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "Kubernetes namespace of the cluster: secretKeyRefs are read from its Secrets, and SCRAM users without a password get a generated one in a Secret named after them.")
    String namespace;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig to reach Kubernetes (default: $KUBECONFIG, ~/.kube/config or in-cluster).")
    Path kubeconfig;

    private SecretResolver kubernetesSecrets;

    SecretResolver secrets() {
        if (namespace != null) return kubernetesSecrets();
        return new SecretResolver(Optional.ofNullable(secretsDir), System.getenv());
    }

    /** The cluster's namespace on Kubernetes, when --namespace is given: kgr then manages the cluster's pods too. */
    Optional<KubeObserver> kube() {
        if (namespace == null) return Optional.empty();
        kubernetesSecrets();
        return Optional.of(new KubeObserver(kubernetesClient, namespace));
    }

    private KubernetesClient kubernetesClient;

    private SecretResolver kubernetesSecrets() {
        if (kubernetesSecrets == null) {
            Config config;
            try {
                config = kubeconfig == null ? Config.autoConfigure(null)
                        : Config.fromKubeconfig(null, Files.readString(kubeconfig),
                                kubeconfig.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
            }
            var client = new KubernetesClientBuilder().withConfig(config).build();
            kubernetesClient = client;
            kubernetesSecrets = SecretResolver.kubernetes(new KubernetesSecrets(client, namespace));
        }
        return kubernetesSecrets;
    }

    /** validate checks secret references only when told where secrets are (linting in CI has none). */
    SecretResolver secretsForValidation() {
        boolean anyInEnvironment = System.getenv().keySet().stream().anyMatch(k -> k.startsWith("KGR_SECRET_"));
        return secretsDir != null || namespace != null || anyInEnvironment ? secrets() : SecretResolver.unchecked();
    }

    SourceSpec spec(String positional) throws IOException {
        String location = repo != null ? repo : positional;
        if (location == null) location = ".";
        Path cache = cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache", "kgr", "git");
        Optional<SourceSpec.Secret> token = Optional.empty();
        if (tokenFile != null) {
            token = Optional.of(new SourceSpec.Secret(Files.readString(tokenFile, StandardCharsets.UTF_8).trim()));
        } else if (System.getenv("KGR_GIT_TOKEN") != null && !System.getenv("KGR_GIT_TOKEN").isBlank()) {
            token = Optional.of(new SourceSpec.Secret(System.getenv("KGR_GIT_TOKEN").trim()));
        }
        if ((sshKey == null) != (knownHosts == null)) {
            throw new IllegalArgumentException("--ssh-key and --known-hosts go together: kgr never accepts an unknown host key");
        }
        Optional<SourceSpec.SshAuth> ssh = sshKey == null ? Optional.empty() : Optional.of(new SourceSpec.SshAuth(sshKey, knownHosts));
        return new SourceSpec(location, Optional.ofNullable(ref), path, cache, token, ssh);
    }

    Optional<String> cluster() {
        return Optional.ofNullable(cluster);
    }

    /** The inventory key given with --source-name; null: the source's identity (GitSource#identity) is used. */
    String sourceName(SourceSpec spec) {
        return sourceName;
    }
}
