package io.kgr.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;

/** A real bare Git repository on disk, with a working clone that commits and pushes to it. */
public final class GitRepo implements AutoCloseable {
    private final Path bare;
    private final Git work;

    private GitRepo(Path bare, Git work) {
        this.bare = bare;
        this.work = work;
    }

    public static GitRepo create(Path dir) throws Exception {
        Path bare = dir.resolve("origin.git");
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        Git work = Git.init().setInitialBranch("main").setDirectory(dir.resolve("work").toFile()).call();
        var config = work.getRepository().getConfig();
        config.setString("remote", "origin", "url", bare.toUri().toString());
        config.save();
        return new GitRepo(bare, work);
    }

    /** The URL kgr reads: file:// of the bare repository. */
    public String url() {
        return bare.toUri().toString();
    }

    public Path bareDir() {
        return bare;
    }

    public GitRepo write(String path, String content) throws IOException {
        Path file = work.getRepository().getWorkTree().toPath().resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return this;
    }

    public GitRepo delete(String path) throws IOException {
        Files.deleteIfExists(work.getRepository().getWorkTree().toPath().resolve(path));
        return this;
    }

    /** Commits everything and pushes to the bare repository; returns the commit id. */
    public String commitAndPush(String message) throws Exception {
        work.add().addFilepattern(".").call();
        work.add().setUpdate(true).addFilepattern(".").call();
        RevCommit c = work.commit().setMessage(message).setAuthor("test", "test@example.com")
                .setCommitter("test", "test@example.com").call();
        work.push().setRemote("origin").setRefSpecs(new org.eclipse.jgit.transport.RefSpec("refs/heads/main:refs/heads/main"))
                .setForce(true).call();
        return c.name();
    }

    @Override
    public void close() {
        work.close();
    }
}
