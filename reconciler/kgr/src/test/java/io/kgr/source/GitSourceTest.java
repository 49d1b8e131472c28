package io.kgr.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitSourceTest {
    @TempDir Path tmp;
    private final GitSource source = new GitSource();

    private SourceSpec spec(String location, String ref, String path) {
        return new SourceSpec(location, Optional.ofNullable(ref), path, tmp.resolve("cache"), Optional.empty());
    }

    private static void write(Path root, String rel, String content) throws Exception {
        Files.createDirectories(root.resolve(rel).getParent());
        Files.writeString(root.resolve(rel), content);
    }

    private static String commit(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.add().setUpdate(true).addFilepattern(".").call();
        return git.commit().setMessage(message).setAuthor("t", "t@example.com").setCommitter("t", "t@example.com")
                .call().name();
    }

    @Test
    void plainDirectoryReadsYamlOutsideHiddenFoldersUnderThePath() throws Exception {
        Path dir = tmp.resolve("repo");
        write(dir, "clusters/a/t.yaml", "a");
        write(dir, "clusters/a/u.yml", "b");
        write(dir, "clusters/a/README.md", "c");
        write(dir, "clusters/.hidden/t.yaml", "d");
        write(dir, ".github/workflow.yaml", "e");
        write(dir, "clusters-old/t.yaml", "f");
        write(dir, "clusters/a/.t.yaml", "g");
        write(dir, "clusters/a/v.YAML", "h");
        write(dir, "clusters/a/w.yaml.bak", "i");
        Snapshot all = source.read(spec(dir.toString(), null, ""));
        assertThat(all.files()).extracting(SourceFile::path)
                .containsExactly("clusters-old/t.yaml", "clusters/a/t.yaml", "clusters/a/u.yml", "clusters/a/v.YAML");
        Snapshot sub = source.read(spec(dir.toString(), null, "./clusters/"));
        assertThat(sub.files()).extracting(SourceFile::path)
                .containsExactly("clusters/a/t.yaml", "clusters/a/u.yml", "clusters/a/v.YAML");
        assertThat(sub.revision()).startsWith("dir:");
        assertThat(source.read(spec(dir.toString(), null, "clusters")).revision()).isEqualTo(sub.revision());
    }

    @Test
    void aPlainDirectorysRevisionChangesWithAnyByteOrNameAndOnlyThen() throws Exception {
        Path dir = tmp.resolve("revisions");
        write(dir, "a.yaml", "retention.ms: 1000\n");
        write(dir, "b/c.yaml", "partitions: 3\n");
        String first = source.read(spec(dir.toString(), null, "")).revision();
        assertThat(source.read(spec(dir.toString(), null, "")).revision()).isEqualTo(first);
        write(dir, "a.yaml", "retention.ms: 1001\n"); // one byte, the same size
        String changed = source.read(spec(dir.toString(), null, "")).revision();
        assertThat(changed).isNotEqualTo(first);
        write(dir, "a.yaml", "retention.ms: 1000\n");
        assertThat(source.read(spec(dir.toString(), null, "")).revision()).isEqualTo(first);
        Files.move(dir.resolve("b/c.yaml"), dir.resolve("b/d.yaml"));
        assertThat(source.read(spec(dir.toString(), null, "")).revision()).isNotEqualTo(first).isNotEqualTo(changed);
        write(dir, "b/d.yaml", "partitions: 3\n\n"); // a byte more
        assertThat(source.read(spec(dir.toString(), null, "")).revision()).isNotEqualTo(first);
    }

    @Test
    void aPlainDirectoryIsWalkedAsFilesWalkWalksIt() throws Exception {
        Path dir = tmp.resolve("walked");
        write(dir, "a/t.yaml", "a");
        write(dir, "a/named.yaml/inner.yaml", "b"); // a directory named like a manifest is entered
        write(tmp, "outside/linked.yaml", "c");
        write(tmp, "outside-dir/x.yaml", "d");
        Files.createSymbolicLink(dir.resolve("a/link.yaml"), tmp.resolve("outside/linked.yaml")); // a link to a file is read
        Files.createSymbolicLink(dir.resolve("a/dir-link"), tmp.resolve("outside-dir")); // a link to a directory is not
        Files.createSymbolicLink(dir.resolve("a/dir-link.yaml"), tmp.resolve("outside-dir"));
        Files.createSymbolicLink(dir.resolve("a/broken.yaml"), tmp.resolve("nowhere.yaml"));
        Snapshot snapshot = source.read(spec(dir.toString(), null, ""));
        assertThat(snapshot.files()).extracting(SourceFile::path)
                .containsExactly("a/link.yaml", "a/named.yaml/inner.yaml", "a/t.yaml");
        assertThat(snapshot.files()).extracting(SourceFile::text).containsExactly("c", "b", "a");
        assertThat(source.read(spec(dir.toString(), null, "a/named.yaml")).files()).extracting(SourceFile::path)
                .containsExactly("a/named.yaml/inner.yaml");

        write(dir, "a/t.yaml", "changed");
        assertThat(source.read(spec(dir.toString(), null, "")).revision()).isNotEqualTo(snapshot.revision());
    }

    @Test
    void localRepositoryReadsTheCommittedTreeNotTheWorkingCopy() throws Exception {
        Path dir = tmp.resolve("work");
        try (Git git = Git.init().setInitialBranch("main").setDirectory(dir.toFile()).call()) {
            write(dir, "t.yaml", "committed");
            String first = commit(git, "first");
            write(dir, "t.yaml", "edited but not committed");
            Snapshot s = source.read(spec(dir.toString(), null, ""));
            assertThat(s.revision()).isEqualTo(first);
            assertThat(s.files()).singleElement().satisfies(f -> assertThat(f.text()).isEqualTo("committed"));
        }
    }

    @Test
    void remoteRepositoryIsMirroredFetchedAndReadAtAnyRef() throws Exception {
        Path bare = tmp.resolve("origin.git");
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        Path work = tmp.resolve("work");
        try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
            write(work, "c/t.yaml", "v1");
            String first = commit(git, "v1");
            git.tag().setName("release-1").call();
            push(git, bare);
            String url = bare.toUri().toString();

            Snapshot head = source.read(spec(url, null, "c"));
            assertThat(head.revision()).isEqualTo(first);
            assertThat(head.ref()).isEqualTo("HEAD");

            write(work, "c/t.yaml", "v2");
            String second = commit(git, "v2");
            push(git, bare);
            assertThat(source.read(spec(url, null, "c")).revision()).as("fetched again").isEqualTo(second);
            assertThat(source.read(spec(url, "main", "c")).files().get(0).text()).isEqualTo("v2");
            assertThat(source.read(spec(url, "release-1", "c")).files().get(0).text()).isEqualTo("v1");
            assertThat(source.read(spec(url, first, "c")).files().get(0).text()).isEqualTo("v1");
            assertThat(Files.list(tmp.resolve("cache")).toList()).singleElement()
                    .satisfies(m -> assertThat(m.getFileName().toString()).endsWith(".git"));
            assertThatThrownBy(() -> source.read(spec(url, "no-such-branch", "")))
                    .isInstanceOf(SourceException.class).hasMessageContaining("ref 'no-such-branch' not found");
        }
    }

    private static void push(Git git, Path bare) throws Exception {
        git.push().setRemote(bare.toUri().toString()).setForce(true)
                .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"), new RefSpec("refs/tags/*:refs/tags/*")).call();
    }

    @Test
    void unreachableRemoteIsASourceErrorWithoutCredentials() {
        assertThatThrownBy(() -> source.read(spec("https://user:s3cret@127.0.0.1:1/repo.git", null, "")))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("cannot fetch https://127.0.0.1:1/repo.git")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void missingDirectoryIsASourceError() {
        assertThatThrownBy(() -> source.read(spec(tmp.resolve("nope").toString(), null, "")))
                .isInstanceOf(SourceException.class).hasMessageContaining("no such directory");
    }

    @Test
    void tokensNeverPrint() {
        assertThat(new SourceSpec.Secret("s3cret").toString()).isEqualTo("(sensitive)");
        assertThat(spec("x", null, "").toString()).doesNotContain("s3cret");
    }

    @Test
    void aSourceHasOneIdentityFromEveryCloneCheckoutPathAndUrlForm() throws Exception {
        Path bare = tmp.resolve("kafka-gitops.git");
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        Path work = tmp.resolve("ci-runner-1/workspace");
        String root;
        try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
            write(work, "clusters/a/t.yaml", "v1");
            root = commit(git, "first");
            write(work, "clusters/a/t.yaml", "v2");
            commit(git, "second");
            push(git, bare);
        }
        Path clone = tmp.resolve("elsewhere/checkout");
        Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(clone.toFile()).call().close();
        String expected = "git:" + root.substring(0, 12) + "//clusters/a";
        for (String location : List.of(work.toString(), clone.toString(), bare.toString(), bare.toUri().toString())) {
            SourceSpec spec = spec(location, null, "./clusters/a/");
            assertThat(source.identity(spec, source.read(spec))).as(location).isEqualTo(expected);
        }
        // a network origin names the repository itself, whichever form the URL takes
        try (Git git = Git.open(clone.toFile())) {
            var config = git.getRepository().getConfig();
            config.setString("remote", "origin", "url", "git@GitHub.com:platform/kafka-gitops.git");
            config.save();
        }
        assertThat(source.identity(spec(clone.toString(), null, ""), source.read(spec(clone.toString(), null, ""))))
                .isEqualTo("github.com/platform/kafka-gitops");
        for (String url : List.of("https://github.com/platform/kafka-gitops", "https://token@github.com/platform/kafka-gitops.git/",
                "ssh://git@github.com:22/platform/kafka-gitops.git", "git@github.com:platform/kafka-gitops")) {
            assertThat(GitSource.networkName(url)).as(url).contains("github.com/platform/kafka-gitops");
        }
        assertThat(GitSource.networkName(bare.toUri().toString())).isEmpty();
        Path plain = tmp.resolve("plain/team-a");
        write(plain, "t.yaml", "x");
        assertThat(source.identity(spec(plain.toString(), null, ""), source.read(spec(plain.toString(), null, ""))))
                .isEqualTo("dir:" + plain.toAbsolutePath());
    }
}
