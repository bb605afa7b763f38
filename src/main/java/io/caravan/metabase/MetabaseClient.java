package io.caravan.metabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Metabase's REST API as the sync needs it: a card's columns from {@code GET /api/card/{id}} and its rows as a
 * streamed, unformatted CSV export. Apache HttpClient (already here through camel-http) because it has a read timeout
 * per socket read, which a stream that may last ten minutes needs; connections are never reused because Metabase
 * closes them and a reused streaming connection corrupted later requests (metabase#46071).
 */
public class MetabaseClient implements AutoCloseable {

    /** One column of a card as Metabase describes it. */
    public record Column(String name, String displayName, String baseType) {
    }

    /** What a caller does with the export while it streams; the response is closed afterwards. */
    public interface ExportReader<T> {
        T read(ExportStream export) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetabaseProperties settings;
    private final CloseableHttpClient http;
    private final AtomicReference<String> session = new AtomicReference<>();

    public MetabaseClient(MetabaseProperties settings) {
        this.settings = settings;
        ConnectionConfig connections = ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                .setSocketTimeout(Timeout.of(settings.readTimeout()))
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(connections)
                        .setMaxConnTotal(settings.maxParallel() * 2 + 2)
                        .setMaxConnPerRoute(settings.maxParallel() * 2 + 2)
                        .build())
                .setConnectionReuseStrategy((request, response, context) -> false)
                .disableAutomaticRetries()
                .disableCookieManagement()
                .build();
    }

    /** The card's result columns ({@code result_metadata}), in the card's order. */
    public List<Column> columns(MetabaseProperties.Card card) throws IOException {
        String path = "/api/card/" + card.id() + "?ignore_view=true";
        return call(card, () -> new HttpGet(uri(path)), (request, response) -> {
            String body = text(response.getEntity());
            JsonNode metadata;
            try {
                metadata = JSON.readTree(body).path("result_metadata");
            } catch (IOException e) {
                throw new ExportException(card.name(), "GET " + path + " did not return JSON: " + ExportStream.snippet(body));
            }
            if (!metadata.isArray() || metadata.isEmpty()) {
                throw new ExportException(card.name(), "Metabase has no result_metadata for card " + card.id()
                        + " (a card that never ran has none): open and run it once in Metabase");
            }
            List<Column> columns = new ArrayList<>();
            for (JsonNode column : metadata) {
                columns.add(new Column(column.path("name").asText(), column.path("display_name").asText(column.path("name").asText()),
                        column.path("base_type").asText("type/Text")));
            }
            return columns;
        });
    }

    /**
     * Streams {@code POST /api/card/{id}/query/csv} into {@code reader}, never holding the whole result: {@link #open}
     * for callers outside a route. A reader that fails, or stops before the end, cuts the connection instead of
     * draining it (a failed load would otherwise wait for the whole export).
     */
    public <T> T export(MetabaseProperties.Card card, ExportReader<T> reader) throws IOException {
        Export export = open(card);
        try {
            T result = reader.read(export.stream());
            export.close();
            return result;
        } catch (IOException | RuntimeException e) {
            export.abort();
            throw e;
        } catch (Exception e) {
            export.abort();
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * A streamed export handed to its reader outside this client: the header row is already read and checked (an error
     * object or an HTML page instead of CSV fails here), the rows are read from {@link #stream()}. The owner closes it
     * once the stream was read to its end, or aborts it — the connection is cut, not drained — when the load failed.
     */
    public static final class Export implements AutoCloseable {
        private final HttpUriRequestBase request;
        private final CloseableHttpResponse response;
        private final ExportStream stream;

        private Export(HttpUriRequestBase request, CloseableHttpResponse response, ExportStream stream) {
            this.request = request;
            this.response = response;
            this.stream = stream;
        }

        public ExportStream stream() {
            return stream;
        }

        /** Releases the connection of an export read to its end; one that was not is cut instead of drained. */
        @Override
        public void close() throws IOException {
            if (stream.atEnd()) {
                response.close();
            } else {
                abort();
            }
        }

        /** Cuts the connection of an export that will not be read further. */
        public void abort() {
            request.cancel();
            try {
                response.close();
            } catch (IOException ignored) {
                // The exchange already failed; the socket is gone either way.
            }
        }
    }

    /** {@code POST /api/card/{id}/query/csv} with the options as form data, returned open: see {@link Export}. */
    public Export open(MetabaseProperties.Card card) throws IOException {
        String path = "/api/card/" + card.id() + "/query/csv";
        List<NameValuePair> form = exportForm(card);
        return call(card, () -> {
            HttpPost post = new HttpPost(uri(path));
            post.setEntity(new UrlEncodedFormEntity(form, StandardCharsets.UTF_8));
            return post;
        }, (request, response) -> {
            HttpEntity entity = response.getEntity();
            if (entity == null) {
                throw new ExportException(card.name(), "Metabase answered " + response.getCode() + " with no body");
            }
            String type = entity.getContentType() == null ? "" : entity.getContentType();
            InputStream in = entity.getContent();
            if (type.startsWith("text/html")) {
                throw new ExportException(card.name(), "Metabase answered with an HTML page instead of CSV (a login page or a proxy?): "
                        + ExportStream.snippet(new String(in.readNBytes(4096), StandardCharsets.UTF_8)));
            }
            ExportStream export = new ExportStream(in, card.name());
            export.header();
            return new Export(request, response, export);
        }, true);
    }

    /**
     * The export's options as form data, as Metabase's own UI sends them: the one encoding every version reads. Up to
     * 0.52 a JSON body is ignored on this endpoint (parameters dropped, values formatted), from 0.53 query parameters
     * are; see docs/metabase-versions.md. {@code format_rows} is always explicit: it defaulted to true from 0.49.3.
     */
    static List<NameValuePair> exportForm(MetabaseProperties.Card card) throws IOException {
        return List.of(new BasicNameValuePair("format_rows", "false"),
                new BasicNameValuePair("parameters", JSON.readTree(card.parametersJson()).toString()));
    }

    private interface RequestFactory {
        HttpUriRequestBase create();
    }

    private interface ResponseHandler<T> {
        T handle(HttpUriRequestBase request, CloseableHttpResponse response) throws IOException;
    }

    private <T> T call(MetabaseProperties.Card card, RequestFactory factory, ResponseHandler<T> handler) throws IOException {
        return call(card, factory, handler, false);
    }

    /** @param keepOpen the handler's result owns the response (a streamed export): it is not closed after a success */
    private <T> T call(MetabaseProperties.Card card, RequestFactory factory, ResponseHandler<T> handler, boolean keepOpen)
            throws IOException {
        boolean renewed = false;
        while (true) {
            HttpUriRequestBase request = factory.create();
            authenticate(request, card);
            CloseableHttpResponse response = null;
            boolean handedOver = false;
            try {
                response = http.execute(request);
                int status = response.getCode();
                if (status == 401) {
                    String body = text(response.getEntity());
                    if (!settings.usesApiKey() && !renewed) {
                        // Sessions are cached (logins are rate-limited) and renewed only when Metabase says so.
                        session.set(null);
                        renewed = true;
                        continue;
                    }
                    throw new ExportException(card.name(), "Metabase rejected the "
                            + (settings.usesApiKey() ? "API key" : "session") + " (401 " + ExportStream.snippet(body) + ")");
                }
                if (status >= 300) {
                    String body = text(response.getEntity());
                    String message = "Metabase answered HTTP " + status + " to " + request.getMethod() + " "
                            + request.getRequestUri().replaceAll("\\?.*", "") + ": " + MetabaseErrors.describe(body);
                    throw status >= 500 || status == 429
                            ? new ExportException(card.name(), message, new IOException("HTTP " + status))
                            : new ExportException(card.name(), message);
                }
                T result = handler.handle(request, response);
                handedOver = keepOpen;
                return result;
            } catch (ExportException e) {
                throw e;
            } catch (IOException e) {
                throw new ExportException(card.name(), request.getMethod() + " " + request.getRequestUri().replaceAll("\\?.*", "")
                        + " failed: " + e, e);
            } finally {
                if (response != null && !handedOver) {
                    if (keepOpen) {
                        request.cancel(); // a failed export is cut, not drained
                    }
                    closeQuietly(response);
                }
            }
        }
    }

    /** Closing never replaces the error being reported (or the result being returned). */
    private static void closeQuietly(CloseableHttpResponse response) {
        try {
            response.close();
        } catch (IOException ignored) {
            // The connection is not reused anyway.
        }
    }

    private void authenticate(HttpUriRequestBase request, MetabaseProperties.Card card) throws IOException {
        if (settings.usesApiKey()) {
            request.setHeader("x-api-key", settings.apiKey());
        } else {
            request.setHeader("X-Metabase-Session", session(card));
        }
    }

    private String session(MetabaseProperties.Card card) throws IOException {
        String current = session.get();
        if (current != null) {
            return current;
        }
        synchronized (session) {
            if (session.get() != null) {
                return session.get();
            }
            HttpPost login = new HttpPost(uri("/api/session"));
            ObjectNode credentials = JSON.createObjectNode().put("username", settings.username()).put("password", settings.password());
            login.setEntity(new StringEntity(credentials.toString(), ContentType.APPLICATION_JSON));
            try (CloseableHttpResponse response = http.execute(login)) {
                String body = text(response.getEntity());
                if (response.getCode() >= 300) {
                    throw new ExportException(card.name(), "Metabase refused the login of " + settings.username()
                            + " (HTTP " + response.getCode() + ": " + MetabaseErrors.describe(body) + ")");
                }
                String id = JSON.readTree(body).path("id").asText("");
                if (id.isEmpty()) {
                    throw new ExportException(card.name(), "POST /api/session returned no session id");
                }
                session.set(id);
                return id;
            } catch (ExportException e) {
                throw e;
            } catch (IOException e) {
                throw new ExportException(card.name(), "POST /api/session failed: " + e, e);
            }
        }
    }

    private URI uri(String path) {
        String base = settings.url().toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    private static String text(HttpEntity entity) throws IOException {
        if (entity == null) {
            return "";
        }
        try (InputStream in = entity.getContent()) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException {
        http.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
    }
}
