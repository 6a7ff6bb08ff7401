package io.wanvideo.gateway.logging;

import java.io.PrintStream;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.message.MessageFactory;
import org.apache.logging.log4j.message.ParameterizedMessageFactory;
import org.apache.logging.log4j.spi.ExtendedLogger;
import org.apache.logging.log4j.spi.LoggerContext;
import org.apache.logging.log4j.spi.LoggerContextFactory;
import org.apache.logging.log4j.spi.Provider;

/**
 * The functions' logging back end (README, "Logs"): Log4j's API (which the code and, through log4j-slf4j2-impl, the
 * AWS SDK and Jetty log to) writing each event as one line of JSON to standard output, where Lambda sends it to
 * CloudWatch. It replaces log4j-core with its Lambda appender and JSON template layout, whose configuration, plugin
 * and layout machinery was a third of each function's init (measured: README, "Cold start").
 *
 * <p>Registered as a Log4j provider of lower priority than log4j-core's, so wherever log4j-core is on the class path
 * (the local stack, the tests) it stays in charge, and in the Lambda jars, which do not carry it, this is used.
 * Levels: AWS_LAMBDA_LOG_LEVEL (set by Lambda from the template's ApplicationLogLevel), else LOG_LEVEL, else INFO;
 * the AWS SDK and Jetty at WARN or above.
 */
public final class JsonLinesLogging extends Provider {
    /** log4j-core registers with priority 10. */
    private static final int PRIORITY = 5;

    public JsonLinesLogging() {
        super(PRIORITY, "2.6.0", Factory.class);
    }

    /** One context for the whole process: a function has one class loader and one configuration. */
    public static final class Factory implements LoggerContextFactory {
        private static final Context CONTEXT = new Context(level(System.getenv()), System.out);

        @Override
        public LoggerContext getContext(String fqcn, ClassLoader loader, Object externalContext, boolean currentContext) {
            return CONTEXT;
        }

        @Override
        public LoggerContext getContext(String fqcn, ClassLoader loader, Object externalContext, boolean currentContext,
                URI configLocation, String name) {
            return CONTEXT;
        }

        @Override
        public void removeContext(LoggerContext context) {}

        @Override
        public boolean isClassLoaderDependent() {
            return false;
        }
    }

    static Level level(Map<String, String> env) {
        String name = env.getOrDefault("AWS_LAMBDA_LOG_LEVEL", env.getOrDefault("LOG_LEVEL", "INFO"));
        return Level.toLevel(name.trim().toUpperCase(Locale.ROOT), Level.INFO);
    }

    /** The loggers, each at the root level, or WARN for the libraries that are chatty below it. */
    static final class Context implements LoggerContext {
        private final Level root;
        private final PrintStream out;
        private final Map<String, ExtendedLogger> loggers = new ConcurrentHashMap<>();

        Context(Level root, PrintStream out) {
            this.root = root;
            this.out = out;
        }

        @Override
        public Object getExternalContext() {
            return null;
        }

        @Override
        public ExtendedLogger getLogger(String name) {
            return loggers.computeIfAbsent(name, n -> new JsonLinesLogger(n, ParameterizedMessageFactory.INSTANCE, levelOf(n), out));
        }

        @Override
        public ExtendedLogger getLogger(String name, MessageFactory messageFactory) {
            if (messageFactory == null || messageFactory == ParameterizedMessageFactory.INSTANCE) {
                return getLogger(name);
            }
            return new JsonLinesLogger(name, messageFactory, levelOf(name), out);
        }

        private Level levelOf(String name) {
            boolean chatty = name.startsWith("software.amazon.awssdk") || name.startsWith("org.eclipse.jetty");
            return chatty && root.isLessSpecificThan(Level.WARN) ? Level.WARN : root;
        }

        @Override
        public boolean hasLogger(String name) {
            return loggers.containsKey(name);
        }

        @Override
        public boolean hasLogger(String name, MessageFactory messageFactory) {
            return hasLogger(name);
        }

        @Override
        public boolean hasLogger(String name, Class<? extends MessageFactory> messageFactoryClass) {
            return hasLogger(name);
        }
    }
}
