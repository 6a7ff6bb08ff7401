package io.wanvideo.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.Resolution;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of spec/api.md for POST /v1/videos, rule by rule: for each, the accepted boundary values and
 * the first refused value on each side. A refusal is a 400 with the code and the JSON path of the field.
 */
public class VideoRequestValidatorTest {
    private static final String IMG = "https://example.com/a.png";
    private static final String VID = "https://example.com/a.mp4";
    private static final String AUDIO = "https://example.com/a.mp3";
    private static final String R2V = "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a cat\",\"media\":[" + item("reference_image", IMG) + "]";
    private static final String I2V = "{\"model\":\"wan2.7-i2v\",\"media\":[" + item("first_frame", IMG) + "]";

    private final VideoRequestValidator validator = new VideoRequestValidator();

    /** What a case expects: a refusal's code and param, or (code null) the spec an accepted request becomes. */
    public record Expect(String code, String param, VideoSpec spec) {
        public Expect(String code, String param) {
            this(code, param, null);
        }

        @Override
        public String toString() {
            return code == null ? "accepted" : code + " @ " + param;
        }
    }

    static Expect ok(Accepted spec) {
        return new Expect(null, null, spec.build());
    }

    static Expect no(String code, String param) {
        return new Expect(code, param);
    }

    /**
     * The spec an accepted case must produce, written as the defaults of its model family (the r2v and i2v bodies
     * above) and what the case changes; every field is compared, so a rule that is ignored fails its case.
     */
    public static final class Accepted {
        private VideoModel model;
        private String prompt;
        private String negativePrompt;
        private List<MediaItem> media;
        private Resolution size = Resolution.P1080;
        private String ratio;
        private int seconds = 5;
        private boolean promptExtend = true;
        private boolean watermark;
        private Long seed;
        private String sizeLabel;
        private String webhookUrl;

        /** {@link #R2V}: a cat, one reference image, 1080P, 16:9, 5 s. */
        public static Accepted r2v() {
            Accepted a = new Accepted();
            a.model = VideoModel.WAN27_R2V;
            a.prompt = "a cat";
            a.media = List.of(image(IMG));
            a.ratio = "16:9";
            return a;
        }

        /** {@link #I2V}: no prompt, a first frame, 1080P, no ratio, 5 s. */
        public static Accepted i2v() {
            Accepted a = new Accepted();
            a.model = VideoModel.WAN27_I2V;
            a.media = List.of(frame(IMG));
            return a;
        }

        public Accepted model(VideoModel v) { model = v; return this; }
        public Accepted prompt(String v) { prompt = v; return this; }
        public Accepted negativePrompt(String v) { negativePrompt = v; return this; }
        public Accepted media(MediaItem... v) { media = List.of(v); return this; }
        public Accepted size(Resolution v) { size = v; return this; }
        public Accepted ratio(String v) { ratio = v; return this; }
        public Accepted seconds(int v) { seconds = v; return this; }
        public Accepted promptExtend(boolean v) { promptExtend = v; return this; }
        public Accepted watermark(boolean v) { watermark = v; return this; }
        public Accepted seed(long v) { seed = v; return this; }
        public Accepted sizeLabel(String v) { sizeLabel = v; return this; }
        public Accepted webhookUrl(String v) { webhookUrl = v; return this; }

        public VideoSpec build() {
            return new VideoSpec(model, prompt, negativePrompt, media, size, ratio, seconds, promptExtend, watermark, seed,
                    sizeLabel, webhookUrl);
        }
    }

    static Accepted r2v() {
        return Accepted.r2v();
    }

    static Accepted i2v() {
        return Accepted.i2v();
    }

    public static MediaItem image(String url) {
        return new MediaItem(MediaType.REFERENCE_IMAGE, url, null);
    }

    public static MediaItem video(String url) {
        return new MediaItem(MediaType.REFERENCE_VIDEO, url, null);
    }

    public static MediaItem frame(String url) {
        return new MediaItem(MediaType.FIRST_FRAME, url, null);
    }

    public static MediaItem last(String url) {
        return new MediaItem(MediaType.LAST_FRAME, url, null);
    }

    public static MediaItem audio(String url) {
        return new MediaItem(MediaType.DRIVING_AUDIO, url, null);
    }

    public static MediaItem clip(String url) {
        return new MediaItem(MediaType.FIRST_CLIP, url, null);
    }

    static String item(String type, String url) {
        return "{\"type\":\"" + type + "\",\"url\":\"" + url + "\"}";
    }

    static String r2v(String extraFields) {
        return R2V + (extraFields.isEmpty() ? "" : "," + extraFields) + "}";
    }

    static String i2v(String extraFields) {
        return I2V + (extraFields.isEmpty() ? "" : "," + extraFields) + "}";
    }

    /** An r2v body with these media items (and the r2v prompt). */
    static String r2vMedia(String... items) {
        return "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a cat\",\"media\":[" + String.join(",", items) + "]}";
    }

    static String i2vMedia(String... types) {
        return "{\"model\":\"wan2.7-i2v\",\"media\":["
                + Stream.of(types).map(t -> item(t, t.endsWith("frame") ? IMG : t.equals("driving_audio") ? AUDIO : VID))
                        .collect(Collectors.joining(","))
                + "]}";
    }

    static String refs(int images, int videos) {
        List<String> items = new ArrayList<>();
        IntStream.range(0, images).forEach(i -> items.add(item("reference_image", IMG)));
        IntStream.range(0, videos).forEach(i -> items.add(item("reference_video", VID)));
        return String.join(",", items);
    }

    static String text(int codePoints, String unit) {
        return unit.repeat(codePoints);
    }

    static String quoted(String s) {
        return Json.write(s);
    }

    public static Stream<Arguments> rules() {
        return Stream.of(
                // body
                arguments("body is an array", "[]", no("invalid_type", null)),
                arguments("body is a string", "\"x\"", no("invalid_type", null)),
                // model
                arguments("model missing", "{\"prompt\":\"a\",\"media\":[]}", no("missing_required_parameter", "model")),
                arguments("model null", "{\"model\":null}", no("missing_required_parameter", "model")),
                arguments("model not a string", "{\"model\":7}", no("invalid_type", "model")),
                arguments("model unknown", "{\"model\":\"wan2.7-t2v\"}", no("invalid_value", "model")),
                arguments("model r2v", r2v(""), ok(r2v())),
                arguments("model i2v", i2v(""), ok(i2v())),
                arguments("model i2v snapshot", i2v("").replace("wan2.7-i2v", "wan2.7-i2v-2026-04-25"), ok(i2v().model(VideoModel.WAN27_I2V_20260425))),
                // unknown parameters
                arguments("unknown top-level field", r2v("\"foo\":1"), no("unknown_parameter", "foo")),
                arguments("unknown media item field", r2vMedia("{\"type\":\"reference_image\",\"url\":\"" + IMG + "\",\"name\":\"x\"}"),
                        no("unknown_parameter", "media[0].name")),
                // prompt
                arguments("r2v prompt missing", "{\"model\":\"wan2.7-r2v\",\"media\":[" + refs(1, 0) + "]}",
                        no("missing_required_parameter", "prompt")),
                arguments("r2v prompt empty", r2v("").replace("\"a cat\"", "\"\""), no("invalid_value", "prompt")),
                arguments("r2v prompt blank", r2v("").replace("\"a cat\"", "\"   \""), no("invalid_value", "prompt")),
                arguments("prompt not a string", r2v("").replace("\"a cat\"", "12"), no("invalid_type", "prompt")),
                arguments("prompt of no-break spaces", r2v("").replace("\"a cat\"", "\"\\u00a0\\u00a0\""), no("invalid_value", "prompt")),
                arguments("prompt of zero-width spaces", r2v("").replace("\"a cat\"", "\"\\u200b\\u200b\\ufeff\""),
                        no("invalid_value", "prompt")),
                // fillers that render as nothing, each alone
                arguments("prompt of a Hangul filler", r2v("").replace("\"a cat\"", "\"\\u3164\""), no("invalid_value", "prompt")),
                arguments("prompt of a Hangul choseong filler", r2v("").replace("\"a cat\"", "\"\\u115f\""), no("invalid_value", "prompt")),
                arguments("prompt of a Hangul jungseong filler", r2v("").replace("\"a cat\"", "\"\\u1160\""), no("invalid_value", "prompt")),
                arguments("prompt of a halfwidth Hangul filler", r2v("").replace("\"a cat\"", "\"\\uffa0\""), no("invalid_value", "prompt")),
                arguments("prompt of a blank Braille pattern", r2v("").replace("\"a cat\"", "\"\\u2800\""), no("invalid_value", "prompt")),
                arguments("prompt of a next-line control", r2v("").replace("\"a cat\"", "\"\\u0085\""), no("invalid_value", "prompt")),
                arguments("prompt of a zero-width space", r2v("").replace("\"a cat\"", "\"\\u200b\""), no("invalid_value", "prompt")),
                arguments("prompt of a Braille dot", r2v("").replace("\"a cat\"", "\"\\u2801\""), ok(r2v().prompt("\u2801"))),
                arguments("prompt with a lone high surrogate", r2v("").replace("\"a cat\"", "\"a\\ud800b\""), no("invalid_value", "prompt")),
                arguments("prompt with a lone low surrogate", r2v("").replace("\"a cat\"", "\"a\\udc00b\""), no("invalid_value", "prompt")),
                arguments("prompt with reversed surrogates", r2v("").replace("\"a cat\"", "\"\\udc00\\ud800\""), no("invalid_value", "prompt")),
                arguments("prompt with a surrogate pair", r2v("").replace("\"a cat\"", "\"\\ud83c\\udfac\""), ok(r2v().prompt("\uD83C\uDFAC"))),
                arguments("negative prompt with a lone surrogate", r2v("\"negative_prompt\":\"\\ud800\""), no("invalid_value", "negative_prompt")),
                arguments("url with a lone surrogate", r2vMedia(item("reference_image", "https://example.com/\\ud800.png")),
                        no("invalid_value", "media[0].url")),
                arguments("prompt 5000 characters", r2v("").replace("\"a cat\"", quoted(text(5000, "a"))), ok(r2v().prompt(text(5000, "a")))),
                arguments("prompt 5001 characters", r2v("").replace("\"a cat\"", quoted(text(5001, "a"))), no("invalid_value", "prompt")),
                arguments("prompt 5000 code points beyond the BMP", r2v("").replace("\"a cat\"", quoted(text(5000, "\uD83C\uDFAC"))), ok(r2v().prompt(text(5000, "\uD83C\uDFAC")))),
                arguments("prompt 5001 code points beyond the BMP", r2v("").replace("\"a cat\"", quoted(text(5001, "\uD83C\uDFAC"))),
                        no("invalid_value", "prompt")),
                arguments("i2v prompt optional", i2v(""), ok(i2v())),
                arguments("i2v prompt 5000", i2v("\"prompt\":" + quoted(text(5000, "a"))), ok(i2v().prompt(text(5000, "a")))),
                arguments("i2v prompt 5001", i2v("\"prompt\":" + quoted(text(5001, "a"))), no("invalid_value", "prompt")),
                // negative_prompt
                arguments("negative prompt 500", r2v("\"negative_prompt\":" + quoted(text(500, "b"))), ok(r2v().negativePrompt(text(500, "b")))),
                arguments("negative prompt 501", r2v("\"negative_prompt\":" + quoted(text(501, "b"))), no("invalid_value", "negative_prompt")),
                arguments("negative prompt kept", r2v("\"negative_prompt\":\"blurry, text\""), ok(r2v().negativePrompt("blurry, text"))),
                arguments("negative prompt blank is none", r2v("\"negative_prompt\":\" \\u00a0\""), ok(r2v())),
                arguments("i2v prompt kept", i2v("\"prompt\":\"The portrait turns\""), ok(i2v().prompt("The portrait turns"))),
                arguments("negative prompt not a string", r2v("\"negative_prompt\":true"), no("invalid_type", "negative_prompt")),
                // media shape
                arguments("media missing", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\"}", no("missing_required_parameter", "media")),
                arguments("media not an array", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"media\":{}}", no("invalid_type", "media")),
                arguments("media item not an object", r2vMedia("1"), no("invalid_type", "media[0]")),
                arguments("media item without type", r2vMedia("{\"url\":\"" + IMG + "\"}"), no("missing_required_parameter", "media[0].type")),
                arguments("media type not a string", r2vMedia("{\"type\":1,\"url\":\"" + IMG + "\"}"), no("invalid_type", "media[0].type")),
                arguments("i2v type in r2v", r2vMedia(refs(1, 0), item("first_clip", VID)), no("invalid_value", "media[1].type")),
                arguments("r2v type in i2v", i2vMedia("first_frame", "reference_image"), no("invalid_value", "media[1].type")),
                arguments("media item without url", r2vMedia("{\"type\":\"reference_image\"}"), no("missing_required_parameter", "media[0].url")),
                arguments("media url not a string", r2vMedia("{\"type\":\"reference_image\",\"url\":5}"), no("invalid_type", "media[0].url")),
                // media urls
                arguments("url https", r2vMedia(item("reference_image", "https://cdn.example.com/x.png")), ok(r2v().media(image("https://cdn.example.com/x.png")))),
                arguments("url http", r2vMedia(item("reference_image", "http://cdn.example.com/x.png")), ok(r2v().media(image("http://cdn.example.com/x.png")))),
                arguments("url oss", r2vMedia(item("reference_image", "oss://bucket/key.png")), ok(r2v().media(image("oss://bucket/key.png")))),
                arguments("url base64 png", r2vMedia(item("reference_image", "data:image/png;base64,iVBORw0KGgo=")), ok(r2v().media(image("data:image/png;base64,iVBORw0KGgo=")))),
                arguments("url base64 webp first frame", i2vMedia().replace("[]", "[" + item("first_frame", "data:image/webp;base64,UklGRg==") + "]"), ok(i2v().media(frame("data:image/webp;base64,UklGRg==")))),
                arguments("url blank", r2vMedia(item("reference_image", "")), no("invalid_value", "media[0].url")),
                arguments("url file:", r2vMedia(item("reference_image", "file:///etc/passwd")), no("invalid_value", "media[0].url")),
                arguments("url ftp:", r2vMedia(item("reference_image", "ftp://example.com/a.png")), no("invalid_value", "media[0].url")),
                arguments("url relative", r2vMedia(item("reference_image", "/images/a.png")), no("invalid_value", "media[0].url")),
                arguments("url without host", r2vMedia(item("reference_image", "https:///a.png")), no("invalid_value", "media[0].url")),
                arguments("url oss without key", r2vMedia(item("reference_image", "oss://")), no("invalid_value", "media[0].url")),
                arguments("url oss with a space", r2vMedia(item("reference_image", "oss://bucket/a b.png")), no("invalid_value", "media[0].url")),
                arguments("url blank but not empty", r2vMedia(item("reference_image", "   ")), no("invalid_value", "media[0].url")),
                arguments("base64 unpadded", r2vMedia(item("reference_image", "data:image/png;base64,AAA")), no("invalid_value", "media[0].url")),
                arguments("url 4096 characters", r2vMedia(item("reference_image", "https://e.com/" + "a".repeat(4096 - 14))), ok(r2v().media(image("https://e.com/" + "a".repeat(4096 - 14))))),
                arguments("url 4097 characters", r2vMedia(item("reference_image", "https://e.com/" + "a".repeat(4097 - 14))),
                        no("invalid_value", "media[0].url")),
                arguments("url with credentials", r2vMedia(item("reference_image", "https://u:p@example.com/a.png")),
                        no("invalid_value", "media[0].url")),
                arguments("url public address", r2vMedia(item("reference_image", "https://8.8.8.8/a.png")), ok(r2v().media(image("https://8.8.8.8/a.png")))),
                arguments("url loopback", r2vMedia(item("reference_image", "http://127.0.0.1/a.png")), no("invalid_value", "media[0].url")),
                arguments("url loopback short form", r2vMedia(item("reference_image", "http://127.1/a.png")), no("invalid_value", "media[0].url")),
                arguments("url loopback as one number", r2vMedia(item("reference_image", "http://2130706433/a.png")),
                        no("invalid_value", "media[0].url")),
                arguments("url localhost", r2vMedia(item("reference_image", "http://localhost:8080/a.png")), no("invalid_value", "media[0].url")),
                arguments("url IPv6 loopback", r2vMedia(item("reference_image", "http://[::1]/a.png")), no("invalid_value", "media[0].url")),
                arguments("url IPv4-mapped private", r2vMedia(item("reference_image", "http://[::ffff:10.0.0.1]/a.png")),
                        no("invalid_value", "media[0].url")),
                arguments("url private 10/8", r2vMedia(item("reference_image", "https://10.0.0.1/a.png")), no("invalid_value", "media[0].url")),
                arguments("url private 172.16/12", r2vMedia(item("reference_image", "https://172.16.0.1/a.png")), no("invalid_value", "media[0].url")),
                arguments("url 172.32 is public", r2vMedia(item("reference_image", "https://172.32.0.1/a.png")), ok(r2v().media(image("https://172.32.0.1/a.png")))),
                arguments("url private 192.168/16", r2vMedia(item("reference_image", "https://192.168.1.1/a.png")), no("invalid_value", "media[0].url")),
                arguments("url metadata address", r2vMedia(item("reference_image", "http://169.254.169.254/latest/meta-data")),
                        no("invalid_value", "media[0].url")),
                arguments("url NAT64 form of a private address", r2vMedia(item("reference_image", "http://[64:ff9b::a00:1]/a.png")),
                        no("invalid_value", "media[0].url")),
                arguments("url documentation address", r2vMedia(item("reference_image", "https://192.0.2.1/a.png")),
                        no("invalid_value", "media[0].url")),
                arguments("voice url loopback", r2vMedia("{\"type\":\"reference_image\",\"url\":\"" + IMG + "\",\"reference_voice\":\"http://localhost/v.mp3\"}"),
                        no("invalid_value", "media[0].reference_voice")),
                arguments("base64 gif", r2vMedia(item("reference_image", "data:image/gif;base64,R0lGOD==")), no("invalid_value", "media[0].url")),
                arguments("base64 not base64", r2vMedia(item("reference_image", "data:image/png;base64,not base64!")), no("invalid_value", "media[0].url")),
                arguments("base64 for a video", r2vMedia(item("reference_video", "data:image/png;base64,iVBORw0KGgo=")), no("invalid_value", "media[0].url")),
                arguments("base64 for audio", i2vMedia("first_frame").replace("]}", "," + item("driving_audio", "data:image/png;base64,AAAA") + "]}"),
                        no("invalid_value", "media[1].url")),
                // reference_voice
                arguments("voice on reference image", r2vMedia("{\"type\":\"reference_image\",\"url\":\"" + IMG + "\",\"reference_voice\":\"" + AUDIO + "\"}"), ok(r2v().media(new MediaItem(MediaType.REFERENCE_IMAGE, IMG, AUDIO)))),
                arguments("voice on reference video", r2vMedia("{\"type\":\"reference_video\",\"url\":\"" + VID + "\",\"reference_voice\":\"oss://b/v.wav\"}"), ok(r2v().media(new MediaItem(MediaType.REFERENCE_VIDEO, VID, "oss://b/v.wav")))),
                arguments("voice on r2v first frame", r2vMedia(refs(1, 0), "{\"type\":\"first_frame\",\"url\":\"" + IMG + "\",\"reference_voice\":\"" + AUDIO + "\"}"),
                        no("unsupported_parameter", "media[1].reference_voice")),
                arguments("voice in i2v", "{\"model\":\"wan2.7-i2v\",\"media\":[{\"type\":\"first_frame\",\"url\":\"" + IMG + "\",\"reference_voice\":\"" + AUDIO + "\"}]}",
                        no("unsupported_parameter", "media[0].reference_voice")),
                arguments("voice as data URI", r2vMedia("{\"type\":\"reference_image\",\"url\":\"" + IMG + "\",\"reference_voice\":\"data:audio/wav;base64,AAAA\"}"),
                        no("invalid_value", "media[0].reference_voice")),
                arguments("voice not a string", r2vMedia("{\"type\":\"reference_image\",\"url\":\"" + IMG + "\",\"reference_voice\":3}"),
                        no("invalid_type", "media[0].reference_voice")),
                // r2v counts
                arguments("r2v no media", r2vMedia(), no("invalid_media_combination", "media")),
                arguments("r2v only a first frame", r2vMedia(item("first_frame", IMG)), no("invalid_media_combination", "media")),
                arguments("r2v one reference", r2vMedia(refs(1, 0)), ok(r2v())),
                arguments("r2v five references", r2vMedia(refs(3, 2)), ok(r2v().media(image(IMG), image(IMG), image(IMG), video(VID), video(VID)))),
                arguments("r2v six references", r2vMedia(refs(3, 3)), no("too_many_references", "media")),
                arguments("r2v five references and a first frame", r2vMedia(refs(5, 0), item("first_frame", IMG)), ok(r2v().media(image(IMG), image(IMG), image(IMG), image(IMG), image(IMG), frame(IMG)).ratio(null))),
                arguments("r2v two first frames", r2vMedia(refs(1, 0), item("first_frame", IMG), item("first_frame", IMG)),
                        no("invalid_media_combination", "media[2].type")),
                // i2v combinations: the six accepted sets...
                arguments("i2v first_frame", i2vMedia("first_frame"), ok(i2v())),
                arguments("i2v first_frame + driving_audio", i2vMedia("first_frame", "driving_audio"), ok(i2v().media(frame(IMG), audio(AUDIO)))),
                arguments("i2v first_frame + last_frame", i2vMedia("first_frame", "last_frame"), ok(i2v().media(frame(IMG), last(IMG)))),
                arguments("i2v first_frame + last_frame + driving_audio", i2vMedia("last_frame", "driving_audio", "first_frame"), ok(i2v().media(last(IMG), audio(AUDIO), frame(IMG)))),
                arguments("i2v first_clip", i2vMedia("first_clip"), ok(i2v().media(clip(VID)))),
                arguments("i2v first_clip + last_frame", i2vMedia("first_clip", "last_frame"), ok(i2v().media(clip(VID), last(IMG)))),
                // ...and the others
                arguments("i2v no media", i2vMedia(), no("invalid_media_combination", "media")),
                arguments("i2v last_frame alone", i2vMedia("last_frame"), no("invalid_media_combination", "media")),
                arguments("i2v driving_audio alone", i2vMedia("driving_audio"), no("invalid_media_combination", "media")),
                arguments("i2v first_frame + first_clip", i2vMedia("first_frame", "first_clip"), no("invalid_media_combination", "media")),
                arguments("i2v first_clip + driving_audio", i2vMedia("first_clip", "driving_audio"), no("invalid_media_combination", "media")),
                arguments("i2v last_frame + driving_audio", i2vMedia("last_frame", "driving_audio"), no("invalid_media_combination", "media")),
                arguments("i2v first_clip + last_frame + driving_audio", i2vMedia("first_clip", "last_frame", "driving_audio"),
                        no("invalid_media_combination", "media")),
                arguments("i2v repeated first_frame", i2vMedia("first_frame", "first_frame"), no("invalid_media_combination", "media[1].type")),
                // size
                arguments("size 720P", r2v("\"size\":\"720P\""), ok(r2v().size(Resolution.P720))),
                arguments("size 1080p lower case", r2v("\"size\":\"1080p\""), ok(r2v())),
                arguments("size 480P", r2v("\"size\":\"480P\""), no("invalid_value", "size")),
                arguments("size 4K", r2v("\"size\":\"4K\""), no("invalid_value", "size")),
                arguments("size as a number", r2v("\"size\":720"), no("invalid_type", "size")),
                arguments("size 1280x720", r2v("\"size\":\"1280x720\""), ok(r2v().size(Resolution.P720).ratio("16:9").sizeLabel("1280x720"))),
                arguments("size 720x1280", r2v("\"size\":\"720x1280\""), ok(r2v().size(Resolution.P720).ratio("9:16").sizeLabel("720x1280"))),
                arguments("size 1920x1080", r2v("\"size\":\"1920x1080\""), ok(r2v().ratio("16:9").sizeLabel("1920x1080"))),
                arguments("size 1080x1920", r2v("\"size\":\"1080x1920\""), ok(r2v().ratio("9:16").sizeLabel("1080x1920"))),
                arguments("size 1792x1024 (another model's)", r2v("\"size\":\"1792x1024\""), no("invalid_value", "size")),
                arguments("size 1280x720 with its ratio", r2v("\"size\":\"1280x720\",\"ratio\":\"16:9\""), ok(r2v().size(Resolution.P720).sizeLabel("1280x720"))),
                arguments("size 1280x720 with another ratio", r2v("\"size\":\"1280x720\",\"ratio\":\"9:16\""),
                        no("conflicting_parameters", "ratio")),
                arguments("i2v size 720x1280", i2v("\"size\":\"720x1280\""), ok(i2v().size(Resolution.P720).sizeLabel("720x1280"))),
                // ratio
                arguments("ratio 16:9", r2v("\"ratio\":\"16:9\""), ok(r2v().ratio("16:9"))),
                arguments("ratio 9:16", r2v("\"ratio\":\"9:16\""), ok(r2v().ratio("9:16"))),
                arguments("ratio 1:1", r2v("\"ratio\":\"1:1\""), ok(r2v().ratio("1:1"))),
                arguments("ratio 4:3", r2v("\"ratio\":\"4:3\""), ok(r2v().ratio("4:3"))),
                arguments("ratio 3:4", r2v("\"ratio\":\"3:4\""), ok(r2v().ratio("3:4"))),
                arguments("ratio 21:9", r2v("\"ratio\":\"21:9\""), no("invalid_value", "ratio")),
                arguments("ratio as a number", r2v("\"ratio\":1.5"), no("invalid_type", "ratio")),
                arguments("ratio with a first frame", r2vMedia(refs(1, 0), item("first_frame", IMG)).replace("}]}", "}],\"ratio\":\"9:16\"}"), ok(r2v().media(image(IMG), frame(IMG)).ratio(null))),
                arguments("ratio for i2v", i2v("\"ratio\":\"16:9\""), no("unsupported_parameter", "ratio")),
                // seconds
                arguments("seconds \"2\"", r2v("\"seconds\":\"2\""), ok(r2v().seconds(2))),
                arguments("seconds \"15\"", r2v("\"seconds\":\"15\""), ok(r2v().seconds(15))),
                arguments("seconds \"1\"", r2v("\"seconds\":\"1\""), no("invalid_value", "seconds")),
                arguments("seconds \"16\"", r2v("\"seconds\":\"16\""), no("invalid_value", "seconds")),
                arguments("seconds \"10\" with reference video", r2vMedia(refs(0, 1)).replace("]}", "],\"seconds\":\"10\"}"), ok(r2v().media(video(VID)).seconds(10))),
                arguments("seconds \"11\" with reference video", r2vMedia(refs(1, 1)).replace("]}", "],\"seconds\":\"11\"}"),
                        no("invalid_value", "seconds")),
                arguments("seconds \"2\" with reference video", r2vMedia(refs(0, 1)).replace("]}", "],\"seconds\":\"2\"}"), ok(r2v().media(video(VID)).seconds(2))),
                arguments("seconds \"1\" with reference video", r2vMedia(refs(0, 1)).replace("]}", "],\"seconds\":\"1\"}"),
                        no("invalid_value", "seconds")),
                arguments("seconds \"11\" with images only", r2v("\"seconds\":\"11\""), ok(r2v().seconds(11))),
                arguments("seconds as JSON integer", r2v("\"seconds\":8"), ok(r2v().seconds(8))),
                arguments("seconds as JSON integer 16", r2v("\"seconds\":16"), no("invalid_value", "seconds")),
                arguments("seconds fractional", r2v("\"seconds\":5.5"), no("invalid_value", "seconds")),
                arguments("seconds \"5.0\"", r2v("\"seconds\":\"5.0\""), no("invalid_value", "seconds")),
                arguments("seconds words", r2v("\"seconds\":\"five\""), no("invalid_value", "seconds")),
                arguments("seconds negative", r2v("\"seconds\":\"-5\""), no("invalid_value", "seconds")),
                arguments("seconds huge", r2v("\"seconds\":1e30"), no("invalid_value", "seconds")),
                arguments("seconds boolean", r2v("\"seconds\":true"), no("invalid_type", "seconds")),
                arguments("seconds 1e400", r2v("\"seconds\":1e400"), no("invalid_value", "seconds")),
                arguments("seconds -1e400", r2v("\"seconds\":-1e400"), no("invalid_value", "seconds")),
                // Whose low 64 bits are 5: refused only if the number is compared whole, not cut to a long.
                arguments("seconds 2^64 + 5", r2v("\"seconds\":18446744073709551621"), no("invalid_value", "seconds")),
                arguments("seconds -2^64 + 5", r2v("\"seconds\":-18446744073709551611"), no("invalid_value", "seconds")),
                arguments("seconds 2e308", r2v("\"seconds\":2e308"), no("invalid_value", "seconds")),
                arguments("seconds 5e0 is five", r2v("\"seconds\":5e0"), ok(r2v().seconds(5))),
                arguments("i2v seconds \"2\"", i2v("\"seconds\":\"2\""), ok(i2v().seconds(2))),
                arguments("i2v seconds \"15\"", i2v("\"seconds\":\"15\""), ok(i2v().seconds(15))),
                arguments("i2v seconds \"1\"", i2v("\"seconds\":\"1\""), no("invalid_value", "seconds")),
                arguments("i2v seconds \"16\"", i2v("\"seconds\":\"16\""), no("invalid_value", "seconds")),
                // flags and seed
                arguments("prompt_extend false", r2v("\"prompt_extend\":false"), ok(r2v().promptExtend(false))),
                arguments("prompt_extend true", r2v("\"prompt_extend\":true"), ok(r2v())),
                arguments("prompt_extend null is the default", r2v("\"prompt_extend\":null"), ok(r2v())),
                arguments("prompt_extend as string", r2v("\"prompt_extend\":\"true\""), no("invalid_type", "prompt_extend")),
                arguments("watermark true", r2v("\"watermark\":true"), ok(r2v().watermark(true))),
                arguments("watermark false", r2v("\"watermark\":false"), ok(r2v())),
                arguments("i2v flags and seed", i2v("\"prompt_extend\":false,\"watermark\":true,\"seed\":7"),
                        ok(i2v().promptExtend(false).watermark(true).seed(7))),
                arguments("watermark as number", r2v("\"watermark\":1"), no("invalid_type", "watermark")),
                arguments("seed 0", r2v("\"seed\":0"), ok(r2v().seed(0))),
                arguments("seed 2147483647", r2v("\"seed\":2147483647"), ok(r2v().seed(2147483647))),
                arguments("seed -1", r2v("\"seed\":-1"), no("invalid_value", "seed")),
                arguments("seed 2147483648", r2v("\"seed\":2147483648"), no("invalid_value", "seed")),
                arguments("seed beyond 64 bits", r2v("\"seed\":99999999999999999999"), no("invalid_value", "seed")),
                arguments("seed 2^64 + 5", r2v("\"seed\":18446744073709551621"), no("invalid_value", "seed")),
                arguments("seed fractional", r2v("\"seed\":1.5"), no("invalid_type", "seed")),
                arguments("seed as string", r2v("\"seed\":\"42\""), no("invalid_type", "seed")),
                // compatibility form of seed 001
                arguments("flat reference_image string", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":\"" + IMG + "\"}", ok(r2v().prompt("a"))),
                arguments("flat five references", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":[\"" + IMG + "\",\"" + IMG + "\",\""
                        + IMG + "\"],\"reference_video\":[\"" + VID + "\",\"" + VID + "\"]}", ok(r2v().prompt("a").media(image(IMG), image(IMG), image(IMG), video(VID), video(VID)))),
                arguments("flat six references", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":[\"" + IMG + "\",\"" + IMG + "\",\""
                        + IMG + "\",\"" + IMG + "\"],\"reference_video\":[\"" + VID + "\",\"" + VID + "\"]}",
                        no("too_many_references", "reference_image")),
                arguments("flat reference_image not a string", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":5}",
                        no("invalid_type", "reference_image")),
                arguments("flat reference_image element not a string", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":[\"" + IMG + "\",3]}",
                        no("invalid_type", "reference_image[1]")),
                arguments("flat reference_image bad url", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":[\"" + IMG + "\",\"ftp://x/y\"]}",
                        no("invalid_value", "reference_image[1]")),
                arguments("flat voice and first frame", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_video\":\"" + VID
                        + "\",\"reference_voice\":\"" + AUDIO + "\",\"first_frame\":\"" + IMG + "\"}", ok(r2v().prompt("a").media(new MediaItem(MediaType.REFERENCE_VIDEO, VID, AUDIO), frame(IMG)).ratio(null))),
                arguments("flat voice without a reference", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_voice\":\"" + AUDIO
                        + "\",\"first_frame\":\"" + IMG + "\"}", no("invalid_media_combination", "reference_voice")),
                arguments("flat voice not a string", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":\"" + IMG
                        + "\",\"reference_voice\":3}", no("invalid_type", "reference_voice")),
                arguments("flat first frame not a string", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":\"" + IMG
                        + "\",\"first_frame\":[\"" + IMG + "\"]}", no("invalid_type", "first_frame")),
                arguments("flat resolution alias", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":\"" + IMG + "\",\"resolution\":\"720P\"}", ok(r2v().prompt("a").size(Resolution.P720))),
                arguments("flat duration alias 10 with video", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_video\":\"" + VID + "\",\"duration\":10}", ok(r2v().prompt("a").media(video(VID)).seconds(10))),
                arguments("flat duration alias 11 with video", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_video\":\"" + VID + "\",\"duration\":11}",
                        no("invalid_value", "duration")),
                arguments("alias with its canonical field: size", r2v("\"size\":\"720P\",\"resolution\":\"720P\""), no("conflicting_parameters", "resolution")),
                arguments("alias with its canonical field: seconds", r2v("\"seconds\":\"5\",\"duration\":5"), no("conflicting_parameters", "duration")),
                arguments("media mixed with a flat field", r2v("\"reference_image\":\"" + IMG + "\""), no("conflicting_parameters", "reference_image")),
                arguments("flat duration 1e400", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":\"" + IMG + "\",\"duration\":1e400}",
                        no("invalid_value", "duration")),
                arguments("flat empty reference_image list", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":[]}",
                        no("invalid_media_combination", "reference_image")),
                arguments("flat second first frame impossible; flat bad first frame", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":\""
                        + IMG + "\",\"first_frame\":\"ftp://x\"}", no("invalid_value", "first_frame")),
                // OpenAI's input_reference
                arguments("i2v input_reference alone", "{\"model\":\"wan2.7-i2v\",\"input_reference\":\"" + IMG + "\"}", ok(i2v())),
                arguments("i2v input_reference image_url with driving audio", "{\"model\":\"wan2.7-i2v\",\"input_reference\":{\"image_url\":\""
                        + IMG + "\"},\"media\":[" + item("driving_audio", AUDIO) + "]}", ok(i2v().media(frame(IMG), audio(AUDIO)))),
                arguments("i2v input_reference and a first frame", i2v("\"input_reference\":\"" + IMG + "\""),
                        no("conflicting_parameters", "input_reference")),
                arguments("r2v input_reference alone", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"input_reference\":\"" + IMG + "\"}", ok(r2v().prompt("a"))),
                arguments("r2v input_reference and a first frame", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"input_reference\":\""
                        + IMG + "\",\"media\":[" + item("first_frame", "https://e/f.png") + "]}",
                        ok(r2v().prompt("a").media(image(IMG), frame("https://e/f.png")).ratio(null))),
                arguments("input_reference image_url not a string", "{\"model\":\"wan2.7-i2v\",\"input_reference\":{\"image_url\":3}}",
                        no("invalid_type", "input_reference.image_url")),
                arguments("r2v input_reference and five references", r2vMedia(refs(5, 0)).replace("]}", "],\"input_reference\":\"" + IMG + "\"}"),
                        no("too_many_references", "media")),
                arguments("input_reference file_id", "{\"model\":\"wan2.7-i2v\",\"input_reference\":{\"file_id\":\"file-1\"}}",
                        no("unsupported_parameter", "input_reference.file_id")),
                arguments("input_reference unknown key", "{\"model\":\"wan2.7-i2v\",\"input_reference\":{\"url\":\"" + IMG + "\"}}",
                        no("unknown_parameter", "input_reference.url")),
                arguments("input_reference object without image_url", "{\"model\":\"wan2.7-i2v\",\"input_reference\":{}}",
                        no("missing_required_parameter", "input_reference.image_url")),
                arguments("input_reference a number", "{\"model\":\"wan2.7-i2v\",\"input_reference\":3}", no("invalid_type", "input_reference")),
                arguments("input_reference bad url", "{\"model\":\"wan2.7-i2v\",\"input_reference\":\"ftp://x/y.png\"}",
                        no("invalid_value", "input_reference")),
                arguments("input_reference image_url bad", "{\"model\":\"wan2.7-i2v\",\"input_reference\":{\"image_url\":\"x\"}}",
                        no("invalid_value", "input_reference.image_url")),
                arguments("i2v neither media nor input_reference", "{\"model\":\"wan2.7-i2v\"}", no("missing_required_parameter", "media")),
                // webhooks
                arguments("webhook_url https", r2v("\"webhook_url\":\"https://hooks.example.com/wan\""), ok(r2v().webhookUrl("https://hooks.example.com/wan"))),
                arguments("callback_url (OpenRouter's name)", r2v("\"callback_url\":\"https://hooks.example.com/wan\""), ok(r2v().webhookUrl("https://hooks.example.com/wan"))),
                arguments("webhook_url http", r2v("\"webhook_url\":\"http://hooks.example.com/wan\""), no("invalid_value", "webhook_url")),
                arguments("callback_url http", r2v("\"callback_url\":\"http://hooks.example.com/wan\""), no("invalid_value", "callback_url")),
                arguments("webhook_url and callback_url", r2v("\"webhook_url\":\"https://a.example\",\"callback_url\":\"https://a.example\""),
                        no("conflicting_parameters", "callback_url")),
                arguments("webhook_url not a string", r2v("\"webhook_url\":1"), no("invalid_type", "webhook_url")),
                arguments("flat form for i2v", "{\"model\":\"wan2.7-i2v\",\"first_frame\":\"" + IMG + "\"}", no("unsupported_parameter", "first_frame")));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("rules")
    void enforcesTheContract(String name, String body, Expect expect) throws Exception {
        JsonNode json = Json.tree(body);
        if (expect.code() == null) {
            assertThat(validator.validate(json)).isEqualTo(expect.spec());
            return;
        }
        assertThatThrownBy(() -> validator.validate(json))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(expect.code());
                    assertThat(e.param()).isEqualTo(expect.param());
                    assertThat(e.getMessage()).isNotBlank();
                });
    }

    @Test
    void noBodyIsNoObject() {
        assertThatThrownBy(() -> validator.validate(null)).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_type");
            assertThat(e.param()).isNull();
            assertThat(e.getMessage()).isEqualTo("The request body must be a JSON object.");
        });
    }

    @Test
    void appliesDefaults() throws Exception {
        VideoSpec spec = validator.validate(Json.tree(r2v("")));
        assertThat(spec.size()).isEqualTo(Resolution.P1080);
        assertThat(spec.ratio()).isEqualTo("16:9");
        assertThat(spec.seconds()).isEqualTo(5);
        assertThat(spec.promptExtend()).isTrue();
        assertThat(spec.watermark()).isFalse();
        assertThat(spec.seed()).isNull();
    }

    @Test
    void normalisesSizeAndSeconds() throws Exception {
        VideoSpec spec = validator.validate(Json.tree(r2v("\"size\":\"720p\",\"seconds\":12,\"seed\":7")));
        assertThat(spec.size().wire()).isEqualTo("720P");
        assertThat(spec.seconds()).isEqualTo(12);
        assertThat(spec.seed()).isEqualTo(7L);
    }

    @Test
    void ratioDoesNotApplyWithAFirstFrameOrToI2v() throws Exception {
        assertThat(validator.validate(Json.tree(r2vMedia(refs(1, 0), item("first_frame", IMG)))).ratio()).isNull();
        assertThat(validator.validate(Json.tree(i2v(""))).ratio()).isNull();
    }

    @Test
    void flatFormBecomesMediaInOrderWithTheVoiceOnTheFirstReference() throws Exception {
        VideoSpec spec = validator.validate(Json.tree("{\"model\":\"wan2.7-r2v\",\"prompt\":\"Image 1 and Video 1\","
                + "\"reference_video\":[\"" + VID + "\"],\"reference_image\":[\"https://e/1.png\",\"https://e/2.png\"],"
                + "\"reference_voice\":\"" + AUDIO + "\",\"first_frame\":\"" + IMG + "\",\"resolution\":\"720P\",\"duration\":7}"));
        assertThat(spec.media()).containsExactly(
                new MediaItem(MediaType.REFERENCE_IMAGE, "https://e/1.png", AUDIO),
                new MediaItem(MediaType.REFERENCE_IMAGE, "https://e/2.png", null),
                new MediaItem(MediaType.REFERENCE_VIDEO, VID, null),
                new MediaItem(MediaType.FIRST_FRAME, IMG, null));
        assertThat(spec.size()).isEqualTo(Resolution.P720);
        assertThat(spec.seconds()).isEqualTo(7);
    }

    @Test
    void i2vBlankPromptIsNoPrompt() throws Exception {
        assertThat(validator.validate(Json.tree(i2v("\"prompt\":\"  \",\"negative_prompt\":\"\""))).prompt()).isNull();
    }

    @Test
    void everyRefusalIsA400WithTheFullErrorBody() throws Exception {
        ApiError error = org.junit.jupiter.api.Assertions.assertThrows(ApiError.class,
                () -> validator.validate(Json.tree(r2v("\"seconds\":\"16\""))));
        ObjectNode body = (ObjectNode) Json.MAPPER.valueToTree(error.body());
        assertThat(body.fieldNames()).toIterable().containsExactly("error");
        assertThat(body.get("error").fieldNames()).toIterable().containsExactly("message", "type", "param", "code");
        assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.at("/error/param").asText()).isEqualTo("seconds");
    }

    @Test
    void openAiSizesAreEchoedAsSentAndImplyTheirRatio() throws Exception {
        VideoSpec spec = validator.validate(Json.tree(r2v("\"size\":\"720x1280\"")));
        assertThat(spec.size()).isEqualTo(Resolution.P720);
        assertThat(spec.ratio()).isEqualTo("9:16");
        assertThat(spec.sizeShown()).isEqualTo("720x1280");
        assertThat(validator.validate(Json.tree(r2v("\"size\":\"1080p\""))).sizeShown()).isEqualTo("1080P");
        assertThat(validator.validate(Json.tree(i2v("\"size\":\"1920x1080\""))).size()).isEqualTo(Resolution.P1080);
    }

    /** Found by the submit handler's properties: a padded size was stored as sent, too large for the task's item. */
    @Test
    void anOpenAiSizeIsEchoedInItsFormWithoutThePaddingSent() throws Exception {
        String padded = " ".repeat(200_000) + "1280X720" + "\\t".repeat(1000);
        VideoSpec spec = validator.validate(Json.tree(r2v("\"resolution\":\"" + padded + "\"")));
        assertThat(spec.sizeShown()).isEqualTo("1280x720");
        assertThat(spec.ratio()).isEqualTo("16:9");
    }

    @Test
    void inputReferenceIsTheFirstFrameOfI2vAndImageOneOfR2v() throws Exception {
        VideoSpec i2v = validator.validate(Json.tree("{\"model\":\"wan2.7-i2v\",\"input_reference\":{\"image_url\":\"" + IMG
                + "\"},\"media\":[" + item("driving_audio", AUDIO) + "]}"));
        assertThat(i2v.media()).containsExactly(new MediaItem(MediaType.FIRST_FRAME, IMG, null),
                new MediaItem(MediaType.DRIVING_AUDIO, AUDIO, null));
        VideoSpec r2v = validator.validate(Json.tree(r2vMedia(item("reference_video", VID)).replace("]}",
                "],\"input_reference\":\"https://e/ref.png\"}")));
        assertThat(r2v.media()).containsExactly(new MediaItem(MediaType.REFERENCE_IMAGE, "https://e/ref.png", null),
                new MediaItem(MediaType.REFERENCE_VIDEO, VID, null));
    }

    @Test
    void theWebhookUrlIsKeptUnderEitherName() throws Exception {
        assertThat(validator.validate(Json.tree(r2v("\"callback_url\":\"https://h.example/x\""))).webhookUrl())
                .isEqualTo("https://h.example/x");
        assertThat(validator.validate(Json.tree(r2v(""))).webhookUrl()).isNull();
    }

    @Test
    void theLocalPolicyLetsMediaAndWebhooksPointAtLoopback() throws Exception {
        VideoRequestValidator local = new VideoRequestValidator(true, url -> java.util.Optional.empty());
        VideoSpec spec = local.validate(Json.tree(r2vMedia(item("reference_image", "http://127.0.0.1:9000/a.png")).replace("]}",
                "],\"webhook_url\":\"http://127.0.0.1:9001/hook\"}")));
        assertThat(spec.media().get(0).url()).isEqualTo("http://127.0.0.1:9000/a.png");
        assertThat(spec.webhookUrl()).isEqualTo("http://127.0.0.1:9001/hook");
        // Loopback only: a private network is still refused.
        assertThatThrownBy(() -> local.validate(Json.tree(r2vMedia(item("reference_image", "http://10.0.0.1/a.png")))))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("media[0].url"));
    }

    @Test
    void errorMessagesRepeatClientValuesOnlyInPart() throws Exception {
        String huge = "m".repeat(1_000_000);
        ApiError model = org.junit.jupiter.api.Assertions.assertThrows(ApiError.class,
                () -> validator.validate(Json.tree("{\"model\":\"" + huge + "\"}")));
        assertThat(model.getMessage().length()).isLessThan(300);
        ApiError field = org.junit.jupiter.api.Assertions.assertThrows(ApiError.class,
                () -> validator.validate(Json.tree(r2v("\"" + "f".repeat(40_000) + "\":1"))));
        assertThat(field.getMessage().length()).isLessThan(300);
        assertThat(field.param().length()).isLessThan(100);
    }

    private static ApiError refused(VideoRequestValidator validator, String body) {
        return org.junit.jupiter.api.Assertions.assertThrows(ApiError.class, () -> validator.validate(Json.tree(body)));
    }

    /** A base64 image data URI of exactly this many characters (2 more than a multiple of 4, for the padding rule). */
    static String dataUri(int chars) {
        String prefix = "data:image/png;base64,";
        assertThat((chars - prefix.length()) % 4).as("valid base64 length").isZero();
        return prefix + "A".repeat(chars - prefix.length());
    }

    @Test
    void inlineMediaIsCountedAgainstWhatATaskCanHold() throws Exception {
        VideoRequestValidator small = new VideoRequestValidator(false, url -> java.util.Optional.empty(), 1000);
        // Exactly the limit, with a long URL beside it that is not inline and does not count.
        String longUrl = "https://e.com/" + "a".repeat(2000);
        VideoSpec spec = small.validate(Json.tree(r2vMedia(item("reference_image", dataUri(602)), item("reference_image", dataUri(398)),
                item("reference_video", longUrl))));
        assertThat(spec.media()).extracting(MediaItem::url).containsExactly(dataUri(602), dataUri(398), longUrl);
        // Just over: the largest item is named, the first of equals.
        ApiError over = refused(small, r2vMedia(item("reference_image", dataUri(498)), item("reference_image", dataUri(506))));
        assertThat(over.status()).isEqualTo(413);
        assertThat(over.code()).isEqualTo("payload_too_large");
        assertThat(over.param()).isEqualTo("media[1].url");
        assertThat(over.getMessage()).isEqualTo("The inline media of this request is 1 KB; this deployment keeps at most 1 KB "
                + "with a task. Host large media at an https:// or oss:// URL instead.");
        assertThat(refused(small, r2vMedia(item("reference_image", dataUri(502)), item("reference_image", dataUri(502)))).param())
                .isEqualTo("media[0].url");
        // In upper case a data URI is inline all the same.
        assertThat(refused(small, r2vMedia(item("reference_image", dataUri(602)), item("reference_image",
                dataUri(402).replace("data:", "DATA:")))).param()).isEqualTo("media[0].url");
        // Fields outside `media` are named as they are.
        VideoRequestValidator tiny = new VideoRequestValidator(false, url -> java.util.Optional.empty(), 100);
        String flat = "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"reference_image\":[\"" + IMG + "\",\"" + dataUri(3002) + "\"]}";
        assertThat(refused(tiny, flat).param()).isEqualTo("reference_image[1]");
        assertThat(refused(tiny, flat).getMessage()).isEqualTo("The inline media of this request is 3 KB; this deployment keeps "
                + "at most 0 KB with a task. Host large media at an https:// or oss:// URL instead.");
        assertThat(refused(tiny, "{\"model\":\"wan2.7-i2v\",\"input_reference\":\"" + dataUri(102) + "\"}").param())
                .isEqualTo("input_reference");
        assertThat(tiny.validate(Json.tree("{\"model\":\"wan2.7-i2v\",\"input_reference\":\"" + dataUri(98) + "\"}")).media())
                .containsExactly(frame(dataUri(98)));
    }

    @Test
    void refusalsSayWhatWouldHaveBeenAccepted() throws Exception {
        assertThat(refused(validator, "{\"model\":\"wan2.7-i2v\"}").getMessage()).isEqualTo(
                "`media` is required: an array of {\"type\", \"url\"} items (or give the first frame as `input_reference`).");
        assertThat(refused(validator, "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\"}").getMessage()).isEqualTo(
                "`media` is required: an array of {\"type\", \"url\"} items.");
        assertThat(refused(validator, r2vMedia(refs(0, 1)).replace("]}", "],\"seconds\":\"11\"}")).getMessage())
                .isEqualTo("`seconds` must be between 2 and 10 when a reference_video is present.");
        assertThat(refused(validator, r2v("\"seconds\":\"16\"")).getMessage()).isEqualTo("`seconds` must be between 2 and 15.");
        String sets = "first_frame; first_frame + driving_audio; first_frame + last_frame; first_frame + last_frame + driving_audio; "
                + "first_clip; last_frame + first_clip";
        assertThat(refused(validator, i2vMedia()).getMessage()).isEqualTo("wan2.7-i2v accepts these media sets: " + sets + "; got no media.");
        assertThat(refused(validator, i2vMedia("driving_audio", "last_frame")).getMessage())
                .isEqualTo("wan2.7-i2v accepts these media sets: " + sets + "; got last_frame + driving_audio.");
        assertThat(refused(validator, r2vMedia(item("first_clip", VID))).getMessage()).isEqualTo(
                "Media type 'first_clip' is not accepted here; use one of reference_image, reference_video, first_frame.");
        assertThat(refused(validator, i2vMedia("reference_video")).getMessage()).isEqualTo(
                "Media type 'reference_video' is not accepted here; use one of first_frame, last_frame, driving_audio, first_clip.");
        assertThat(refused(validator, r2vMedia(item("reference_image", "ftp://e/a.png"))).getMessage()).isEqualTo("`media[0].url` "
                + "must be an absolute https:// or http:// URL, an oss:// URL, or a data:image/(jpeg|png|bmp|webp);base64 URI.");
        assertThat(refused(validator, r2vMedia(item("reference_image", " "))).getMessage()).isEqualTo("`media[0].url` must not be "
                + "blank: give an absolute https:// or http:// URL, an oss:// URL, or a data:image/(jpeg|png|bmp|webp);base64 URI.");
        assertThat(refused(validator, r2vMedia(item("reference_video", "ftp://e/a.mp4"))).getMessage())
                .isEqualTo("`media[0].url` must be an absolute https:// or http:// URL or an oss:// URL.");
    }

    @Test
    void numbersBuiltAsDoublesAreReadExactlyToo() {
        // Not from the JSON parser (it reads decimals exactly), but a tree built in code may hold doubles.
        for (double seconds : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 5.5}) {
            ObjectNode body = r2vTree();
            body.put("seconds", seconds);
            assertThatThrownBy(() -> validator.validate(body)).as("%s", seconds)
                    .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("seconds"));
        }
        ObjectNode infiniteFloat = r2vTree();
        infiniteFloat.put("seconds", Float.POSITIVE_INFINITY);
        assertThatThrownBy(() -> validator.validate(infiniteFloat)).isInstanceOf(ApiError.class);
        ObjectNode whole = r2vTree();
        whole.put("seconds", 12.0);
        assertThat(validator.validate(whole).seconds()).isEqualTo(12);
        ObjectNode wholeFloat = r2vTree();
        wholeFloat.put("seconds", 3.0f);
        assertThat(validator.validate(wholeFloat).seconds()).isEqualTo(3);
    }

    private static ObjectNode r2vTree() {
        try {
            return (ObjectNode) Json.tree(r2v(""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
