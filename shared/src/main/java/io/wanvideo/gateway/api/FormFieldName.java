package io.wanvideo.gateway.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A form field's name read as a path into the JSON tree, in the bracket notation the OpenAI SDKs flatten nested
 * values into: {@code input_reference[image_url]} (an object member), {@code media[][url]} (a member of an
 * array element), {@code reference_image[]} (an array element), {@code media[0][url]} (an array position).
 *
 * @param root the top-level field
 * @param subscripts what each bracket pair says, outermost first
 */
record FormFieldName(String root, List<Subscript> subscripts) {
    /** Two levels carry every field of the contract ({@code media[][url]}); a little room beyond that. */
    static final int MAX_SUBSCRIPTS = 4;
    static final int MAX_CHARS = 256;
    private static final int MAX_INDEX_DIGITS = 4;

    /** One bracket pair: {@code [key]}, {@code [0]} or {@code []}. */
    record Subscript(Kind kind, String key, int index) {
        enum Kind { MEMBER, POSITION, APPEND }

        static Subscript member(String key) {
            return new Subscript(Kind.MEMBER, key, -1);
        }
    }

    /** @throws ApiError when the name cannot be read as a path */
    static FormFieldName parse(String name) {
        int open = name.indexOf('[');
        String root = open < 0 ? name : name.substring(0, open);
        // A name is a client's value: as a param or in a message, it is shown as messages show any (ApiErrors.echo).
        String param = root.isEmpty() ? null : ApiErrors.echo(root);
        if (name.length() > MAX_CHARS) {
            throw ApiError.malformedForm(param, "A form field name is " + name.length() + " characters long; the limit is "
                    + MAX_CHARS + ".");
        }
        if (root.isEmpty() || root.indexOf(']') >= 0) {
            throw badName(param, name);
        }
        List<Subscript> subscripts = new ArrayList<>();
        int at = open;
        while (at >= 0 && at < name.length()) {
            if (name.charAt(at) != '[') {
                throw badName(param, name);
            }
            int close = name.indexOf(']', at);
            if (close < 0) {
                throw badName(param, name);
            }
            String inside = name.substring(at + 1, close);
            if (inside.indexOf('[') >= 0) {
                throw badName(param, name);
            }
            subscripts.add(subscript(inside, param, name));
            if (subscripts.size() > MAX_SUBSCRIPTS) {
                throw ApiError.malformedForm(param, "The form field `" + ApiErrors.echo(name) + "` nests deeper than "
                        + MAX_SUBSCRIPTS
                        + " levels; no field of the API does.");
            }
            at = close + 1;
        }
        return new FormFieldName(root, List.copyOf(subscripts));
    }

    private static Subscript subscript(String inside, String param, String name) {
        if (inside.isEmpty()) {
            return new Subscript(Subscript.Kind.APPEND, null, -1);
        }
        for (int i = 0; i < inside.length(); i++) {
            if (inside.charAt(i) < '0' || inside.charAt(i) > '9') {
                return Subscript.member(inside);
            }
        }
        // A position is written as JSON writes a number; "01" would be a different field from "1" to a client.
        if (inside.length() > MAX_INDEX_DIGITS || (inside.length() > 1 && inside.charAt(0) == '0')) {
            throw ApiError.malformedForm(param, "The form field `" + ApiErrors.echo(name) + "` has the array position ["
                    + ApiErrors.echo(inside)
                    + "]; write positions as 0, 1, 2, ...");
        }
        return new Subscript(Subscript.Kind.POSITION, null, Integer.parseInt(inside));
    }

    private static ApiError badName(String param, String name) {
        return ApiError.malformedForm(param, "The form field name `" + ApiErrors.echo(name)
                + "` is not a field or a path such as "
                + "media[][url], media[0][url] or input_reference[image_url].");
    }
}
