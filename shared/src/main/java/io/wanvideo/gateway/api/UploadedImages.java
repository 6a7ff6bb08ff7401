package io.wanvideo.gateway.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * An uploaded image file as the inline {@code data:image/...;base64,} URI the contract accepts wherever an image
 * URL goes. Only the four image types the upstream takes: JPEG, PNG, BMP and WebP.
 */
final class UploadedImages {
    /** The four types, and the names clients also send for them. */
    private static final Map<String, String> IMAGE_TYPES = Map.of(
            "image/jpeg", "jpeg", "image/jpg", "jpeg", "image/pjpeg", "jpeg",
            "image/png", "png", "image/x-png", "png",
            "image/bmp", "bmp", "image/x-bmp", "bmp", "image/x-ms-bmp", "bmp",
            "image/webp", "webp");
    /** Types that say nothing about the content: an SDK's default for a file it was given no type for. */
    private static final Set<String> UNTYPED = Set.of("application/octet-stream", "binary/octet-stream");
    private static final Set<Integer> DIB_HEADER_SIZES = Set.of(12, 40, 52, 56, 64, 108, 124);
    private static final String ACCEPTED = "JPEG, PNG, BMP or WebP";

    private UploadedImages() {}

    /**
     * @param mediaType the part's Content-Type, lower-case, without parameters; null when it has none
     * @param param the field's JSON path, for the refusal
     */
    static String dataUri(byte[] content, String mediaType, String param) {
        if (content.length == 0) {
            throw ApiError.invalidValue(param, "`" + param + "` is an empty file; upload a " + ACCEPTED + " image.");
        }
        String type;
        if (mediaType == null || UNTYPED.contains(mediaType)) {
            type = sniff(content);
            if (type == null) {
                throw ApiError.invalidValue(param, "`" + param + "` is not a " + ACCEPTED + " image. Upload only images; "
                        + "give videos and audio as URLs.");
            }
        } else {
            type = IMAGE_TYPES.get(mediaType);
            if (type == null) {
                throw ApiError.invalidValue(param, "`" + param + "` is an uploaded " + ApiErrors.echo(mediaType)
                        + " file; uploads must be "
                        + ACCEPTED + " images. Give videos and audio as URLs.");
            }
        }
        return "data:image/" + type + ";base64," + Base64.getEncoder().encodeToString(content);
    }

    /** The image type from the file's first bytes (its magic number), or null when it is none of the four. */
    static String sniff(byte[] content) {
        if (startsWith(content, 0, 0xFF, 0xD8, 0xFF)) {
            return "jpeg";
        }
        if (startsWith(content, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "png";
        }
        if (startsWith(content, 0, 'R', 'I', 'F', 'F') && startsWith(content, 8, 'W', 'E', 'B', 'P')) {
            return "webp";
        }
        // "BM" alone is two bytes any text may start with; a BMP's 14-byte file header is followed by a DIB
        // header whose first field is its own size, one of a few known values.
        if (startsWith(content, 0, 'B', 'M') && content.length >= 18
                && DIB_HEADER_SIZES.contains(ByteBuffer.wrap(content, 14, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())) {
            return "bmp";
        }
        return null;
    }

    private static boolean startsWith(byte[] content, int offset, int... magic) {
        if (content.length < offset + magic.length) {
            return false;
        }
        byte[] expected = new byte[magic.length];
        for (int i = 0; i < magic.length; i++) {
            expected[i] = (byte) magic[i];
        }
        return Arrays.equals(content, offset, offset + magic.length, expected, 0, magic.length);
    }
}
