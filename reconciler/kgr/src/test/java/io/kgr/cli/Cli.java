package io.kgr.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs kgr's CLI in the test's JVM, as a user types it, and keeps what it printed. */
final class Cli {
    record Ran(int code, String out, String err) {
    }

    private Cli() {
    }

    static Ran run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Ran(code, out.toString(), err.toString());
    }
}
