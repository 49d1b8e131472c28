package io.kgr.apply;

import java.util.List;
import java.util.Map;

import io.kgr.plan.Change;
import io.kgr.plan.Step;

/**
 * Where an apply's steps are carried out: the brokers and the cluster's namespace. {@link Applier} decides what runs
 * (order, dependencies, holds, a shutdown, a lost lease) and records the inventory; an executor only does a batch and
 * records each step's result. Tests give their own.
 */
interface Executors {
    /** A batch of consecutive steps of one kind that the brokers carry out. */
    void onKafka(Change.Kind kind, List<Step> batch);

    /** New pods, created together and waited for together. */
    void createPods(List<Step> batch);

    /** One step in the namespace (an object, a volume, a certificate, a roll). */
    void onKubernetes(Step step);

    /** Waits (bounded) until the brokers show what succeeded, so that the next plan reads it back. */
    void awaitVisible(List<Step> succeeded);

    /** The password hashes of the credentials this apply wrote, by user, for the inventory. */
    Map<String, String> freshHashes();
}
