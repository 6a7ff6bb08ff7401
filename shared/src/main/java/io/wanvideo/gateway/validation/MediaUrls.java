package io.wanvideo.gateway.validation;

import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.net.NetworkAddresses;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a media item may point: what the upstream can fetch, and nothing it cannot. The upstream fetches from
 * the internet, so a URL whose host is plainly not on it (a name for this machine, or an address literal, in any
 * notation, in one of the special-purpose blocks: loopback, private networks, link-local and the cloud metadata
 * address, documentation ranges...) is refused here rather than billed as a failed task there. A name is not looked
 * up: the upstream resolves it from its own network. The local stack may allow
 * loopback, where its simulator fetches.
 */
final class MediaUrls {
    private static final Pattern DATA_IMAGE =
            Pattern.compile("data:image/(jpeg|png|bmp|webp);base64,[A-Za-z0-9+/]+={0,2}", Pattern.CASE_INSENSITIVE);

    /** Beyond any real object-store URL; keeps one field from filling the task record. */
    static final int MAX_URL_CHARS = 4096;

    private final boolean allowLoopback;

    MediaUrls(boolean allowLoopback) {
        this.allowLoopback = allowLoopback;
    }

    /**
     * @param image whether a base64 image data URI is acceptable here
     * @return the URL, unchanged
     */
    String check(String url, boolean image, String param) {
        Fields.wellFormed(url, param);
        String accepted = image
                ? "an absolute https:// or http:// URL, an oss:// URL, or a data:image/(jpeg|png|bmp|webp);base64 URI"
                : "an absolute https:// or http:// URL or an oss:// URL";
        if (url.isBlank()) {
            throw ApiError.invalidValue(param, "`" + param + "` must not be blank: give " + accepted + ".");
        }
        String lower = url.substring(0, Math.min(url.length(), 16)).toLowerCase(Locale.ROOT);
        if (lower.startsWith("data:")) {
            if (!image) {
                throw ApiError.invalidValue(param, "`" + param + "`: inline data URIs are accepted for images only; give "
                        + accepted + ".");
            }
            int comma = url.indexOf(',');
            if (!DATA_IMAGE.matcher(url).matches() || (url.length() - comma - 1) % 4 != 0) {
                throw ApiError.invalidValue(param, "`" + param + "` is not a valid base64 image data URI: expected "
                        + "data:image/(jpeg|png|bmp|webp);base64, followed by standard padded base64.");
            }
            return url;
        }
        if (url.length() > MAX_URL_CHARS) {
            throw ApiError.invalidValue(param, "`" + param + "` is longer than " + MAX_URL_CHARS + " characters.");
        }
        if (lower.startsWith("oss://")) {
            if (url.length() <= "oss://".length() || url.chars().anyMatch(Character::isWhitespace)) {
                throw ApiError.invalidValue(param, "`" + param + "` is not a valid oss:// URL.");
            }
            return url;
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw ApiError.invalidValue(param, "`" + param + "` is not a valid URL (" + e.getReason() + ").");
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                throw ApiError.invalidValue(param, "`" + param + "` has no host: give " + accepted + ".");
            }
            if (uri.getRawUserInfo() != null) {
                throw ApiError.invalidValue(param, "`" + param + "` must not carry credentials (user:password@).");
            }
            Optional<String> offInternet = NetworkAddresses.offInternetByNotation(uri.getHost(), allowLoopback);
            if (offInternet.isPresent()) {
                throw ApiError.invalidValue(param, "`" + param + "` points at " + offInternet.get()
                        + ", which the upstream cannot fetch from the internet; give a public URL.");
            }
            return url;
        }
        throw ApiError.invalidValue(param, "`" + param + "` must be " + accepted + ".");
    }
}
