package io.wanvideo.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanvideo.gateway.api.FormFieldName.Subscript;
import io.wanvideo.gateway.validation.FormFieldTypes;
import io.wanvideo.gateway.validation.FormFieldTypes.FormFieldType;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The JSON tree a form means. Parts are placed by their bracketed names ({@link FormFieldName}); then each value
 * becomes the JSON type the contract gives its field ({@link FormFieldTypes}), so the validator sees what the
 * client meant, whichever encoding it used.
 *
 * <p>In {@code a[][k]} a new array element starts when {@code k} is already set in the last one: the SDKs write
 * each element's members together, so {@code media[][type], media[][url], media[][type]} is two elements.
 */
final class FormTree {
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Members root = new Members();

    /** Where parts go: an object's members, an array built by appending, or an array built by position. */
    private interface Slot {}

    private static final class Members implements Slot {
        final Map<String, Slot> byName = new LinkedHashMap<>();
    }

    private static final class Appended implements Slot {
        final List<Slot> elements = new ArrayList<>();
    }

    private static final class Positioned implements Slot {
        final TreeMap<Integer, Slot> byIndex = new TreeMap<>();
    }

    private record Value(FormPart part) implements Slot {}

    void add(FormPart part) {
        FormFieldName name = FormFieldName.parse(part.name());
        place(root, "", Subscript.member(name.root()), name.subscripts(), new Value(part));
    }

    ObjectNode toJson() {
        return (ObjectNode) json(root, "", "");
    }

    /**
     * Puts {@code value} at {@code step} inside {@code container} (reached by {@code containerPath}), then
     * further down by {@code rest}.
     */
    private static void place(Slot container, String containerPath, Subscript step, List<Subscript> rest, Value value) {
        if (container instanceof Appended array) {
            Slot last = array.elements.isEmpty() ? null : array.elements.get(array.elements.size() - 1);
            if (rest.isEmpty()) {
                array.elements.add(value);
                return;
            }
            Slot element = last != null && shapeFits(last, rest.get(0)) && !occupied(last, rest) ? last : null;
            if (element == null) {
                element = newContainer(rest.get(0));
                array.elements.add(element);
            }
            String path = containerPath + "[" + (array.elements.size() - 1) + "]";
            place(element, path, rest.get(0), rest.subList(1, rest.size()), value);
            return;
        }
        String path;
        Slot existing;
        if (container instanceof Members members) {
            path = containerPath.isEmpty() ? step.key() : containerPath + "." + step.key();
            existing = members.byName.get(step.key());
        } else {
            path = containerPath + "[" + step.index() + "]";
            existing = ((Positioned) container).byIndex.get(step.index());
        }
        if (rest.isEmpty()) {
            if (existing instanceof Value) {
                throw ApiError.malformedForm(path, "The form gives `" + path + "` twice; give each field once, "
                        + "and the elements of an array as name[] parts.");
            }
            if (existing != null) {
                throw conflict(path, existing, null);
            }
            put(container, step, value);
            return;
        }
        Subscript next = rest.get(0);
        if (existing == null) {
            existing = newContainer(next);
            put(container, step, existing);
        } else if (!shapeFits(existing, next)) {
            throw conflict(path, existing, next);
        }
        place(existing, path, next, rest.subList(1, rest.size()), value);
    }

    private static void put(Slot container, Subscript step, Slot slot) {
        if (container instanceof Members members) {
            members.byName.put(step.key(), slot);
        } else {
            ((Positioned) container).byIndex.put(step.index(), slot);
        }
    }

    private static Slot newContainer(Subscript next) {
        return switch (next.kind()) {
            case MEMBER -> new Members();
            case POSITION -> new Positioned();
            case APPEND -> new Appended();
        };
    }

    private static boolean shapeFits(Slot slot, Subscript next) {
        return switch (next.kind()) {
            case MEMBER -> slot instanceof Members;
            case POSITION -> slot instanceof Positioned;
            case APPEND -> slot instanceof Appended;
        };
    }

    /** Whether {@code path} already leads to something inside {@code slot}; appending never collides. */
    private static boolean occupied(Slot slot, List<Subscript> path) {
        Slot at = slot;
        for (Subscript step : path) {
            if (step.kind() == Subscript.Kind.APPEND) {
                return false;
            }
            if (at instanceof Members members && step.kind() == Subscript.Kind.MEMBER) {
                at = members.byName.get(step.key());
            } else if (at instanceof Positioned positioned && step.kind() == Subscript.Kind.POSITION) {
                at = positioned.byIndex.get(step.index());
            } else {
                // A different shape: placing there reports the conflict.
                return false;
            }
            if (at == null) {
                return false;
            }
        }
        return true;
    }

    private static ApiError conflict(String path, Slot existing, Subscript wanted) {
        String as = wanted == null ? "a single value" : describe(newContainer(wanted));
        return ApiError.malformedForm(path, "The form gives `" + path + "` both as " + describe(existing) + " and as "
                + as + "; a field has one shape.");
    }

    private static String describe(Slot slot) {
        if (slot instanceof Members) {
            return "an object (name[key])";
        }
        if (slot instanceof Appended) {
            return "an array (name[])";
        }
        if (slot instanceof Positioned) {
            return "an array by position (name[0])";
        }
        return "a single value";
    }

    /**
     * @param path the JSON path the validator would name, such as {@code media[1].url}
     * @param typePath the same with positions written {@code []}, as {@link FormFieldTypes} lists fields
     */
    private static JsonNode json(Slot slot, String path, String typePath) {
        if (slot instanceof Members members) {
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<String, Slot> member : members.byName.entrySet()) {
                String name = member.getKey();
                object.set(name, json(member.getValue(), path.isEmpty() ? name : path + "." + name,
                        typePath.isEmpty() ? name : typePath + "." + name));
            }
            return object;
        }
        List<Slot> elements;
        if (slot instanceof Appended appended) {
            elements = appended.elements;
        } else if (slot instanceof Positioned positioned) {
            int expected = 0;
            for (int index : positioned.byIndex.keySet()) {
                if (index != expected) {
                    throw ApiError.malformedForm(path, "The form gives `" + path + "[" + index + "]` but not `" + path
                            + "[" + expected + "]`; array positions count up from 0 without gaps.");
                }
                expected++;
            }
            elements = new ArrayList<>(positioned.byIndex.values());
        } else {
            return value(((Value) slot).part(), path, FormFieldTypes.of(typePath));
        }
        ArrayNode array = NODES.arrayNode();
        for (int i = 0; i < elements.size(); i++) {
            array.add(json(elements.get(i), path + "[" + i + "]", typePath + "[]"));
        }
        return array;
    }

    private static JsonNode value(FormPart part, String path, FormFieldType type) {
        if (part.transferEncoding() != null && !List.of("7bit", "8bit", "binary").contains(part.transferEncoding())) {
            throw ApiError.malformedForm(path, "`" + path + "` has Content-Transfer-Encoding: " + part.transferEncoding()
                    + "; form data is sent as is (RFC 7578).");
        }
        if (part.isFile()) {
            if (type != FormFieldType.IMAGE) {
                String expected = type == FormFieldType.BOOLEAN ? "true or false"
                        : type == FormFieldType.INTEGER ? "an integer" : "a string";
                throw ApiError.invalidType(path, "`" + path + "` must be " + expected + ", not an uploaded file. "
                        + "Files are accepted only as images, at input_reference and media[].url.");
            }
            return NODES.textNode(UploadedImages.dataUri(part.content(), part.mediaType(), path));
        }
        String text = text(part, path);
        switch (type) {
            case BOOLEAN:
                if (text.equals("true") || text.equals("false")) {
                    return NODES.booleanNode(Boolean.parseBoolean(text));
                }
                break;
            case INTEGER:
                if (INTEGER.matcher(text).matches()) {
                    return integer(new BigInteger(text));
                }
                break;
            default:
                break;
        }
        // Not of the field's type: left a string, so the validator names the field (invalid_type).
        return NODES.textNode(text);
    }

    /** The smallest node that holds it, as Jackson's parser would produce for the same JSON number. */
    private static JsonNode integer(BigInteger value) {
        if (value.bitLength() < Integer.SIZE) {
            return NODES.numberNode(value.intValue());
        }
        if (value.bitLength() < Long.SIZE) {
            return NODES.numberNode(value.longValue());
        }
        return NODES.numberNode(value);
    }

    private static String text(FormPart part, String path) {
        String charset = part.charset() == null ? "utf-8" : part.charset().toLowerCase(Locale.ROOT);
        if (!charset.equals("utf-8") && !charset.equals("utf8") && !charset.equals("us-ascii")) {
            throw ApiError.malformedForm(path, "`" + path + "` is sent in charset " + part.charset()
                    + "; send text fields as UTF-8.");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(part.content())).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.malformedForm(path, "`" + path + "` is not valid UTF-8 text.");
        }
        // FormData turns every line break in a value into CRLF (WHATWG HTML, "multipart/form-data encoding");
        // undone, the prompt the client wrote is the one stored and counted.
        return text.replace("\r\n", "\n");
    }
}
