package io.kgr.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kgr.desired.DesiredStateBuilder;
import io.kgr.source.Snapshot;
import io.kgr.source.SourceFile;

/** Manifests kept on disk between runs give exactly what reading the files gives, diagnostics and positions too. */
class ManifestCacheTest {
    @TempDir
    Path dir;

    private static Snapshot snapshot(String... pathThenContent) {
        List<SourceFile> files = new ArrayList<>();
        for (int i = 0; i < pathThenContent.length; i += 2) {
            files.add(new SourceFile(pathThenContent[i], pathThenContent[i + 1].getBytes(StandardCharsets.UTF_8)));
        }
        return new Snapshot("repo", "", "dir:0", files);
    }

    private static String topic(String name, String config) {
        return "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: " + name
                + "\n  labels:\n    strimzi.io/cluster: c1\nspec:\n  partitions: 3\n  replicas: 1\n  config:\n" + config;
    }

    /** A new loader is a new process: only the disk is shared. */
    private static ManifestLoader fresh() {
        return new ManifestLoader(new SchemaCatalog());
    }

    private static List<String> diagnostics(ManifestLoader loader, Snapshot s, ManifestCache cache) {
        var result = new DesiredStateBuilder(Optional.empty()).build(loader.load(s, cache));
        return result.diagnostics().stream().map(Diagnostic::format).toList();
    }

    @Test
    void aSecondRunReadsNothingAndGetsTheSameManifestsDiagnosticsAndPositions() {
        ManifestCache cache = ManifestCache.of(dir, "repo//");
        Snapshot s = snapshot(
                "a.yaml", topic("one", "    retention.ms: 86400000\n    min.cleanable.dirty.ratio: 0.50\n"
                        + "    compression.type: zstd\n    preallocate: true\n")
                        + "---\n" + topic("two", "    retention.bytes: 123456789012345678901234567890\n"),
                // valid for the schema, refused by Kafka's own config definition: a diagnostic of a later stage
                "b.yaml", topic("three", "    retention.ms: -5\n"),
                // refused by the schema: never kept, found again by every run
                "c.yaml", topic("four", "    retention.ms: 1\n").replace("partitions: 3", "partitions: 0"));
        ManifestLoader first = fresh();
        Manifests read = first.load(s, cache);
        List<String> expected = diagnostics(fresh(), s, ManifestCache.none());
        assertThat(first.parsedByLastLoad()).isEqualTo(3);
        // the second document of a.yaml, b.yaml and c.yaml each have one
        assertThat(expected).anyMatch(d -> d.startsWith("a.yaml:26:22")).anyMatch(d -> d.startsWith("b.yaml:11:19"))
                .anyMatch(d -> d.startsWith("c.yaml:8:15"));

        ManifestLoader second = fresh();
        Manifests again = second.load(s, cache);
        assertThat(second.parsedByLastLoad()).as("only the file with a schema error is read again").isEqualTo(1);
        assertThat(again.manifests()).hasSameSizeAs(read.manifests());
        for (int i = 0; i < read.manifests().size(); i++) {
            Manifest m = read.manifests().get(i), n = again.manifests().get(i);
            assertThat(n.body()).as("same tree, same node types (long, big integer, decimal, boolean)").isEqualTo(m.body());
            assertThat(List.of(n.kind(), n.name(), n.apiVersion(), n.start(), n.index(), n.schemaValid()))
                    .isEqualTo(List.of(m.kind(), m.name(), m.apiVersion(), m.start(), m.index(), m.schemaValid()));
        }
        assertThat(diagnostics(fresh(), s, cache)).as("a later stage's diagnostics point at the same place").isEqualTo(expected);
    }

    @Test
    void aChangedFileIsReadAgainAndADamagedCacheIsNoCache() throws Exception {
        ManifestCache cache = ManifestCache.of(dir, "repo//");
        fresh().load(snapshot("a.yaml", topic("one", "    retention.ms: 1000\n"), "b.yaml", topic("two", "    retention.ms: 1000\n")), cache);
        ManifestLoader next = fresh();
        Manifests changed = next.load(snapshot("a.yaml", topic("one", "    retention.ms: 2000\n"),
                "b.yaml", topic("two", "    retention.ms: 1000\n")), cache);
        assertThat(next.parsedByLastLoad()).isEqualTo(1);
        assertThat(changed.manifests().get(0).body().at("/spec/config/retention.ms").asLong()).isEqualTo(2000);

        try (var files = Files.list(dir.resolve(".manifests"))) {
            Path stored = files.filter(p -> p.toString().endsWith(".bin")).findFirst().orElseThrow();
            byte[] bytes = Files.readAllBytes(stored);
            Files.write(stored, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // cut short
        }
        ManifestLoader afterDamage = fresh();
        Manifests read = afterDamage.load(snapshot("a.yaml", topic("one", "    retention.ms: 2000\n")), cache);
        assertThat(afterDamage.parsedByLastLoad()).isEqualTo(1);
        assertThat(read.manifests()).extracting(Manifest::name).containsExactly("one");
        assertThat(ManifestCache.of(dir, "another//").equals(cache)).as("one cache per source").isFalse();
    }
}
