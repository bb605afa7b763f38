package io.caravan.amazon;

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
}
