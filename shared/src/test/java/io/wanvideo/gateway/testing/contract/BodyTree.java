package io.wanvideo.gateway.testing.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A request tree and what it must get when sent as JSON and when sent as a form (a form carries only strings, so a
 * few mutations mean something else there).
 */
public record BodyTree(String story, JsonNode tree, Expectation asJson, Expectation asForm) {
    public BodyTree withStory(String more) {
        return new BodyTree(story + "; " + more, tree, asJson, asForm);
    }

    /** Short enough to read in a failure report: long strings are cut, with their length. */
    @Override
    public String toString() {
        return story + " " + JsonText.write(abbreviated(tree), true) + " [json: " + asJson + ", form: " + asForm + "]";
    }

    static JsonNode abbreviated(JsonNode node) {
        if (node.isTextual() && node.textValue().length() > 120) {
            String text = node.textValue();
            return JsonNodeFactory.instance.textNode(text.substring(0, 60) + "...(" + text.length() + " chars)..."
                    + text.substring(text.length() - 20));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey().length() > 120 ? e.getKey().substring(0, 60) + "...(" + e.getKey().length() + " chars)" : e.getKey();
                copy.set(name, abbreviated(e.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> copy.add(abbreviated(n)));
            return copy;
        }
        return node;
    }
}
