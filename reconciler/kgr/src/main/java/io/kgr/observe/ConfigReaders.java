package io.kgr.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;

/**
 * Admin clients of one cluster kept beside its main client for reading many topics' configs over connections of their
 * own ({@link TopicConfigs}): the observe's longest part, since a broker serves one request of a connection at a time.
 * They are made the first time a cluster has more topics than one request asks for, and kept until {@link #close}; the
 * same properties as the main client (bootstrap, TLS, SASL, client id).
 */
public final class ConfigReaders implements AutoCloseable {
    /** Clients besides the main one. */
    public static final int EXTRA = 2;

    private final Supplier<Admin> make;
    private final List<Admin> made = new ArrayList<>(EXTRA);

    /** @param make a new client with the main client's properties; null: the main client reads alone */
    public ConfigReaders(Supplier<Admin> make) {
        this.make = make;
    }

    /** No clients besides the main one. */
    public static ConfigReaders none() {
        return new ConfigReaders(null);
    }

    /**
     * The clients to read {@code topics} topics' configs with: {@code main} first. A client that cannot be made (it
     * fails as the main one would) is left out, and the main client reads alone.
     */
    public synchronized List<Admin> with(Admin main, int topics) {
        if (make == null || topics <= TopicConfigs.CHUNK) return List.of(main);
        try {
            while (made.size() < EXTRA) made.add(make.get());
        } catch (RuntimeException e) {
            return List.of(main);
        }
        List<Admin> all = new ArrayList<>(1 + made.size());
        all.add(main);
        all.addAll(made);
        return all;
    }

    @Override
    public synchronized void close() {
        made.forEach(a -> a.close(Duration.ofSeconds(5)));
        made.clear();
    }
}
