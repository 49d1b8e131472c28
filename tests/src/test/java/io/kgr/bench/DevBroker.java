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
        java.util.Map<String, String> props = new java.util.HashMap<>();
        if (args.length > 2 && args[2].equals("acls")) {
            props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            props.put("super.users", "User:ANONYMOUS");
        }
        // deleted logs keep their files open until removed (60 s by default): creating 10,000 topics again right after
        // deleting them ran this JVM out of its 20,000 open files
        props.put("log.segment.delete.delay.ms", "500");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(brokers, props)) {
            Files.writeString(Path.of(args[0]), kafka.bootstrapServers());
            System.out.println("bootstrap " + kafka.bootstrapServers());
            Thread.currentThread().join();
        }
    }
}
