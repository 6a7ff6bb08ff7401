package io.wanvideo.gateway.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.io.MaxHeaderLengthLimitException;
import org.apache.james.mime4j.io.MaxHeaderLimitException;
import org.apache.james.mime4j.io.MaxLineLimitException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Event;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeParseEventException;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Splits a multipart/form-data body into its parts with Apache James mime4j; the only class that knows mime4j.
 * Every way a body can fail to be a form becomes an {@link ApiError} here, worded for the client.
 */
final class FormParts {
    /** Far above any real request (a few scalars and at most six media items of three fields). */
    static final int MAX_PARTS = 64;
    /** RFC 2046, 5.1.1. */
    static final int MAX_BOUNDARY_CHARS = 70;

    private static final MimeConfig CONFIG = MimeConfig.custom()
            // A malformed part header is an error rather than the start of the part's content.
            .setStrictParsing(true)
            .setMaxHeaderCount(16)
            .setMaxHeaderLen(8 * 1024)
            .setMaxLineLen(8 * 1024)
            .build();

    private FormParts() {}

    /** @param contentType the request's Content-Type, already known to be multipart/form-data */
    static List<FormPart> read(byte[] body, String contentType) {
        String boundary = parameter(parse("Content-Type", contentType), "boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw ApiError.malformedForm(null, "The Content-Type names no boundary: send multipart/form-data; "
                    + "boundary=..., with the boundary that separates the parts of the body.");
        }
        if (boundary.length() > MAX_BOUNDARY_CHARS) {
            throw ApiError.malformedForm(null, "The form's boundary is " + boundary.length()
                    + " characters long; the limit is " + MAX_BOUNDARY_CHARS + " (RFC 2046).");
        }
        if (body.length == 0) {
            throw ApiError.malformedForm(null, "The request body is empty; send a multipart/form-data form.");
        }
        MimeTokenStream stream = new MimeTokenStream(CONFIG);
        // A message/rfc822 part stays one opaque part (refused as a file where it lands) rather than being
        // parsed as a message whose headers would mix with the part's own.
        stream.setRecursionMode(RecursionMode.M_NO_RECURSE);
        List<FormPart> parts = new ArrayList<>();
        PartHeaders headers = null;
        try {
            stream.parseHeadless(new ByteArrayInputStream(body), contentType);
            for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
                switch (state) {
                    case T_START_BODYPART:
                        if (parts.size() == MAX_PARTS) {
                            throw ApiError.malformedForm(null, "The form has more than " + MAX_PARTS + " parts.");
                        }
                        headers = new PartHeaders(parts.size() + 1);
                        break;
                    case T_FIELD:
                        if (headers != null) {
                            headers.add(stream.getField());
                        }
                        break;
                    case T_END_HEADER:
                        if (headers != null) {
                            headers.end();
                        }
                        break;
                    case T_BODY:
                        if (headers == null) {
                            throw notAForm(boundary);
                        }
                        parts.add(headers.part(stream.getInputStream().readAllBytes()));
                        headers = null;
                        break;
                    default:
                        break;
                }
            }
        } catch (MimeException | IOException e) {
            throw unreadable(e, parts.size() + 1, boundary);
        }
        return parts;
    }

    private static ApiError unreadable(Exception e, int part, String boundary) {
        // The limits arrive wrapped: a header line too long as a MimeException around MaxLineLimitException.
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof MaxHeaderLimitException || cause instanceof MaxHeaderLengthLimitException
                || cause instanceof MaxLineLimitException) {
            return ApiError.malformedForm(null, "Part " + part + " of the form has too many or too long headers.");
        }
        if (cause instanceof MimeParseEventException parseEvent) {
            Event event = parseEvent.getEvent();
            if (Event.INVALID_HEADER.equals(event) || Event.OBSOLETE_HEADER.equals(event)) {
                return ApiError.malformedForm(null, "Part " + part + " of the form has a malformed header line; "
                        + "each header is `Name: value` and the headers end with an empty line.");
            }
        }
        // What is left is a body that ends early: truncated, missing its closing boundary, or never using
        // the boundary the Content-Type names.
        return notAForm(boundary);
    }

    private static ApiError notAForm(String boundary) {
        return ApiError.malformedForm(null, "The form ends before its closing boundary `--" + boundary + "--`: "
                + "the body is truncated, or its parts are not separated by the boundary the Content-Type names.");
    }

    private static RawBody parse(String name, String value) {
        return RawFieldParser.DEFAULT.parseRawBody(new RawField(name, value));
    }

    private static String parameter(RawBody value, String name) {
        for (NameValuePair pair : value.getParams()) {
            if (pair.getName().equalsIgnoreCase(name)) {
                return pair.getValue();
            }
        }
        return null;
    }

    /** The headers of the part being read, checked as they arrive. */
    private static final class PartHeaders {
        private final int number;
        private boolean disposition;
        private String name;
        private String filename;
        private String mediaType;
        private String charset;
        private String transferEncoding;

        PartHeaders(int number) {
            this.number = number;
        }

        void add(Field field) {
            RawField raw = field instanceof RawField r ? r : new RawField(field.getName(), field.getBody());
            switch (field.getName().toLowerCase(Locale.ROOT)) {
                case "content-disposition" -> {
                    if (disposition) {
                        throw ApiError.malformedForm(null, "Part " + number + " of the form has two Content-Disposition headers.");
                    }
                    disposition = true;
                    RawBody value = RawFieldParser.DEFAULT.parseRawBody(raw);
                    if (!"form-data".equalsIgnoreCase(value.getValue())) {
                        throw ApiError.malformedForm(null, "Part " + number + " of the form is not form data: "
                                + "its Content-Disposition must be form-data; name=\"...\".");
                    }
                    name = parameter(value, "name");
                    filename = parameter(value, "filename");
                    if (filename == null) {
                        filename = parameter(value, "filename*");
                    }
                }
                case "content-type" -> {
                    RawBody value = RawFieldParser.DEFAULT.parseRawBody(raw);
                    mediaType = value.getValue().trim().toLowerCase(Locale.ROOT);
                    charset = parameter(value, "charset");
                }
                case "content-transfer-encoding" -> transferEncoding = field.getBody().trim().toLowerCase(Locale.ROOT);
                default -> {
                    // Other part headers (Content-Length, ...) say nothing about the field.
                }
            }
        }

        /** Checked before the part's content is read, so the parser never reads a part that will be refused. */
        void end() {
            if (name == null || name.isEmpty()) {
                throw ApiError.malformedForm(null, "Part " + number + " of the form has no name: each part needs "
                        + "Content-Disposition: form-data; name=\"...\".");
            }
            // RFC 2388's multipart/mixed, several files in one field: no field of the API takes several files.
            if (mediaType != null && mediaType.startsWith("multipart/")) {
                String root = name.split("\\[", 2)[0];
                throw ApiError.malformedForm(root.isEmpty() ? null : ApiErrors.echo(root), "The form field `"
                        + ApiErrors.echo(name) + "` is itself " + ApiErrors.echo(mediaType)
                        + "; send each file as a part of its own.");
            }
        }

        FormPart part(byte[] content) {
            return new FormPart(name, filename, mediaType, charset, transferEncoding, content);
        }
    }
}
