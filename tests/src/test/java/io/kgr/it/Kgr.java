package io.kgr.it;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kgr.cli.Main;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs the kgr CLI in this JVM, the way a user would, and keeps what it printed. */
public final class Kgr {
    public record Result(int exitCode, String out, String err) {
        private static final ObjectMapper JSON = JsonMapper.builder().build();

        public String all() {
            return out + err;
        }

        /** What {@code -o json} printed: a plan ({@code plan}) or a plan with its apply's results ({@code apply}). */
        public JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (JacksonException e) {
                throw new AssertionError("not a JSON document (" + e.getOriginalMessage() + "):\n" + all(), e);
            }
        }

        private JsonNode plan() {
            JsonNode root = json();
            return root.has("plan") ? root.get("plan") : root;
        }

        /** The ids of the plan's steps, in order. */
        public List<String> steps() {
            List<String> ids = new ArrayList<>();
            plan().path("steps").forEach(s -> ids.add(s.get("id").asString()));
            return ids;
        }

        /** What a plan would change: its steps' ids and its refusals; empty is text's "No changes." */
        public List<String> changes() {
            List<String> all = steps();
            plan().path("refusals").forEach(r -> all.add("refused " + r.get("kind").asString() + " "
                    + r.get("subject").asString() + ": " + r.get("reason").asString()));
            return all;
        }

        /** The plan's notes. */
        public List<String> notes() {
            List<String> notes = new ArrayList<>();
            plan().path("notes").forEach(n -> notes.add(n.asString()));
            return notes;
        }

        /** What {@code apply -o json} said of one step (why it failed, was skipped or held); empty when it was ok. */
        public String message(String step) {
            for (JsonNode r : json().path("apply").path("results")) {
                if (r.get("step").asString().equals(step)) return r.get("message").asString();
            }
            throw new AssertionError("no result for step " + step + ":\n" + all());
        }

        /** The steps {@code apply -o json} applied, in the order it applied them. */
        public List<String> applied() {
            return outcomes().entrySet().stream().filter(e -> e.getValue().equals("ok")).map(Map.Entry::getKey).toList();
        }

        /** What {@code apply -o json} did with each step: ok, failed, skipped or held, by step id, in order. */
        public Map<String, String> outcomes() {
            Map<String, String> out = new LinkedHashMap<>();
            json().path("apply").path("results").forEach(r -> out.put(r.get("step").asString(), r.get("outcome").asString()));
            return out;
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

    /**
     * A saved plan ({@code plan -o json --out}) as a kill would have left it: only the steps {@code done} (in the plan's
     * order) are kept, written to {@code out}; {@code apply --plan=out} then does exactly what the killed apply did
     * before it stopped (and writes no inventory unless its step is among them).
     */
    public static Path cutPlan(Path planFile, List<String> done, Path out) throws IOException {
        ObjectMapper json = JsonMapper.builder().build();
        ObjectNode root = (ObjectNode) json.readTree(planFile.toFile());
        List<JsonNode> all = new ArrayList<>();
        root.get("steps").forEach(all::add);
        ArrayNode cut = root.putArray("steps");
        all.stream().filter(st -> done.contains(st.get("id").asString())).forEach(cut::add);
        json.writeValue(out.toFile(), root);
        return out;
    }

    public static String[] args(String first, String[] rest, String... more) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(Arrays.asList(rest));
        all.addAll(Arrays.asList(more));
        return all.toArray(String[]::new);
    }
}
