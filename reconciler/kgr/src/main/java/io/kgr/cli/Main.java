package io.kgr.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import io.kgr.desired.TopicConfigKeys;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.LoggerFactory;

/**
 * {@code kgr validate|plan|apply|serve|inventory}: the command-line entry point; {@code demo} when the embedded
 * environment's jar is on the class path (a {@link CommandPlugin}).
 */
@Command(name = "kgr", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kafka GitOps Reconciler: keeps Kafka clusters equal to a Git repository.")
public final class Main implements Runnable {
    /** The commands, in the order the usage lists them. */
    private static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> all = new LinkedHashMap<>();
        all.put("validate", ValidateCommand.class);
        all.put("plan", PlanCommand.class);
        all.put("apply", ApplyCommand.class);
        all.put("serve", ServeCommand.class);
        all.put("inventory", InventoryCommand.class);
        all.put("import", ImportCommand.class);
        all.put("approve", ApproveCommand.class);
        return Collections.unmodifiableMap(all);
    }

    public static void main(String[] args) {
        // while picocli reads the command line on one core, the other sets up logging (≈ 40 ms of a cold start) and
        // loads Kafka's topic config definitions (≈ 90 ms, needed by the first manifest read)
        CompletableFuture<Void> logging = new CompletableFuture<>();
        LOGGING.set(logging);
        Thread warmUp = new Thread(() -> {
            try {
                LoggerFactory.getILoggerFactory();
            } finally {
                logging.complete(null);
            }
            TopicConfigKeys.isKnown("cleanup.policy");
        }, "kgr-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        System.exit(run(args));
    }

    /** Logging set up by {@link #main}'s warm-up: done once it completes (at once when kgr was not started by main). */
    private static final AtomicReference<CompletableFuture<Void>> LOGGING =
            new AtomicReference<>(CompletableFuture.completedFuture(null));

    /**
     * Waits until logging is set up: while slf4j initialises on the warm-up thread, another thread gets a stand-in
     * factory, and a reconfiguration made on it would be lost (the service's logs stayed at the CLI's WARN).
     */
    static void awaitLogging() {
        LOGGING.get().join();
    }

    /** Runs kgr and returns its exit code (0 ok / no changes, 1 error or refusal, 2 changes with --detailed-exitcode). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs kgr with its output going to the given writers (tests and embedding use this). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        // picocli reads every command's options by reflection when it is added (≈ 0.1 s for all of kgr's, on a cold
        // JVM): a run of one command adds only that one; anything else (help, --version, a typo) gets them all
        CommandLine kgr = new CommandLine(new Main());
        Class<?> only = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (only != null) {
            kgr.addSubcommand(args[0], only);
        } else {
            COMMANDS.forEach(kgr::addSubcommand);
            for (CommandPlugin plugin : ServiceLoader.load(CommandPlugin.class)) {
                kgr.addSubcommand(plugin.name(), plugin.command());
            }
            kgr.addSubcommand("help", new CommandLine.HelpCommand());
        }
        return kgr.setCaseInsensitiveEnumValuesAllowed(true).setOut(out).setErr(err)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println("kgr: " + ex.getMessage());
                    return ExitCodes.ERROR;
                })
                .execute(args);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"kgr " + (v == null ? "development build" : v)};
        }
    }
}
