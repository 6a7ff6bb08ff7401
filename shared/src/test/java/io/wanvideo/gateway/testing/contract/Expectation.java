package io.wanvideo.gateway.testing.contract;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What a generated request must get. {@link Outcome#ACCEPTED}: a 2xx or 3xx; {@link Outcome#REFUSED}: a 4xx, and
 * when {@code params} is not empty, one naming exactly one of them (null among them: naming no field);
 * {@link Outcome#EITHER}: whichever, as long as it is not a 5xx and keeps the error contract; {@link Outcome#PAGE}: a
 * 200 with a file of the playground page, the one answer that is not JSON.
 */
public record Expectation(Outcome outcome, List<String> params) {
    public enum Outcome { ACCEPTED, REFUSED, EITHER, PAGE }

    public Expectation {
        params = Collections.unmodifiableList(new ArrayList<>(params));
    }

    public static Expectation accepted() {
        return new Expectation(Outcome.ACCEPTED, List.of());
    }

    public static Expectation page() {
        return new Expectation(Outcome.PAGE, List.of());
    }

    public static Expectation either() {
        return new Expectation(Outcome.EITHER, List.of());
    }

    /** Refused, naming any field the request holds (or none). */
    public static Expectation refused() {
        return new Expectation(Outcome.REFUSED, List.of());
    }

    /** Refused naming one of these (null: no field). */
    public static Expectation refusedNaming(String... params) {
        return new Expectation(Outcome.REFUSED, Arrays.asList(params));
    }

    public boolean namesParam() {
        return !params.isEmpty();
    }

    @Override
    public String toString() {
        return outcome + (params.isEmpty() ? "" : " naming " + params);
    }
}
