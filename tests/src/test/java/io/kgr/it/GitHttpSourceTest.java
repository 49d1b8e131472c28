package io.kgr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A private repository over Git's smart HTTP protocol: the token from --git-token-file is used and never printed. */
class GitHttpSourceTest {
    @TempDir Path tmp;

    @Test
    void readsAPrivateRepositoryWithATokenAndNeverPrintsIt() throws Exception {
        String token = "ghp_" + Long.toHexString(System.nanoTime()) + "TOKEN";
        try (GitRepo git = GitRepo.create(tmp.resolve("git"));
             GitHttpServer server = GitHttpServer.start(tmp.resolve("git").resolve("origin.git"), token)) {
            git.write("clusters/c1/t.yaml", Manifests.topic("http.topic", "c1", 1));
            git.commitAndPush("a topic");
            Path tokenFile = tmp.resolve("token");
            Files.writeString(tokenFile, token + "\n");
            String cache = tmp.resolve("cache").toString();

            Kgr.Result denied = Kgr.run("validate", "--repo", server.url(), "--cache-dir", cache);
            assertThat(denied.exitCode()).isEqualTo(1);
            assertThat(denied.err()).contains("SourceFailed", "cannot fetch " + server.url());

            Kgr.Result wrong = Kgr.run("validate", "--repo", server.url(), "--cache-dir", cache, "--git-token-file",
                    Files.writeString(tmp.resolve("wrong"), "nope").toString());
            assertThat(wrong.exitCode()).isEqualTo(1);

            Kgr.Result ok = Kgr.run("validate", "--repo", server.url(), "--cache-dir", cache, "--git-token-file",
                    tokenFile.toString(), "--path", "clusters");
            assertThat(ok.exitCode()).as(ok.all()).isZero();
            assertThat(ok.out()).contains("1 topic(s)");
            for (Kgr.Result r : new Kgr.Result[] {denied, wrong, ok}) assertThat(r.all()).doesNotContain(token);
        }
    }
}
