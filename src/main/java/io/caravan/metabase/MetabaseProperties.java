package io.caravan.metabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Metabase cards synced into PostgreSQL. Without {@code url} the flow is off (no jobs), so a hub without Metabase
 * still starts. Every name that becomes SQL is checked here, so a bad card stops startup and names itself.
 *
 * @param url           Metabase's base URL, e.g. {@code https://metabase.example.com}
 * @param apiKey        an API key (Metabase 0.49+), sent as {@code x-api-key}; preferred over a session
 * @param username      for a session from {@code POST /api/session} when there is no API key
 * @param password      its password; registered with Secrets, never logged
 * @param maxParallel   cards syncing at the same time on one instance; the others wait their turn
 * @param connectTimeout connect timeout of every call
 * @param readTimeout   longest silence while reading; Metabase ends exports after 10 minutes by default
 * @param retries       attempts of a whole sync after a transport error or a 5xx, with exponential backoff
 * @param retryBackoff  first wait between attempts (doubles)
 * @param circuitBreaker failures in a row after which syncs fail fast for {@code circuitOpenFor}
 * @param circuitOpenFor how long the breaker stays open before one trial sync
 * @param rowLimit      Metabase's export cap; a result of exactly this many rows is silently truncated by Metabase,
 *                      so it fails the sync (raise it with Metabase's MB_DOWNLOAD_ROW_LIMIT, then here)
 * @param cards         the cards; each is the job {@code metabase-<name>}
 */
@Validated
@ConfigurationProperties("caravan.metabase")
public record MetabaseProperties(
        URI url,
        String apiKey,
        String username,
        String password,
        @Min(1) @Max(64) @DefaultValue("8") int maxParallel,
        @NotNull @DefaultValue("10s") Duration connectTimeout,
        @NotNull @DefaultValue("10m") Duration readTimeout,
        @Min(1) @Max(10) @DefaultValue("3") int retries,
        @NotNull @DefaultValue("5s") Duration retryBackoff,
        @Min(1) @DefaultValue("5") int circuitBreaker,
        @NotNull @DefaultValue("5m") Duration circuitOpenFor,
        @Min(1) @DefaultValue("1048575") long rowLimit,
        @Valid List<Card> cards) {

    static final String IDENTIFIER = "[a-z_][a-z0-9_]{0,62}";
    private static final ObjectMapper JSON = new ObjectMapper();

    public MetabaseProperties {
        url = url == null || url.toString().isBlank() ? null : url;
        cards = cards == null ? List.of() : List.copyOf(cards);
        if (!cards.isEmpty() && url == null) {
            throw new IllegalArgumentException("caravan.metabase.url is required when cards are configured");
        }
        boolean apiKeySet = apiKey != null && !apiKey.isBlank();
        boolean loginSet = username != null && !username.isBlank();
        if (url != null && !apiKeySet && !loginSet) {
            throw new IllegalArgumentException("caravan.metabase.api-key (or caravan.metabase.username + password) is required");
        }
        if (!apiKeySet && loginSet && (password == null || password.isEmpty())) {
            throw new IllegalArgumentException("caravan.metabase.password is required with caravan.metabase.username");
        }
        Set<String> names = new HashSet<>();
        Set<String> tables = new HashSet<>();
        for (int i = 0; i < cards.size(); i++) {
            Card card = cards.get(i);
            String key = "caravan.metabase.cards[" + i + "]";
            if (!names.add(card.name())) {
                throw new IllegalArgumentException(key + ".name: two cards are named '" + card.name() + "'");
            }
            if (!tables.add(card.qualifiedTable())) {
                throw new IllegalArgumentException(key + " (" + card.name() + "): another card already loads " + card.qualifiedTable());
            }
            card.checkCursor(key + " (" + card.name() + ")");
        }
    }

    public boolean configured() {
        return url != null;
    }

    public boolean usesApiKey() {
        return apiKey != null && !apiKey.isBlank();
    }

    public enum Mode { REPLACE, UPSERT, APPEND }

    public enum Drift {
        /** Keep the old table and fail the run, naming the columns that changed. */
        FAIL,
        /** Add new columns, keep removed ones (nullable), convert retyped ones when the values allow. */
        EVOLVE
    }

    /**
     * One saved question.
     *
     * @param name       lower-case id: the job is {@code metabase-<name>}, the dataset in events {@code metabase.<name>}
     * @param id         the card's id in Metabase
     * @param schema     target schema (created when missing)
     * @param table      target table; defaults to the name with '-' as '_'
     * @param key        the upsert key (a unique index on it is created)
     * @param cron       Quartz cron; the analytics team's daily refresh is 09:00 Tehran time
     * @param parameters Metabase parameter JSON array, for native template tags
     * @param geometry   columns holding WKT or GeoJSON, loaded as PostGIS geometry with a GiST index
     * @param allowEmpty whether an empty result may replace a table
     * @param maxAge     older than this since the last good sync, the dataset is reported stale
     * @param cursor     makes the card incremental (mode append or upsert): see {@link CardCursor}
     * @param fullRefresh Quartz cron of a second job, {@code metabase-<name>-full-refresh}, that rebuilds the table
     *                   from the cursor's start in one replace and resets the mark (e.g. weekly)
     */
    public record Card(String name,
                       @Min(value = 1, message = "must be a Metabase card id") long id,
                       @DefaultValue("metabase") String schema,
                       String table,
                       @DefaultValue("replace") Mode mode,
                       List<String> key,
                       @DefaultValue("0 0 9 * * ?") String cron,
                       @DefaultValue("Asia/Tehran") String timeZone,
                       String parameters,
                       @Valid List<Index> indexes,
                       List<String> geometry,
                       @Valid @DefaultValue Invalidate invalidate,
                       List<URI> warmUrls,
                       @DefaultValue("fail") Drift drift,
                       @DefaultValue("false") boolean allowEmpty,
                       @DefaultValue("26h") Duration maxAge,
                       @DefaultValue("true") boolean enabled,
                       String description,
                       @Valid CardCursor cursor,
                       String fullRefresh) {

        public Card {
            if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,50}")) {
                throw new IllegalArgumentException("caravan.metabase.cards[].name '" + name
                        + "' must be lower-case letters, digits and '-'");
            }
            String where = "card '" + name + "': ";
            table = table == null || table.isBlank() ? name.replace('-', '_') : table;
            requireIdentifier(where + "table", table);
            requireIdentifier(where + "schema", schema);
            key = lowerCase(key);
            geometry = lowerCase(geometry);
            key.forEach(column -> requireIdentifier(where + "key", column));
            geometry.forEach(column -> requireIdentifier(where + "geometry", column));
            if (mode == Mode.UPSERT && key.isEmpty()) {
                throw new IllegalArgumentException(where + "mode upsert needs key[] (the columns that identify a row)");
            }
            try {
                ZoneId.of(timeZone);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(where + "time-zone '" + timeZone + "' is not a time zone");
            }
            if (parameters != null && !parameters.isBlank()) {
                try {
                    JsonNode parsed = JSON.readTree(parameters);
                    if (!parsed.isArray()) {
                        throw new IllegalArgumentException(where + "parameters must be a JSON array of Metabase parameters");
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException(where + "parameters is not valid JSON: " + e.getMessage());
                }
            }
            indexes = indexes == null ? List.of() : List.copyOf(indexes);
            for (Index index : indexes) {
                index.columns().forEach(column -> requireIdentifier(where + "indexes[].columns", column));
            }
            warmUrls = warmUrls == null ? List.of() : List.copyOf(warmUrls);
            fullRefresh = fullRefresh == null || fullRefresh.isBlank() ? null : fullRefresh.trim();
            // (the cursor's fit with the mode is checked for configured cards only: a full refresh is a replace with one)
        }

        public String job() {
            return "metabase-" + name;
        }

        public String dataset() {
            return "metabase." + name;
        }

        public String qualifiedTable() {
            return schema + "." + table;
        }

        /** These settings with another target, as a {@code pgload:} step names it (checked as any card's). */
        public Card loadingInto(String schema, String table, Mode mode) {
            // A replace (the full refresh) of an incremental card keeps its cursor, to read the new mark.
            return new Card(name, id, schema, table, mode, key, cron, timeZone, parameters, indexes, geometry, invalidate, warmUrls,
                    drift, allowEmpty, maxAge, enabled, description, cursor, fullRefresh);
        }

        /** These settings exporting with other parameters (the cursor's value added to the card's own). */
        public Card withParameters(String json) {
            return new Card(name, id, schema, table, mode, key, cron, timeZone, json, indexes, geometry, invalidate, warmUrls,
                    drift, allowEmpty, maxAge, enabled, description, cursor, fullRefresh);
        }

        void checkCursor(String where) {
            if (cursor != null && mode == Mode.REPLACE) {
                throw new IllegalArgumentException(where + ": a cursor loads only the new rows, so mode must be append or upsert"
                        + " (full-refresh rebuilds the whole table)");
            }
            if (cursor != null && cursor.overlap() != null && mode != Mode.UPSERT) {
                throw new IllegalArgumentException(where + ": cursor.overlap re-reads rows already loaded, so it needs mode upsert");
            }
            if (fullRefresh != null && cursor == null) {
                throw new IllegalArgumentException(where + ": full-refresh rebuilds an incremental card, so it needs a cursor");
            }
        }

        public String fullRefreshJob() {
            return job() + "-full-refresh";
        }

        public String parametersJson() {
            return parameters == null || parameters.isBlank() ? "[]" : parameters;
        }

        private static List<String> lowerCase(List<String> columns) {
            return columns == null ? List.of() : columns.stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
        }
    }

    /**
     * An index to create on the target table.
     *
     * @param method {@code btree} (default), {@code hash}, {@code gin}, {@code gist} or {@code brin}
     */
    public record Index(List<String> columns, @DefaultValue("false") boolean unique, @DefaultValue("btree") String method) {
        public Index {
            columns = columns == null ? List.of() : columns.stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("an index needs columns[]");
            }
            if (!Set.of("btree", "hash", "gin", "gist", "brin").contains(method)) {
                throw new IllegalArgumentException("index method '" + method + "' is not btree, hash, gin, gist or brin");
            }
        }
    }

    /** Redis entries dropped after each successful sync (through the outbox's {@code dataset.changed}). */
    public record Invalidate(List<String> keys, List<String> patterns, List<String> tags) {
        public Invalidate {
            keys = keys == null ? List.of() : List.copyOf(keys);
            patterns = patterns == null ? List.of() : List.copyOf(patterns);
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }

    static void requireIdentifier(String where, String value) {
        if (value == null || !value.matches(IDENTIFIER)) {
            throw new IllegalArgumentException(where + " '" + value
                    + "' is not a valid identifier (lower-case letters, digits and '_', at most 63, not starting with a digit)");
        }
    }
}
