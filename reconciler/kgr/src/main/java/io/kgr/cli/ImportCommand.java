package io.kgr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.kgr.manifest.Diagnostic;
import io.kgr.manifest.Importer;
import io.kgr.manifest.ManifestLoader;
import io.kgr.manifest.Manifests;
import io.kgr.manifest.SchemaCatalog;
import io.kgr.source.Snapshot;
import io.kgr.source.SourceFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Turn Strimzi resources as a cluster holds them (kubectl get kafka,kafkanodepools,kafkatopics,kafkausers"
                + " -o yaml) into clean Git manifests: status, namespace, managed fields and other server-set fields"
                + " removed. Prints them, or writes one file per resource with --out.")
final class ImportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "YAML files (a kind: List, or several documents); - reads stdin.")
    List<String> files;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write kafka-<name>.yaml, nodepools/, topics/ and users/ under DIR (an existing file is not overwritten).")
    Path out;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<SourceFile> read = new ArrayList<>();
        for (String f : files) {
            byte[] content = f.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(f));
            read.add(new SourceFile(f, content));
        }
        Manifests manifests = new ManifestLoader(new SchemaCatalog()).load(new Snapshot("import", "", "", read));
        List<Diagnostic> syntax = manifests.diagnostics().stream().filter(Diagnostic::isError).toList();
        if (!syntax.isEmpty() && manifests.manifests().isEmpty()) {
            Output.diagnostics(err, syntax);
            err.println("kgr: nothing to import: no Kafka, KafkaNodePool, KafkaTopic or KafkaUser could be read");
            return ExitCodes.ERROR;
        }
        List<Importer.Imported> imported = Importer.clean(manifests);
        if (imported.isEmpty()) {
            err.println("kgr: nothing to import: the input holds no Kafka, KafkaNodePool, KafkaTopic or KafkaUser");
            return ExitCodes.ERROR;
        }
        if (out == null) {
            for (int i = 0; i < imported.size(); i++) {
                if (i > 0) stdout.println("---");
                stdout.print(imported.get(i).yaml());
            }
            stdout.flush();
            return ExitCodes.OK;
        }
        int written = 0;
        List<String> kept = new ArrayList<>();
        for (Importer.Imported i : imported) {
            Path file = out.resolve(i.path());
            if (Files.exists(file)) {
                kept.add(i.path());
                continue;
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, i.yaml(), StandardCharsets.UTF_8);
            written++;
        }
        kept.forEach(p -> err.println("kgr: " + out.resolve(p) + " exists; left as it is"));
        stdout.println("Imported " + written + " resource(s) into " + out + (kept.isEmpty() ? "" : " (" + kept.size()
                + " existing file(s) left as they are)") + "; check them with: kgr validate " + out + ", then kgr plan");
        stdout.flush();
        return kept.isEmpty() ? ExitCodes.OK : ExitCodes.ERROR;
    }
}
