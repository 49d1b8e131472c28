package io.kgr.service;

import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kgr.RunStatus;

/**
 * Quartz, in memory: one job per source on its cron schedule. A job never runs twice at once
 * ({@link DisallowConcurrentExecution}); a trigger that fires while its run is still going waits, and misfires fire
 * once, not in a burst. Pushes trigger a run now, coalesced: while one is waiting, more pushes add nothing. A run that
 * could not reach Git or Kafka is retried with a doubling delay, a bounded number of times.
 */
final class Scheduling implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduling.class);
    static final String GROUP = "kgr";
    static final int MAX_RETRIES = 5;
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration MAX_RETRY = Duration.ofMinutes(5);

    private final Scheduler quartz;
    private final Map<String, SourceRunner> runners;
    private final Map<String, AtomicBoolean> queued = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final BooleanSupplier stopping;

    Scheduling(Map<String, SourceRunner> runners, BooleanSupplier stopping) throws SchedulerException {
        this.runners = Map.copyOf(runners);
        this.stopping = stopping;
        Properties p = new Properties();
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "kgr-" + System.identityHashCode(this));
        p.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        p.setProperty(StdSchedulerFactory.PROP_THREAD_POOL_CLASS, "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(Math.max(1, Math.min(runners.size(), 4))));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "kgr-run");
        p.setProperty("org.quartz.scheduler.interruptJobsOnShutdown", "false");
        this.quartz = new StdSchedulerFactory(p).getScheduler();
        quartz.setJobFactory((bundle, scheduler) -> new ReconcileJob(this));
        for (SourceRunner runner : runners.values()) {
            ServiceConfig.Source s = runner.source();
            queued.put(s.name(), new AtomicBoolean());
            failures.put(s.name(), new AtomicInteger());
            if (s.suspend()) continue;
            var job = JobBuilder.newJob(ReconcileJob.class).withIdentity(s.name(), GROUP).storeDurably().build();
            Trigger cron = TriggerBuilder.newTrigger().withIdentity(s.name() + "-cron", GROUP).forJob(job)
                    .withSchedule(CronScheduleBuilder.cronSchedule(s.schedule()).withMisfireHandlingInstructionFireAndProceed())
                    .usingJobData("trigger", "schedule").build();
            quartz.scheduleJob(job, cron);
        }
    }

    /** Starts firing (again); a scheduler in standby keeps its triggers, and the missed ones fire once on start. */
    void start() throws SchedulerException {
        quartz.start();
    }

    /** Stops firing new runs (a run in progress goes on); used when this replica is not the leader. */
    void standby() throws SchedulerException {
        quartz.standby();
    }

    boolean active() {
        try {
            return quartz.isStarted() && !quartz.isInStandbyMode() && !quartz.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /**
     * Runs a source as soon as possible. Returns false when a run of it is already waiting (the push is folded into
     * it) or the source is suspended.
     */
    boolean runNow(String source, String why) throws SchedulerException {
        SourceRunner runner = runners.get(source);
        if (runner == null || runner.source().suspend()) return false;
        if (!queued.get(source).compareAndSet(false, true)) return false;
        quartz.scheduleJob(TriggerBuilder.newTrigger().forJob(source, GROUP).usingJobData("trigger", why).startNow()
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build());
        return true;
    }

    Date nextRun(String source) {
        try {
            return quartz.getTriggersOfJob(JobKey.jobKey(source, GROUP)).stream().map(Trigger::getNextFireTime)
                    .filter(Objects::nonNull).min(Date::compareTo).orElse(null);
        } catch (SchedulerException e) {
            return null;
        }
    }

    private void execute(String source, String trigger) {
        if (!trigger.equals("schedule") && !trigger.equals("retry")) queued.get(source).set(false);
        SourceRunner runner = runners.get(source);
        int jitter = runner.source().jitterSeconds();
        if (trigger.equals("schedule") && jitter > 0) {
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(jitter * 1000L + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (stopping.getAsBoolean()) return;
        RunRecord record = runner.run(trigger, stopping);
        retryIfUnreachable(source, record);
    }

    private void retryIfUnreachable(String source, RunRecord record) {
        AtomicInteger failed = failures.get(source);
        boolean unreachable = record.status() == RunStatus.SOURCE_FAILED || record.status() == RunStatus.OBSERVE_FAILED;
        if (!unreachable) {
            failed.set(0);
            return;
        }
        int attempt = failed.incrementAndGet();
        if (attempt > MAX_RETRIES || stopping.getAsBoolean()) {
            log.warn("source {}: {} {} times in a row; waiting for the next scheduled run", source,
                    record.status().reason(), attempt);
            return;
        }
        Duration delay = FIRST_RETRY.multipliedBy(1L << (attempt - 1));
        if (delay.compareTo(MAX_RETRY) > 0) delay = MAX_RETRY;
        log.info("source {}: retry {} of {} in {} s", source, attempt, MAX_RETRIES, delay.toSeconds());
        try {
            quartz.scheduleJob(TriggerBuilder.newTrigger().forJob(source, GROUP).usingJobData("trigger", "retry")
                    .startAt(new Date(System.currentTimeMillis() + delay.toMillis()))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build());
        } catch (SchedulerException e) {
            log.warn("source {}: cannot schedule a retry: {}", source, e.getMessage());
        }
    }

    /** Stops scheduling and waits up to {@code grace} for a running job to finish its current step. */
    void shutdown(Duration grace) {
        try {
            quartz.standby();
            long deadline = System.nanoTime() + grace.toNanos();
            while (!quartz.getCurrentlyExecutingJobs().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            boolean done = quartz.getCurrentlyExecutingJobs().isEmpty();
            quartz.shutdown(done);
            if (!done) log.warn("a run was still going after {} s; stopped waiting for it", grace.toSeconds());
        } catch (SchedulerException e) {
            log.warn("scheduler shutdown: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(30));
    }

    /** Quartz's job: runs one source. */
    @DisallowConcurrentExecution
    static final class ReconcileJob implements Job {
        private final Scheduling scheduling;

        ReconcileJob(Scheduling scheduling) {
            this.scheduling = scheduling;
        }

        @Override
        public void execute(JobExecutionContext context) {
            JobDataMap data = context.getMergedJobDataMap();
            String trigger = data.containsKey("trigger") ? data.getString("trigger") : "schedule";
            try {
                scheduling.execute(context.getJobDetail().getKey().getName(), trigger);
            } catch (RuntimeException e) {
                log.error("run of source {} failed unexpectedly", context.getJobDetail().getKey().getName(), e);
            }
        }
    }
}
