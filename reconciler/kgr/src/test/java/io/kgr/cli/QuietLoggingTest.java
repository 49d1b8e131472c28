package io.kgr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;

class QuietLoggingTest {
    @Test
    void theCliLogsToStderrAndOnlyWhatIsWrong() {
        LoggerContext context = new LoggerContext();
        QuietLogging setup = new QuietLogging();
        setup.setContext(context);
        assertThat(setup.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class,
                a -> assertThat(a.getTarget()).isEqualTo("System.err"));
        assertThat(context.getLogger("org.apache.kafka.clients.admin").getEffectiveLevel())
                .isEqualTo(Level.toLevel(System.getenv("KGR_KAFKA_LOG_LEVEL"), Level.ERROR));
        assertThat(context.getLogger("io.kgr.Reconciler").getEffectiveLevel())
                .isEqualTo(Level.toLevel(System.getenv("KGR_LOG_LEVEL"), Level.WARN));
    }

    @Test
    void aLogbackConfigurationFileTakesPrecedence() {
        LoggerContext context = new LoggerContext();
        QuietLogging setup = new QuietLogging();
        setup.setContext(context);
        System.setProperty("logback.configurationFile", "/nowhere/logback.xml");
        try {
            assertThat(setup.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
        } finally {
            System.clearProperty("logback.configurationFile");
        }
    }
}
