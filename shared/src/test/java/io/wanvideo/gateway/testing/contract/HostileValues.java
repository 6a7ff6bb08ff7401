package io.wanvideo.gateway.testing.contract;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Values a hostile or careless client sends: broken Unicode, invisible text, places the upstream must not fetch. */
public final class HostileValues {
    private HostileValues() {}

    /** Characters a reader does not see: no-break and other spaces, zero-width characters, fillers, controls. */
    public static final List<String> INVISIBLE = List.of("\u00a0", "\u2007", "\u202f", "\u200b", "\u200c", "\u200d",
            "\u2060", "\ufeff", "\u3000", "\u3164", "\u2800", "\u180e", "\u00ad", "\u0000", "\u001f", "\t", "\r\n", " ");

    /** Surrogates that pair with nothing, and pairs in the wrong order. */
    public static final List<String> BROKEN_SURROGATES = List.of("\ud800", "\udfff", "\udc00\ud800", "\ud83c", "\udf89",
            "\ud800\ud800", "\udbff");

    /** Media URLs the upstream cannot or must not fetch, or that are not URLs at all. */
    public static final List<String> UNFETCHABLE_URLS = List.of(
            "http://127.0.0.1/a.png", "http://127.1/a.png", "http://2130706433/a.png", "http://localhost/a.png",
            "https://LOCALHOST./a.png", "http://api.localhost/a.png", "http://[::1]/a.png", "http://[::ffff:127.0.0.1]/a.png",
            "http://10.0.0.7/a.png", "http://172.16.4.4/a.png", "http://192.168.1.1/a.png", "http://100.64.0.1/a.png",
            "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/a.png", "http://[fd00:ec2::254]/a.png",
            "http://[::ffff:169.254.169.254]/", "http://0.0.0.0/a.png", "http://0/a.png", "http://1.2.3.4.5/a.png",
            "https://user:secret@example.com/a.png", "https://token@example.com/a.png",
            "file:///etc/passwd", "ftp://example.com/a.png", "gopher://example.com/", "javascript:alert(1)",
            "//example.com/a.png", "/a.png", "a.png", "", " ", "http://", "https:///a.png", "https://exa mple.com/a.png",
            "http://[::1/a.png", "data:text/html;base64,PGI+", "data:image/png;base64,!!!!", "data:image/png;base64,AAA",
            "data:image/svg+xml;base64,PHN2Zz4=", "oss://", "oss://bucket/ key.png");

    /** Webhook URLs that must be refused without a DNS lookup. */
    public static Arbitrary<String> unreachableWebhookUrls() {
        Arbitrary<String> fixed = Arbitraries.of("http://93.184.215.14/hook", "https://127.0.0.1/hook",
                "https://localhost/hook", "https://intranet/hook", "https://10.1.2.3/hook", "https://[::1]/hook",
                "https://169.254.169.254/latest", "https://[fd00::1]/hook", "https://0x7f.1/hook", "https://017700000001/",
                "https://user:pw@93.184.215.14/hook", "ftp://93.184.215.14/", "hook", "https://", "https://93.184.215.14:0/",
                "https://93.184.215.14:99999/", "https://[fe80::1%25eth0]/", "https://192.0.2.1/");
        // Hosts java.net.URI cannot read (an underscore) and long names: what a message may repeat, bounded.
        Arbitrary<String> unreadableHosts = Arbitraries.integers().between(1, 1000)
                .map(n -> "https://" + "a_".repeat(n) + "x/hook");
        Arbitrary<String> longLocal = Arbitraries.integers().between(1, 400)
                .map(n -> "https://" + "host-".repeat(n) + "x.localhost/hook");
        Arbitrary<String> tooLong = Arbitraries.integers().between(2100, 20_000)
                .map(n -> "https://93.184.215.14/" + "p".repeat(n));
        return Arbitraries.frequencyOf(Tuple.of(4, fixed), Tuple.of(2, unreadableHosts), Tuple.of(1, longLocal),
                Tuple.of(1, tooLong));
    }

    /** Free text in many scripts, with line breaks and characters outside the BMP. */
    public static Arbitrary<String> text(int maxLength) {
        Arbitrary<String> chars = Arbitraries.strings()
                .withCharRange(' ', '~').withCharRange('\u00c0', '\u024f').withCharRange('\u0400', '\u04ff')
                .withCharRange('\u4e00', '\u4fff').withChars('\n', '\t', '\u00e9', '\u2019')
                .ofMaxLength(maxLength);
        Arbitrary<String> emoji = Arbitraries.of("", "\ud83c\udfac", "\ud83d\ude00", "\ud842\udfb7");
        return Combinators.combine(chars, emoji).as((s, e) -> s + e);
    }

    /** A string of {@code length} characters of no particular meaning. */
    public static Arbitrary<String> oversized(int minLength, int maxLength) {
        return Combinators.combine(Arbitraries.integers().between(minLength, maxLength),
                Arbitraries.of("x", "ab", "\u00e9", "\u4e00", "https://example.com/", "%", "\\", "\""))
                .as((n, unit) -> unit.repeat((n + unit.length() - 1) / unit.length()));
    }

    /** {@code value} with {@code insert} put at a position chosen by {@code at} (0..1). */
    public static String insert(String value, String insert, double at) {
        int offset = (int) Math.floor(at * value.length());
        // Never between the halves of a pair already there: the damage is the inserted text alone.
        if (offset > 0 && offset < value.length() && Character.isLowSurrogate(value.charAt(offset))) {
            offset--;
        }
        return value.substring(0, offset) + insert + value.substring(offset);
    }

    /** Invisible text: one to twenty characters from {@link #INVISIBLE}, never empty. */
    public static Arbitrary<String> invisible() {
        return Arbitraries.of(INVISIBLE).list().ofMinSize(1).ofMaxSize(20).map(l -> String.join("", l));
    }
}
