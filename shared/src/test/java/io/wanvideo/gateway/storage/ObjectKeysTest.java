package io.wanvideo.gateway.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {

    @Test
    void aResultIsOneVideoPerTask() {
        assertThat(ObjectKeys.result("video_01kaexamp1e")).isEqualTo("results/video_01kaexamp1e.mp4");
    }

    @Test
    void aTasksInputsShareOnePrefix() {
        assertThat(ObjectKeys.input("video_01kaexamp1e", 0, "png")).isEqualTo("inputs/video_01kaexamp1e/0.png");
        assertThat(ObjectKeys.input("video_01kaexamp1e", 4, "mp3")).startsWith(ObjectKeys.inputsPrefix("video_01kaexamp1e"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "..", "a.b", "task id", "x\u00e9"})
    void anIdThatCouldEscapeItsPrefixIsRefused(String id) {
        assertThatThrownBy(() -> ObjectKeys.result(id)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ObjectKeys.inputsPrefix(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "PNG", "p/g", "toolongext"})
    void anExtensionIsShortLowerCaseAlphanumeric(String extension) {
        assertThatThrownBy(() -> ObjectKeys.input("t", 0, extension)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"image/jpeg,jpg", "image/png,png", "IMAGE/WEBP,webp", "image/bmp,bmp", "video/mp4; codecs=avc1,mp4",
            "audio/mpeg,mp3", "audio/wav,wav", "application/pdf,bin", ",bin"})
    void anExtensionFollowsTheContentType(String contentType, String extension) {
        assertThat(ObjectKeys.extensionFor(contentType)).isEqualTo(extension);
    }
}
