package io.wanvideo.gateway.testing.contract;

import static io.wanvideo.gateway.testing.contract.Expectation.either;
import static io.wanvideo.gateway.testing.contract.Expectation.refused;
import static io.wanvideo.gateway.testing.contract.Expectation.refusedNaming;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Request trees delivered as bodies: as JSON (escaped or not, plain or base64-encoded, with the Content-Types that
 * mean JSON) and as the SDK's multipart form (files or text, the SDK's two boundary styles), each whole or damaged
 * in the ways a body can be; and bodies that are no request at all.
 */
public final class Deliveries {
    private Deliveries() {}

    private static final List<String> JSON_TYPES = List.of("application/json", "application/json; charset=utf-8",
            "Application/JSON", "application/vnd.api+json");

    // ---- JSON ----

    /** Damage done to JSON text; {@code expected} null keeps the tree's expectation. */
    private record TextDamage(String story, BiFunction<String, Double, byte[]> apply, Expectation expected) {}

    private static byte[] utf8(String text) {
        return JsonText.bytes(text);
    }

    private static final List<TextDamage> TEXT_DAMAGE = List.of(
            new TextDamage("trailing object", (t, r) -> utf8(t + " {}"), refusedNaming((String) null)),
            new TextDamage("trailing request", (t, r) -> utf8(t + "\n{\"model\":\"wan2.7-r2v\"}"), refusedNaming((String) null)),
            new TextDamage("trailing number", (t, r) -> utf8(t + " 1"), refusedNaming((String) null)),
            new TextDamage("trailing brace", (t, r) -> utf8(t + "}"), refusedNaming((String) null)),
            new TextDamage("trailing string", (t, r) -> utf8(t + "\"x\""), refusedNaming((String) null)),
            new TextDamage("duplicate key", Deliveries::duplicateKey, refusedNaming((String) null)),
            new TextDamage("nested deep", Deliveries::nested, refusedNaming((String) null)),
            new TextDamage("NaN", (t, r) -> utf8(prefix(t, "\"nan\":" + (r < 0.3 ? "NaN" : r < 0.6 ? "-Infinity" : "Infinity") + ",")),
                    refusedNaming((String) null)),
            new TextDamage("truncated", (t, r) -> utf8(t.substring(0, (int) Math.floor(r * t.length()))), refusedNaming((String) null)),
            new TextDamage("comment", (t, r) -> utf8(prefix(t, r < 0.5 ? "/* note */" : "// note\n")), refusedNaming((String) null)),
            new TextDamage("single quotes", (t, r) -> utf8(prefix(t, "'x':1,")), refusedNaming((String) null)),
            new TextDamage("leading zero", (t, r) -> utf8(prefix(t, "\"n\":05,")), refusedNaming((String) null)),
            new TextDamage("invalid UTF-8", Deliveries::invalidUtf8, refusedNaming((String) null)),
            new TextDamage("leading garbage", (t, r) -> utf8("x" + t), refusedNaming((String) null)),
            new TextDamage("byte order mark", (t, r) -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(t)), either()),
            new TextDamage("whitespace around", (t, r) -> utf8("\n \t" + t + "\r\n "), null));

    private static String prefix(String text, String insert) {
        return text.startsWith("{") ? "{" + insert + text.substring(1) : insert + text;
    }

    private static byte[] duplicateKey(String text, double r) {
        int colon = text.indexOf("\":");
        if (!text.startsWith("{\"") || colon < 0) {
            return utf8(text + text);
        }
        String key = text.substring(1, colon + 1);
        return utf8("{" + key + ":" + (r < 0.5 ? "\"x\"" : "null") + "," + text.substring(1));
    }

    private static byte[] nested(String text, double r) {
        // Deeper than the 64 levels read, counting the object around it.
        int depth = r < 0.5 ? 64 + (int) (r * 20) : 1000 + (int) (r * 100_000);
        return utf8(prefix(text, "\"deep\":" + "[".repeat(depth) + "]".repeat(depth) + ","));
    }

    private static final List<byte[]> BAD_UTF8 = List.of(new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC0, (byte) 0xAF},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0x80}, new byte[] {(byte) 0xE4, (byte) 0xB8}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80});

    private static byte[] invalidUtf8(String text, double r) {
        byte[] bytes = utf8(text);
        int at = (int) Math.floor(r * bytes.length);
        byte[] bad = BAD_UTF8.get((int) (r * 1000) % BAD_UTF8.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(bad);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A tree as a JSON body, whole (mostly) or damaged. */
    public static Arbitrary<Delivery> json(BodyTree body) {
        Arbitrary<TextDamage> damage = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just((TextDamage) null)),
                Tuple.of(3, Arbitraries.of(TEXT_DAMAGE)));
        Arbitrary<String> contentType = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(JSON_TYPES)),
                Tuple.of(1, Arbitraries.just((String) null)));
        return Combinators.combine(Arbitraries.of(true, false), contentType, Arbitraries.of(true, false), damage,
                        Arbitraries.doubles().between(0, 1))
                .as((escape, type, base64, hurt, r) -> {
                    String text = JsonText.write(body.tree(), escape);
                    // Raw bytes of a broken surrogate make the body itself invalid UTF-8: the JSON-level expectation covers it.
                    byte[] bytes = hurt == null ? utf8(text) : hurt.apply().apply(text, r);
                    Expectation expected = hurt == null || hurt.expected() == null ? body.asJson() : hurt.expected();
                    String story = body.story() + (escape ? "" : ", raw") + (hurt == null ? "" : ", " + hurt.story());
                    // Bytes that are not UTF-8 reach a function only base64-encoded.
                    return new Delivery(story, type, bytes, base64 || !validUtf8(bytes), body.tree(), Set.of(), expected);
                });
    }

    // ---- forms ----

    /** Damage done to a form: what it sends, what it must get, and names it adds that a param may name. */
    private record Form(String contentType, byte[] body, Expectation expected, Set<String> names, String story) {}

    private interface FormDamage {
        Form apply(List<SdkForms.Part> parts, String boundary, JsonNode tree, double r);
    }

    private static Form whole(List<SdkForms.Part> parts, String boundary, Expectation expected, String story) {
        return new Form(SdkForms.contentType(boundary), SdkForms.body(parts, boundary, true), expected, Set.of(), story);
    }

    private static List<SdkForms.Part> with(List<SdkForms.Part> parts, int at, SdkForms.Part part) {
        List<SdkForms.Part> out = new ArrayList<>(parts);
        out.add(Math.max(0, Math.min(at, out.size())), part);
        return out;
    }

    /** A top-level field that is sent as one text part: what a duplicate or a misplaced file names. */
    private static String scalarRoot(JsonNode tree) {
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonNode value = tree.get(name);
            if (value.isValueNode() && !value.isNull() && name.matches("[a-z_]+")
                    && !io.wanvideo.gateway.validation.FormFieldTypes.BY_PATH.containsKey(name)) {
                return name;
            }
        }
        return null;
    }

    private static final List<FormDamage> FORM_DAMAGE = List.of(
            (parts, b, tree, r) -> new Form("multipart/form-data", SdkForms.body(parts, b, true), refusedNaming((String) null),
                    Set.of(), "no boundary"),
            (parts, b, tree, r) -> new Form(SdkForms.contentType("other-boundary"), SdkForms.body(parts, b, true),
                    refusedNaming((String) null), Set.of(), "another boundary"),
            (parts, b, tree, r) -> new Form(SdkForms.contentType("b".repeat(71)), SdkForms.body(parts, "b".repeat(71), true),
                    refusedNaming((String) null), Set.of(), "boundary too long"),
            (parts, b, tree, r) -> {
                byte[] body = SdkForms.body(parts, b, true);
                int cut = (int) Math.floor(r * (body.length - b.length() - 6));
                return new Form(SdkForms.contentType(b), java.util.Arrays.copyOf(body, cut), refused(), Set.of(), "truncated at " + cut);
            },
            (parts, b, tree, r) -> new Form(SdkForms.contentType(b), SdkForms.body(parts, b, false), refusedNaming((String) null),
                    Set.of(), "unclosed"),
            (parts, b, tree, r) -> {
                String root = scalarRoot(tree);
                if (root == null) {
                    return whole(parts, b, null, "nothing to repeat");
                }
                return whole(with(parts, (int) (r * parts.size()), SdkForms.text(root, "again")), b, refusedNaming(root),
                        "field " + root + " twice");
            },
            (parts, b, tree, r) -> {
                String root = scalarRoot(tree);
                if (root == null) {
                    return whole(parts, b, null, "no text field");
                }
                List<SdkForms.Part> out = new ArrayList<>(parts);
                out.removeIf(p -> p.name().equals(root));
                out.add(SdkForms.file(root, "notes.txt", r < 0.5 ? "text/plain" : "application/octet-stream",
                        "a cat".getBytes(StandardCharsets.UTF_8)));
                return whole(out, b, refusedNaming(root), "a file as " + root);
            },
            (parts, b, tree, r) -> {
                List<SdkForms.Part> out = new ArrayList<>(parts);
                out.removeIf(p -> p.name().startsWith("input_reference"));
                byte[] content = r < 0.3 ? new byte[0] : "%PDF-1.4".getBytes(StandardCharsets.UTF_8);
                out.add(SdkForms.file("input_reference", r < 0.6 ? "doc.pdf" : "frame.png",
                        r < 0.6 ? "application/pdf" : r < 0.8 ? "application/octet-stream" : "video/mp4", content));
                return new Form(SdkForms.contentType(b), SdkForms.body(out, b, true), refusedNaming("input_reference"),
                        Set.of("input_reference"), "not an image at input_reference");
            },
            (parts, b, tree, r) -> whole(with(parts, (int) (r * parts.size()), new SdkForms.Part("x", "Content-Disposition: form-data\r\n",
                    new byte[] {'x'})), b, refusedNaming((String) null), "a part without a name"),
            (parts, b, tree, r) -> whole(with(parts, (int) (r * parts.size()), new SdkForms.Part("x",
                    "Content-Disposition: attachment; name=\"x\"\r\n", new byte[] {'x'})), b, refusedNaming((String) null),
                    "an attachment"),
            (parts, b, tree, r) -> whole(with(parts, (int) (r * parts.size()), new SdkForms.Part("x",
                    "Content-Disposition form-data; name=\"x\"\r\n", new byte[] {'x'})), b, refusedNaming((String) null),
                    "a header without a colon"),
            (parts, b, tree, r) -> charsetPart(parts, b, r),
            (parts, b, tree, r) -> {
                List<SdkForms.Part> out = new ArrayList<>(parts);
                for (int i = 0; i < 70; i++) {
                    out.add(SdkForms.text("filler[]", "x"));
                }
                return whole(out, b, refusedNaming((String) null), "more than 64 parts");
            },
            (parts, b, tree, r) -> new Form(SdkForms.contentType(b), SdkForms.body(with(parts, 0, SdkForms.text("media[0][a][b][c][d]", "x")),
                    b, true), refusedNaming("media"), Set.of("media"), "a name nested five deep"),
            (parts, b, tree, r) -> new Form(SdkForms.contentType(b), SdkForms.body(with(parts, 0, SdkForms.text("[x]", "1")), b, true),
                    refusedNaming((String) null), Set.of(), "a name without a field"),
            (parts, b, tree, r) -> {
                List<SdkForms.Part> gap = List.of(SdkForms.text("gapped[0][type]", "first_frame"), SdkForms.text("gapped[2][type]", "x"));
                List<SdkForms.Part> out = new ArrayList<>(parts);
                out.addAll(gap);
                return new Form(SdkForms.contentType(b), SdkForms.body(out, b, true), refusedNaming("gapped"), Set.of("gapped"),
                        "positions with a gap");
            },
            (parts, b, tree, r) -> {
                String name = "n".repeat(257 + (int) (r * 7000));
                return new Form(SdkForms.contentType(b), SdkForms.body(with(parts, 0, SdkForms.text(name, "x")), b, true), refused(),
                        Set.of(name), "a name of " + name.length() + " characters");
            },
            (parts, b, tree, r) -> longHeaderValue(parts, b, r),
            (parts, b, tree, r) -> {
                boolean media = tree.has("media") && tree.get("media").isArray() && !tree.get("media").isEmpty();
                if (!media) {
                    return whole(parts, b, null, "no media to mix");
                }
                return whole(with(parts, parts.size(), SdkForms.text("media[0][type]", "reference_image")), b,
                        new Expectation(Expectation.Outcome.REFUSED, List.of("media", "media[*", "media.*")), "media by [] and by [0]");
            },
            (parts, b, tree, r) -> {
                SdkForms.Part nested = new SdkForms.Part("prompt", "Content-Disposition: form-data; name=\"prompt\"\r\n"
                        + "Content-Type: multipart/mixed; boundary=inner\r\n", "--inner\r\n\r\nx\r\n--inner--".getBytes(StandardCharsets.UTF_8));
                List<SdkForms.Part> out = new ArrayList<>(parts);
                out.removeIf(p -> p.name().equals("prompt"));
                out.add(nested);
                return new Form(SdkForms.contentType(b), SdkForms.body(out, b, true), refusedNaming("prompt"), Set.of("prompt"),
                        "a multipart part");
            },
            (parts, b, tree, r) -> {
                byte[] body = SdkForms.body(parts, b, true);
                byte[] framed = concat(concat("preamble\r\n".getBytes(StandardCharsets.UTF_8), body),
                        "epilogue".getBytes(StandardCharsets.UTF_8));
                return new Form(SdkForms.contentType(b), framed, null, Set.of(), "preamble and epilogue");
            },
            (parts, b, tree, r) -> {
                byte[] body = new String(SdkForms.body(parts, b, true), StandardCharsets.ISO_8859_1).replace("\r\n", "\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                return new Form(SdkForms.contentType(b), body, either(), Set.of(), "LF line ends");
            });

    /** A text part sent in another charset, or with a transfer encoding forms do not use. */
    private static Form charsetPart(List<SdkForms.Part> parts, String boundary, double r) {
        List<SdkForms.Part> out = new ArrayList<>(parts);
        String extra = r < 0.5 ? "Content-Type: text/plain; charset=iso-8859-1\r\n" : "Content-Transfer-Encoding: base64\r\n";
        out.add(new SdkForms.Part("note", "Content-Disposition: form-data; name=\"note\"\r\n" + extra, "eA==".getBytes(StandardCharsets.UTF_8)));
        return new Form(SdkForms.contentType(boundary), SdkForms.body(out, boundary, true), refusedNaming("note"), Set.of("note"),
                "a part in another encoding");
    }

    /** A part header value of thousands of characters: what an error may repeat of it stays small. */
    private static Form longHeaderValue(List<SdkForms.Part> parts, String boundary, double r) {
        String value = "x".repeat(1000 + (int) (r * 6000));
        String header = switch ((int) (r * 1000) % 4) {
            case 0 -> "Content-Type: text/plain; charset=" + value + "\r\n";
            case 1 -> "Content-Transfer-Encoding: " + value + "\r\n";
            case 2 -> "Content-Type: multipart/" + value + "\r\n";
            default -> "Content-Type: image/" + value + "\r\nX-Filename: y\r\n";
        };
        String disposition = header.startsWith("Content-Type: image/") ? "Content-Disposition: form-data; name=\"input_reference\"; filename=\"a\"\r\n"
                : "Content-Disposition: form-data; name=\"note\"\r\n";
        List<SdkForms.Part> out = new ArrayList<>(parts);
        out.removeIf(p -> p.name().startsWith("input_reference"));
        out.add(new SdkForms.Part("note", disposition + header, "x".getBytes(StandardCharsets.UTF_8)));
        return new Form(SdkForms.contentType(boundary), SdkForms.body(out, boundary, true), refused(), Set.of("note", "input_reference"),
                "a long part header");
    }

    /**
     * What a damaged form must get. The damage's own answer is certain only for a form that is otherwise fine: in a
     * form already broken elsewhere, either fault may be the one reported.
     */
    private static Expectation damaged(Expectation tree, Expectation damage) {
        if (damage == null) {
            return tree;
        }
        if (tree.outcome() == Expectation.Outcome.ACCEPTED || damage.outcome() != Expectation.Outcome.REFUSED) {
            return damage;
        }
        return refused();
    }

    static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /** A tree as the SDK's form, whole (mostly) or damaged. */
    public static Arbitrary<Delivery> form(BodyTree body) {
        Arbitrary<String> boundary = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 99_999_999_999L).map(n -> String.format("----formdata-undici-0%011d", n)),
                Arbitraries.strings().withCharRange('a', 'z').ofLength(24).map(s -> "openai-" + s));
        Arbitrary<FormDamage> damage = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just((FormDamage) null)),
                Tuple.of(3, Arbitraries.of(FORM_DAMAGE)));
        return Combinators.combine(Arbitraries.integers().between(0, 2), boundary, Arbitraries.of(true, false), damage,
                        Arbitraries.doubles().between(0, 1))
                .as((uploads, b, base64, hurt, r) -> {
                    List<SdkForms.Part> parts = SdkForms.parts(body.tree(), uploads);
                    Form form = hurt == null ? whole(parts, b, null, "") : hurt.apply(parts, b, body.tree(), r);
                    Expectation expected = damaged(body.asForm(), form.expected());
                    // A name is sent as the SDK's UTF-8 encoder writes it (a lone surrogate as "?"): a param may name it so.
                    Set<String> names = new java.util.HashSet<>(form.names());
                    for (SdkForms.Part part : parts) {
                        String sent = new String(SdkForms.escape(part.name()).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                        names.add(sent.split("\\[", 2)[0]);
                    }
                    // Bytes that are not UTF-8 (a file, a broken surrogate) reach a function only base64-encoded.
                    boolean text = !base64 && validUtf8(form.body());
                    String story = body.story() + ", form" + (uploads > 0 ? " with uploads" : "") + (form.story().isEmpty() ? "" : ", " + form.story());
                    return new Delivery(story, form.contentType(), form.body(), !text, body.tree(), Set.copyOf(names), expected);
                });
    }

    // ---- bodies that are no request ----

    private static final List<String> OTHER_TYPES = List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
            "", "json", "application/jsonx", "text/json", "multipart/mixed; boundary=b", "image/png", ";;;", "application/",
            "x".repeat(3000), "multipart/form-data; boundary=\"\"", "multipart/form-data; boundary=" + "q".repeat(2000));

    /** Bytes of every kind under every Content-Type: refused, whatever they are. */
    public static Arbitrary<Delivery> noRequest() {
        Arbitrary<byte[]> bytes = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(3000)),
                Tuple.of(2, Arbitraries.of("null", "[]", "1", "\"x\"", "{}", "true", "", " ", "{\"model\":null}", "[{}]", "{\"\":1}", "\u0000")
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(2, HostileValues.text(200).map(JsonText::bytes)));
        Arbitrary<String> contentType = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(JSON_TYPES)),
                Tuple.of(1, Arbitraries.just((String) null)), Tuple.of(3, Arbitraries.of(OTHER_TYPES)),
                Tuple.of(2, Arbitraries.just(SdkForms.contentType("----formdata-undici-012345678901"))));
        return Combinators.combine(bytes, contentType, Arbitraries.of(true, false)).as((b, type, base64) ->
                new Delivery("no request", type, b, base64, parsed(b), Set.of(), refused()));
    }

    /** The JSON these bytes hold, if they are JSON: what a param may name. */
    private static JsonNode parsed(byte[] bytes) {
        try {
            return io.wanvideo.gateway.json.Json.tree(new String(bytes, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    /** A valid tree's JSON under a Content-Type that is neither JSON nor a form: 415, naming nothing. */
    public static Arbitrary<Delivery> notJson(BodyTree body) {
        return Arbitraries.of(OTHER_TYPES).filter(t -> !t.startsWith("multipart/form-data"))
                .map(type -> new Delivery(body.story() + " as " + (type.length() > 40 ? type.substring(0, 40) + "..." : type),
                        type, utf8(JsonText.write(body.tree(), true)), false, body.tree(), Set.of(), refusedNaming((String) null)));
    }

    /** A body marked base64 that is not. */
    public static Arbitrary<String> notBase64() {
        return Arbitraries.of("!!!!", "abc", "YQ=", "Y Q==", "====", "\u00e9\u00e9\u00e9\u00e9", "YWJj\n", "-_-_");
    }
}
