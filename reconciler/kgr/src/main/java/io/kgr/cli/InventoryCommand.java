package io.kgr.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.kgr.Connection;
import io.kgr.inventory.HandOver;
import io.kgr.inventory.Inventory;
import io.kgr.inventory.InventoryStore;
import io.kgr.inventory.KafkaInventoryStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import tools.jackson.databind.json.JsonMapper;

/** {@code kgr inventory list|hand-over}: what each source owns on a cluster, and moving it to another source. */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = "List the sources that manage a cluster and what each owns, or hand one source's resources to another.",
        subcommands = {InventoryCommand.ListCommand.class, InventoryCommand.HandOverCommand.class})
final class InventoryCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The cluster's inventory store: closed with the connection. */
    private static InventoryStore store(Connection connection) {
        return connection.target().inventory();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every source's inventory on the cluster.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin KafkaOptions kafka;
        @Spec CommandSpec spec;

        @Option(names = "--cluster", paramLabel = "NAME", description = "Only this cluster's inventories.")
        String cluster;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
        String output;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (Connection connection = kafka.connect(null, Optional.empty(), Optional.empty())) {
                List<Inventory> all = store(connection).loadAll().all().stream()
                        .filter(i -> cluster == null || i.cluster().equals(cluster))
                        .sorted(Comparator.comparing(Inventory::cluster).thenComparing(Inventory::source)).toList();
                if ("json".equalsIgnoreCase(output)) {
                    var mapper = JsonMapper.builder().build();
                    var array = mapper.createArrayNode();
                    for (Inventory i : all) {
                        var o = array.addObject().put("cluster", i.cluster()).put("source", i.source())
                                .put("commit", i.commit()).put("appliedAt", i.appliedAt().toString());
                        var topics = o.putArray("topics");
                        i.topics().keySet().forEach(topics::add);
                        var users = o.putArray("users");
                        i.users().keySet().forEach(users::add);
                    }
                    out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array));
                } else if (all.isEmpty()) {
                    out.println("No inventories" + (cluster == null ? "" : " for cluster " + cluster) + ": kgr has applied nothing here.");
                } else {
                    for (Inventory i : all) {
                        out.println(i.cluster() + "  " + i.source() + "  " + i.topics().size() + " topic(s), "
                                + i.users().size() + " user(s)  commit " + abbreviated(i.commit()) + "  applied " + i.appliedAt());
                    }
                }
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "hand-over", mixinStandardHelpOptions = true,
            description = "Move what one source owns on a cluster to another source (a renamed source, a moved repository,"
                    + " an inventory of an older kgr). Shows the change; writes it only with --auto-approve.")
    static final class HandOverCommand implements Callable<Integer> {
        @Mixin KafkaOptions kafka;
        @Spec CommandSpec spec;

        @Option(names = "--cluster", paramLabel = "NAME", required = true, description = "The cluster whose inventory changes.")
        String cluster;

        @Option(names = "--from", paramLabel = "SOURCE", required = true, description = "The source that gives its resources away.")
        String from;

        @Option(names = "--to", paramLabel = "SOURCE", required = true,
                description = "The source that takes them (kgr plan prints a repository's source name).")
        String to;

        @Option(names = "--auto-approve", description = "Write the hand-over; without it nothing changes (a dry run).")
        boolean autoApprove;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (from.equals(to)) {
                err.println("kgr: --from and --to name the same source");
                return ExitCodes.ERROR;
            }
            try (Connection connection = kafka.connect(null, Optional.empty(), Optional.empty())) {
                InventoryStore store = store(connection);
                HandOver h;
                try {
                    h = HandOver.of(store.loadAll(), cluster, from, to, Instant.now());
                } catch (IllegalArgumentException e) {
                    err.println("kgr: " + e.getMessage());
                    return ExitCodes.ERROR;
                }
                out.println("Hand-over on cluster " + cluster + ": source '" + from + "' → '" + to + "'");
                h.topics().forEach(t -> out.println("  ~ topic " + t));
                h.users().forEach(u -> out.println("  ~ user " + u));
                h.conflicts().forEach(c -> out.println("  = " + c + " (already owned by '" + to + "')"));
                out.println(h.topics().size() + " topic(s) and " + h.users().size() + " user(s) change owner; the inventory of '"
                        + from + "' is removed. Nothing on the cluster itself changes.");
                if (!autoApprove) {
                    out.println("Dry run: nothing was written. Run again with --auto-approve to hand over.");
                    out.flush();
                    return ExitCodes.OK;
                }
                // the receiver first: a failure in between leaves both claiming the resources (plans refuse), never neither
                store.save(h.merged());
                store.delete(cluster, from);
                out.println("Handed over: '" + to + "' now owns " + h.merged().topics().size() + " topic(s) and "
                        + h.merged().users().size() + " user(s) on cluster " + cluster + ".");
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    private static String abbreviated(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit.isEmpty() ? "-" : commit;
    }
}
