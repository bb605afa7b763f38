package io.caravan.telegram.bot;

import static io.caravan.telegram.Messages.text;

import io.caravan.telegram.Language;
import io.caravan.telegram.Messages.Key;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** The categories as the bot shows them: lookups by slug or id, the ➕/✅ keyboard, the "unknown category" answer. */
public class BotCategories {

    private static final String COLUMNS = "SELECT id, slug, name, min_discount_pct, active FROM categories";
    private static final RowMapper<Category> CATEGORY = (rs, i) -> new Category(rs.getLong(1), rs.getString(2),
            rs.getString(3), rs.getBigDecimal(4), rs.getBoolean(5));

    private final JdbcTemplate jdbc;

    public BotCategories(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param minDiscount the category's own threshold, or null (then the bot's default applies)
     */
    public record Category(long id, String slug, String name, BigDecimal minDiscount, boolean active) {
    }

    public List<Category> active() {
        return jdbc.query(COLUMNS + " WHERE active ORDER BY slug", CATEGORY);
    }

    /** Case-insensitive; inactive categories too (a user must be able to leave one that was switched off). */
    public Optional<Category> bySlug(String slug) {
        return jdbc.query(COLUMNS + " WHERE lower(slug) = lower(?)", CATEGORY, slug).stream().findFirst();
    }

    public Optional<Category> byId(long id) {
        return jdbc.query(COLUMNS + " WHERE id = ?", CATEGORY, id).stream().findFirst();
    }

    /** One button per category: ✅ and {@code unsub:<id>} when subscribed, ➕ and {@code sub:<id>} when not. */
    public Map<String, Object> keyboard(long chatId, List<Category> categories) {
        Set<Long> subscribed = Set.copyOf(jdbc.queryForList(
                "SELECT category_id FROM subscriptions WHERE chat_id = ?", Long.class, chatId));
        List<List<Map<String, String>>> rows = new ArrayList<>();
        for (Category category : categories) {
            boolean on = subscribed.contains(category.id());
            rows.add(List.of(Map.of("text", (on ? "✅ " : "➕ ") + category.name(),
                    "callback_data", (on ? "unsub:" : "sub:") + category.id())));
        }
        return Map.of("inline_keyboard", rows);
    }

    /** The answer to a slug that names no (active) category: the valid slugs, or that there are none. */
    public String unknown(Language language, String given) {
        List<String> slugs = active().stream().map(Category::slug).toList();
        if (slugs.isEmpty()) {
            return text(language, Key.NO_CATEGORIES);
        }
        return text(language, Key.UNKNOWN_CATEGORY, BotReplies.echo(given), String.join(", ", slugs));
    }

    /** A slug for the usage examples: the first active one. */
    public String exampleSlug() {
        return active().stream().map(Category::slug).findFirst().orElse("electronics");
    }
}
