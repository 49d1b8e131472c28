package io.kgr.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real SSH Git server for tests (Apache MINA sshd, the library JGit's own SSH client uses): public-key login with one
 * authorized key, and {@code git-upload-pack} served by JGit from bare repositories under a folder.
 */
final class GitSshServer implements AutoCloseable {
    private final SshServer sshd;
    final KeyPair hostKey;

    private GitSshServer(SshServer sshd, KeyPair hostKey) {
        this.sshd = sshd;
        this.hostKey = hostKey;
    }

    static KeyPair newKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static GitSshServer start(Path repositories, PublicKey authorized) throws Exception {
        KeyPair host = newKey();
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(host));
        sshd.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, authorized));
        sshd.setCommandFactory((channel, command) -> new UploadPackCommand(repositories, command));
        sshd.start();
        return new GitSshServer(sshd, host);
    }

    int port() {
        return sshd.getPort();
    }

    String url(String repo) {
        return "ssh://git@127.0.0.1:" + port() + "/" + repo;
    }

    /** A known_hosts line for this server, with {@code key} as its host key. */
    String knownHostsLine(PublicKey key) {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(key) + "\n";
    }

    static void writePrivateKey(KeyPair key, Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "kgr-test", null, out);
        }
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }

    private static final class UploadPackCommand implements Command {
        private final Path repositories;
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        UploadPackCommand(Path repositories, String command) {
            this.repositories = repositories;
            this.command = command;
        }

        @Override public void setInputStream(InputStream in) { this.in = in; }
        @Override public void setOutputStream(OutputStream out) { this.out = out; }
        @Override public void setErrorStream(OutputStream err) { this.err = err; }
        @Override public void setExitCallback(ExitCallback exit) { this.exit = exit; }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread t = new Thread(() -> {
                int code = 0;
                try {
                    if (!command.startsWith("git-upload-pack ")) throw new IOException("only git-upload-pack is served");
                    String path = command.substring("git-upload-pack ".length()).replace("'", "").replaceAll("^/+", "");
                    try (Repository repo = new FileRepositoryBuilder().setGitDir(repositories.resolve(path).toFile())
                            .setMustExist(true).build()) {
                        new UploadPack(repo).upload(in, out, err);
                    }
                } catch (IOException e) {
                    code = 1;
                } finally {
                    exit.onExit(code);
                }
            }, "git-ssh-upload-pack");
            t.start();
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
