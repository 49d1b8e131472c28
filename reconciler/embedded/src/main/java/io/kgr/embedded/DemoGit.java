package io.kgr.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.RefSpec;

/**
 * The demo's Git server: a bare repository on disk, first filled with a copy of a folder (samples-repo), with a
 * post-receive hook that tells kgr about every push (command-line git runs it).
 */
final class DemoGit {
    private DemoGit() {
    }

    /** Creates {@code bare} with one commit holding {@code content}; returns the commit id. */
    static String create(Path bare, Path content, Path scratch) throws IOException, GitAPIException {
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        Path work = scratch.resolve("initial-commit");
        copyTree(content, work);
        try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
            git.add().addFilepattern(".").call();
            String id = git.commit().setMessage("Initial import of " + content.getFileName())
                    .setAuthor("kgr demo", "demo@kgr.invalid").setCommitter("kgr demo", "demo@kgr.invalid")
                    .setSign(false).call().name();
            git.push().setRemote(bare.toUri().toString()).setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main")).call();
            return id;
        } finally {
            deleteTree(work);
        }
    }

    /**
     * A post-receive hook that posts each pushed ref to kgr's webhook with the GitLab-style token header (a shared
     * secret; curl is all it needs). Without curl, the schedule picks the push up instead.
     */
    static void installHook(Path bare, List<String> webhookUrls, Path tokenFile) throws IOException {
        Path hook = bare.resolve("hooks").resolve("post-receive");
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, """
                #!/bin/sh
                # installed by kgr demo: tell kgr serve about this push (it also polls on its schedule)
                command -v curl >/dev/null 2>&1 || exit 0
                while read old new ref; do
                  for url in %s; do
                    curl -s -o /dev/null -m 5 -X POST -H "X-Gitlab-Token: $(cat '%s')" -H 'X-Gitlab-Event: Push Hook' \\
                      -H 'Content-Type: application/json' -d "{\\"ref\\":\\"$ref\\",\\"after\\":\\"$new\\"}" "$url" || true
                  done
                done
                exit 0
                """.formatted(webhookUrls.stream().map(u -> "'" + u + "'").collect(Collectors.joining(" ")),
                tokenFile));
        try {
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            hook.toFile().setExecutable(true);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path rel = from.relativize(p);
                if (rel.toString().startsWith(".git")) continue;
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
