package io.kgr.service;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quartz.CronExpression;

import io.kgr.plan.Risk;
import io.kgr.plan.Step;

/**
 * A source's brakes on risky steps, as Argo CD's manual sync and sync windows and Terraform's reviewed apply are: steps
 * of the {@code hold} risks wait until the commit is approved (an API call, {@code kgr approve}); and with maintenance
 * windows, disruptive and destructive steps wait for the next one. Other steps of the same plan still apply, unless
 * they depend on a held one.
 *
 * @param hold    the risks whose steps wait for an approval of their commit
 * @param windows when disruptive and destructive steps may run (none: any time)
 */
public record Approvals(Set<Risk> hold, List<Window> windows) {
    public Approvals {
        hold = Set.copyOf(hold);
        windows = List.copyOf(windows);
    }

    /** No brakes: every step applies (the default). */
    public static Approvals none() {
        return new Approvals(Set.of(), List.of());
    }

    /**
     * A maintenance window: it opens when {@code start} (a Quartz cron expression, seconds first, in UTC) fires, and
     * lasts {@code duration}.
     */
    public record Window(String start, Duration duration) {
        /** Whether the window is open at {@code now}: it opened within the last {@code duration}. */
        boolean openAt(Instant now) {
            try {
                CronExpression cron = new CronExpression(start);
                cron.setTimeZone(TimeZone.getTimeZone("UTC"));
                Date next = cron.getTimeAfter(Date.from(now.minus(duration).minusMillis(1)));
                return next != null && !next.toInstant().isAfter(now);
            } catch (ParseException e) {
                return false; // the configuration is checked when it is read: never here
            }
        }
    }

    /**
     * Why {@code step} of a plan for {@code commit} waits, if it does.
     *
     * @param approved the risks approved for the commit (by the API, or by the commit itself)
     */
    public Optional<String> holds(Step step, Set<Risk> approved, Instant now) {
        if (hold.contains(step.risk()) && !approved.contains(step.risk())) {
            return Optional.of("held: " + step.risk().name().toLowerCase(Locale.ROOT) + " steps wait for an"
                    + " approval of the commit (kgr approve, or POST /api/v1/sources/<source>/approve)");
        }
        boolean risky = step.risk() == Risk.DISRUPTIVE || step.risk() == Risk.DESTRUCTIVE;
        if (risky && !windows.isEmpty() && windows.stream().noneMatch(w -> w.openAt(now))) {
            return Optional.of("held: " + step.risk().name().toLowerCase(Locale.ROOT) + " steps wait for a"
                    + " maintenance window (" + String.join(", ", windows.stream().map(w -> w.start() + " for "
                    + w.duration()).toList()) + ")");
        }
        return Optional.empty();
    }

    /**
     * The risks a commit approves itself, by a trailer line of its message: {@code Kgr-Approve: destructive} (or
     * {@code disruptive}, both comma-separated, or {@code all}) — for a team that reviews the commit before it merges.
     */
    public static Set<Risk> approvedBy(String commitMessage) {
        Set<Risk> out = new HashSet<>();
        Matcher m = TRAILER.matcher(commitMessage == null ? "" : commitMessage);
        while (m.find()) {
            for (String r : m.group(1).split(",")) {
                String risk = r.trim().toLowerCase(Locale.ROOT);
                if (risk.equals("all")) {
                    out.add(Risk.DISRUPTIVE);
                    out.add(Risk.DESTRUCTIVE);
                } else if (risk.equals("destructive") || risk.equals("disruptive")) {
                    out.add(Risk.valueOf(risk.toUpperCase(Locale.ROOT)));
                }
            }
        }
        return out;
    }

    private static final Pattern TRAILER = Pattern.compile("(?im)^kgr-approve:\\s*([a-z, ]+)\\s*$");

    /** Whether a cron expression is one a window can start on (checked when the configuration is read). */
    static boolean validStart(String cron) {
        return CronExpression.isValidExpression(cron);
    }
}
