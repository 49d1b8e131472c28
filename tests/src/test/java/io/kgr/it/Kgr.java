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

    /**
     * A command on the cluster that {@code repo} declares, in namespace "kafka" of the API server {@code kubeconfig}
     * names; {@code bootstrap} null: kgr finds the cluster's bootstrap Service.
     */
    public static Result onKubernetes(java.nio.file.Path repo, java.nio.file.Path kubeconfig, String bootstrap, String command,
                                      String... extra) {
        List<String> where = new ArrayList<>(List.of("--repo", repo.toString(), "--namespace", "kafka",
                "--kubeconfig", kubeconfig.toString()));
        if (bootstrap != null) where.addAll(List.of("--bootstrap-server", bootstrap));
        return run(args(command, where.toArray(String[]::new), extra));
    }

    public static String[] args(String first, String[] rest, String... more) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(Arrays.asList(rest));
        all.addAll(Arrays.asList(more));
        return all.toArray(String[]::new);
    }
}
