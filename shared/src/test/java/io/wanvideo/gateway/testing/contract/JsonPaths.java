package io.wanvideo.gateway.testing.contract;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.ApiErrors;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Paths into a request tree as the API's errors write them ({@code media[1].url}, {@code input_reference.image_url}),
 * and the check that an error's {@code param} names something the client sent.
 */
public final class JsonPaths {
    private JsonPaths() {}

    /** A node of a tree: its path as errors write it, and its JSON Pointer to reach it. */
    public record Place(String path, JsonPointer pointer) {
        /** The path with positions written [], as {@code FormFieldTypes} lists fields: {@code media[].url}. */
        public String typePath() {
            return path.replaceAll("\\[[0-9]+]", "[]");
        }

        /** The top-level field. */
        public String root() {
            int cut = path.length();
            for (int i = 0; i < path.length(); i++) {
                if (path.charAt(i) == '.' || path.charAt(i) == '[') {
                    cut = i;
                    break;
                }
            }
            return path.substring(0, cut);
        }

        @Override
        public String toString() {
            return path;
        }
    }

    /** Every node below the root, parents before children. */
    public static List<Place> places(JsonNode tree) {
        List<Place> out = new ArrayList<>();
        collect(tree, "", JsonPointer.empty(), out);
        return out;
    }

    private static void collect(JsonNode node, String path, JsonPointer pointer, List<Place> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                String child = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
                JsonPointer at = pointer.appendProperty(member.getKey());
                out.add(new Place(child, at));
                collect(member.getValue(), child, at, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String child = path + "[" + i + "]";
                JsonPointer at = pointer.appendIndex(i);
                out.add(new Place(child, at));
                collect(node.get(i), child, at, out);
            }
        }
    }

    /**
     * Whether {@code param} names a node of {@code tree}: member names as sent or as an error message shortens them
     * ({@link ApiErrors#echo}), positions in brackets.
     *
     * @param absentLeaf also accept a path whose last member is absent (or null) in an object that is there: what a
     *                   "missing parameter" error names
     */
    public static boolean names(JsonNode tree, String param, boolean absentLeaf) {
        return param != null && member(tree, param, absentLeaf);
    }

    private static boolean member(JsonNode node, String rest, boolean absentLeaf) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                for (String name : List.of(entry.getKey(), ApiErrors.echo(entry.getKey()))) {
                    if (rest.startsWith(name) && below(entry.getValue(), rest.substring(name.length()), absentLeaf)) {
                        return true;
                    }
                }
            }
            boolean lastMember = rest.indexOf('.') < 0 && rest.indexOf('[') < 0;
            return absentLeaf && lastMember && (node.get(rest) == null || node.get(rest).isNull());
        }
        return false;
    }

    /** {@code rest} is what follows a node's own name: nothing, {@code .member...} or {@code [i]...}. */
    private static boolean below(JsonNode node, String rest, boolean absentLeaf) {
        if (rest.isEmpty()) {
            return true;
        }
        if (rest.startsWith(".")) {
            return member(node, rest.substring(1), absentLeaf);
        }
        if (rest.startsWith("[") && node.isArray()) {
            int close = rest.indexOf(']');
            if (close < 2 || close > 6) {
                return false;
            }
            int index;
            try {
                index = Integer.parseInt(rest.substring(1, close));
            } catch (NumberFormatException e) {
                return false;
            }
            return index >= 0 && index < node.size() && below(node.get(index), rest.substring(close + 1), absentLeaf);
        }
        return false;
    }

    /**
     * Whether {@code param} names a node of {@code tree} when positions are not compared: for a form, whose array
     * elements are not delimited, the gateway decides which element a part belongs to (README, forms), so a param
     * may put a member at another position than the tree it was encoded from.
     */
    public static boolean namesAtSomePosition(JsonNode tree, String param, boolean absentLeaf) {
        if (param == null) {
            return false;
        }
        String wanted = param.replaceAll("\\[[0-9]+]", "[]");
        List<String> known = new ArrayList<>();
        for (Place place : places(tree)) {
            known.add(place.typePath());
            int dot = place.typePath().lastIndexOf('.');
            if (dot > 0) {
                known.add(place.typePath().substring(0, dot + 1) + ApiErrors.echo(place.typePath().substring(dot + 1)));
            }
        }
        if (known.contains(wanted)) {
            return true;
        }
        int dot = wanted.lastIndexOf('.');
        return absentLeaf && (dot < 0 || known.contains(wanted.substring(0, dot)));
    }
}
