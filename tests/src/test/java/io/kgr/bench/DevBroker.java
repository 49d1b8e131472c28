package io.kgr.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import io.kgr.it.EmbeddedKafka;

/** A broker for trying kgr by hand: starts N brokers, writes the bootstrap address to a file, runs until killed. */
public final class DevBroker {
    public static void main(String[] args) throws Exception {
        int brokers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(brokers)) {
            Files.writeString(Path.of(args[0]), kafka.bootstrapServers());
            System.out.println("bootstrap " + kafka.bootstrapServers());
            Thread.currentThread().join();
        }
    }
}
