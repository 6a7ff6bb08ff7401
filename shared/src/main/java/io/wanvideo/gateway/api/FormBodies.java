package io.wanvideo.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a multipart/form-data request body, as the OpenAI SDKs send {@code videos.create}, into the JSON tree
 * the same request would have as a JSON body: size (413), form structure (400 {@code invalid_form}), then field
 * by field ({@link FormTree}).
 */
final class FormBodies {
    private FormBodies() {}

    static ObjectNode read(ApiRequest request, int maxBytes) {
        byte[] bytes = request.bodyBytes();
        if (bytes.length > maxBytes) {
            throw ApiError.payloadTooLarge(null, "The body is " + bytes.length + " bytes; the limit is " + maxBytes + ".");
        }
        return decode(bytes, request.header("content-type"));
    }

    static ObjectNode decode(byte[] body, String contentType) {
        FormTree tree = new FormTree();
        for (FormPart part : FormParts.read(body, contentType)) {
            tree.add(part);
        }
        return tree.toJson();
    }
}
