package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What an error message may repeat of a client's value (found by the contract properties of the handlers). */
class ApiErrorsTest {
    @Test
    void anEchoIsWellFormedTextWhateverTheClientSent() {
        // JSON can spell a lone surrogate (\ud800): repeated as is, the answer could not be written as UTF-8.
        assertThat(ApiErrors.echo("a\ud800b")).isEqualTo("a\ufffdb");
        assertThat(ApiErrors.echo("\udc00\ud800")).isEqualTo("\ufffd\ufffd");
        assertThat(ApiErrors.echo("x\ud83c")).isEqualTo("x\ufffd");
        assertThat(ApiErrors.echo("\ud83c\udfac night")).isEqualTo("\ud83c\udfac night");
        assertThat(ApiErrors.echo(null)).isEmpty();
    }

    @Test
    void anEchoIsBoundedAndNeverSplitsACharacter() {
        assertThat(ApiErrors.echo("x".repeat(80))).isEqualTo("x".repeat(80));
        assertThat(ApiErrors.echo("x".repeat(1_000_000))).isEqualTo("x".repeat(80) + "...");
        String emoji = "\ud83c\udfac";
        assertThat(ApiErrors.echo(emoji.repeat(200))).isEqualTo(emoji.repeat(80) + "...");
        assertThat(ApiErrors.echo("\ud800".repeat(200))).isEqualTo("\ufffd".repeat(80) + "...");
    }
}
