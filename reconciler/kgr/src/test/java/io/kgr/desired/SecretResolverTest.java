package io.kgr.desired;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kgr.model.SecretRef;

/** Secrets read from a directory carry a version only when it soundly names what was read. */
class SecretResolverTest {
    @TempDir
    Path dir;

    @Test
    void aFileHasAVersionOnceSettledAndEveryWriteGivesItAnother() throws Exception {
        Path file = Files.createDirectories(dir.resolve("alice")).resolve("password");
        Files.writeString(file, "pw-1\n");
        Instant later = Instant.now().plusSeconds(5);
        assertThat(SecretResolver.fileVersion(file, Instant.now()))
                .as("just written: a write in the same clock tick would keep its change time").isEmpty();
        String first = SecretResolver.fileVersion(file, later);
        assertThat(first).startsWith("file:").doesNotContain("pw-1");
        assertThat(SecretResolver.fileVersion(file, later)).as("nothing written, same version").isEqualTo(first);

        Thread.sleep(30); // past the kernel's coarse clock tick
        Files.writeString(file, "pw-2\n"); // same size, same inode
        String rewritten = SecretResolver.fileVersion(file, later);
        assertThat(rewritten).isNotEmpty().isNotEqualTo(first);

        Path swapped = dir.resolve("new");
        Files.writeString(swapped, "pw-3\n");
        Files.move(swapped, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(SecretResolver.fileVersion(file, later)).as("a file swapped in (how a Secret volume updates)")
                .isNotEmpty().isNotEqualTo(rewritten).isNotEqualTo(first);

        var resolver = new SecretResolver(Optional.of(dir), Map.of());
        var read = resolver.resolve(new SecretRef("alice", "password")).orElseThrow();
        assertThat(read.reveal()).isEqualTo("pw-3");
        // read right after it was written: the read waits until the file has settled, so that a plan can pin its version
        assertThat(read.version()).startsWith("file:").isEqualTo(SecretResolver.fileVersion(file, Instant.now()));
        assertThat(new SecretResolver(Optional.empty(), Map.of("KGR_SECRET_BOB_PASSWORD", "pw"))
                .resolve(new SecretRef("bob", "password")).orElseThrow().version()).as("environment: never").isEmpty();
    }
}
