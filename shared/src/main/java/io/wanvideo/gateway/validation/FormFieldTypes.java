package io.wanvideo.gateway.validation;

import java.util.Map;

/**
 * The contract's type for each field that is not a plain string, for encodings that carry only strings and
 * files (a multipart/form-data body, as the OpenAI SDKs send). JSON bodies carry their own types and need
 * none of this. It sits beside {@link VideoRequestValidator} so that a field's type is decided in one
 * package: a field added there with a non-string type is added here too.
 */
public final class FormFieldTypes {
    public enum FormFieldType {
        /** Exactly "true" or "false" becomes a JSON boolean; anything else stays a string. */
        BOOLEAN,
        /** A whole number written as JSON would write it ("42", "-1") becomes a JSON integer. */
        INTEGER,
        /** A string (a URL), or an uploaded image file, which becomes a data:image/...;base64 URI. */
        IMAGE,
        /** A string; an uploaded file here is refused. */
        TEXT
    }

    /**
     * By JSON path, with every array position written {@code []}; a field not listed is {@link FormFieldType#TEXT}.
     * {@code seconds} is not listed: the contract types it as a string of an integer, and the validator also
     * takes a JSON integer, so it stays as sent.
     */
    public static final Map<String, FormFieldType> BY_PATH = Map.of(
            "prompt_extend", FormFieldType.BOOLEAN,
            "watermark", FormFieldType.BOOLEAN,
            "seed", FormFieldType.INTEGER,
            "duration", FormFieldType.INTEGER,
            "media[].url", FormFieldType.IMAGE,
            "input_reference", FormFieldType.IMAGE,
            "reference_image", FormFieldType.IMAGE,
            "reference_image[]", FormFieldType.IMAGE,
            "first_frame", FormFieldType.IMAGE);

    private FormFieldTypes() {}

    /** @param path a JSON path with array positions written {@code []}, such as {@code media[].url} */
    public static FormFieldType of(String path) {
        return BY_PATH.getOrDefault(path, FormFieldType.TEXT);
    }
}
