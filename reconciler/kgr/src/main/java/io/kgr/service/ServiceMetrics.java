package io.kgr.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.kgr.RunStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The service's Prometheus metrics. Names as exposed: {@code kgr_reconcile_duration_seconds} (histogram; source,
 * result), {@code kgr_reconcile_total} (source, result), {@code kgr_plan_steps} (source, action: steps of the latest
 * plan), {@code kgr_drift_detected_total} (source: runs that found the cluster changed behind kgr's back),
 * {@code kgr_last_success_timestamp_seconds} (source), {@code kgr_source_info} (source, commit; value 1), and the JVM's.
 */
final class ServiceMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<String, AtomicLong> planSteps = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final Map<String, Gauge> sourceInfo = new ConcurrentHashMap<>();

    ServiceMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Every source appears in the metrics from the start, so that absent and zero can be told apart. */
    void register(String source) {
        Counter.builder("kgr.drift.detected").description("Runs that found the cluster changed behind kgr's back")
                .tag("source", source).register(registry);
        AtomicLong success = lastSuccess.computeIfAbsent(source, s -> new AtomicLong());
        Gauge.builder("kgr.last.success.timestamp.seconds", success, AtomicLong::get)
                .description("Unix time of the source's last successful run (0: none yet)")
                .tag("source", source).register(registry);
        AtomicLong heldSteps = held.computeIfAbsent(source, s -> new AtomicLong());
        Gauge.builder("kgr.held.steps", heldSteps, AtomicLong::get)
                .description("Steps of the source's latest apply that wait for an approval or a maintenance window")
                .tag("source", source).register(registry);
    }

    private final Map<String, AtomicLong> held = new ConcurrentHashMap<>();

    /** How many steps the source's latest apply held. */
    void held(String source, int steps) {
        held.computeIfAbsent(source, s -> new AtomicLong()).set(steps);
    }

    void recorded(RunRecord run) {
        String result = run.status().reason();
        Timer.builder("kgr.reconcile.duration").description("Duration of a reconcile run")
                .tags(Tags.of("source", run.source(), "result", result)).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(50)).maximumExpectedValue(Duration.ofMinutes(30))
                .register(registry).record(run.took());
        Counter.builder("kgr.reconcile.cpu").baseUnit("seconds").description("CPU time of the process during reconcile runs")
                .tag("source", run.source()).register(registry).increment(run.cpu().toNanos() / 1e9);
        Counter.builder("kgr.reconcile").description("Reconcile runs")
                .tags(Tags.of("source", run.source(), "result", result)).register(registry).increment();
        if (run.drift()) {
            Counter.builder("kgr.drift.detected").tag("source", run.source()).register(registry).increment();
        }
        if (run.status() != RunStatus.SOURCE_FAILED && run.status() != RunStatus.VALIDATION_FAILED
                && run.status() != RunStatus.OBSERVE_FAILED) {
            // a plan was made: its steps by action replace the previous plan's (actions not in it go to 0)
            planSteps.forEach((key, value) -> {
                if (key.startsWith(run.source() + "\u0000")) value.set(0);
            });
            run.steps().forEach((action, count) -> planSteps.computeIfAbsent(run.source() + "\u0000" + action, k -> {
                AtomicLong v = new AtomicLong();
                Gauge.builder("kgr.plan.steps", v, AtomicLong::get).description("Steps of the latest plan by action")
                        .tags(Tags.of("source", run.source(), "action", action)).register(registry);
                return v;
            }).set(count));
        }
        if (run.succeeded()) {
            lastSuccess.computeIfAbsent(run.source(), s -> new AtomicLong())
                    .set(run.startedAt().plus(run.took()).getEpochSecond());
        }
        run.commit().ifPresent(commit -> sourceInfo.compute(run.source(), (source, old) -> {
            if (old != null && commit.equals(old.getId().getTag("commit"))) return old;
            if (old != null) registry.remove(old);
            return Gauge.builder("kgr.source.info", () -> 1).description("The commit a source last read")
                    .tags(Tags.of("source", source, "commit", commit)).register(registry);
        }));
    }

    String scrape() {
        return registry.scrape();
    }

    MeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
