package io.wanvideo.gateway.testing.contract;

import static io.wanvideo.gateway.testing.contract.Expectation.accepted;
import static io.wanvideo.gateway.testing.contract.Expectation.either;
import static io.wanvideo.gateway.testing.contract.Expectation.refusedNaming;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanvideo.gateway.api.ApiErrors;
import io.wanvideo.gateway.testing.contract.JsonPaths.Place;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Request trees near the valid ones: a valid tree with one mutation whose outcome is certain (refused, naming the
 * field it broke; or still accepted), or with a few mutations of any kind, whose outcome is whatever the contract
 * says but never a 5xx.
 */
public final class Mutations {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What a field is, by its path with positions written []. */
    enum Kind { MODEL, PROMPT, NEGATIVE_PROMPT, VOCABULARY, SECONDS, SEED, FLAG, MEDIA_URL, WEBHOOK }

    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("model", Kind.MODEL), Map.entry("prompt", Kind.PROMPT), Map.entry("negative_prompt", Kind.NEGATIVE_PROMPT),
            Map.entry("size", Kind.VOCABULARY), Map.entry("resolution", Kind.VOCABULARY), Map.entry("ratio", Kind.VOCABULARY),
            Map.entry("media[].type", Kind.VOCABULARY), Map.entry("seconds", Kind.SECONDS), Map.entry("duration", Kind.SECONDS),
            Map.entry("seed", Kind.SEED), Map.entry("prompt_extend", Kind.FLAG), Map.entry("watermark", Kind.FLAG),
            Map.entry("media[].url", Kind.MEDIA_URL), Map.entry("media[].reference_voice", Kind.MEDIA_URL),
            Map.entry("reference_image", Kind.MEDIA_URL), Map.entry("reference_image[]", Kind.MEDIA_URL),
            Map.entry("reference_video", Kind.MEDIA_URL), Map.entry("reference_video[]", Kind.MEDIA_URL),
            Map.entry("reference_voice", Kind.MEDIA_URL), Map.entry("first_frame", Kind.MEDIA_URL),
            Map.entry("input_reference", Kind.MEDIA_URL), Map.entry("input_reference.image_url", Kind.MEDIA_URL),
            Map.entry("webhook_url", Kind.WEBHOOK), Map.entry("callback_url", Kind.WEBHOOK));

    /** Every top-level name the contract knows; an unknown field is none of these. */
    public static final Set<String> KNOWN_FIELDS = Set.of("model", "prompt", "negative_prompt", "media", "size", "ratio",
            "seconds", "prompt_extend", "watermark", "seed", "input_reference", "webhook_url", "resolution", "duration",
            "callback_url", "reference_image", "reference_video", "reference_voice", "first_frame");
    private static final Set<String> KNOWN_ITEM_FIELDS = Set.of("type", "url", "reference_voice");

    private Mutations() {}

    /** Valid trees, trees with one certain mutation, and trees with a few of any kind. */
    public static Arbitrary<BodyTree> bodies() {
        Arbitrary<ObjectNode> valid = RequestTrees.valid();
        return Arbitraries.frequencyOf(
                // Few untouched: a served request costs a hundred refused ones, and the targeted ones serve some too.
                Tuple.of(1, valid.map(t -> new BodyTree("valid", t, accepted(), accepted()))),
                Tuple.of(8, valid.flatMap(Mutations::targeted)),
                Tuple.of(3, valid.flatMap(t -> Arbitraries.integers().between(1, 4)
                        .flatMap(n -> stacked(new BodyTree("stacked", t, either(), either()), n)))));
    }

    private static Kind kind(Place place) {
        return KINDS.get(place.typePath());
    }

    private static boolean r2v(JsonNode tree) {
        return "wan2.7-r2v".equals(tree.path("model").asText());
    }

    // ---- single mutations with a certain outcome ----

    /** One mutation of {@code tree} whose outcome is known. */
    static Arbitrary<BodyTree> targeted(JsonNode tree) {
        List<Arbitrary<BodyTree>> choices = new ArrayList<>();
        choices.add(unknownMember(tree, JsonPointer.empty(), ""));
        for (Place place : JsonPaths.places(tree)) {
            JsonNode node = tree.at(place.pointer());
            if (node.isObject() && place.typePath().equals("media[]")) {
                choices.add(unknownMember(tree, place.pointer(), place.path() + "."));
            }
            if (node.isObject() && place.path().equals("input_reference")) {
                choices.add(unknownMember(tree, place.pointer(), "input_reference."));
                choices.add(Arbitraries.just(new BodyTree("input_reference.file_id", replace(tree, place.pointer(),
                        NODES.objectNode().put("file_id", "file-abc123")), refusedNaming("input_reference.file_id"),
                        refusedNaming("input_reference.file_id"))));
            }
            choices.add(hugeNumber(tree, place));
            choices.add(wrongType(tree, place, node));
            Kind kind = kind(place);
            if (kind == null) {
                continue;
            }
            if (node.isTextual()) {
                choices.add(brokenSurrogate(tree, place, node.textValue()));
                choices.add(invisible(tree, place, kind));
                choices.add(oversized(tree, place, kind));
                if (kind == Kind.VOCABULARY || kind == Kind.MODEL || kind == Kind.SECONDS) {
                    choices.add(padded(tree, place, node.textValue()));
                }
            }
            switch (kind) {
                case MEDIA_URL -> {
                    if (node.isTextual()) {
                        choices.add(Arbitraries.of(HostileValues.UNFETCHABLE_URLS).map(url -> refusedAt(tree, place,
                                NODES.textNode(url), "unfetchable URL")));
                    }
                }
                case WEBHOOK -> choices.add(HostileValues.unreachableWebhookUrls().map(url -> refusedAt(tree, place,
                        NODES.textNode(url), "unreachable webhook")));
                case SECONDS -> choices.add(secondsOutOfRange(tree, place));
                case SEED -> choices.add(Arbitraries.of(new BigInteger("-1"), new BigInteger("2147483648"),
                                new BigInteger("9223372036854775808"), BigInteger.TEN.pow(30))
                        .map(n -> refusedAt(tree, place, NODES.numberNode(n), "seed out of range")));
                case FLAG -> choices.add(flagMisspelt(tree, place));
                default -> { }
            }
        }
        return Arbitraries.oneOf(choices).map(body -> withAliases(tree, body));
    }

    /** Fields the contract takes under two names; giving both is refused naming either. */
    private static final List<List<String>> ALIASES = List.of(List.of("seconds", "duration"), List.of("size", "resolution"),
            List.of("webhook_url", "callback_url"));

    /**
     * A tree may hold both names of a field, one of them null (absent): valid as it is, but once the mutation gives
     * the null one a value, the request gives the field twice, which the gateway may report first under either name.
     */
    private static BodyTree withAliases(JsonNode tree, BodyTree body) {
        for (List<String> pair : ALIASES) {
            if (tree.has(pair.get(0)) && tree.has(pair.get(1))) {
                return new BodyTree(body.story(), body.tree(), orAlias(body.asJson(), pair), orAlias(body.asForm(), pair));
            }
        }
        return body;
    }

    private static Expectation orAlias(Expectation expected, List<String> pair) {
        if (expected.outcome() != Expectation.Outcome.REFUSED || expected.params().stream().noneMatch(param -> param != null && pair.contains(param))) {
            return expected;
        }
        List<String> params = new ArrayList<>(expected.params());
        pair.stream().filter(name -> !params.contains(name)).forEach(params::add);
        return new Expectation(Expectation.Outcome.REFUSED, params);
    }

    private static BodyTree refusedAt(JsonNode tree, Place place, JsonNode value, String story) {
        return new BodyTree(story + " at " + place, replace(tree, place.pointer(), value), refusedNaming(place.path()),
                refusedNaming(place.path()));
    }

    /** A field the contract does not have, at the top level or in a media item or input_reference object. */
    private static Arbitrary<BodyTree> unknownMember(JsonNode tree, JsonPointer object, String prefix) {
        Set<String> known = prefix.isEmpty() ? KNOWN_FIELDS : prefix.startsWith("input_reference") ? Set.of("image_url", "file_id")
                : KNOWN_ITEM_FIELDS;
        // Form field names are written by the SDK: no quotes, brackets or line breaks in them.
        Arbitrary<String> formSafe = Arbitraries.oneOf(
                Arbitraries.of("remix_video_id", "quality", "n", "user", "Model", "MEDIA", "x-y", "seconds_", "characters"),
                Arbitraries.strings().withCharRange('a', 'z').withChars('_', '0', '9').ofMinLength(1).ofMaxLength(30),
                Arbitraries.integers().between(81, 2000).map(n -> "k".repeat(n)));
        Arbitrary<String> anyName = Arbitraries.oneOf(Arbitraries.of("prompt ", "seconds\u0000", "a.b", "a[0]", "__proto__",
                "", "\ud83c\udfac", "\u4e00\u4e01", "\ud800", "x\"y", "line\nbreak"), Arbitraries.strings().ofMinLength(1).ofMaxLength(20));
        return Combinators.combine(Arbitraries.frequencyOf(Tuple.of(2, formSafe), Tuple.of(1, anyName)).filter(n -> !known.contains(n)),
                        Arbitraries.of(NODES.textNode("x"), NODES.numberNode(1), NODES.nullNode(), NODES.objectNode()))
                .as((name, value) -> {
                    JsonNode copy = tree.deepCopy();
                    ((ObjectNode) copy.at(object)).set(name, value);
                    String param = prefix + ApiErrors.echo(name);
                    // In a form a null member is not sent and {} sends nothing: the field is then not there at all. Names
                    // beyond ASCII letters are sent as bytes the server reads as it may; a name longer than any the API
                    // has is refused as a name, naming what it can; a name of digits only is, in a form, an array
                    // position (`media[0][9]` is written the same for both), refused for the form's shape.
                    boolean sent = !value.isNull() && !value.isObject();
                    Expectation asForm = !sent || !name.matches("[A-Za-z0-9_-]+") ? either()
                            : name.length() > 200 || name.matches("[0-9]+") ? Expectation.refused() : refusedNaming(param);
                    // A broken name sent as raw bytes is a body that is not UTF-8.
                    Expectation asJson = JsonText.wellFormed(name) ? refusedNaming(param) : refusedNaming(param, null);
                    return new BodyTree("unknown field " + param, copy, asJson, asForm);
                });
    }

    private static Arbitrary<BodyTree> hugeNumber(JsonNode tree, Place place) {
        return Arbitraries.of("1e400", "-1e400", "1e999999999", "1E-400", "123456789012345678901234567890")
                .map(n -> new BodyTree("number " + n + " at " + place, replace(tree, place.pointer(), NODES.numberNode(new BigDecimal(n))),
                        refusedNaming(place.path()), either()));
    }

    /** A value of another JSON type: refused naming the field or something inside what replaced it. */
    private static Arbitrary<BodyTree> wrongType(JsonNode tree, Place place, JsonNode node) {
        List<JsonNode> values = new ArrayList<>(List.of(NODES.objectNode(), NODES.arrayNode().add(1), NODES.objectNode().put("k", 1)));
        // An empty array is the same type as an array, and as `media` where input_reference gives the frame, valid.
        if (!node.isArray() && !(node.isNull() && place.path().equals("media"))) {
            values.add(NODES.arrayNode());
        }
        // For null (absent) any type may be the right one: only containers are certainly wrong there.
        if (!node.isBoolean() && !node.isNull()) {
            values.add(NODES.booleanNode(true));
        }
        if (!node.isTextual() && !node.isNumber() && !node.isNull()) {
            values.add(NODES.textNode("five"));
        }
        return Arbitraries.of(values).map(value -> {
            Expectation json = refusedWithin(place.path());
            // An empty list of references is no reference at all: fine while the other list has some.
            if (value.isArray() && value.isEmpty() && place.root().startsWith("reference_")) {
                json = either();
            }
            return new BodyTree("type " + value.getNodeType() + " at " + place, replace(tree, place.pointer(), value), json, either());
        });
    }

    /** Refused, naming the field or a path inside it. */
    private static Expectation refusedWithin(String path) {
        return new Expectation(Expectation.Outcome.REFUSED, List.of(path, path + ".*", path + "[*"));
    }

    private static Arbitrary<BodyTree> brokenSurrogate(JsonNode tree, Place place, String value) {
        return Combinators.combine(Arbitraries.of(HostileValues.BROKEN_SURROGATES), Arbitraries.doubles().between(0, 1))
                .as((broken, at) -> new BodyTree("broken surrogate at " + place,
                        replace(tree, place.pointer(), NODES.textNode(HostileValues.insert(value, broken, at))),
                        // Escaped (\ud800) it reaches the validator; as raw bytes the body is not UTF-8.
                        refusedNaming(place.path(), null), refusedNaming(place.path())));
    }

    private static Arbitrary<BodyTree> invisible(JsonNode tree, Place place, Kind kind) {
        Expectation expected = switch (kind) {
            // Blank where optional means absent; an r2v prompt is required.
            case PROMPT -> r2v(tree) ? refusedNaming("prompt") : accepted();
            case NEGATIVE_PROMPT -> accepted();
            default -> refusedNaming(place.path());
        };
        return HostileValues.invisible().map(text -> new BodyTree("invisible text at " + place,
                replace(tree, place.pointer(), NODES.textNode(text)), expected, expected));
    }

    private static Arbitrary<BodyTree> oversized(JsonNode tree, Place place, Kind kind) {
        int min = switch (kind) {
            case PROMPT -> 5001;
            case NEGATIVE_PROMPT -> 501;
            case WEBHOOK -> 2049;
            case MEDIA_URL -> 4097;
            default -> 100;
        };
        Arbitrary<String> value = Arbitraries.frequencyOf(Tuple.of(12, HostileValues.oversized(min, Math.max(min * 3, 60_000))),
                Tuple.of(1, HostileValues.oversized(1_000_001, 1_200_000)));
        return value.map(text -> {
            BodyTree refused = refusedAt(tree, place, NODES.textNode(text), "oversized (" + text.length() + " chars)");
            // A megabyte of characters JSON escapes (a CJK character: six bytes) may make the body itself larger than any
            // the gateway reads: then the body's size is refused, naming no field.
            return text.length() < 1_000_000 ? refused : new BodyTree(refused.story(), refused.tree(),
                    refusedNaming(place.path(), null), refusedNaming(place.path(), null));
        });
    }

    /** A value the contract reads case- or space-insensitively, padded: accepted or not, the answer stays small. */
    private static Arbitrary<BodyTree> padded(JsonNode tree, Place place, String value) {
        return Combinators.combine(Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(1, 40)),
                                Tuple.of(1, Arbitraries.integers().between(10_000, 500_000))),
                        Arbitraries.of(" ", "\t", "\n", " \u00a0"))
                .as((n, pad) -> new BodyTree("padded (" + n + ") at " + place,
                        replace(tree, place.pointer(), NODES.textNode(pad.repeat(n) + value + pad.repeat(n))), either(), either()));
    }

    private static Arbitrary<BodyTree> secondsOutOfRange(JsonNode tree, Place place) {
        Arbitrary<JsonNode> numbers = Arbitraries.of("0", "1", "16", "99", "-5", "1e400", "-1e400", "2.5", "1e-400",
                "100000000000000000000000").map(n -> NODES.numberNode(new BigDecimal(n)));
        Arbitrary<JsonNode> strings = Arbitraries.of("0", "1", "16", "99", "-5", "2.5", "1e1", " 5", "5 ", "", "\u0665", "0x5",
                "+5", "5s", "1234567890", "99999999999").map(NODES::textNode);
        return Arbitraries.oneOf(numbers, strings).map(v -> refusedAt(tree, place, v, "seconds " + v));
    }

    private static Arbitrary<BodyTree> flagMisspelt(JsonNode tree, Place place) {
        return Arbitraries.of(NODES.textNode("yes"), NODES.numberNode(1), NODES.numberNode(0), NODES.textNode("TRUE"),
                        NODES.textNode("true"), NODES.textNode("on"))
                .map(v -> new BodyTree("flag " + v + " at " + place, replace(tree, place.pointer(), v), refusedNaming(place.path()),
                        // A form carries only strings: "true" there is the boolean.
                        v.isTextual() && v.textValue().equals("true") ? accepted() : refusedNaming(place.path())));
    }

    // ---- mutations of any kind, stacked ----

    private static Arbitrary<BodyTree> stacked(BodyTree body, int more) {
        if (more == 0) {
            return Arbitraries.just(body);
        }
        return anyMutation(body.tree()).map(m -> new BodyTree(body.story() + "; " + m.story(), m.tree(), either(), either()))
                .flatMap(next -> stacked(next, more - 1));
    }

    private static Arbitrary<BodyTree> anyMutation(JsonNode tree) {
        List<Place> places = JsonPaths.places(tree);
        if (places.isEmpty()) {
            return unknownMember(tree, JsonPointer.empty(), "");
        }
        Arbitrary<BodyTree> structural = Combinators.combine(Arbitraries.of(places), Arbitraries.of(places), Arbitraries.integers().between(0, 7))
                .as((place, other, op) -> {
                    JsonNode copy = tree.deepCopy();
                    String story;
                    switch (op) {
                        case 0 -> {
                            remove(copy, place.pointer());
                            story = "remove " + place;
                        }
                        case 1 -> {
                            copy = replace(tree, place.pointer(), NODES.nullNode());
                            story = "null at " + place;
                        }
                        case 2 -> {
                            copy = replace(tree, place.pointer(), tree.at(other.pointer()).deepCopy());
                            story = "value of " + other + " at " + place;
                        }
                        case 3 -> {
                            ((ObjectNode) copy).put("model", r2v(tree) ? "wan2.7-i2v" : "wan2.7-r2v");
                            story = "other model";
                        }
                        case 4 -> {
                            JsonNode parent = copy.at(place.pointer().head());
                            if (parent.isArray()) {
                                ((ArrayNode) parent).add(parent.get(place.pointer().last().getMatchingIndex()).deepCopy());
                                story = "repeat " + place;
                            } else {
                                ((ObjectNode) copy).set("media", NODES.arrayNode().add(NODES.objectNode().put("type", "reference_image")
                                        .put("url", RequestTrees.IMAGE_URLS.get(0))));
                                story = "add media";
                            }
                        }
                        case 5 -> {
                            String[][] pairs = {{"seconds", "duration"}, {"size", "resolution"}, {"webhook_url", "callback_url"},
                                    {"reference_image", "media"}, {"first_frame", "input_reference"}};
                            String[] pair = pairs[Math.abs(place.path().hashCode()) % pairs.length];
                            JsonNode from = copy.has(pair[0]) ? copy.get(pair[0]) : copy.get(pair[1]);
                            JsonNode value = from == null ? NODES.textNode(RequestTrees.IMAGE_URLS.get(0)) : from.deepCopy();
                            ((ObjectNode) copy).set(pair[0], value);
                            ((ObjectNode) copy).set(pair[1], value);
                            story = "both " + pair[0] + " and " + pair[1];
                        }
                        case 6 -> {
                            String[] types = {"reference_image", "reference_video", "first_frame", "last_frame", "driving_audio",
                                    "first_clip", "Reference_Image"};
                            if (place.typePath().equals("media[].type")) {
                                copy = replace(tree, place.pointer(), NODES.textNode(types[Math.abs(other.path().hashCode()) % types.length]));
                                story = "media type changed at " + place;
                            } else {
                                remove(copy, place.pointer());
                                story = "remove " + place;
                            }
                        }
                        default -> {
                            copy = replace(tree, place.pointer(), NODES.textNode(""));
                            story = "empty string at " + place;
                        }
                    }
                    return new BodyTree(story, copy, either(), either());
                });
        return Arbitraries.frequencyOf(Tuple.of(2, structural), Tuple.of(1, targeted(tree)));
    }

    // ---- tree edits, always on a copy ----

    static JsonNode replace(JsonNode tree, JsonPointer at, JsonNode value) {
        JsonNode copy = tree.deepCopy();
        JsonNode parent = copy.at(at.head());
        if (parent.isObject()) {
            ((ObjectNode) parent).set(at.last().getMatchingProperty(), value);
        } else {
            ((ArrayNode) parent).set(at.last().getMatchingIndex(), value);
        }
        return copy;
    }

    private static void remove(JsonNode copy, JsonPointer at) {
        JsonNode parent = copy.at(at.head());
        if (parent.isObject()) {
            ((ObjectNode) parent).remove(at.last().getMatchingProperty());
        } else if (parent.isArray()) {
            ((ArrayNode) parent).remove(at.last().getMatchingIndex());
        }
    }
}
