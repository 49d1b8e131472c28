package io.kgr.model;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Strimzi's resource kinds that kgr publishes as read-only mirrors of Git ({@code kafka.strimzi.io}, written as
 * {@code v1}: the version Strimzi 1.x stores and {@code kubectl get} shows, whichever version the file in Git has).
 */
public final class StrimziKinds {
    public static final String GROUP = "kafka.strimzi.io";
    public static final String VERSION = "v1";
    public static final String API_VERSION = GROUP + "/" + VERSION;

    /** Mirrors and their status are published in this order (the cluster first). */
    public static final List<ResourceDefinitionContext> ALL = List.of(
            context("Kafka", "kafkas"), context("KafkaNodePool", "kafkanodepools"),
            context("KafkaTopic", "kafkatopics"), context("KafkaUser", "kafkausers"));

    /**
     * Strimzi's own pod sets ({@code core.strimzi.io}), which its cluster operator makes for a cluster's pods: served as
     * {@code v1} by Strimzi 1.x and as {@code v1beta2} before, so both are asked, in this order.
     */
    public static final List<ResourceDefinitionContext> STRIMZI_POD_SETS = List.of(podSets("v1"), podSets("v1beta2"));

    private StrimziKinds() {
    }

    private static ResourceDefinitionContext podSets(String version) {
        return new ResourceDefinitionContext.Builder().withGroup("core.strimzi.io").withVersion(version)
                .withKind("StrimziPodSet").withPlural("strimzipodsets").withNamespaced(true).build();
    }

    private static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion(VERSION).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    /** The context of one of the kinds, by its kind name. */
    public static Optional<ResourceDefinitionContext> of(String kind) {
        return ALL.stream().filter(c -> c.getKind().equals(kind)).findFirst();
    }
}
