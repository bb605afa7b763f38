package io.caravan.amazon;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A getItems answer: the items Amazon returned and, for a partial success, the per-item errors beside them,
 * keyed by the requested ASIN they name ({@code errors[].message} mentions it; order is not guaranteed).
 *
 * @param missing requested ASINs that came back neither as an item nor as a named error
 */
public record ItemsResponse(List<AmazonItem> items, Map<String, ItemError> errors, List<String> missing) {

    public record ItemError(String code, String message) {
    }

    /**
     * Reads a getItems body for the ASINs asked for. The items sit under {@code itemsResult} (or {@code itemResults},
     * as some answers spell it).
     */
    static ItemsResponse from(JsonNode answer, List<String> asins) {
        JsonNode result = answer.hasNonNull("itemsResult") ? answer.get("itemsResult") : answer.path("itemResults");
        List<AmazonItem> items = new ArrayList<>();
        for (JsonNode node : result.path("items")) {
            items.add(AmazonItem.from(node));
        }
        Map<String, ItemError> errors = new LinkedHashMap<>();
        List<String> unnamed = new ArrayList<>();
        for (JsonNode error : answer.path("errors")) {
            String message = error.path("message").asText("");
            ItemError itemError = new ItemError(error.path("code").asText("Unknown"), message);
            boolean named = false;
            for (String asin : asins) {
                if (message.contains(asin)) {
                    errors.put(asin, itemError);
                    named = true;
                }
            }
            if (!named) {
                unnamed.add(message);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String asin : asins) {
            if (!errors.containsKey(asin) && items.stream().noneMatch(i -> i.asin().equalsIgnoreCase(asin))) {
                missing.add(asin);
            }
        }
        // An error that names no ASIN belongs to whichever requested ASINs did not come back.
        if (!unnamed.isEmpty() && !missing.isEmpty()) {
            JsonNode first = answer.path("errors").get(0);
            for (String asin : missing) {
                errors.put(asin, new ItemError(first.path("code").asText("Unknown"), unnamed.get(0)));
            }
            missing = List.of();
        }
        return new ItemsResponse(List.copyOf(items), Map.copyOf(errors), List.copyOf(missing));
    }
}
