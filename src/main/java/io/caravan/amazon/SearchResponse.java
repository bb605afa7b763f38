package io.caravan.amazon;

import java.util.List;

/** One page of searchItems; {@code totalResultCount} lets discovery stop paging early. */
public record SearchResponse(List<AmazonItem> items, int totalResultCount) {
}
