package io.wanvideo.gateway.testing.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanvideo.gateway.testing.FormFixture;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Valid bodies of POST /v1/videos, for both models and every way the contract lets a client say the same thing:
 * `media`, seed 001's flat form, OpenAI's `input_reference` and WxH sizes, the aliases, webhook URLs, null for absent,
 * fields in any order. Every tree generated here must be accepted; the mutations start from them.
 */
public final class RequestTrees {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Real images (4x4 pixels), so that an upload of one is sniffed as what it is. */
    public static final byte[] PNG = FormFixture.file("frame.png");
    public static final byte[] JPEG = FormFixture.file("frame.jpg");
    public static final String PNG_DATA_URI = "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG);
    public static final String JPEG_DATA_URI = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(JPEG);

    public static final List<String> IMAGE_URLS = List.of("https://example.com/refs/character.png",
            "http://cdn.example.org/a/b.jpg?sig=abc&x=1", "oss://wan-inputs/refs/face.webp", "HTTPS://EXAMPLE.COM/UPPER.PNG",
            "https://93.184.215.14/i.bmp", "https://[2606:4700::6810:84e5]/i.png", "https://xn--fsq.example/%E5%9B%BE.png",
            PNG_DATA_URI, JPEG_DATA_URI);
    public static final List<String> VIDEO_URLS = List.of("https://example.com/refs/walk.mp4", "oss://wan-inputs/clip.mov",
            "http://videos.example.net/v?id=1#t=2");
    public static final List<String> AUDIO_URLS = List.of("https://example.com/voice.mp3", "oss://wan-inputs/hello.wav");
    public static final List<String> WEBHOOK_URLS = List.of("https://93.184.215.14/hooks/video",
            "https://[2606:4700::6810:84e5]:8443/h?tenant=a");
    /** Every spelling of a size the contract takes, the WxH ones with the ratio they imply (else null). */
    private static final List<String[]> SIZES = List.of(new String[] {"720P", null}, new String[] {"1080P", null},
            new String[] {"720p", null}, new String[] {" 1080p ", null}, new String[] {"1280x720", "16:9"},
            new String[] {"720x1280", "9:16"}, new String[] {"1920x1080", "16:9"}, new String[] {"1080x1920", "9:16"},
            new String[] {"1280X720", "16:9"});
    private static final List<String> RATIOS = List.of("16:9", "9:16", "1:1", "4:3", "3:4");

    private RequestTrees() {}

    public static Arbitrary<ObjectNode> valid() {
        return Arbitraries.frequencyOf(Tuple.of(4, r2vMedia()), Tuple.of(2, r2vFlat()), Tuple.of(4, i2v()));
    }

    private record Field(String name, JsonNode value) {}

    private static ObjectNode object(List<Field> fields) {
        ObjectNode object = NODES.objectNode();
        fields.forEach(f -> object.set(f.name(), f.value()));
        return object;
    }

    private static ObjectNode item(String type, String url, String voice) {
        // Members in the order clients write them (and the SDK keeps): an element's first member starts it in a form.
        ObjectNode item = NODES.objectNode().put("type", type).put("url", url);
        if (voice != null) {
            item.put("reference_voice", voice);
        }
        return item;
    }

    private static Arbitrary<ObjectNode> reference() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(IMAGE_URLS), Arbitraries.of(VIDEO_URLS),
                        Arbitraries.of(AUDIO_URLS).injectNull(0.6))
                .as((image, imageUrl, videoUrl, voice) -> image ? item("reference_image", imageUrl, voice)
                        : item("reference_video", videoUrl, voice));
    }

    /** Prompts the contract accepts: short, long, in any script, up to exactly 5000 code points. */
    private static Arbitrary<String> prompt() {
        Arbitrary<String> text = Combinators.combine(Arbitraries.of("Image 1 walks", "a cat", "\u4eba\u7269 1", "\ud83c\udfac night"),
                HostileValues.text(300)).as((start, rest) -> start + " " + rest);
        Arbitrary<String> longest = Arbitraries.just("p".repeat(4999) + "\ud83c\udfac");
        return Arbitraries.frequencyOf(Tuple.of(20, text), Tuple.of(1, longest));
    }

    /**
     * The fields both models share, as a client may spell them.
     *
     * @param ratios whether `ratio` may be given (r2v)
     * @param maxSeconds the longest video the media allows
     */
    private static Arbitrary<List<Field>> common(boolean ratios, int maxSeconds) {
        Arbitrary<Field> size = Combinators.combine(Arbitraries.of(SIZES), Arbitraries.of(RATIOS).injectNull(0.5),
                        Arbitraries.of("size", "resolution"), Arbitraries.of(true, false))
                .as((s, ratio, name, give) -> give ? new Field(name, NODES.textNode(s[0])) : null);
        Arbitrary<Field> seconds = Combinators.combine(Arbitraries.integers().between(2, maxSeconds),
                        Arbitraries.of("seconds", "duration"), Arbitraries.of(true, false))
                .as((n, name, asString) -> new Field(name, asString ? NODES.textNode(Integer.toString(n)) : NODES.numberNode(n)))
                .injectNull(0.3);
        Arbitrary<Field> extend = Arbitraries.of(true, false).map(b -> new Field("prompt_extend", NODES.booleanNode(b))).injectNull(0.5);
        Arbitrary<Field> watermark = Arbitraries.of(true, false).map(b -> new Field("watermark", NODES.booleanNode(b))).injectNull(0.5);
        Arbitrary<Field> seed = Arbitraries.longs().between(0, Integer.MAX_VALUE)
                .map(n -> new Field("seed", NODES.numberNode(n))).injectNull(0.5);
        Arbitrary<Field> negative = HostileValues.text(400).map(t -> new Field("negative_prompt", NODES.textNode(t))).injectNull(0.6);
        Arbitrary<Field> webhook = Combinators.combine(Arbitraries.of(WEBHOOK_URLS), Arbitraries.of("webhook_url", "callback_url"))
                .as((url, name) -> new Field(name, NODES.textNode(url))).injectNull(0.7);
        Arbitrary<Field> nulled = Arbitraries.of("negative_prompt", "seed", "watermark", "input_reference", "webhook_url")
                .map(name -> new Field(name, NODES.nullNode())).injectNull(0.8);
        Arbitrary<Field> ratio = Arbitraries.of(RATIOS).map(r -> new Field("ratio", NODES.textNode(r))).injectNull(ratios ? 0.5 : 1.0);
        return Combinators.combine(List.of(size, seconds, extend, watermark, seed, negative, webhook, nulled, ratio))
                .as(fields -> {
                    List<Field> out = new ArrayList<>();
                    String impliedRatio = null;
                    for (Field f : fields) {
                        if (f == null) {
                            continue;
                        }
                        if (f.name().equals("size") || f.name().equals("resolution")) {
                            impliedRatio = SIZES.stream().filter(s -> s[0].equals(f.value().textValue())).findFirst().orElseThrow()[1];
                        }
                        if (f.name().equals("ratio") && (!ratios || (impliedRatio != null && !impliedRatio.equals(f.value().textValue())))) {
                            continue;
                        }
                        boolean taken = out.stream().anyMatch(o -> o.name().equals(f.name()));
                        if (!taken) {
                            out.add(f);
                        }
                    }
                    return out;
                });
    }

    /** `input_reference` as OpenAI takes it: an image URL, or an object with `image_url`. */
    private static Arbitrary<JsonNode> inputReference() {
        return Combinators.combine(Arbitraries.of(IMAGE_URLS), Arbitraries.of(true, false))
                .as((url, bare) -> bare ? NODES.textNode(url) : NODES.objectNode().put("image_url", url));
    }

    private static Arbitrary<ObjectNode> r2vMedia() {
        Arbitrary<ObjectNode> frame = Arbitraries.of(IMAGE_URLS).map(u -> item("first_frame", u, null)).injectNull(0.7);
        return Combinators.combine(reference().list().ofMinSize(1).ofMaxSize(5), frame, Arbitraries.integers().between(0, 5),
                        inputReference().injectNull(0.8), prompt())
                .flatAs((refs, firstFrame, at, reference, prompt) -> {
                    boolean video = refs.stream().anyMatch(r -> r.get("type").textValue().equals("reference_video"));
                    return common(true, video ? 10 : 15).map(common -> {
                        ArrayNode media = NODES.arrayNode();
                        refs.forEach(media::add);
                        if (firstFrame != null) {
                            media.insert(Math.min(at, media.size()), firstFrame);
                        }
                        List<Field> fields = new ArrayList<>();
                        fields.add(new Field("model", NODES.textNode("wan2.7-r2v")));
                        fields.add(new Field("prompt", NODES.textNode(prompt)));
                        fields.add(new Field("media", media));
                        // input_reference is one more reference image: five in all at most.
                        if (reference != null && refs.size() < 5) {
                            fields.add(new Field("input_reference", reference));
                        }
                        common.stream().filter(f -> !f.name().equals("input_reference") || reference == null || refs.size() >= 5)
                                .forEach(fields::add);
                        return fields;
                    });
                })
                .flatMap(Arbitraries::shuffle).map(RequestTrees::object);
    }

    private static Arbitrary<ObjectNode> r2vFlat() {
        Arbitrary<List<String>> images = Arbitraries.of(IMAGE_URLS).list().ofMaxSize(3);
        Arbitrary<List<String>> videos = Arbitraries.of(VIDEO_URLS).list().ofMaxSize(2);
        return Combinators.combine(images, videos, Arbitraries.of(true, false), Arbitraries.of(AUDIO_URLS).injectNull(0.5),
                        Arbitraries.of(IMAGE_URLS).injectNull(0.7), prompt())
                .flatAs((imageList, videoList, bare, voice, frame, prompt) -> {
                    List<String> imgs = imageList.isEmpty() && videoList.isEmpty() ? List.of(IMAGE_URLS.get(0)) : imageList;
                    return common(true, videoList.isEmpty() ? 15 : 10).map(common -> {
                        List<Field> fields = new ArrayList<>();
                        fields.add(new Field("model", NODES.textNode("wan2.7-r2v")));
                        fields.add(new Field("prompt", NODES.textNode(prompt)));
                        if (!imgs.isEmpty()) {
                            fields.add(new Field("reference_image", urls(imgs, bare)));
                        }
                        if (!videoList.isEmpty()) {
                            fields.add(new Field("reference_video", urls(videoList, bare)));
                        }
                        if (voice != null) {
                            fields.add(new Field("reference_voice", NODES.textNode(voice)));
                        }
                        if (frame != null) {
                            fields.add(new Field("first_frame", NODES.textNode(frame)));
                        }
                        fields.addAll(common);
                        return fields;
                    });
                })
                .flatMap(Arbitraries::shuffle).map(RequestTrees::object);
    }

    /** One URL as a string (when {@code bare}), else an array of them. */
    private static JsonNode urls(List<String> urls, boolean bare) {
        if (bare && urls.size() == 1) {
            return NODES.textNode(urls.get(0));
        }
        ArrayNode array = NODES.arrayNode();
        urls.forEach(array::add);
        return array;
    }

    /** The six media sets of wan2.7-i2v. */
    private static final List<List<String>> I2V_SETS = List.of(List.of("first_frame"), List.of("first_frame", "driving_audio"),
            List.of("first_frame", "last_frame"), List.of("first_frame", "last_frame", "driving_audio"), List.of("first_clip"),
            List.of("first_clip", "last_frame"));

    private static Arbitrary<ObjectNode> i2v() {
        Arbitrary<List<String>> set = Arbitraries.of(I2V_SETS).flatMap(Arbitraries::shuffle);
        Arbitrary<String> prompt = Arbitraries.frequencyOf(Tuple.of(5, prompt()), Tuple.of(1, HostileValues.invisible()))
                .injectNull(0.3);
        return Combinators.combine(set, Arbitraries.of("wan2.7-i2v", "wan2.7-i2v-2026-04-25"), Arbitraries.of(IMAGE_URLS),
                        Arbitraries.of(IMAGE_URLS), Arbitraries.of(VIDEO_URLS), Arbitraries.of(AUDIO_URLS),
                        Arbitraries.integers().between(0, 3), prompt)
                .flatAs((types, model, frame, last, clip, audio, frameAs, text) -> common(false, 15).flatMap(common ->
                        inputReference().map(reference -> {
                            boolean viaReference = types.contains("first_frame") && frameAs > 0;
                            ArrayNode media = NODES.arrayNode();
                            for (String type : types) {
                                if (type.equals("first_frame") && viaReference) {
                                    continue;
                                }
                                media.add(item(type, switch (type) {
                                    case "first_frame" -> frame;
                                    case "last_frame" -> last;
                                    case "first_clip" -> clip;
                                    default -> audio;
                                }, null));
                            }
                            List<Field> fields = new ArrayList<>();
                            fields.add(new Field("model", NODES.textNode(model)));
                            if (text != null) {
                                fields.add(new Field("prompt", NODES.textNode(text)));
                            }
                            if (!media.isEmpty() || frameAs == 1) {
                                fields.add(new Field("media", media));
                            } else if (frameAs == 2) {
                                fields.add(new Field("media", NODES.nullNode()));
                            }
                            if (viaReference) {
                                fields.add(new Field("input_reference", reference.isObject()
                                        ? NODES.objectNode().put("image_url", frame) : NODES.textNode(frame)));
                            }
                            common.stream().filter(f -> !f.name().equals("input_reference") || !viaReference).forEach(fields::add);
                            return fields;
                        })))
                .flatMap(Arbitraries::shuffle).map(RequestTrees::object);
    }
}
