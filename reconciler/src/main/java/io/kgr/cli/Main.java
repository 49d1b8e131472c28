package io.kgr.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kgr validate|plan|apply|serve|demo|inventory}: the command-line entry point. */
@Command(name = "kgr", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kafka GitOps Reconciler: keeps Kafka clusters equal to a Git repository.",
        subcommands = {ValidateCommand.class, PlanCommand.class, ApplyCommand.class, ServeCommand.class, DemoCommand.class, InventoryCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs kgr and returns its exit code (0 ok / no changes, 1 error or refusal, 2 changes with --detailed-exitcode). */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs kgr with its output going to the given writers (tests and embedding use this). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).setOut(out).setErr(err)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println("kgr: " + ex.getMessage());
                    return ExitCodes.ERROR;
                })
                .execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"kgr " + (v == null ? "development build" : v)};
        }
    }
}
