package io.kgr.apply;

import java.time.Duration;

/**
 * How long the Kubernetes steps wait: for a pod to become Ready, for partitions to be back in sync around a roll, and
 * how often they look.
 */
public record KubeWaits(Duration podReady, Duration inSync, Duration poll) {
    public static KubeWaits defaults() {
        return new KubeWaits(Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofSeconds(1));
    }
}
