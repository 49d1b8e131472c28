package io.kgr.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The CLI's logging, set up in code (reading an XML configuration cost a CLI run ≈ 70 ms): kgr prints its results on
 * stdout; logs go to stderr and stay quiet unless something is wrong — kgr's own at KGR_LOG_LEVEL (default WARN), the
 * Kafka clients' at KGR_KAFKA_LOG_LEVEL (default ERROR). A logback configuration file (-Dlogback.configurationFile, or a
 * logback.xml / logback-test.xml on the class path) takes precedence, as logback users expect.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class QuietLogging extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = QuietLogging.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("org.apache.kafka").setLevel(level("KGR_KAFKA_LOG_LEVEL", Level.ERROR));
        context.getLogger("org.eclipse.jgit").setLevel(Level.WARN);
        context.getLogger("io.kgr").setLevel(level("KGR_LOG_LEVEL", Level.WARN));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** A level named by a system property or else an environment variable, as logback's ${NAME:-default} reads. */
    private static Level level(String name, Level otherwise) {
        String value = System.getProperty(name, System.getenv(name));
        return Level.toLevel(value, otherwise);
    }
}
