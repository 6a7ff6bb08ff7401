package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.Resolution;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.testing.FormBuilder;
import io.wanvideo.gateway.testing.FormFixture;
import io.wanvideo.gateway.validation.VideoRequestValidator;
import io.wanvideo.gateway.validation.VideoRequestValidatorTest.Expect;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * POST bodies in both encodings the API accepts. A form decodes to the JSON tree the same request would have as
 * JSON, and the validator then judges that tree; a form that cannot be read is a 400 (413 for size) naming the
 * field where one is at fault. Every case is run as API Gateway may deliver it: as text where the body is UTF-8,
 * and base64-encoded, as it delivers binary bodies; both must give the same answer.
 */
class RequestBodiesTest {
    private static final int MAX_BYTES = 6_000_000;
    private static final String CT = FormBuilder.CONTENT_TYPE;
    private static final byte[] PNG = FormFixture.file("frame.png");
    private static final byte[] JPEG = FormFixture.file("frame.jpg");

    private final VideoRequestValidator validator = new VideoRequestValidator();

    // ---- delivery

    /** The ways API Gateway may hand over these bytes: as text only when they are UTF-8, base64-encoded always. */
    static List<ApiRequest> deliveries(String contentType, byte[] body) {
        List<ApiRequest> requests = new ArrayList<>();
        if (isUtf8(body)) {
            requests.add(request(contentType, new String(body, StandardCharsets.UTF_8), false));
        }
        requests.add(request(contentType, Base64.getEncoder().encodeToString(body), true));
        return requests;
    }

    static ApiRequest request(String contentType, String body, boolean base64) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setHeaders(contentType == null ? Map.of() : Map.of("Content-Type", contentType));
        event.setBody(body);
        event.setIsBase64Encoded(base64);
        return new ApiRequest(event);
    }

    private static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The tree, the same for every delivery. */
    static JsonNode decode(String contentType, byte[] body) {
        List<JsonNode> trees = deliveries(contentType, body).stream().map(r -> RequestBodies.read(r, MAX_BYTES)).toList();
        assertThat(trees).as("every delivery decodes alike").allSatisfy(t -> assertThat(t).isEqualTo(trees.get(0)));
        return trees.get(0);
    }

    record Refusal(int status, String code, String param) {
        @Override
        public String toString() {
            return status + " " + code + " @ " + param;
        }
    }

    /** The refusal, the same for every delivery, with a message that speaks the API. */
    static Refusal refusal(String contentType, byte[] body, int maxBytes) {
        List<Refusal> refusals = new ArrayList<>();
        for (ApiRequest request : deliveries(contentType, body)) {
            ApiError e = catchThrowableOfType(ApiError.class, () -> RequestBodies.read(request, maxBytes));
            assertThat(e).as("refused").isNotNull();
            assertThat(e.type()).isEqualTo(ErrorType.INVALID_REQUEST);
            assertThat(e.getMessage()).isNotBlank().doesNotContainIgnoringCase("mime4j").doesNotContain("Exception")
                    .doesNotContain("org.apache").doesNotContain("java.");
            assertThat(e.body()).containsOnlyKeys("error");
            refusals.add(new Refusal(e.status(), e.code(), e.param()));
        }
        assertThat(refusals).as("every delivery refuses alike").containsOnly(refusals.get(0));
        return refusals.get(0);
    }

    static Refusal no(String code, String param) {
        return new Refusal(400, code, param);
    }

    static Expect ok() {
        return new Expect(null, null);
    }

    static Expect invalid(String code, String param) {
        return new Expect(code, param);
    }

    // ---- what the real SDK sends

    public static Stream<Arguments> fixtures() {
        return Stream.of(
                arguments("openai-sora", invalid("invalid_value", "model")),
                arguments("r2v-media", ok()),
                arguments("r2v-flat", ok()),
                arguments("i2v-media-upload", ok()),
                arguments("i2v-input-reference-file", ok()),
                arguments("i2v-input-reference-stream", ok()),
                arguments("i2v-input-reference-url", ok()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("fixtures")
    void whatTheSdkSendsDecodesToTheTreeItMeansThenValidates(String name, Expect expect) {
        FormFixture fixture = FormFixture.load(name);
        JsonNode tree = decode(fixture.contentType(), fixture.body());
        assertThat(tree).isEqualTo(fixture.expectedTree());
        if (expect.code() == null) {
            assertThat(validator.validate(tree)).isNotNull();
        } else {
            assertThatThrownBy(() -> validator.validate(tree)).isInstanceOfSatisfying(ApiError.class, e -> {
                assertThat(e.code()).isEqualTo(expect.code());
                assertThat(e.param()).isEqualTo(expect.param());
            });
        }
    }

    @Test
    void anSdkFormAndTheSameRequestAsJsonMakeTheSameSpec() throws Exception {
        FormFixture fixture = FormFixture.load("r2v-media");
        VideoSpec fromForm = validator.validate(decode(fixture.contentType(), fixture.body()));
        String json = "{\"model\":\"wan2.7-r2v\",\"prompt\":\"Image 1 walks through a night market \\uD83C\\uDFAE\\nmoving like Video 1\","
                + "\"seconds\":\"5\",\"size\":\"720P\",\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/character.png\","
                + "\"reference_voice\":\"https://example.com/voice.mp3\"},{\"type\":\"reference_video\",\"url\":\"https://example.com/walk.mp4\"}],"
                + "\"ratio\":\"9:16\",\"negative_prompt\":\"blurry\",\"prompt_extend\":false,\"watermark\":true,\"seed\":42}";
        VideoSpec fromJson = validator.validate(RequestBodies.read(request("application/json", json, false), MAX_BYTES));
        assertThat(fromForm).isEqualTo(fromJson);
        assertThat(fromForm.size()).isEqualTo(Resolution.P720);
        assertThat(fromForm.seconds()).isEqualTo(5);
        assertThat(fromForm.ratio()).isEqualTo("9:16");
        assertThat(fromForm.promptExtend()).isFalse();
        assertThat(fromForm.watermark()).isTrue();
        assertThat(fromForm.seed()).isEqualTo(42L);
        assertThat(fromForm.media()).containsExactly(
                new MediaItem(MediaType.REFERENCE_IMAGE, "https://example.com/character.png", "https://example.com/voice.mp3"),
                new MediaItem(MediaType.REFERENCE_VIDEO, "https://example.com/walk.mp4", null));
    }

    @Test
    void anUploadedPngBecomesItsDataUri() {
        FormFixture fixture = FormFixture.load("i2v-media-upload");
        VideoSpec spec = validator.validate(decode(fixture.contentType(), fixture.body()));
        assertThat(spec.media().get(0)).isEqualTo(new MediaItem(MediaType.FIRST_FRAME,
                "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG), null));
        assertThat(PNG).startsWith(0x89, 'P', 'N', 'G');
    }

    // ---- names and typed values

    private static byte[] form(String... namesAndValues) {
        FormBuilder form = new FormBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.field(namesAndValues[i], namesAndValues[i + 1]);
        }
        return form.build();
    }

    public static Stream<Arguments> trees() {
        return Stream.of(
                // typed where the contract types the field, and only where the value is of that type
                arguments("booleans", form("prompt_extend", "false", "watermark", "true"), "{\"prompt_extend\":false,\"watermark\":true}"),
                arguments("boolean spelt otherwise stays a string", form("watermark", "True", "prompt_extend", "1"),
                        "{\"watermark\":\"True\",\"prompt_extend\":\"1\"}"),
                arguments("integers", form("seed", "42", "duration", "5"), "{\"seed\":42,\"duration\":5}"),
                arguments("integer zero and negative", form("seed", "0", "duration", "-1"), "{\"seed\":0,\"duration\":-1}"),
                arguments("integer beyond int", form("seed", "2147483648"), "{\"seed\":2147483648}"),
                arguments("integer beyond long", form("seed", "99999999999999999999"), "{\"seed\":99999999999999999999}"),
                arguments("not integers stay strings", form("seed", "4.2", "duration", "007"), "{\"seed\":\"4.2\",\"duration\":\"007\"}"),
                arguments("signed or blank stay strings", form("seed", "+5", "duration", ""), "{\"seed\":\"+5\",\"duration\":\"\"}"),
                arguments("seconds stays a string", form("seconds", "5"), "{\"seconds\":\"5\"}"),
                arguments("untyped fields stay strings", form("prompt", "true", "model", "42", "ratio", "16:9"),
                        "{\"prompt\":\"true\",\"model\":\"42\",\"ratio\":\"16:9\"}"),
                // bracket paths
                arguments("appended elements start anew when a member repeats",
                        form("media[][type]", "reference_image", "media[][url]", "https://a/1.png",
                                "media[][type]", "reference_video", "media[][url]", "https://a/2.mp4"),
                        "{\"media\":[{\"type\":\"reference_image\",\"url\":\"https://a/1.png\"},{\"type\":\"reference_video\",\"url\":\"https://a/2.mp4\"}]}"),
                arguments("members of an element in any order", form("media[][type]", "t1", "media[][url]", "u1", "media[][url]", "u2",
                        "media[][type]", "t2"), "{\"media\":[{\"type\":\"t1\",\"url\":\"u1\"},{\"url\":\"u2\",\"type\":\"t2\"}]}"),
                arguments("positions in any order", form("media[1][type]", "t2", "media[0][type]", "t1", "media[0][url]", "u1",
                        "media[1][url]", "u2"), "{\"media\":[{\"type\":\"t1\",\"url\":\"u1\"},{\"type\":\"t2\",\"url\":\"u2\"}]}"),
                arguments("array of strings", form("reference_image[]", "a", "reference_image[]", "b"), "{\"reference_image\":[\"a\",\"b\"]}"),
                arguments("array of one", form("reference_image[]", "a"), "{\"reference_image\":[\"a\"]}"),
                arguments("object member", form("input_reference[image_url]", "https://a/p.png"), "{\"input_reference\":{\"image_url\":\"https://a/p.png\"}}"),
                arguments("arrays inside elements fill the same element", form("a[][b][]", "1", "a[][b][]", "2", "a[][c]", "3"),
                        "{\"a\":[{\"b\":[\"1\",\"2\"],\"c\":\"3\"}]}"),
                arguments("types follow the path, not the name", form("media[][seed]", "1", "x[watermark]", "true"),
                        "{\"media\":[{\"seed\":\"1\"}],\"x\":{\"watermark\":\"true\"}}"),
                // text
                arguments("line breaks FormData made CRLF are LF again", form("prompt", "one\r\ntwo\nthree"), "{\"prompt\":\"one\\ntwo\\nthree\"}"),
                arguments("UTF-8 text", form("prompt", "猫が🎹を弾く"), "{\"prompt\":\"猫が🎹を弾く\"}"),
                arguments("a declared UTF-8 charset", new FormBuilder().part("Content-Disposition: form-data; name=\"prompt\"\r\n"
                        + "Content-Type: text/plain; charset=UTF-8\r\n", "é".getBytes(StandardCharsets.UTF_8)).build(), "{\"prompt\":\"é\"}"),
                arguments("other part headers are ignored", new FormBuilder().part("Content-Disposition: form-data; name=\"model\"\r\n"
                        + "Content-Length: 1\r\n", "m".getBytes(StandardCharsets.UTF_8)).build(), "{\"model\":\"m\"}"),
                arguments("preamble and epilogue are ignored", new FormBuilder().raw("preamble\r\n").field("model", "m")
                        .raw("--" + FormBuilder.BOUNDARY + "--\r\nepilogue").unclosed(), "{\"model\":\"m\"}"),
                arguments("an empty form is an empty object", new FormBuilder().build(), "{}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trees")
    void decodesNamesAndTypedValues(String name, byte[] body, String expected) throws Exception {
        assertThat(decode(CT, body)).isEqualTo(Json.tree(expected));
    }

    @Test
    void readsTheContentTypeAsHttpWritesIt() throws Exception {
        byte[] body = form("model", "m");
        for (String contentType : List.of("multipart/form-data; boundary=\"" + FormBuilder.BOUNDARY + "\"",
                "Multipart/Form-Data;boundary=" + FormBuilder.BOUNDARY, "multipart/form-data; charset=utf-8; boundary=" + FormBuilder.BOUNDARY)) {
            assertThat(decode(contentType, body)).as(contentType).isEqualTo(Json.tree("{\"model\":\"m\"}"));
        }
    }

    // ---- the validator's verdict on decoded forms

    private static final String[] R2V = {"model", "wan2.7-r2v", "prompt", "a cat", "media[][type]", "reference_image",
            "media[][url]", "https://example.com/a.png"};

    /** The r2v form with these fields added, or replacing the field of the same name. */
    private static byte[] r2v(String... overrides) {
        List<String> fields = new ArrayList<>(Arrays.asList(R2V));
        for (int i = 0; i < overrides.length; i += 2) {
            int at = fields.indexOf(overrides[i]);
            if (at >= 0 && at % 2 == 0) {
                fields.set(at + 1, overrides[i + 1]);
            } else {
                fields.add(overrides[i]);
                fields.add(overrides[i + 1]);
            }
        }
        return form(fields.toArray(String[]::new));
    }

    public static Stream<Arguments> verdicts() {
        return Stream.of(
                arguments("r2v form", r2v(), ok()),
                arguments("every scalar as a string", r2v("size", "720p", "ratio", "1:1", "seconds", "15", "negative_prompt", "x",
                        "prompt_extend", "false", "watermark", "true", "seed", "2147483647"), ok()),
                arguments("seconds too long", r2v("seconds", "16"), invalid("invalid_value", "seconds")),
                arguments("seconds not a number", r2v("seconds", "five"), invalid("invalid_value", "seconds")),
                arguments("seed negative", r2v("seed", "-1"), invalid("invalid_value", "seed")),
                arguments("seed beyond int", r2v("seed", "2147483648"), invalid("invalid_value", "seed")),
                arguments("seed beyond long", r2v("seed", "99999999999999999999"), invalid("invalid_value", "seed")),
                arguments("seed a fraction", r2v("seed", "4.2"), invalid("invalid_type", "seed")),
                arguments("seed blank", r2v("seed", ""), invalid("invalid_type", "seed")),
                arguments("watermark capitalised", r2v("watermark", "True"), invalid("invalid_type", "watermark")),
                arguments("prompt_extend yes", r2v("prompt_extend", "yes"), invalid("invalid_type", "prompt_extend")),
                arguments("unknown model", r2v("model", "sora-2"), invalid("invalid_value", "model")),
                arguments("unknown field", r2v("foo", "1"), invalid("unknown_parameter", "foo")),
                arguments("unknown media member", r2v("media[][name]", "x"), invalid("unknown_parameter", "media[0].name")),
                arguments("second media item's bad url", form("model", "wan2.7-r2v", "prompt", "a", "media[][type]", "reference_image",
                        "media[][url]", "https://a.example/1.png", "media[][type]", "reference_video", "media[][url]", "ftp://a.example/2.mp4"),
                        invalid("invalid_value", "media[1].url")),
                arguments("media as a single value", form("model", "wan2.7-r2v", "prompt", "a", "media", "x"), invalid("invalid_type", "media")),
                arguments("flat form with a duration", form("model", "wan2.7-r2v", "prompt", "a", "reference_image", "https://a.example/1.png",
                        "duration", "10"), ok()),
                arguments("flat form with a fractional duration", form("model", "wan2.7-r2v", "prompt", "a", "reference_image",
                        "https://a.example/1.png", "duration", "5.5"), invalid("invalid_value", "duration")));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("verdicts")
    void decodedFormsAreJudgedByTheSameRules(String name, byte[] body, Expect expect) {
        JsonNode tree = decode(CT, body);
        if (expect.code() == null) {
            assertThat(validator.validate(tree)).isNotNull();
            return;
        }
        assertThatThrownBy(() -> validator.validate(tree)).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo(expect.code());
            assertThat(e.param()).isEqualTo(expect.param());
        });
    }

    // ---- uploaded files

    private static final byte[] WEBP = bytes("RIFF\u0024\0\0\0WEBPVP8 ", 40);
    private static final byte[] BMP = bmp();

    private static byte[] bytes(String start, int length) {
        return Arrays.copyOf(start.getBytes(StandardCharsets.ISO_8859_1), length);
    }

    /** The 14-byte file header and the first field of a 40-byte BITMAPINFOHEADER. */
    private static byte[] bmp() {
        byte[] bmp = bytes("BM", 58);
        bmp[14] = 40;
        return bmp;
    }

    private static String dataUri(String type, byte[] content) {
        return "data:image/" + type + ";base64," + Base64.getEncoder().encodeToString(content);
    }

    public static Stream<Arguments> uploads() {
        return Stream.of(
                arguments("PNG as image/png", "image/png", PNG, dataUri("png", PNG)),
                arguments("PNG as octet-stream is sniffed", "application/octet-stream", PNG, dataUri("png", PNG)),
                arguments("JPEG without a Content-Type is sniffed", null, JPEG, dataUri("jpeg", JPEG)),
                arguments("JPEG as image/jpg", "image/jpg", JPEG, dataUri("jpeg", JPEG)),
                arguments("WebP sniffed", "application/octet-stream", WEBP, dataUri("webp", WEBP)),
                arguments("WebP declared", "image/webp", WEBP, dataUri("webp", WEBP)),
                arguments("BMP sniffed", null, BMP, dataUri("bmp", BMP)),
                arguments("BMP as image/x-ms-bmp", "image/x-ms-bmp", BMP, dataUri("bmp", BMP)),
                // The declared type decides; sniffing is only for files sent without one.
                arguments("declared type wins over the bytes", "image/png", JPEG, dataUri("png", JPEG)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uploads")
    void uploadedImagesBecomeDataUris(String name, String contentType, byte[] content, String expected) {
        JsonNode tree = decode(CT, new FormBuilder().file("input_reference", "upload", contentType, content)
                .field("media[][type]", "first_frame").file("media[][url]", "frame", contentType, content).build());
        assertThat(tree.get("input_reference").textValue()).isEqualTo(expected);
        assertThat(tree.at("/media/0/url").textValue()).isEqualTo(expected);
    }

    @Test
    void anUploadedFrameIsAcceptedByTheValidator() {
        JsonNode tree = decode(CT, new FormBuilder().field("model", "wan2.7-i2v").field("media[][type]", "first_frame")
                .file("media[][url]", "frame.jpg", null, JPEG).build());
        assertThat(validator.validate(tree).media().get(0).url()).isEqualTo(dataUri("jpeg", JPEG));
    }

    // ---- refusals

    private static final String B = FormBuilder.BOUNDARY;

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withBody(UnaryOperator<FormBuilder> parts) {
        return parts.apply(new FormBuilder()).build();
    }

    private static byte[] manyParts(int count) {
        FormBuilder form = new FormBuilder();
        for (int i = 0; i < count; i++) {
            form.field("reference_image[]", "https://example.com/" + i + ".png");
        }
        return form.build();
    }

    public static Stream<Arguments> refusals() {
        byte[] valid = form("model", "wan2.7-r2v", "prompt", "a cat");
        byte[] cut = Arrays.copyOf(valid, valid.length - 20);
        String disposition = "Content-Disposition: form-data; name=\"prompt\"\r\n";
        return Stream.of(
                // the body is not a form
                arguments("text/plain", "text/plain", valid, new Refusal(415, "unsupported_media_type", null)),
                arguments("urlencoded", "application/x-www-form-urlencoded", text("model=x"), new Refusal(415, "unsupported_media_type", null)),
                arguments("no boundary", "multipart/form-data", valid, no("invalid_form", null)),
                arguments("empty boundary", "multipart/form-data; boundary=", valid, no("invalid_form", null)),
                arguments("empty quoted boundary", "multipart/form-data; boundary=\"\"", valid, no("invalid_form", null)),
                arguments("boundary over 70 characters", "multipart/form-data; boundary=" + "b".repeat(71), valid, no("invalid_form", null)),
                arguments("empty body", CT, new byte[0], no("invalid_form", null)),
                arguments("body never uses the boundary", "multipart/form-data; boundary=other", valid, no("invalid_form", null)),
                arguments("plain text body", CT, text("model=wan2.7-r2v"), no("invalid_form", null)),
                arguments("truncated inside a part", CT, cut, no("invalid_form", null)),
                arguments("truncated inside headers", CT, text("--" + B + "\r\nContent-Disposition: form-da"), no("invalid_form", null)),
                arguments("missing final boundary", CT, new FormBuilder().field("model", "m").field("prompt", "p").unclosed(),
                        no("invalid_form", null)),
                arguments("delimiter without a part", CT, text("--" + B + "\r\n"), no("invalid_form", null)),
                // parts that are not form fields
                arguments("part without Content-Disposition", CT, withBody(f -> f.part("Content-Type: text/plain\r\n", text("x"))),
                        no("invalid_form", null)),
                arguments("part without a name", CT, withBody(f -> f.part("Content-Disposition: form-data; filename=\"a.png\"\r\n", PNG)),
                        no("invalid_form", null)),
                arguments("part with an empty name", CT, withBody(f -> f.field("", "x")), no("invalid_form", null)),
                arguments("part that is not form-data", CT, withBody(f -> f.part("Content-Disposition: attachment; name=\"model\"\r\n",
                        text("m"))), no("invalid_form", null)),
                arguments("two Content-Disposition headers", CT, withBody(f -> f.part(disposition + disposition, text("p"))),
                        no("invalid_form", null)),
                arguments("malformed header line", CT, withBody(f -> f.part("not a header\r\n" + disposition, text("p"))),
                        no("invalid_form", null)),
                arguments("too many headers", CT, withBody(f -> f.part(disposition + "X-Filler: x\r\n".repeat(20), text("p"))),
                        no("invalid_form", null)),
                arguments("too many parts", CT, manyParts(FormParts.MAX_PARTS + 1), no("invalid_form", null)),
                // names that do not make one tree
                arguments("a field twice", CT, form("model", "a", "model", "b"), no("invalid_form", "model")),
                arguments("a positioned member twice", CT, form("media[0][type]", "a", "media[0][type]", "b"), no("invalid_form", "media[0].type")),
                arguments("an object member twice", CT, form("input_reference[image_url]", "a", "input_reference[image_url]", "b"),
                        no("invalid_form", "input_reference.image_url")),
                arguments("positioned then appended", CT, form("media[0][type]", "a", "media[][type]", "b"), no("invalid_form", "media")),
                arguments("appended then positioned", CT, form("media[][type]", "a", "media[0][type]", "b"), no("invalid_form", "media")),
                arguments("value then object", CT, form("input_reference", "a", "input_reference[image_url]", "b"),
                        no("invalid_form", "input_reference")),
                arguments("object then value", CT, form("input_reference[image_url]", "b", "input_reference", "a"),
                        no("invalid_form", "input_reference")),
                arguments("array then value", CT, form("reference_image[]", "a", "reference_image", "b"), no("invalid_form", "reference_image")),
                arguments("object then array", CT, form("a[k]", "1", "a[]", "2"), no("invalid_form", "a")),
                arguments("value then a member below it", CT, form("media[][url]", "u", "media[][url][x]", "v"), no("invalid_form", "media[0].url")),
                arguments("a gap in positions", CT, form("media[0][type]", "a", "media[2][type]", "b"), no("invalid_form", "media")),
                arguments("positions not from 0", CT, form("media[1][type]", "a"), no("invalid_form", "media")),
                arguments("a position with a leading zero", CT, form("media[01][type]", "a"), no("invalid_form", "media")),
                arguments("a position of five digits", CT, form("media[10000][type]", "a"), no("invalid_form", "media")),
                arguments("too deep", CT, form("a[b][c][d][e][f]", "x"), no("invalid_form", "a")),
                arguments("unclosed bracket", CT, form("media[", "x"), no("invalid_form", "media")),
                arguments("text after a bracket", CT, form("media[0]x", "x"), no("invalid_form", "media")),
                arguments("stray closing bracket", CT, form("media[]]", "x"), no("invalid_form", "media")),
                arguments("bracket inside brackets", CT, form("media[[0]]", "x"), no("invalid_form", "media")),
                arguments("no field before the bracket", CT, form("[model]", "x"), no("invalid_form", null)),
                arguments("a name over 256 characters", CT, form("a".repeat(257), "x"), no("invalid_form", "a".repeat(257))),
                // values
                arguments("invalid UTF-8 in a text part", CT, withBody(f -> f.part(disposition, new byte[] {'a', (byte) 0xC3, '('})),
                        no("invalid_form", "prompt")),
                arguments("text in another charset", CT, withBody(f -> f.part(disposition + "Content-Type: text/plain; charset=iso-8859-1\r\n",
                        new byte[] {(byte) 0xE9})), no("invalid_form", "prompt")),
                arguments("a transfer encoding", CT, withBody(f -> f.part(disposition + "Content-Transfer-Encoding: base64\r\n", text("YQ=="))),
                        no("invalid_form", "prompt")),
                // files where they do not belong
                arguments("a file as the prompt", CT, withBody(f -> f.file("prompt", "p.txt", "text/plain", text("a cat"))),
                        no("invalid_type", "prompt")),
                arguments("a file as the model", CT, withBody(f -> f.file("model", "m", null, text("wan2.7-r2v"))), no("invalid_type", "model")),
                arguments("a file as a media type", CT, withBody(f -> f.file("media[][type]", "t", null, text("first_frame"))),
                        no("invalid_type", "media[0].type")),
                arguments("a file as the seed", CT, withBody(f -> f.file("seed", "s", "application/octet-stream", text("1"))),
                        no("invalid_type", "seed")),
                arguments("a text part with a Content-Type is a file", CT, withBody(f -> f.part(disposition + "Content-Type: application/json\r\n",
                        text("\"a cat\""))), no("invalid_type", "prompt")),
                arguments("a video upload", CT, withBody(f -> f.field("media[][type]", "first_frame").field("media[][url]", "https://a/1.png")
                        .field("media[][type]", "first_clip").file("media[][url]", "clip.mp4", "video/mp4", text("....ftypisom"))),
                        no("invalid_value", "media[1].url")),
                arguments("an untyped file that is no image", CT, withBody(f -> f.file("input_reference", "x.bin", "application/octet-stream",
                        text("BMW is not a bitmap"))), no("invalid_value", "input_reference")),
                arguments("a GIF", CT, withBody(f -> f.file("input_reference", "a.gif", "image/gif", text("GIF89a"))),
                        no("invalid_value", "input_reference")),
                arguments("an empty file", CT, withBody(f -> f.file("input_reference", "a.png", "image/png", new byte[0])),
                        no("invalid_value", "input_reference")),
                arguments("a nested multipart part", CT, withBody(f -> f.part("Content-Disposition: form-data; name=\"input_reference\"\r\n"
                        + "Content-Type: multipart/mixed; boundary=inner\r\n", text("--inner\r\n\r\nA\r\n--inner--"))),
                        no("invalid_form", "input_reference")),
                arguments("an attached message", CT, withBody(f -> f.part("Content-Disposition: form-data; name=\"prompt\"\r\n"
                        + "Content-Type: message/rfc822\r\n", text("Content-Disposition: form-data; name=\"model\"\r\n\r\nx"))),
                        no("invalid_type", "prompt")));
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("refusals")
    void everyUnreadableFormIsRefusedNamingTheField(String name, String contentType, byte[] body, Refusal expected) {
        assertThat(refusal(contentType, body, MAX_BYTES)).isEqualTo(expected);
    }

    /**
     * Real SDK bodies with bytes flipped, dropped, inserted or cut off, at random positions and with a fixed seed:
     * each is read or refused with a 4xx, never an unexpected exception.
     */
    @Test
    void noDamagedFormIsAnythingButReadOrRefused() {
        Random random = new Random(20261122);
        byte[] bytes = "-\r\n[]\";=:%\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        int refused = 0;
        for (String name : new String[] {"r2v-media", "i2v-media-upload", "i2v-input-reference-url", "i2v-input-reference-stream"}) {
            FormFixture fixture = FormFixture.load(name);
            for (int i = 0; i < 400; i++) {
                byte[] body = fixture.body().clone();
                int at = random.nextInt(body.length);
                body = switch (i % 4) {
                    case 0 -> {
                        body[at] = bytes[random.nextInt(bytes.length)];
                        yield body;
                    }
                    case 1 -> concat(Arrays.copyOfRange(body, 0, at), Arrays.copyOfRange(body, Math.min(body.length, at + 1 + random.nextInt(8)), body.length));
                    case 2 -> concat(Arrays.copyOfRange(body, 0, at), new byte[] {bytes[random.nextInt(bytes.length)]}, Arrays.copyOfRange(body, at, body.length));
                    default -> Arrays.copyOf(body, at);
                };
                ApiRequest request = request(fixture.contentType(), Base64.getEncoder().encodeToString(body), true);
                try {
                    RequestBodies.read(request, MAX_BYTES);
                } catch (ApiError e) {
                    assertThat(e.status()).as("%s, change %d", name, i).isBetween(400, 499);
                    refused++;
                }
            }
        }
        assertThat(refused).as("the changes do break forms").isGreaterThan(400);
    }

    private static byte[] concat(byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    @Test
    void aBodyOverTheLimitIs413BeforeItIsRead() {
        byte[] body = new FormBuilder().field("prompt", "x".repeat(2000)).unclosed();
        assertThat(refusal(CT, body, 1000)).isEqualTo(new Refusal(413, "payload_too_large", null));
    }

    @Test
    void jsonBodiesAreReadAsBefore() throws Exception {
        for (String contentType : new String[] {"application/json", "application/json; charset=utf-8", "application/merge-patch+json", null}) {
            assertThat(RequestBodies.read(request(contentType, "{\"seed\":\"42\"}", false), MAX_BYTES))
                    .as(contentType).isEqualTo(Json.tree("{\"seed\":\"42\"}"));
        }
        assertThat(refusal("application/json", text("{\"model\":"), MAX_BYTES)).isEqualTo(no("invalid_json", null));
    }
}
