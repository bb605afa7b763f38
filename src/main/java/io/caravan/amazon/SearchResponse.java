package io.caravan.amazon;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** One page of searchItems; {@code totalResultCount} lets discovery stop paging early. */
public record SearchResponse(List<AmazonItem> items, int totalResultCount) {

    static SearchResponse from(JsonNode answer) {
        JsonNode result = answer.path("searchResult");
        List<AmazonItem> items = new ArrayList<>();
        for (JsonNode node : result.path("items")) {
            items.add(AmazonItem.from(node));
        }
        return new SearchResponse(List.copyOf(items), result.path("totalResultCount").asInt(items.size()));
    }
}
