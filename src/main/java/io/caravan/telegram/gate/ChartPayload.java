package io.caravan.telegram.gate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The payload fields of a message whose photo is a price-history chart (telegram_charts), and what such a message
 * becomes when the chart cannot be sent. Fields starting with _ are never sent to Telegram.
 */
public final class ChartPayload {

    /** The chart's telegram_charts id: {@link Delivery} uploads it once and sends its file_id to every other chat. */
    public static final String CHART = "_chart";
    /** The product photo a chart post falls back to when Telegram refuses the chart. */
    public static final String FALLBACK_PHOTO = "_fallback_photo";

    private ChartPayload() {
    }

    /**
     * Turns a chart post's payload into its fallback: the product photo it carries, else the caption as a text
     * message. Caption, buttons and parse mode stay.
     *
     * @return the Bot API method of the fallback
     */
    public static String withoutChart(ObjectNode payload) {
        payload.remove(CHART);
        String photo = payload.path(FALLBACK_PHOTO).asText(null);
        payload.remove(FALLBACK_PHOTO);
        if (photo != null) {
            payload.put("photo", photo);
            return "sendPhoto";
        }
        payload.put("text", payload.path("caption").asText(""));
        payload.remove("caption");
        payload.putObject("link_preview_options").put("is_disabled", true);
        return "sendMessage";
    }
}
