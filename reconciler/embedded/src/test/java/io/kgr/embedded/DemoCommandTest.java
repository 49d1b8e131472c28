package io.kgr.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import io.kgr.cli.Main;

/** With the embedded environment's jar on the class path, kgr finds and lists the {@code demo} command. */
class DemoCommandTest {
    @Test
    void theDemoIsACommandOnlyWhereTheEmbeddedEnvironmentIs() {
        StringWriter out = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("demo", "validate", "serve");

        StringWriter help = new StringWriter();
        assertThat(Main.run(new PrintWriter(help, true), new PrintWriter(new StringWriter(), true), "demo", "--help"))
                .isZero();
        assertThat(help.toString()).startsWith("Usage: kgr demo").contains("--once", "--repo", "--brokers");
    }
}
