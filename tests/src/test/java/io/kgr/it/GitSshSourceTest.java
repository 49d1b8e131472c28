package io.kgr.it;

import static io.kgr.it.Manifests.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/** Git over SSH against a real SSH server: a key logs in, and the server's host key must be the known one. */
class GitSshSourceTest {
    @TempDir Path tmp;
    GitSshServer server;
    KeyPair clientKey;
    Path keyFile;

    @BeforeEach
    void start() throws Exception {
        GitRepo repo = GitRepo.create(tmp.resolve("git"));
        repo.write("topics/a.yaml", topic("ssh-a", "c1", 3)).commitAndPush("a");
        clientKey = GitSshServer.newKey();
        keyFile = tmp.resolve("id_ecdsa");
        GitSshServer.writePrivateKey(clientKey, keyFile);
        server = GitSshServer.start(tmp.resolve("git"), clientKey.getPublic());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    Kgr.Result validate(Path knownHosts, Path key) {
        return Kgr.run("validate", "--repo", server.url("origin.git"), "--ref", "main", "--cache-dir",
                tmp.resolve("cache").toString(), "--ssh-key", key.toString(), "--known-hosts", knownHosts.toString());
    }

    @Test
    void theKnownHostKeyAndTheAuthorizedKeyRead() throws Exception {
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), server.knownHostsLine(server.hostKey.getPublic()));
        Kgr.Result run = validate(knownHosts, keyFile);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("1 topic(s)");
    }

    @Test
    void anUnknownOrChangedHostKeyIsRefused() throws Exception {
        Path empty = Files.writeString(tmp.resolve("known_hosts_empty"), "");
        Kgr.Result unknown = validate(empty, keyFile);
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("SourceFailed").contains("127.0.0.1");

        Path other = Files.writeString(tmp.resolve("known_hosts_other"), server.knownHostsLine(GitSshServer.newKey().getPublic()));
        Kgr.Result changed = validate(other, keyFile);
        assertThat(changed.exitCode()).isEqualTo(1);
        assertThat(changed.err()).contains("SourceFailed");
        // nothing was accepted into the known_hosts files
        assertThat(Files.readString(empty)).isEmpty();
    }

    @Test
    void aKeyTheServerDoesNotKnowCannotLogIn() throws Exception {
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), server.knownHostsLine(server.hostKey.getPublic()));
        Path otherKey = tmp.resolve("other_key");
        GitSshServer.writePrivateKey(GitSshServer.newKey(), otherKey);
        Kgr.Result run = validate(knownHosts, otherKey);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("SourceFailed");
    }
}
