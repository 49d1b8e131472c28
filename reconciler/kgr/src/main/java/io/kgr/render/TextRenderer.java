package io.kgr.render;

import io.kgr.plan.Action;
import io.kgr.plan.FieldChange;
import io.kgr.plan.Phase;
import io.kgr.plan.Plan;
import io.kgr.plan.Refusal;
import io.kgr.plan.Risk;
import io.kgr.plan.Step;
import io.kgr.plan.Unmanaged;

import java.util.function.Consumer;

/** The plan for people, in the style terraform users read every day: {@code + ~ - !}, field-level before → after. */
public final class TextRenderer {
    private static final int MAX_UNMANAGED_SHOWN = 20;
    private final boolean colour;

    public TextRenderer(boolean colour) {
        this.colour = colour;
    }

    /** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
    public static boolean colourWanted(boolean noColourFlag) {
        return !noColourFlag && System.console() != null && System.getenv("NO_COLOR") == null;
    }

    public String render(Plan plan) {
        StringBuilder all = new StringBuilder();
        render(plan, all::append);
        return all.toString();
    }

    /**
     * Hands the plan to {@code sink} a step at a time. A 10,000-step plan is not made one string first: a single
     * non-Latin-1 character (the inventory step's '→') made all of its 1.8 MB two bytes a character, inflated, tried to
     * compress and encoded char by char (≈ 15–20 ms of a cold CLI run, by profile); each step is its own string here.
     */
    public void render(Plan plan, Consumer<String> sink) {
        StringBuilder out = new StringBuilder();
        out.append("kgr plan for cluster ").append(plan.header().cluster());
        if (!plan.header().bootstrapServers().isEmpty()) out.append(" (").append(plan.header().bootstrapServers()).append(')');
        out.append('\n');
        out.append("  source ").append(Words.source(plan)).append('\n');
        out.append('\n');
        sink.accept(out.toString());
        Phase phase = null;
        for (Step step : plan.steps()) {
            StringBuilder one = new StringBuilder(256); // a new one each time: a builder stays UTF-16 once it was
            if (step.phase() != phase) {
                phase = step.phase();
                one.append(paint("  " + (phase.ordinal() + 1) + ". " + phase.title(), "1")).append("\n\n");
            }
            step(one, step);
            sink.accept(one.toString());
        }
        StringBuilder tail = new StringBuilder();
        for (Refusal r : plan.refusals()) {
            tail.append(paint("  ! refuse " + r.kind() + " " + r.subject(), "1;31")).append('\n');
            tail.append("      ").append(r.reason()).append("\n\n");
        }
        if (!plan.unmanaged().isEmpty()) {
            tail.append("Unmanaged (on the cluster, not managed by this source; never changed): ")
                    .append(plan.unmanaged().size()).append('\n');
            int shown = 0;
            for (Unmanaged u : plan.unmanaged()) {
                if (shown++ == MAX_UNMANAGED_SHOWN) {
                    tail.append("    … and ").append(plan.unmanaged().size() - MAX_UNMANAGED_SHOWN)
                            .append(" more (see -o json)\n");
                    break;
                }
                tail.append("    ").append(u.kind()).append(' ').append(u.name()).append("  (").append(u.note()).append(")\n");
            }
            tail.append('\n');
        }
        if (!plan.notes().isEmpty()) {
            tail.append("Notes:\n");
            plan.notes().forEach(n -> tail.append("  - ").append(n).append('\n'));
            tail.append('\n');
        }
        tail.append(paint(Words.summary(plan), "1")).append('\n');
        if (plan.isRefused()) {
            tail.append("kgr will not apply this plan until the refused changes are resolved in Git.\n");
        }
        sink.accept(tail.toString());
    }

    private void step(StringBuilder out, Step step) {
        Action action = step.change().action();
        String code = switch (action) {
            case CREATE -> "32";
            case UPDATE -> "33";
            case DELETE -> "31";
        };
        out.append(paint("  " + action.symbol() + " " + Words.headline(step.change()), code));
        if (step.risk() != Risk.SAFE) out.append("  ").append(paint("[" + step.risk().name().toLowerCase() + "]", "1;31"));
        out.append('\n');
        out.append("      # ").append(step.reason()).append('\n');
        int width = step.fields().stream().mapToInt(f -> f.field().length()).max().orElse(0);
        for (FieldChange f : step.fields()) {
            out.append("      ").append(pad(f.field(), width)).append("  ").append(Words.transition(f, step.change().action())).append('\n');
        }
        out.append('\n');
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private String paint(String text, String code) {
        return colour ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}
