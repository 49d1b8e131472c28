package io.kgr.manifest;

import java.util.Comparator;

/**
 * One problem found in the input, located precisely enough to fix it: file, line, column (1-based), the field path
 * inside the document (e.g. {@code spec.config["retention.ms"]}) and a message.
 */
public record Diagnostic(Severity severity, String file, int line, int column, String field, String message) {

    public enum Severity { ERROR, WARNING }

    public static final Comparator<Diagnostic> ORDER = Comparator.comparing(Diagnostic::file)
            .thenComparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column)
            .thenComparing(Diagnostic::message);

    public static Diagnostic error(Location at, String field, String message) {
        return new Diagnostic(Severity.ERROR, at.file(), at.line(), at.column(), field, message);
    }

    public static Diagnostic warning(Location at, String field, String message) {
        return new Diagnostic(Severity.WARNING, at.file(), at.line(), at.column(), field, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:col  field  message}, the form editors and CI annotations understand. */
    public String format() {
        String where = file + ":" + line + ":" + column;
        String prefix = severity == Severity.WARNING ? "warning: " : "";
        return where + "  " + (field == null || field.isEmpty() ? "-" : field) + "  " + prefix + message;
    }
}
