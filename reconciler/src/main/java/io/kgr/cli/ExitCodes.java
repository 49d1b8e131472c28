package io.kgr.cli;

/** Exit codes, as terraform's -detailed-exitcode users expect. */
final class ExitCodes {
    static final int OK = 0;
    static final int ERROR = 1;
    static final int CHANGES = 2;

    private ExitCodes() {
    }
}
