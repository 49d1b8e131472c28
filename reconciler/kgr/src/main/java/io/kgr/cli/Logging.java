package io.kgr.cli;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;

/**
 * Logging of the long-running service: kgr's own lines at INFO (one per run, one per applied step) unless
 * KGR_LOG_LEVEL says otherwise, as text or as one JSON object per line. The CLI commands keep {@link QuietLogging}'s setup.
 */
final class Logging {
    enum Format { TEXT, JSON }

    private Logging() {
    }

    static void forService(Format format) {
        Main.awaitLogging();
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return;
        Logger kgr = context.getLogger("io.kgr");
        String level = System.getenv("KGR_LOG_LEVEL");
        kgr.setLevel(Level.toLevel(level, Level.INFO));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        Encoder<ILoggingEvent> encoder;
        if (format == Format.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithArguments(false);
            json.setWithMessage(false);
            json.setWithFormattedMessage(true);
            encoder = json;
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n%ex{short}");
            encoder = pattern;
        }
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.out");
        console.setEncoder(encoder);
        console.start();
        root.addAppender(console);
    }
}
