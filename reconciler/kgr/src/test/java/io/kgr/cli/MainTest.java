package io.kgr.cli;

import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.Test;

/** A run adds only the command it runs (picocli's reflection is a cold start's cost); help still shows them all. */
class MainTest {
    private static Cli.Ran run(String... args) {
        return Cli.run(args);
    }

    @Test
    void withoutACommandTheUsageListsEveryCommand() {
        for (Cli.Ran r : new Cli.Ran[] {run(), run("--help"), run("help")}) {
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("validate", "plan", "apply", "serve", "inventory", "help");
            // kgr.jar alone never offers the demo: its embedded environment is a module of its own
            assertThat(r.out()).doesNotContain("demo");
        }
    }

    @Test
    void eachCommandParsesItsOwnOptionsAndHelp() {
        assertThat(run("plan", "--help").out()).startsWith("Usage: kgr plan").contains("--bootstrap-server", "--prune");
        assertThat(run("help", "apply").out()).startsWith("Usage: kgr apply").contains("--auto-approve");
        assertThat(run("inventory", "list", "--help").out()).startsWith("Usage: kgr inventory list");
        Cli.Ran bad = run("validate", "--no-such-option");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("Unknown option: '--no-such-option'");
        Cli.Ran unknown = run("plann");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument at index 0: 'plann'");
    }
}
