package io.kgr.plan;

/** Something on the cluster that this source does not manage: reported, never changed. */
public record Unmanaged(String kind, String name, String note) {
}
