package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/**
 * A form field's name is a client's value: the param and message that name it are shortened as any echo is (found by
 * the contract properties of the submit handler: a 7000-character name came back whole, twice).
 */
class FormFieldNameTest {
    @Test
    void aNameTooLongIsNamedShortened() {
        String name = "n".repeat(7000);
        ApiError refused = catchThrowableOfType(ApiError.class, () -> FormFieldName.parse(name));
        assertThat(refused.code()).isEqualTo("invalid_form");
        assertThat(refused.param()).isEqualTo(ApiErrors.echo(name)).hasSizeLessThan(100);
        assertThat(refused.getMessage()).hasSizeLessThan(200);
    }

    @Test
    void aBadNameIsRepeatedShortenedAndWellFormed() {
        String name = "media[" + "\ud800".repeat(3) + "x".repeat(200) + "]][";
        ApiError refused = catchThrowableOfType(ApiError.class, () -> FormFieldName.parse(name));
        assertThat(refused.code()).isEqualTo("invalid_form");
        assertThat(refused.param()).isEqualTo("media");
        assertThat(refused.getMessage()).hasSizeLessThan(300).doesNotContain("\ud800");
    }

    @Test
    void aPositionIsRepeatedShortened() {
        ApiError refused = catchThrowableOfType(ApiError.class, () -> FormFieldName.parse("media[0" + "1".repeat(3) + "]"));
        assertThat(refused.param()).isEqualTo("media");
        assertThat(refused.getMessage()).contains("[0111]");
    }
}
