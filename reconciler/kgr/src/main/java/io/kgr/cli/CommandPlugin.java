package io.kgr.cli;

/**
 * A command that a jar beside kgr.jar adds (found with {@link java.util.ServiceLoader}): the embedded environment's
 * {@code demo}. kgr.jar alone does not list it, so it never offers a command it cannot run.
 */
public interface CommandPlugin {
    /** The command's name on the command line. */
    String name();

    /** The picocli command class. */
    Class<?> command();
}
