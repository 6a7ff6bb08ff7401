package io.wanvideo.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.ApiErrors;
import java.math.BigDecimal;

/**
 * Typed reads of request fields, each refusing what is not of its type with the field's path. JSON null counts
 * as absent for every field (README: "null means absent").
 */
final class Fields {
    private Fields() {}

    static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    static boolean present(JsonNode body, String field) {
        return !absent(body.get(field));
    }

    /** An optional string of at most max Unicode code points, well-formed; null when absent. */
    static String text(JsonNode node, String param, int max) {
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiError.invalidType(param, "`" + param + "` must be a string.");
        }
        String value = node.textValue();
        wellFormed(value, param);
        int length = value.codePointCount(0, value.length());
        if (length > max) {
            throw ApiError.invalidValue(param, "`" + param + "` is " + length + " characters long; the limit is " + max + ".");
        }
        return value;
    }

    /**
     * Refuses text with an unpaired UTF-16 surrogate (JSON can spell one, as "\ud800"): it is no character, and
     * passed on it would reach the upstream as "?", a request the client did not make.
     */
    static void wellFormed(String value, String param) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiError.invalidValue(param, "`" + param + "` contains an unpaired UTF-16 surrogate (at character "
                        + i + "); send well-formed Unicode text.");
            }
        }
    }

    /**
     * Blank in the eye of a reader: nothing but whitespace, space separators (no-break spaces included),
     * invisible format characters (zero-width spaces and joiners) and control characters.
     */
    static boolean blank(String value) {
        return value.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp)
                || Character.getType(cp) == Character.FORMAT || Character.isISOControl(cp)
                || cp == 0x3164 || cp == 0x115F || cp == 0x1160 || cp == 0xFFA0 || cp == 0x2800);
    }

    static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode node = body.get(field);
        if (absent(node)) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw ApiError.invalidType(field, "`" + field + "` must be true or false.");
        }
        return node.booleanValue();
    }

    static Long seed(JsonNode body) {
        JsonNode node = body.get("seed");
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw ApiError.invalidType("seed", "`seed` must be an integer between 0 and " + VideoContract.MAX_SEED + ".");
        }
        if (!node.canConvertToLong() || node.longValue() < 0 || node.longValue() > VideoContract.MAX_SEED) {
            throw ApiError.invalidValue("seed", "`seed` must be between 0 and " + VideoContract.MAX_SEED + ".");
        }
        return node.longValue();
    }

    /**
     * A whole number of seconds given as a string ("5") or a JSON number, within [min, max]. Numbers of any size
     * (1e400 included) are compared exactly, never converted to a double that overflows.
     */
    static int wholeSeconds(JsonNode node, String field, int min, int max, String range) {
        long value;
        if (node.isTextual()) {
            String text = node.textValue();
            if (!text.matches("[0-9]{1,9}")) {
                throw ApiError.invalidValue(field, "`" + field + "` must be a whole number of seconds " + range
                        + ", such as \"5\"; got '" + ApiErrors.echo(text) + "'.");
            }
            value = Long.parseLong(text);
        } else if (node.isNumber()) {
            BigDecimal number = decimal(node);
            if (number == null || number.stripTrailingZeros().scale() > 0) {
                throw ApiError.invalidValue(field, "`" + field + "` must be a whole number of seconds " + range + ".");
            }
            value = number.compareTo(BigDecimal.valueOf(1_000_000)) > 0 ? Long.MAX_VALUE
                    : number.compareTo(BigDecimal.valueOf(-1_000_000)) < 0 ? Long.MIN_VALUE : number.longValue();
        } else {
            throw ApiError.invalidType(field, "`" + field + "` must be a string of an integer, such as \"5\".");
        }
        if (value < min || value > max) {
            throw ApiError.invalidValue(field, "`" + field + "` must be " + range + ".");
        }
        return (int) value;
    }

    /** The exact value of a JSON number, or null for one that is no finite number. */
    private static BigDecimal decimal(JsonNode node) {
        if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
            return null;
        }
        try {
            return node.decimalValue();
        } catch (NumberFormatException infinite) {
            return null;
        }
    }
}
