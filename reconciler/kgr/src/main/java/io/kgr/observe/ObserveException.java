package io.kgr.observe;

/** The live state could not be read (cluster unreachable, not authorised, timeout). */
public class ObserveException extends Exception {
    public ObserveException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Why reading failed, in words: an exhausted heap says which heap and how to raise it. */
    public static String reason(Throwable cause) {
        if (cause instanceof OutOfMemoryError) {
            return "kgr ran out of memory (" + cause.getMessage() + "); bin/kgr gives its JVM 512 MiB: give it more with"
                    + " KGR_JAVA_OPTS, for example KGR_JAVA_OPTS=\"-Xmx2g\" (it replaces kgr's JVM options)";
        }
        return cause.getMessage();
    }
}
