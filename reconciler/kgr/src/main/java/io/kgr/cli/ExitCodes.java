package io.kgr.cli;

/** Exit codes, as terraform's -detailed-exitcode users expect. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int CHANGES = 2;

    private ExitCodes() {
    }
}
