package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.testing.FormBuilder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The tree a form's parts make (RequestBodiesTest has the table of trees and refusals by code and field): the
 * node each number becomes, the edges of the limits, and what each refusal says.
 */
class FormTreeTest {
    private static final String DISPOSITION = "Content-Disposition: form-data; name=\"prompt\"\r\n";

    private static JsonNode decode(byte[] body) {
        return FormBodies.decode(body, FormBuilder.CONTENT_TYPE);
    }

    private static JsonNode fields(String... namesAndValues) {
        FormBuilder form = new FormBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.field(namesAndValues[i], namesAndValues[i + 1]);
        }
        return decode(form.build());
    }

    private static ApiError refusal(byte[] body) {
        try {
            decode(body);
        } catch (ApiError e) {
            return e;
        }
        throw new AssertionError("the form was read");
    }

    private static ApiError refusal(String... namesAndValues) {
        FormBuilder form = new FormBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.field(namesAndValues[i], namesAndValues[i + 1]);
        }
        return refusal(form.build());
    }

    @Test
    void integersBecomeTheSmallestNodeJacksonWouldRead() throws Exception {
        for (String n : new String[] {"2147483647", "-2147483648", "2147483648", "-2147483649", "9223372036854775807",
                "-9223372036854775808", "9223372036854775808", "-9223372036854775809"}) {
            JsonNode seed = fields("seed", n).get("seed");
            JsonNode parsed = Json.tree(n);
            assertThat(seed).as(n).isEqualTo(parsed);
            assertThat(seed.numberType()).as(n).isEqualTo(parsed.numberType());
        }
    }

    @Test
    void dataIsSentAsItIs() {
        for (String encoding : new String[] {"7bit", "8bit", "binary", "BINARY"}) {
            byte[] body = new FormBuilder().part(DISPOSITION + "Content-Transfer-Encoding: " + encoding + "\r\n",
                    "a cat".getBytes(StandardCharsets.UTF_8)).build();
            assertThat(decode(body).get("prompt").textValue()).as(encoding).isEqualTo("a cat");
        }
        ApiError base64 = refusal(new FormBuilder().part(DISPOSITION + "Content-Transfer-Encoding: base64\r\n",
                "YSBjYXQ=".getBytes(StandardCharsets.UTF_8)).build());
        assertThat(base64.param()).isEqualTo("prompt");
        assertThat(base64.getMessage()).isEqualTo("`prompt` has Content-Transfer-Encoding: base64; form data is sent as is (RFC 7578).");
    }

    @Test
    void textIsUtf8UnderAnyOfItsNames() {
        for (String charset : new String[] {"utf-8", "UTF-8", "utf8", "us-ascii"}) {
            byte[] body = new FormBuilder().part(DISPOSITION + "Content-Type: text/plain; charset=" + charset + "\r\n",
                    "a cat".getBytes(StandardCharsets.UTF_8)).build();
            assertThat(decode(body).get("prompt").textValue()).as(charset).isEqualTo("a cat");
        }
        // Refused for what it says, even when the bytes would pass as UTF-8.
        ApiError latin1 = refusal(new FormBuilder().part(DISPOSITION + "Content-Type: text/plain; charset=ISO-8859-1\r\n",
                "a cat".getBytes(StandardCharsets.UTF_8)).build());
        assertThat(latin1.code()).isEqualTo("invalid_form");
        assertThat(latin1.getMessage()).isEqualTo("`prompt` is sent in charset ISO-8859-1; send text fields as UTF-8.");
        ApiError broken = refusal(new FormBuilder().part(DISPOSITION, new byte[] {'a', (byte) 0xC3, '('}).build());
        assertThat(broken.getMessage()).isEqualTo("`prompt` is not valid UTF-8 text.");
    }

    @Test
    void aFileWhereAValueBelongsSaysWhatBelongsThere() {
        String files = ", not an uploaded file. Files are accepted only as images, at input_reference and media[].url.";
        byte[] one = "1".getBytes(StandardCharsets.UTF_8);
        assertThat(refusal(new FormBuilder().file("watermark", "w", "text/plain", one).build()).getMessage())
                .isEqualTo("`watermark` must be true or false" + files);
        assertThat(refusal(new FormBuilder().file("seed", "s", null, one).build()).getMessage())
                .isEqualTo("`seed` must be an integer" + files);
        assertThat(refusal(new FormBuilder().file("media[][type]", "t", null, one).build()).getMessage())
                .isEqualTo("`media[0].type` must be a string" + files);
    }

    @Test
    void aFieldHasOneShapeAndEachRefusalNamesBoth() {
        assertThat(refusal("model", "a", "model", "b").getMessage())
                .isEqualTo("The form gives `model` twice; give each field once, and the elements of an array as name[] parts.");
        assertThat(refusal("input_reference", "a", "input_reference[image_url]", "b").getMessage())
                .isEqualTo("The form gives `input_reference` both as a single value and as an object (name[key]); a field has one shape.");
        assertThat(refusal("input_reference[image_url]", "b", "input_reference", "a").getMessage())
                .isEqualTo("The form gives `input_reference` both as an object (name[key]) and as a single value; a field has one shape.");
        assertThat(refusal("reference_image[]", "a", "reference_image[0]", "b").getMessage())
                .isEqualTo("The form gives `reference_image` both as an array (name[]) and as an array by position (name[0]); a field has one shape.");
        assertThat(refusal("media[0][type]", "a", "media[][type]", "b").getMessage())
                .isEqualTo("The form gives `media` both as an array by position (name[0]) and as an array (name[]); a field has one shape.");
        assertThat(refusal("media[0]", "a", "media[0][url]", "b").getMessage())
                .isEqualTo("The form gives `media[0]` both as a single value and as an object (name[key]); a field has one shape.");
        assertThat(refusal("media[0][type]", "a", "media[2][type]", "b").getMessage())
                .isEqualTo("The form gives `media[2]` but not `media[1]`; array positions count up from 0 without gaps.");
    }

    @Test
    void appendedElementsOfArraysByPositionStartAnewWhenAPositionRepeats() throws Exception {
        assertThat(fields("a[][0]", "x", "a[][0]", "y", "a[][1]", "z")).isEqualTo(Json.tree("{\"a\":[[\"x\"],[\"y\",\"z\"]]}"));
        assertThat(fields("a[][0][k]", "x", "a[][0][k]", "y")).isEqualTo(Json.tree("{\"a\":[[{\"k\":\"x\"}],[{\"k\":\"y\"}]]}"));
        assertThat(fields("a[][k][0]", "x", "a[][k][1]", "y")).isEqualTo(Json.tree("{\"a\":[{\"k\":[\"x\",\"y\"]}]}"));
    }
}
