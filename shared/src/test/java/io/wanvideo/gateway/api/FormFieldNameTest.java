package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanvideo.gateway.api.FormFieldName.Subscript;
import io.wanvideo.gateway.api.FormFieldName.Subscript.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Form field names read as paths into the JSON tree, with each limit at its edge. */
class FormFieldNameTest {
    private static Subscript position(int index) {
        return new Subscript(Kind.POSITION, null, index);
    }

    private static final Subscript APPEND = new Subscript(Kind.APPEND, null, -1);

    private static void refused(String name, String param, String message) {
        assertThatThrownBy(() -> FormFieldName.parse(name)).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_form");
            assertThat(e.param()).isEqualTo(param);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static String badName(String name) {
        return "The form field name `" + name + "` is not a field or a path such as media[][url], media[0][url] or "
                + "input_reference[image_url].";
    }

    @Test
    void readsEachKindOfSubscript() {
        assertThat(FormFieldName.parse("prompt")).isEqualTo(new FormFieldName("prompt", List.of()));
        assertThat(FormFieldName.parse("media[][url]")).isEqualTo(new FormFieldName("media", List.of(APPEND, Subscript.member("url"))));
        assertThat(FormFieldName.parse("media[0][url]")).isEqualTo(new FormFieldName("media", List.of(position(0), Subscript.member("url"))));
        assertThat(FormFieldName.parse("a[9][10][9999]")).isEqualTo(new FormFieldName("a", List.of(position(9), position(10), position(9999))));
        // Only digits make a position: the characters either side of 0-9 make a member.
        assertThat(FormFieldName.parse("a[/][:][1a][a1]")).isEqualTo(new FormFieldName("a", List.of(Subscript.member("/"),
                Subscript.member(":"), Subscript.member("1a"), Subscript.member("a1"))));
    }

    @Test
    void positionsAreWrittenAsJsonWritesNumbers() {
        refused("media[01][url]", "media", "The form field `media[01][url]` has the array position [01]; write positions as 0, 1, 2, ...");
        refused("media[00]", "media", "The form field `media[00]` has the array position [00]; write positions as 0, 1, 2, ...");
        refused("media[10000]", "media", "The form field `media[10000]` has the array position [10000]; write positions as 0, 1, 2, ...");
    }

    @Test
    void fourLevelsAreReadAndFiveAreRefused() {
        assertThat(FormFieldName.parse("a[b][c][d][e]").subscripts()).hasSize(4);
        refused("a[b][c][d][e][f]", "a", "The form field `a[b][c][d][e][f]` nests deeper than 4 levels; no field of the API does.");
    }

    @Test
    void nameOf256CharactersIsReadAndOneMoreIsRefused() {
        assertThat(FormFieldName.parse("a".repeat(250) + "[b][c]").root()).isEqualTo("a".repeat(250));
        refused("a".repeat(251) + "[b][c]", ApiErrors.echo("a".repeat(251)), "A form field name is 257 characters long; the limit is 256.");
        refused("[" + "a".repeat(256) + "]", null, "A form field name is 258 characters long; the limit is 256.");
    }

    @Test
    void bracketsMustPairUpAfterAName() {
        refused("[model]", null, badName("[model]"));
        refused("]model", "]model", badName("]model"));
        refused("mod]el", "mod]el", badName("mod]el"));
        refused("media[", "media", badName("media["));
        refused("media[0]x", "media", badName("media[0]x"));
        refused("media[[0]", "media", badName("media[[0]"));
        refused("a[b[c]", "a", badName("a[b[c]"));
    }

    // Found by the contract properties of the handlers (ApiGateway*HandlerPropertiesTest).

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
