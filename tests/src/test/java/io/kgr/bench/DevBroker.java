package io.kgr.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import io.kgr.it.EmbeddedKafka;

/**
 * A broker for trying kgr by hand: starts N brokers, writes the bootstrap address to a file, runs until killed.
 * A third argument {@code acls} turns on the standard authorizer (ANONYMOUS is the super user), as the user bench has.
 */
public final class DevBroker {
    public static void main(String[] args) throws Exception {
        int brokers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        java.util.Map<String, String> props = args.length > 2 && args[2].equals("acls") ? java.util.Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer", "super.users", "User:ANONYMOUS")
                : java.util.Map.of();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(brokers, props)) {
            Files.writeString(Path.of(args[0]), kafka.bootstrapServers());
            System.out.println("bootstrap " + kafka.bootstrapServers());
            Thread.currentThread().join();
        }
    }
}
