package io.kgr.it;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.kgr.cli.Main;

/** Runs the kgr CLI in this JVM, the way a user would, and keeps what it printed. */
public final class Kgr {
    public record Result(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    private Kgr() {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    public static String[] args(String first, String[] rest, String... more) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(Arrays.asList(rest));
        all.addAll(Arrays.asList(more));
        return all.toArray(String[]::new);
    }
}
