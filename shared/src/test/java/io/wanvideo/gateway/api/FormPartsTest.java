package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.wanvideo.gateway.testing.FormBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Splitting a multipart/form-data body into parts (RequestBodiesTest has the table of what is refused, by code and
 * field): the limits at their edges, and what each refusal tells the client, down to which part is at fault.
 */
class FormPartsTest {
    private static final String CT = FormBuilder.CONTENT_TYPE;
    private static final String DISPOSITION = "Content-Disposition: form-data; name=\"prompt\"\r\n";

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A form whose first part is fine and whose second is made by the test. */
    private static byte[] secondPart(UnaryOperator<FormBuilder> second) {
        return second.apply(new FormBuilder().field("model", "wan2.7-r2v")).build();
    }

    private static void refused(byte[] body, String contentType, String param, String message) {
        assertThatThrownBy(() -> FormParts.read(body, contentType)).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("invalid_form");
            assertThat(e.param()).isEqualTo(param);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void eachPartIsReadWithItsHeaders() {
        byte[] body = new FormBuilder().field("model", "wan2.7-r2v")
                .part("Content-Disposition: form-data; name=\"input_reference\"; filename*=UTF-8''fr%C3%A4me.png\r\n"
                        + "Content-Type: IMAGE/PNG; charset=binary\r\nContent-Transfer-Encoding: Binary \r\n", new byte[] {1, 2})
                .build();
        List<FormPart> parts = FormParts.read(body, CT);
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).name()).isEqualTo("model");
        assertThat(parts.get(0).filename()).isNull();
        assertThat(parts.get(0).mediaType()).isNull();
        assertThat(parts.get(0).isFile()).isFalse();
        assertThat(parts.get(0).content()).isEqualTo(text("wan2.7-r2v"));
        FormPart file = parts.get(1);
        assertThat(file.name()).isEqualTo("input_reference");
        assertThat(file.filename()).isEqualTo("UTF-8''fr%C3%A4me.png");
        assertThat(file.mediaType()).isEqualTo("image/png");
        assertThat(file.charset()).isEqualTo("binary");
        assertThat(file.transferEncoding()).isEqualTo("binary");
        assertThat(file.isFile()).isTrue();
        assertThat(file.content()).containsExactly(1, 2);
    }

    @Test
    void aTextPartIsOneWithoutAFilenameOrWithTextPlain() {
        assertThat(new FormPart("p", null, "text/plain", "utf-8", null, new byte[0]).isFile()).isFalse();
        assertThat(new FormPart("p", "p.txt", "text/plain", null, null, new byte[0]).isFile()).isTrue();
        assertThat(new FormPart("p", null, "application/json", null, null, new byte[0]).isFile()).isTrue();
    }

    @Test
    void theBoundaryIsAtMostSeventyCharacters() {
        String seventy = "b".repeat(70);
        byte[] body = ("--" + seventy + "\r\n" + DISPOSITION + "\r\na cat\r\n--" + seventy + "--\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(FormParts.read(body, "multipart/form-data; boundary=" + seventy)).hasSize(1);
        String seventyOne = "b".repeat(71);
        refused(body, "multipart/form-data; boundary=" + seventyOne, null,
                "The form's boundary is 71 characters long; the limit is 70 (RFC 2046).");
        refused(body, "multipart/form-data", null, "The Content-Type names no boundary: send multipart/form-data; "
                + "boundary=..., with the boundary that separates the parts of the body.");
        refused(body, "multipart/form-data; boundary=\"\"", null, "The Content-Type names no boundary: send multipart/form-data; "
                + "boundary=..., with the boundary that separates the parts of the body.");
    }

    @Test
    void aFormOfExactlyTheSizeLimitIsRead() {
        byte[] body = new FormBuilder().field("model", "m").build();
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setHeaders(Map.of("content-type", CT));
        event.setBody(new String(body, StandardCharsets.UTF_8));
        assertThat(FormBodies.read(new ApiRequest(event), body.length).get("model").textValue()).isEqualTo("m");
        assertThatThrownBy(() -> FormBodies.read(new ApiRequest(event), body.length - 1)).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(413);
            assertThat(e.getMessage()).isEqualTo("The body is " + body.length + " bytes; the limit is " + (body.length - 1) + ".");
        });
    }

    @Test
    void anEmptyBodyIsNoForm() {
        refused(new byte[0], CT, null, "The request body is empty; send a multipart/form-data form.");
    }

    @Test
    void sixtyFourPartsAreReadAndOneMoreIsRefused() {
        FormBuilder form = new FormBuilder();
        for (int i = 0; i < FormParts.MAX_PARTS; i++) {
            form.field("reference_image[]", "https://e/" + i + ".png");
        }
        byte[] sixtyFour = new FormBuilder().raw(new String(form.unclosed(), StandardCharsets.UTF_8)).build();
        assertThat(FormParts.read(sixtyFour, CT)).hasSize(64);
        refused(form.field("model", "m").build(), CT, null, "The form has more than 64 parts.");
    }

    @Test
    void aRefusedPartIsNamedByItsPlaceInTheForm() {
        refused(secondPart(f -> f.part(DISPOSITION + DISPOSITION, text("p"))), CT, null,
                "Part 2 of the form has two Content-Disposition headers.");
        refused(secondPart(f -> f.part("Content-Disposition: attachment; name=\"p\"\r\n", text("p"))), CT, null,
                "Part 2 of the form is not form data: its Content-Disposition must be form-data; name=\"...\".");
        refused(secondPart(f -> f.part("Content-Type: text/plain\r\n", text("p"))), CT, null,
                "Part 2 of the form has no name: each part needs Content-Disposition: form-data; name=\"...\".");
        refused(secondPart(f -> f.field("", "p")), CT, null,
                "Part 2 of the form has no name: each part needs Content-Disposition: form-data; name=\"...\".");
    }

    @Test
    void headersThatCannotBeReadAreSaidToBeSo() {
        refused(secondPart(f -> f.part("not a header\r\n" + DISPOSITION, text("p"))), CT, null,
                "Part 2 of the form has a malformed header line; each header is `Name: value` and the headers end with an empty line.");
        refused(secondPart(f -> f.part(DISPOSITION + "X-Filler: x\r\n".repeat(20), text("p"))), CT, null,
                "Part 2 of the form has too many or too long headers.");
        // One line over the limit: mime4j reports it wrapped, and it is still a header too long.
        refused(secondPart(f -> f.part(DISPOSITION + "X-Filler: " + "x".repeat(9000) + "\r\n", text("p"))), CT, null,
                "Part 2 of the form has too many or too long headers.");
        refused(secondPart(f -> f.part(DISPOSITION + "X-Filler: x\r\n" + (" " + "x".repeat(100) + "\r\n").repeat(90), text("p"))), CT,
                null, "Part 2 of the form has too many or too long headers.");
        refused(secondPart(f -> f.part(DISPOSITION + "X-Filler : x\r\n", text("p"))), CT, null,
                "Part 2 of the form has a malformed header line; each header is `Name: value` and the headers end with an empty line.");
    }

    @Test
    void aFormThatEndsEarlyIsSaidToBeTruncated() {
        String truncated = "The form ends before its closing boundary `--" + FormBuilder.BOUNDARY + "--`: the body is truncated, "
                + "or its parts are not separated by the boundary the Content-Type names.";
        refused(new FormBuilder().field("model", "m").unclosed(), CT, null, truncated);
        refused(text("model=m&prompt=a"), CT, null, truncated);
        refused(new FormBuilder().field("model", "m").raw("--" + FormBuilder.BOUNDARY + "\r\n" + DISPOSITION).unclosed(), CT, null,
                truncated);
        // The closing boundary where the headers should end, or without its closing dashes.
        refused(new FormBuilder().raw("--" + FormBuilder.BOUNDARY + "\r\n" + DISPOSITION).build(), CT, null, truncated);
        refused(new FormBuilder().field("model", "m").raw("--" + FormBuilder.BOUNDARY).unclosed(), CT, null, truncated);
    }

    @Test
    void aFilenameGivenOnlyInItsExtendedFormStillMakesAFile() {
        List<FormPart> parts = FormParts.read(new FormBuilder()
                .part("Content-Disposition: form-data; name=\"prompt\"; filename*=UTF-8''p.txt\r\n", text("a cat")).build(), CT);
        assertThat(parts.get(0).filename()).isEqualTo("UTF-8''p.txt");
        assertThat(parts.get(0).isFile()).isTrue();
    }

    @Test
    void aMultipartPartIsRefusedNamingItsField() {
        String nested = "Content-Type: multipart/mixed; boundary=inner\r\n";
        refused(new FormBuilder().part("Content-Disposition: form-data; name=\"media[0][url]\"\r\n" + nested,
                text("--inner\r\n\r\nA\r\n--inner--")).build(), CT, "media",
                "The form field `media[0][url]` is itself multipart/mixed; send each file as a part of its own.");
        refused(new FormBuilder().part("Content-Disposition: form-data; name=\"[x]\"\r\n" + nested,
                text("--inner\r\n\r\nA\r\n--inner--")).build(), CT, null,
                "The form field `[x]` is itself multipart/mixed; send each file as a part of its own.");
    }
}
