package io.kgr;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kgr.observe.KafkaState;
import io.kgr.observe.ObserveException;
import io.kgr.inventory.Inventory;

/**
 * The observe stage's freshness wait: a plan made right after an apply must not see the topics it recorded as missing
 * only because the brokers have not listed them yet.
 */
final class ListingWait {
    private static final Logger LOG = LoggerFactory.getLogger(ListingWait.class);
    private final Clock clock;

    ListingWait(Clock clock) {
        this.clock = clock;
    }

    /**
     * How long after an apply a plan waits for recorded topics the controller could not be asked about (a large create
     * lags): past it, such a topic is taken as deleted.
     */
    static final Duration STALE_WAIT = Duration.ofSeconds(90);

    /** How long a plan waits for the brokers to list topics the controller has (50,000 new ones: minutes here). */
    static final Duration LAG_WAIT = Duration.ofMinutes(10);

    /**
     * How long, and at least how many times, a plan reads again topics the brokers already list but do not describe
     * (with their configs): a broker that lags the one that listed them catches up within a second or two; one that
     * has not after this long and this many reads is not lagging (before, such a topic held every plan for
     * {@link #STALE_WAIT}). The count keeps a large cluster's reads (each one a minute at 50,000 topics under load)
     * from being cut short by the time alone.
     */
    static final Duration LISTED_WAIT = Duration.ofSeconds(10);
    static final int LISTED_READS = 3;

    /**
     * An observation no older than the controller's view of the topics this source recorded. The controller
     * acknowledges a create long before every broker lists the topic (10,000 new topics: ≈ 20 s on two cores, 50,000
     * on four brokers: minutes), so a plan made right after an apply — by the same process or the next one — could see
     * topics the inventory records missing, and plan them again. For recorded topics the brokers do not list, the
     * controller is asked: those it has are waited for (up to {@link #LAG_WAIT}; the names are polled, since a full
     * read slows down brokers that are still creating logs) and read again once listed; those it has not were deleted
     * behind kgr's back, and the plan says so as drift at once. Those it did not answer for are waited for only while
     * the last apply is younger than {@link #STALE_WAIT}.
     */
    Observation notOlderThanTheLastApply(Observation observed, Inventory own, Target target) {
        Set<String> missing = new TreeSet<>(own.topics().keySet());
        missing.removeAll(observed.live().topics().keySet());
        if (missing.isEmpty()) return observed;
        KafkaState.ControllerTopics controller = target.kafka().atTheController(missing);
        missing.removeAll(controller.absent());
        Set<String> unanswered = new TreeSet<>(missing);
        unanswered.removeAll(controller.exist());
        Duration sinceApply = Duration.between(own.appliedAt(), clock.instant());
        if (!unanswered.isEmpty() && (sinceApply.isNegative() || sinceApply.compareTo(STALE_WAIT) > 0)) {
            missing.removeAll(unanswered); // no recent apply to wait for: taken as gone
            unanswered.clear();
        }
        if (missing.isEmpty()) return observed;
        Duration left = controller.exist().isEmpty() ? STALE_WAIT.minus(sinceApply) : LAG_WAIT;
        LOG.info("{} topic(s) this source recorded are not listed by the brokers yet ({} of them known to the controller;"
                + " last apply {}); waiting up to {} s", missing.size(), missing.size() - unanswered.size(), own.appliedAt(),
                left.toSeconds());
        long deadline = System.nanoTime() + left.toNanos();
        long pause = 100;
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Observation now = observed;
        // a wait that sees no progress for this long is not a lag (say, a topic whose configs kgr may not read)
        long stuckAfter = STALE_WAIT.toNanos();
        long progressAt = System.nanoTime();
        int listedBefore = -1;
        long allListedAt = 0; // since when every name waited for is listed, but not all could be read (0: not yet)
        int fruitless = 0; // reads of listed names since then that read none of them
        try {
            while (!missing.isEmpty() && System.nanoTime() < deadline && System.nanoTime() - progressAt < stuckAfter
                    && (fruitless < LISTED_READS || System.nanoTime() - allListedAt < LISTED_WAIT.toNanos())) {
                Thread.sleep(pause);
                pause = Math.min(1000, pause * 2);
                Set<String> listed = new TreeSet<>(missing);
                listed.retainAll(target.kafka().topicNames());
                if (listed.size() > listedBefore) progressAt = System.nanoTime();
                listedBefore = listed.size();
                if (System.nanoTime() > nextReport) {
                    LOG.info("{} of {} topic(s) listed by the brokers so far", listed.size(), missing.size());
                    nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                }
                if (listed.size() < missing.size()) continue;
                if (allListedAt == 0) allListedAt = System.nanoTime();
                // every broker has its own view: the one asked to describe them may still lag the one that listed them
                now = new Observation(target.kafka().observe(now.live(), listed), now.inventories());
                int before = missing.size();
                missing.removeAll(now.live().topics().keySet());
                if (missing.size() < before) {
                    progressAt = System.nanoTime();
                    allListedAt = progressAt; // the rest get their own time and reads
                    fruitless = 0;
                    listedBefore = -1; // the next listing is of fewer names
                } else {
                    fruitless++;
                }
            }
            if (!missing.isEmpty()) {
                // out of time: those listed by now are read, the rest planned from what is known
                Set<String> listed = new TreeSet<>(missing);
                listed.retainAll(target.kafka().topicNames());
                if (!listed.isEmpty()) now = new Observation(target.kafka().observe(now.live(), listed), now.inventories());
                missing.removeAll(now.live().topics().keySet());
                listed.retainAll(missing);
                LOG.warn("{} recorded topic(s) still not read from the brokers after waiting ({} of them listed, but their"
                        + " description or configs not readable); planned as missing", missing.size(), listed.size());
            }
            return now;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return now;
        } catch (ObserveException e) {
            return now; // the brokers stopped answering: plan from what was read
        }
    }
}
