package io.caravan.metabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.caravan.metabase.MetabaseProperties.Card;
import java.io.IOException;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The high-water marks of incremental cards ({@code sync_cursors}): which value a run sends to the card's template
 * tag, and the new mark, written inside the load's transaction so that the rows and their mark commit together.
 */
public class CardCursors {

    /**
     * What one run exports.
     *
     * @param card the card with the cursor's parameter added to its own
     * @param from the value sent to the template tag, null when none is (the card's default applies)
     */
    public record Window(Card card, String from) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;

    public CardCursors(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The card's mark, null before its first successful run. */
    public String mark(String card) {
        List<String> marks = jdbc.queryForList("SELECT mark FROM sync_cursors WHERE card = ?", String.class, card);
        return marks.isEmpty() ? null : marks.get(0);
    }

    /**
     * The export of the next run: an incremental run asks from the mark less the overlap (or from cursor.start), a
     * full refresh from cursor.start. A card without a cursor exports as configured.
     */
    public Window window(Card card, boolean fullRefresh) throws ExportException {
        CardCursor cursor = card.cursor();
        if (cursor == null) {
            return new Window(card, null);
        }
        String from = fullRefresh ? cursor.start() : cursor.from(mark(card.name()));
        return new Window(card.withParameters(parameters(card, from)), from);
    }

    /**
     * Inside the load's transaction: the mark becomes the later of the old one and the highest value loaded (an
     * overlap re-read never moves it back), or — after a full refresh, which rebuilt the table — the highest loaded.
     * The row is locked first, so two runs of one card commit their marks one after the other.
     *
     * @return the mark now
     */
    public String advance(Card card, long syncRun, String loadedMax, boolean fullRefresh) {
        List<String> old = jdbc.queryForList("SELECT mark FROM sync_cursors WHERE card = ? FOR UPDATE", String.class, card.name());
        String current = old.isEmpty() ? null : old.get(0);
        String mark = fullRefresh ? loadedMax : card.cursor().later(current, loadedMax);
        jdbc.update("""
                INSERT INTO sync_cursors (card, mark, sync_run_id, updated_at) VALUES (?, ?, ?, now())
                ON CONFLICT (card) DO UPDATE SET mark = EXCLUDED.mark, sync_run_id = EXCLUDED.sync_run_id, updated_at = now()""",
                card.name(), mark, syncRun);
        return mark;
    }

    /** The card's own parameters, less any for the cursor's tag, plus the cursor's value. */
    static String parameters(Card card, String from) throws ExportException {
        try {
            ArrayNode merged = JSON.createArrayNode();
            for (JsonNode parameter : JSON.readTree(card.parametersJson())) {
                if (!targetsTag(parameter, card.cursor().parameter())) {
                    merged.add(parameter);
                }
            }
            if (from != null) {
                merged.add(JSON.readTree(card.cursor().parameterJson(from)));
            }
            return merged.toString();
        } catch (IOException e) {
            throw new ExportException(card.name(), "the cursor's parameter is not valid JSON: " + e.getMessage());
        }
    }

    private static boolean targetsTag(JsonNode parameter, String tag) {
        JsonNode target = parameter.path("target");
        return target.isArray() && target.size() == 2 && target.get(1).isArray() && target.get(1).size() == 2
                && "template-tag".equals(target.get(1).get(0).asText()) && tag.equals(target.get(1).get(1).asText());
    }
}
