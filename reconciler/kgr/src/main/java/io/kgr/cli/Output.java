package io.kgr.cli;

import java.io.PrintWriter;
import java.util.List;

import io.kgr.PlanRun;
import io.kgr.manifest.Diagnostic;
import io.kgr.plan.Plan;
import io.kgr.render.MarkdownRenderer;
import io.kgr.render.PlanJson;
import io.kgr.render.TextRenderer;

/** Formats of the plan on standard output. */
enum Output {
    TEXT, JSON, MARKDOWN;

    String render(Plan plan, boolean noColour) {
        return switch (this) {
            case TEXT -> new TextRenderer(TextRenderer.colourWanted(noColour)).render(plan);
            case JSON -> PlanJson.write(plan);
            case MARKDOWN -> new MarkdownRenderer().render(plan);
        };
    }

    /** Prints the plan to {@code out} (text a step at a time, see {@link TextRenderer#render(Plan, java.util.function.Consumer)}). */
    void print(Plan plan, boolean noColour, PrintWriter out) {
        if (this == TEXT) new TextRenderer(TextRenderer.colourWanted(noColour)).render(plan, out::write);
        else out.print(render(plan, noColour));
    }

    static void diagnostics(PrintWriter err, List<Diagnostic> diagnostics) {
        diagnostics.forEach(d -> err.println(d.format()));
    }

    /** Prints why a run stopped before a plan existed, and returns the exit code. */
    static int failure(PrintWriter err, PlanRun run) {
        diagnostics(err, run.diagnostics());
        err.println("kgr: " + run.status().reason() + ": " + run.message());
        return ExitCodes.ERROR;
    }
}
