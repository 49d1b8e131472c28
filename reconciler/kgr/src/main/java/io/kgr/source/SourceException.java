package io.kgr.source;

/** The source could not be read (unreachable remote, unknown ref, missing directory). */
public class SourceException extends Exception {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
