package io.kgr.desired;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.kgr.model.Secret;
import io.kgr.model.SecretRef;

/**
 * Resolves {@code secretKeyRef}s without Kubernetes: from a directory laid out like a mounted Secret
 * ({@code <dir>/<secret name>/<key>}, e.g. a Kubernetes secret volume or a CI secrets folder), else from the
 * environment variable {@code KGR_SECRET_<NAME>_<KEY>} (upper case, other characters as '_').
 * The environment is passed in once, never read mid-run.
 */
public final class SecretResolver {
    private final Optional<Path> directory;
    private final Map<String, String> environment;
    private final boolean checked;
    private final Optional<KubernetesSecrets> kubernetes;

    public SecretResolver(Optional<Path> directory, Map<String, String> environment) {
        this(directory, environment, true, Optional.empty());
    }

    private SecretResolver(Optional<Path> directory, Map<String, String> environment, boolean checked,
                           Optional<KubernetesSecrets> kubernetes) {
        this.directory = directory;
        this.environment = Map.copyOf(environment);
        this.checked = checked;
        this.kubernetes = kubernetes;
    }

    /** On a Kubernetes target: references are read from the namespace's Secrets, and passwords can be generated. */
    public static SecretResolver kubernetes(KubernetesSecrets secrets) {
        return new SecretResolver(Optional.empty(), Map.of(), true, Optional.of(secrets));
    }

    /** Whether kgr can generate passwords and keep them (only in a Kubernetes Secret). */
    public boolean generates() {
        return kubernetes.isPresent();
    }

    public Optional<String> namespace() {
        return kubernetes.map(KubernetesSecrets::namespace);
    }

    /** The namespace's Secrets, on a Kubernetes target (where the apply keeps generated passwords). */
    public Optional<KubernetesSecrets> kubernetes() {
        return kubernetes;
    }

    /** True when a Secret named {@code name} exists on Kubernetes and kgr did not create it. */
    public boolean foreignSecret(String name) {
        return kubernetes.map(k -> k.foreign(name)).orElse(false);
    }


    /** True when a Secret named {@code name} is a KafkaUser's password Secret that Strimzi's User Operator made. */
    public boolean strimziUserSecret(String name) {
        return kubernetes.map(k -> k.madeByStrimzi(name)).orElse(false);
    }

    public static SecretResolver none() {
        return new SecretResolver(Optional.empty(), Map.of());
    }

    /** For linting without secrets (e.g. CI on a pull request): references are not resolved, only reported. */
    public static SecretResolver unchecked() {
        return new SecretResolver(Optional.empty(), Map.of(), false, Optional.empty());
    }

    public boolean checked() {
        return checked;
    }

    public Optional<Secret> resolve(SecretRef ref) {
        if (kubernetes.isPresent()) return kubernetes.get().read(ref);
        if (directory.isPresent()) {
            Path file = directory.get().resolve(ref.name()).resolve(ref.key());
            if (Files.isRegularFile(file)) {
                try {
                    String before = fileVersion(file, Instant.now());
                    if (before.isEmpty() && justWritten(file)) {
                        // a plan pins the version it read: a file written a moment ago gets one once it has settled
                        Thread.sleep(SETTLED.toMillis());
                        before = fileVersion(file, Instant.now());
                    }
                    String value = stripNewline(Files.readString(file, StandardCharsets.UTF_8));
                    String after = fileVersion(file, Instant.now());
                    return Optional.of(new Secret(value, before.equals(after) ? after : ""));
                } catch (IOException e) {
                    return Optional.empty();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
        return Optional.ofNullable(environment.get(environmentName(ref))).map(Secret::new);
    }

    /**
     * A file's version: device, inode and change time (which no program can set back, unlike the modification time);
     * not its size, which would tell a password's length. Empty when the file changed less than {@link #SETTLED} ago: a write in the same tick of the kernel's coarse
     * clock would keep the change time, so only a file older than that is known to be the one read. A Kubernetes
     * Secret volume swaps in new files on an update, which gives them a new inode.
     */
    static String fileVersion(Path file, Instant now) {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino,ctime");
            FileTime ctime = (FileTime) a.get("ctime");
            Instant changed = ctime.toInstant();
            if (changed.isAfter(now.minus(SETTLED))) return "";
            return "file:" + a.get("dev") + ":" + a.get("ino") + ":" + changed.getEpochSecond() + "."
                    + changed.getNano();
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return ""; // no unix view (not Linux/macOS): no version
        }
    }

    /** Whether the file changed less than {@link #SETTLED} ago (it has a version once that has passed). */
    private static boolean justWritten(Path file) {
        try {
            FileTime ctime = (FileTime) Files.getAttribute(file, "unix:ctime");
            return ctime.toInstant().isAfter(Instant.now().minus(SETTLED));
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return false;
        }
    }

    static final Duration SETTLED = Duration.ofSeconds(1);

    /** Where this resolver looked, for the error message of a missing secret. */
    public String places(SecretRef ref) {
        if (kubernetes.isPresent()) return "Secret " + kubernetes.get().namespace() + "/" + ref.name() + " key " + ref.key();
        String env = "environment variable " + environmentName(ref);
        return directory.map(d -> d.resolve(ref.name()).resolve(ref.key()) + " or " + env).orElse(env + " (no --secrets-dir given)");
    }

    static String environmentName(SecretRef ref) {
        return ("KGR_SECRET_" + ref.name() + "_" + ref.key()).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    }

    private static String stripNewline(String s) {
        return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
