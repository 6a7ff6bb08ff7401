package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** An uploaded image becomes its data URI: by its declared type, or by its first bytes when it declares none. */
class UploadedImagesTest {
    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static final byte[] JPEG = bytes(0xFF, 0xD8, 0xFF);
    private static final byte[] PNG = bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
    private static final byte[] WEBP = bytes('R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'E', 'B', 'P');

    /** "BM", 12 bytes of file header, then the DIB header's own size, little-endian. */
    private static byte[] bmp(int dibHeaderSize) {
        return bytes('B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, dibHeaderSize, 0, 0, 0);
    }

    @Test
    void eachImageTypeIsKnownByItsMagicNumber() {
        assertThat(UploadedImages.sniff(JPEG)).isEqualTo("jpeg");
        assertThat(UploadedImages.sniff(PNG)).isEqualTo("png");
        assertThat(UploadedImages.sniff(WEBP)).isEqualTo("webp");
        for (int size : new int[] {12, 40, 52, 56, 64, 108, 124}) {
            assertThat(UploadedImages.sniff(bmp(size))).as("DIB header %d", size).isEqualTo("bmp");
        }
    }

    @Test
    void nearMissesAreNoImage() {
        assertThat(UploadedImages.sniff(bytes(0xFF, 0xD8))).as("cut short").isNull();
        assertThat(UploadedImages.sniff(bytes(0xFF, 0xD8, 0xFE))).isNull();
        assertThat(UploadedImages.sniff(Arrays.copyOf(PNG, 7))).isNull();
        assertThat(UploadedImages.sniff(bytes('R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'A', 'V', 'E'))).as("a WAV").isNull();
        assertThat(UploadedImages.sniff(bytes('R', 'I', 'F', 'X', 1, 2, 3, 4, 'W', 'E', 'B', 'P'))).isNull();
        assertThat(UploadedImages.sniff(bytes('R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'E'))).as("cut short").isNull();
        assertThat(UploadedImages.sniff(bmp(41))).isNull();
        assertThat(UploadedImages.sniff(Arrays.copyOf(bmp(40), 17))).as("no room for a DIB header").isNull();
        byte[] notBm = bmp(40);
        notBm[1] = 'N';
        assertThat(UploadedImages.sniff(notBm)).isNull();
        assertThat(UploadedImages.sniff("BMW is not a bitmap".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(UploadedImages.sniff(new byte[0])).isNull();
    }

    @Test
    void aDeclaredImageTypeIsTakenUnderEveryNameClientsUse() {
        byte[] content = concat(PNG, bytes(1, 2, 3));
        String base64 = Base64.getEncoder().encodeToString(content);
        String[][] names = {{"image/jpeg", "jpeg"}, {"image/jpg", "jpeg"}, {"image/pjpeg", "jpeg"}, {"image/png", "png"},
                {"image/x-png", "png"}, {"image/bmp", "bmp"}, {"image/x-bmp", "bmp"}, {"image/x-ms-bmp", "bmp"}, {"image/webp", "webp"}};
        for (String[] name : names) {
            // The declared type is believed: the content is not sniffed again.
            assertThat(UploadedImages.dataUri(content, name[0], "input_reference")).as(name[0])
                    .isEqualTo("data:image/" + name[1] + ";base64," + base64);
        }
    }

    @Test
    void anUntypedFileIsSniffed() {
        for (String untyped : new String[] {null, "application/octet-stream", "binary/octet-stream"}) {
            assertThat(UploadedImages.dataUri(JPEG, untyped, "media[0].url")).as("%s", untyped)
                    .isEqualTo("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(JPEG));
        }
        assertThatThrownBy(() -> UploadedImages.dataUri(bytes(1, 2, 3), "application/octet-stream", "media[0].url"))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_value");
                    assertThat(e.param()).isEqualTo("media[0].url");
                    assertThat(e.getMessage()).isEqualTo("`media[0].url` is not a JPEG, PNG, BMP or WebP image. Upload only images; "
                            + "give videos and audio as URLs.");
                });
    }

    @Test
    void otherFilesAndEmptyOnesAreRefused() {
        assertThatThrownBy(() -> UploadedImages.dataUri(PNG, "image/gif", "input_reference")).isInstanceOfSatisfying(ApiError.class,
                e -> assertThat(e.getMessage()).isEqualTo("`input_reference` is an uploaded image/gif file; uploads must be JPEG, PNG, "
                        + "BMP or WebP images. Give videos and audio as URLs."));
        assertThatThrownBy(() -> UploadedImages.dataUri(new byte[0], "image/png", "input_reference")).isInstanceOfSatisfying(ApiError.class,
                e -> assertThat(e.getMessage()).isEqualTo("`input_reference` is an empty file; upload a JPEG, PNG, BMP or WebP image."));
    }
}
