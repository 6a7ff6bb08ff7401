package io.wanvideo.gateway.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Configuration from environment variables. Remembers every name it was asked for, so a test can check
 * that template.yaml sets each variable a function reads.
 */
public final class Env {
    private final Map<String, String> values;
    private final Set<String> read = new TreeSet<>();

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    /** Blank counts as unset: CloudFormation conditions can only set a variable to "". */
    public synchronized Optional<String> optional(String name) {
        read.add(name);
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> new IllegalStateException("environment variable " + name + " is not set"));
    }

    public String text(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    public int integer(String name, int fallback) {
        return optional(name).map(v -> parse(name, v, Integer::parseInt)).orElse(fallback);
    }

    /** true/false (any case); anything else is a configuration error. */
    public boolean flag(String name, boolean fallback) {
        return optional(name).map(v -> {
            if (v.equalsIgnoreCase("true")) {
                return true;
            }
            if (v.equalsIgnoreCase("false")) {
                return false;
            }
            throw new IllegalStateException("environment variable " + name + " must be true or false, not " + v);
        }).orElse(fallback);
    }

    public double decimal(String name, double fallback) {
        return optional(name).map(v -> parse(name, v, Double::parseDouble)).orElse(fallback);
    }

    private static <T> T parse(String name, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + name + " is not a number: " + value, e);
        }
    }

    public synchronized Set<String> namesRead() {
        return Set.copyOf(read);
    }
}
