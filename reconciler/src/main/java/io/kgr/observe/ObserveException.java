package io.kgr.observe;

/** The live state could not be read (cluster unreachable, not authorised, timeout). */
public class ObserveException extends Exception {
    public ObserveException(String message, Throwable cause) {
        super(message, cause);
    }
}
