package dev.caravan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Amazon's Creators API with its token endpoint, for dev mode: a few hundred products in a few categories whose
 * prices move with the clock, so deals start and end within minutes. Each product has a 12-minute cycle: mostly its
 * normal price with small wobbles, and for three minutes of the cycle (at a product-specific offset) 25–45% off.
 */
public class FakeAmazon extends JsonHttp {

    public record Category(String slug, String name, String browseNodeId, String keywords) {
    }

    public static final List<Category> CATEGORIES = List.of(
            new Category("electronics", "Elektronik", "12466496031", "kulaklık"),
            new Category("home", "Ev ve Yaşam", "12466781031", "kahve makinesi"),
            new Category("books", "Kitaplar", "12466439031", "roman"),
            new Category("toys", "Oyuncaklar", "12466553031", "lego"));
    static final int PRODUCTS_PER_CATEGORY = 75;
    private static final long CYCLE_SECONDS = 12 * 60;
    private static final long DEAL_SECONDS = 3 * 60;

    private final String clientId;
    private final String clientSecret;
    private final Clock clock;
    private final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();

    public FakeAmazon(String clientId, String clientSecret, Clock clock) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.clock = clock;
    }

    public int requests() {
        return requests.get();
    }

    @Override
    protected void handle(HttpExchange exchange) throws Exception {
        String path = exchange.getRequestURI().getPath();
        ObjectNode body = body(exchange);
        if (path.endsWith("/auth/o2/token")) {
            token(exchange, body);
            return;
        }
        String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
        String token = authorization.replaceFirst("(?i)^Bearer\\s+", "").replaceFirst(",.*$", "").trim();
        if (!issuedTokens.contains(token)) {
            json(exchange, 401, JSON.createObjectNode().put("type", "UnauthorizedException").put("reason", "InvalidToken")
                    .put("message", "The access token is invalid or expired"));
            return;
        }
        requests.incrementAndGet();
        switch (path) {
            case "/catalog/v1/getItems" -> getItems(exchange, body);
            case "/catalog/v1/searchItems" -> searchItems(exchange, body);
            default -> json(exchange, 400, JSON.createObjectNode().put("type", "ValidationException")
                    .put("reason", "UnknownOperation").put("message", "Unknown operation " + path));
        }
    }

    private void token(HttpExchange exchange, ObjectNode body) throws Exception {
        String id = body.path("client_id").asText();
        String secret = body.path("client_secret").asText();
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(java.util.Base64.getDecoder().decode(basic.substring(6))).split(":", 2);
            id = java.net.URLDecoder.decode(pair[0], java.nio.charset.StandardCharsets.UTF_8);
            secret = pair.length > 1 ? java.net.URLDecoder.decode(pair[1], java.nio.charset.StandardCharsets.UTF_8) : "";
        }
        if (!clientId.equals(id) || !clientSecret.equals(secret)) {
            json(exchange, 401, JSON.createObjectNode().put("error", "invalid_client")
                    .put("error_description", "Client authentication failed"));
            return;
        }
        String token = "Atza|dev-" + java.util.UUID.randomUUID();
        issuedTokens.add(token);
        json(exchange, 200, JSON.createObjectNode().put("access_token", token).put("expires_in", 3600)
                .put("token_type", "bearer"));
    }

    private void getItems(HttpExchange exchange, ObjectNode body) throws Exception {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode items = response.putObject("itemsResult").putArray("items");
        ArrayNode errors = JSON.createArrayNode();
        for (JsonNode id : body.path("itemIds")) {
            String asin = id.asText();
            int index = indexOf(asin);
            if (index < 0) {
                errors.addObject().put("code", "InvalidParameterValue")
                        .put("message", "The ItemId " + asin + " is not accessible through the Creators API.");
            } else {
                items.add(item(index, body.path("partnerTag").asText("caravan-21")));
            }
        }
        if (!errors.isEmpty()) {
            response.set("errors", errors);
        }
        json(exchange, 200, response);
    }

    private void searchItems(HttpExchange exchange, ObjectNode body) throws Exception {
        int page = Math.max(1, body.path("itemPage").asInt(1));
        int count = Math.min(10, Math.max(1, body.path("itemCount").asInt(10)));
        String node = body.path("browseNodeId").asText("");
        String keywords = body.path("keywords").asText("");
        int category = -1;
        for (int c = 0; c < CATEGORIES.size(); c++) {
            if (CATEGORIES.get(c).browseNodeId().equals(node) || CATEGORIES.get(c).keywords().equalsIgnoreCase(keywords)) {
                category = c;
            }
        }
        ObjectNode response = JSON.createObjectNode();
        ObjectNode result = response.putObject("searchResult");
        ArrayNode items = result.putArray("items");
        if (category >= 0) {
            result.put("totalResultCount", PRODUCTS_PER_CATEGORY);
            for (int i = (page - 1) * count; i < Math.min(PRODUCTS_PER_CATEGORY, page * count); i++) {
                items.add(item(category * PRODUCTS_PER_CATEGORY + i, body.path("partnerTag").asText("caravan-21")));
            }
        } else {
            result.put("totalResultCount", 0);
        }
        json(exchange, 200, response);
    }

    static String asin(int index) {
        return String.format("B0DEV%05d", index);
    }

    private static int indexOf(String asin) {
        if (asin == null || !asin.matches("B0DEV\\d{5}")) {
            return -1;
        }
        int index = Integer.parseInt(asin.substring(5));
        return index < CATEGORIES.size() * PRODUCTS_PER_CATEGORY ? index : -1;
    }

    /** The product's price now: its list price with a small wobble, or a deal for 3 minutes of every 12. */
    BigDecimal priceNow(int index) {
        BigDecimal list = listPrice(index);
        long second = clock.instant().getEpochSecond() + index * 37L;
        long phase = Math.floorMod(second, CYCLE_SECONDS);
        double factor;
        if (phase < DEAL_SECONDS) {
            factor = 0.55 + (index % 5) * 0.05; // 25–45% off
        } else {
            factor = 0.97 + ((second / 60 + index) % 4) * 0.01; // −3% .. 0%
        }
        return list.multiply(BigDecimal.valueOf(factor)).setScale(2, RoundingMode.HALF_UP);
    }

    private static BigDecimal listPrice(int index) {
        return BigDecimal.valueOf(149 + (index * 7919L) % 4850).setScale(2, RoundingMode.HALF_UP);
    }

    private ObjectNode item(int index, String partnerTag) {
        Category category = CATEGORIES.get(index / PRODUCTS_PER_CATEGORY);
        String asin = asin(index);
        ObjectNode item = JSON.createObjectNode().put("asin", asin)
                .put("detailPageURL", "https://www.amazon.com.tr/dp/" + asin + "?tag=" + partnerTag);
        item.putObject("itemInfo").putObject("title").put("displayValue",
                category.name() + " ürünü #" + (index % PRODUCTS_PER_CATEGORY + 1) + " – " + asin);
        item.putObject("images").putObject("primary").putObject("large")
                .put("url", "https://m.media-amazon.com/images/I/dev-" + asin + "._SL500_.jpg").put("height", 500)
                .put("width", 500);
        item.putObject("browseNodeInfo").putArray("browseNodes").addObject().put("id", category.browseNodeId())
                .put("displayName", category.name());
        boolean outOfStock = index % 50 == 49 && (clock.instant().getEpochSecond() / 300) % 2 == 0;
        ArrayNode listings = item.putObject("offersV2").putArray("listings");
        ObjectNode listing = listings.addObject();
        listing.putObject("availability").put("type", outOfStock ? "OUT_OF_STOCK" : "IN_STOCK")
                .put("message", outOfStock ? "Şu anda mevcut değil." : "Stokta var.");
        listing.putObject("condition").put("value", "New");
        listing.put("isBuyBoxWinner", true);
        listing.putObject("merchantInfo").put("id", "A1UNQM1SR2CHM").put("name", "Amazon.com.tr");
        BigDecimal list = listPrice(index);
        BigDecimal price = priceNow(index);
        ObjectNode priceNode = listing.putObject("price");
        money(priceNode.putObject("money"), price);
        ObjectNode basis = priceNode.putObject("savingBasis");
        money(basis.putObject("money"), list);
        basis.put("savingBasisType", "LIST_PRICE").put("savingBasisTypeLabel", "Önerilen Fiyat");
        if (price.compareTo(list) < 0) {
            ObjectNode savings = priceNode.putObject("savings");
            money(savings.putObject("money"), list.subtract(price));
            savings.put("percentage", list.subtract(price).multiply(BigDecimal.valueOf(100))
                    .divide(list, 0, RoundingMode.HALF_UP).intValue());
        }
        listing.put("type", "");
        listing.put("violatesMAP", false);
        return item;
    }

    private static void money(ObjectNode node, BigDecimal amount) {
        node.put("amount", amount).put("currency", "TRY").put("displayAmount", amount.toPlainString().replace('.', ',') + " TL");
    }

    public static List<String> allAsins() {
        List<String> asins = new ArrayList<>();
        for (int i = 0; i < CATEGORIES.size() * PRODUCTS_PER_CATEGORY; i++) {
            asins.add(asin(i));
        }
        return asins;
    }
}
