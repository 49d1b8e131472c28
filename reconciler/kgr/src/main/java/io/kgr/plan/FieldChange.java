package io.kgr.plan;

/**
 * One field of a step, before and after. {@code null} before means "not set", {@code null} after means "removed"
 * (back to the broker default). Sensitive values are never stored here in clear: renderers print (sensitive).
 */
public record FieldChange(String field, String before, String after, boolean sensitive) {
    public static FieldChange of(String field, String before, String after) {
        return new FieldChange(field, before, after, false);
    }
}
