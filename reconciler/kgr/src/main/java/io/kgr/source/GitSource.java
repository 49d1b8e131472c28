package io.kgr.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * Reads a {@link Snapshot} from a plain directory, a local Git repository, or a remote Git URL.
 * Remote repositories are kept as bare mirrors in the cache directory and fetched on every read; files are read from
 * the commit's tree with a TreeWalk, never checked out.
 */
public final class GitSource {
    private static final String REMOTE_HEAD = "refs/kgr/remote-head";

    public Snapshot read(SourceSpec spec) throws SourceException {
        String location = spec.location();
        if (isUrl(location)) {
            return readRemote(spec);
        }
        Path dir = Path.of(location);
        if (!Files.isDirectory(dir)) {
            throw new SourceException("source " + location + ": no such directory, and not a Git URL");
        }
        if (isGitRepository(dir)) {
            try (Repository repo = openLocal(dir)) {
                return readCommit(repo, spec, dir.toAbsolutePath().normalize().toString());
            }
        }
        if (spec.ref().isPresent()) {
            throw new SourceException("source " + location + " is a plain directory, so --ref " + spec.ref().get()
                    + " cannot be resolved; point --repo at a Git repository to read an older revision");
        }
        return readDirectory(dir, spec);
    }

    /** How a snapshot of {@code spec} names where it came from: the URL without credentials, or the absolute path. */
    public static String location(SourceSpec spec) {
        return isUrl(spec.location()) ? redact(spec.location()) : Path.of(spec.location()).toAbsolutePath().normalize().toString();
    }

    /** Whether the location is a remote repository (mirrored in the cache), not a local folder or repository. */
    public static boolean isUrl(String location) {
        return location.contains("://") || location.matches("^[\\w.-]+@[\\w.-]+:.+");
    }

    private static boolean isGitRepository(Path dir) {
        return Files.exists(dir.resolve(".git"))
                || (Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"))
                    && Files.isDirectory(dir.resolve("refs")));
    }

    private static Repository openLocal(Path dir) throws SourceException {
        try {
            FileRepositoryBuilder builder = new FileRepositoryBuilder();
            if (Files.exists(dir.resolve(".git"))) builder.setWorkTree(dir.toFile());
            else builder.setGitDir(dir.toFile());
            return builder.setMustExist(true).build();
        } catch (IOException e) {
            throw new SourceException("cannot open Git repository " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The commit a remote source had when it was last fetched, read from the local mirror without contacting the
     * remote: what a service may keep reconciling while the Git server does not answer.
     */
    public Snapshot readLastFetched(SourceSpec spec) throws SourceException {
        if (!isUrl(spec.location())) throw new SourceException("source " + spec.location() + " is not a remote repository");
        Path mirror = spec.cacheDir().resolve(mirrorName(spec.location()));
        if (!Files.isDirectory(mirror.resolve("objects"))) {
            throw new SourceException("source " + redact(spec.location()) + " was never fetched");
        }
        try (Repository repo = openLocal(mirror)) {
            return readCommit(repo, spec, redact(spec.location()));
        }
    }

    private Snapshot readRemote(SourceSpec spec) throws SourceException {
        Path mirror = spec.cacheDir().resolve(mirrorName(spec.location()));
        CredentialsProvider credentials = spec.token()
                .map(t -> (CredentialsProvider) new UsernamePasswordCredentialsProvider("x-access-token", t.value()))
                .orElse(null);
        SshdSessionFactory sshSessions = spec.ssh().map(ssh -> sshSessions(ssh, spec.cacheDir())).orElse(null);
        try {
            if (!Files.isDirectory(mirror.resolve("objects"))) {
                Files.createDirectories(mirror);
                Git.init().setBare(true).setDirectory(mirror.toFile()).call().close();
            }
            try (Git git = Git.open(mirror.toFile())) {
                // the remote's HEAD is fetched too, so that "no --ref" means the remote's default branch
                var fetch = git.fetch();
                if (sshSessions != null) {
                    fetch.setTransportConfigCallback(t -> {
                        if (t instanceof SshTransport ssh) ssh.setSshSessionFactory(sshSessions);
                    });
                }
                FetchResult fetched = fetch.setRemote(spec.location()).setCredentialsProvider(credentials)
                        .setRemoveDeletedRefs(true)
                        .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
                        .call();
                Ref head = fetched.getAdvertisedRef(Constants.HEAD);
                if (head != null && head.getObjectId() != null) {
                    RefUpdate update = git.getRepository().updateRef(REMOTE_HEAD);
                    update.setNewObjectId(head.getObjectId());
                    update.setForceUpdate(true);
                    update.update();
                }
            }
        } catch (GitAPIException | IOException | RuntimeException e) {
            // JGit may put the URL (and with it embedded credentials) in messages: name the source by its redacted form
            throw new SourceException("cannot fetch " + redact(spec.location()) + ": " + rootMessage(e), e);
        } finally {
            if (sshSessions != null) sshSessions.close();
        }
        try (Repository repo = openLocal(mirror)) {
            return readCommit(repo, spec, redact(spec.location()));
        }
    }

    /**
     * SSH with exactly the given key, and the server's host key checked against the given known_hosts file: an unknown
     * or changed host key fails the fetch (StrictHostKeyChecking yes); nothing from ~/.ssh is used.
     */
    private static SshdSessionFactory sshSessions(SourceSpec.SshAuth ssh, Path cacheDir) {
        Path key = ssh.privateKey().toAbsolutePath();
        Path knownHosts = ssh.knownHosts().toAbsolutePath();
        String text = "Host *\n  StrictHostKeyChecking yes\n  BatchMode yes\n  IdentitiesOnly yes\n"
                + "  IdentityFile \"" + key + "\"\n  UserKnownHostsFile \"" + knownHosts + "\"\n  GlobalKnownHostsFile none\n";
        Path config = cacheDir.resolve("ssh_config-" + HexFormat.of().formatHex(sha256().digest(
                text.getBytes(StandardCharsets.UTF_8))).substring(0, 12));
        try {
            Files.createDirectories(cacheDir);
            Files.writeString(config, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        return new SshdSessionFactoryBuilder()
                .setHomeDirectory(cacheDir.toFile())
                .setSshDirectory(cacheDir.toFile())
                .setConfigFile(dir -> config.toFile())
                .setDefaultKnownHostsFiles(dir -> List.of(knownHosts))
                .setDefaultIdentities(dir -> List.of(key))
                .setPreferredAuthentications("publickey")
                .build(new JGitKeyCache());
    }

    /**
     * The blobs of the commit read last, by id (a blob's content never changes): a service reads its source every few
     * minutes, and inflating 10,000 unchanged blobs again cost more than the rest of reading the commit.
     */
    private volatile Map<ObjectId, byte[]> blobs = Map.of();

    private Snapshot readCommit(Repository repo, SourceSpec spec, String locationForHumans) throws SourceException {
        String ref = spec.ref().orElse("HEAD");
        if (ref.equals("HEAD") && isUrl(spec.location())) ref = REMOTE_HEAD;
        try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader()) {
            ObjectId id = repo.resolve(ref + "^{commit}");
            if (id == null) {
                String shown = ref.equals(REMOTE_HEAD) ? "HEAD (the remote advertises no default branch; pass --ref)" : ref;
                throw new SourceException("source " + locationForHumans + ": ref '" + shown + "' not found");
            }
            RevCommit commit = walk.parseCommit(id);
            List<SourceFile> files = new ArrayList<>();
            Map<ObjectId, byte[]> read = new HashMap<>();
            try (TreeWalk tree = new TreeWalk(reader)) {
                tree.addTree(commit.getTree());
                tree.setRecursive(true);
                if (!spec.path().isEmpty()) tree.setFilter(PathFilter.create(spec.path()));
                while (tree.next()) {
                    String path = tree.getPathString();
                    if (ManifestFiles.isManifest(path) && ManifestFiles.under(path, spec.path())) {
                        ObjectId blob = tree.getObjectId(0);
                        byte[] content = blobs.get(blob);
                        if (content == null) content = reader.open(blob).getBytes();
                        read.put(blob.copy(), content);
                        files.add(new SourceFile(path, content));
                    }
                }
            }
            files.sort(Comparator.comparing(SourceFile::path));
            blobs = read; // only this commit's blobs are kept
            return new Snapshot(locationForHumans, spec.ref().orElse("HEAD"), commit.name(), files, commit.getFullMessage());
        } catch (IOException e) {
            throw new SourceException("source " + locationForHumans + ": cannot read " + ref + ": " + e.getMessage(), e);
        }
    }

    private Snapshot readDirectory(Path dir, SourceSpec spec) throws SourceException {
        Path root = dir.toAbsolutePath().normalize();
        try {
            List<SourceFile> files = read(root, "", spec.path()).stream()
                    .sorted(Comparator.comparing(SourceFile::path)).toList();
            return new Snapshot(root.toString(), "", "dir:" + contentHash(files), files);
        } catch (IOException e) {
            throw new SourceException("cannot read directory " + dir + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new SourceException("cannot read directory " + dir + ": " + e.getMessage(), e.getCause());
        }
    }

    /**
     * The manifest files under {@code dir} ({@code rel} from the root) as {@link Files#walk} finds them: links to files
     * are read, links to directories are not followed, hidden files and directories are left out. Files are read and
     * hashed on every core (for 10,000 small files that costs more than listing them), and an entry with a manifest's
     * name is looked at only there: a stat per entry on the listing thread cost as much as reading the files.
     */
    private static List<SourceFile> read(Path dir, String rel, String under) throws IOException {
        List<String> manifests = new ArrayList<>();
        List<SourceFile> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) continue;
                String path = rel.isEmpty() ? name : rel + "/" + name;
                if (ManifestFiles.isManifest(name)) {
                    manifests.add(name);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        && (ManifestFiles.under(path, under) || under.startsWith(path + "/"))) {
                    files.addAll(read(p, path, under));
                }
            }
        }
        files.addAll(manifests.parallelStream().flatMap(name -> {
            String path = rel.isEmpty() ? name : rel + "/" + name;
            Path p = dir.resolve(name);
            try {
                var attributes = Files.readAttributes(p, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (attributes.isDirectory()) { // a directory named like a manifest
                    return ManifestFiles.under(path, under) || under.startsWith(path + "/") ? read(p, path, under).stream()
                            : Stream.empty();
                }
                if (!ManifestFiles.under(path, under)) return Stream.empty();
                if (attributes.isSymbolicLink() ? !Files.isRegularFile(p) : !attributes.isRegularFile()) return Stream.empty();
                byte[] content = Files.readAllBytes(p);
                return Stream.of(new SourceFile(path, content));
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": " + e.getMessage(), e);
            }
        }).toList());
        return files;
    }

    /**
     * The source's default name in inventories, the same whichever checkout, clone or URL form it is read from:
     * <ul>
     * <li>a repository with a network URL (the URL given, or a local clone's {@code origin}): host and path, without
     * scheme, user, port and {@code .git} ({@code github.com/org/kafka-gitops});</li>
     * <li>any other Git repository (a local or {@code file://} one): {@code git:} and its root commit, which every clone
     * shares;</li>
     * <li>a plain directory (no Git at all): {@code dir:} and its absolute path — without a history there is nothing
     * that tells two folders of one name apart, and merging two sources would let one prune the other.</li>
     * </ul>
     * A {@code --path} is appended after {@code //}, as kustomize writes sub-folders.
     */
    public String identity(SourceSpec spec, Snapshot snapshot) throws SourceException {
        String path = spec.path().replaceAll("^\\.?/+", "").replaceAll("/+$", "");
        String suffix = path.isEmpty() ? "" : "//" + path;
        if (snapshot.revision().startsWith("dir:")) {
            return "dir:" + Path.of(spec.location()).toAbsolutePath().normalize() + suffix;
        }
        Path dir = isUrl(spec.location()) ? spec.cacheDir().resolve(mirrorName(spec.location())) : Path.of(spec.location());
        try (Repository repo = openLocal(dir)) {
            String url = isUrl(spec.location()) ? spec.location() : repo.getConfig().getString("remote", "origin", "url");
            Optional<String> network = url == null ? Optional.empty() : networkName(url);
            if (network.isPresent()) return network.get() + suffix;
            return "git:" + rootCommit(repo, ObjectId.fromString(snapshot.revision())).substring(0, 12) + suffix;
        } catch (IOException e) {
            throw new SourceException("source " + redact(spec.location()) + ": cannot read its history: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code commit} is {@code applied} or a descendant of it in the source's history (read from the local
     * mirror, so it works while the server does not answer): going from {@code applied} to it moves forward, never back.
     */
    public boolean isSameOrNewer(SourceSpec spec, String applied, String commit) {
        if (applied.equals(commit)) return true;
        if (applied.isEmpty() || applied.startsWith("dir:") || commit.startsWith("dir:")) return false;
        Path dir = isUrl(spec.location()) ? spec.cacheDir().resolve(mirrorName(spec.location())) : Path.of(spec.location());
        try (Repository repo = openLocal(dir); RevWalk walk = new RevWalk(repo)) {
            return walk.isMergedInto(walk.parseCommit(ObjectId.fromString(applied)), walk.parseCommit(ObjectId.fromString(commit)));
        } catch (IOException | IllegalArgumentException | SourceException e) {
            return false; // a commit the mirror does not have (rewritten history): not provably newer
        }
    }

    /** {@code host/path} of a network Git URL (https, ssh, git, or scp-like {@code user@host:path}); empty for files. */
    static Optional<String> networkName(String url) {
        String hostAndPath;
        Matcher scp = Pattern.compile("^(?:[\\w.-]+@)?([\\w.-]+):(?!//)(.+)$").matcher(url);
        if (url.contains("://")) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (uri.getHost() == null || "file".equalsIgnoreCase(uri.getScheme())) return Optional.empty();
            hostAndPath = uri.getHost().toLowerCase(Locale.ROOT) + "/" + uri.getPath();
        } else if (scp.matches() && !url.startsWith("/")) {
            hostAndPath = scp.group(1).toLowerCase(Locale.ROOT) + "/" + scp.group(2);
        } else {
            return Optional.empty();
        }
        return Optional.of(hostAndPath.replaceAll("/+", "/").replaceAll("/$", "").replaceAll("\\.git$", "")
                .replaceAll("/$", ""));
    }

    /** The oldest commit of the history behind {@code tip} (the smallest id when it has several roots). */
    private static String rootCommit(Repository repo, ObjectId tip) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            walk.setRetainBody(false);
            walk.markStart(walk.parseCommit(tip));
            String root = null;
            for (RevCommit c : walk) {
                if (c.getParentCount() == 0 && (root == null || c.name().compareTo(root) < 0)) root = c.name();
            }
            return root == null ? tip.name() : root;
        }
    }

    /**
     * A plain directory has no commit: its revision is a SHA-256 of each manifest file's path, size and two CRCs of its
     * bytes (CRC-32 and CRC-32C, which the JIT compiles to CPU instructions; a SHA-256 of each of 10,000 files cost ≈ 35
     * ms of a cold start). It names the content for people and the inventory; nothing is planned from it (a plan
     * compares what the files say, and the manifest cache compares their bytes).
     */
    private static String contentHash(List<SourceFile> files) {
        MessageDigest digest = sha256();
        ByteBuffer sums = ByteBuffer.allocate(16);
        CRC32 crc = new CRC32();
        CRC32C crcC = new CRC32C();
        for (SourceFile f : files) {
            digest.update(f.path().getBytes(StandardCharsets.UTF_8));
            crc.reset();
            crc.update(f.content());
            crcC.reset();
            crcC.update(f.content());
            sums.clear();
            sums.put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0) // ends the path (no path holds a NUL)
                    .putInt(f.content().length).putInt((int) crc.getValue()).putInt((int) crcC.getValue());
            digest.update(sums.array());
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
    }

    static String mirrorName(String url) {
        String readable = redact(url).replaceAll("^[a-z+]+://", "").replaceAll("[^A-Za-z0-9._-]+", "_");
        if (readable.length() > 60) readable = readable.substring(readable.length() - 60);
        String hash = HexFormat.of().formatHex(sha256().digest(url.getBytes(StandardCharsets.UTF_8))).substring(0, 10);
        return readable.toLowerCase(Locale.ROOT) + "-" + hash + ".git";
    }

    /** Removes user-info (user:password@) from a URL so that it can be printed. */
    public static String redact(String location) {
        try {
            if (!location.contains("://")) return location;
            URI uri = URI.create(location);
            if (uri.getUserInfo() == null) return location;
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment()).toString();
        } catch (Exception e) {
            return location.replaceAll("://[^@/]*@", "://");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("://[^@/\\s]*@", "://");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
