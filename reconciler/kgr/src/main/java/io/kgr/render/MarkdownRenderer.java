package io.kgr.render;

import io.kgr.plan.FieldChange;
import io.kgr.plan.Plan;
import io.kgr.plan.Refusal;
import io.kgr.plan.Step;
import io.kgr.plan.Unmanaged;

/** The plan as GitHub/GitLab-flavoured Markdown, for pull-request comments. */
public final class MarkdownRenderer {

    public String render(Plan plan) {
        StringBuilder out = new StringBuilder();
        out.append("### kgr plan for cluster `").append(plan.header().cluster()).append("`\n\n");
        out.append("Source: `").append(Words.source(plan)).append("`\n\n");
        out.append("**").append(Words.summary(plan)).append("**\n\n");
        if (plan.hasChanges()) {
            out.append("| | Phase | Step | Risk | Changes |\n|---|---|---|---|---|\n");
            for (Step s : plan.steps()) {
                out.append("| `").append(s.change().action().symbol()).append("` | ")
                        .append(s.phase().ordinal() + 1).append(". ").append(cell(s.phase().title())).append(" | ")
                        .append(cell(Words.headline(s.change()))).append(" | ")
                        .append(s.risk().name().toLowerCase()).append(" | ");
                StringBuilder changes = new StringBuilder();
                for (FieldChange f : s.fields()) {
                    if (changes.length() > 0) changes.append("<br>");
                    changes.append('`').append(cell(f.field())).append("` ").append(cell(Words.transition(f, s.change().action())));
                }
                out.append(changes).append(" |\n");
            }
            out.append('\n');
        }
        if (plan.isRefused()) {
            out.append("#### Refused\n\n");
            for (Refusal r : plan.refusals()) {
                out.append("- ").append(r.kind()).append(" `").append(r.subject()).append("`: ").append(r.reason()).append('\n');
            }
            out.append('\n');
        }
        if (!plan.unmanaged().isEmpty()) {
            out.append("<details><summary>Unmanaged: ").append(plan.unmanaged().size())
                    .append(" (never changed)</summary>\n\n");
            for (Unmanaged u : plan.unmanaged()) {
                out.append("- ").append(u.kind()).append(" `").append(u.name()).append("` (").append(u.note()).append(")\n");
            }
            out.append("\n</details>\n\n");
        }
        if (!plan.notes().isEmpty()) {
            out.append("#### Notes\n\n");
            plan.notes().forEach(n -> out.append("- ").append(n).append('\n'));
            out.append('\n');
        }
        return out.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
