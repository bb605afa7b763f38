package io.caravan.metabase;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Metabase CSV export on its way to PostgreSQL's COPY, checked byte by byte without holding it: Metabase reports a
 * failed query with a 2xx status and a JSON body, or appends that JSON after the rows it managed to send, and a cut
 * connection may look like a clean end. This stream reads the header row itself, passes the data rows through, and
 * throws {@link ExportException} (stopping the COPY) on an error object, an HTML page, a stream that ends inside a row
 * or a transport error, so a bad export never reaches the target table.
 */
public final class ExportStream extends InputStream {

    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    private final InputStream in;
    private final String card;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    /** Bytes before {@code scanned} have been checked and may be handed out. */
    private int scanned;
    private boolean eof;
    private boolean inQuotes;
    private boolean atLineStart = true;
    private boolean lastWasQuote;
    private long rows;
    private long bytes;
    private List<String> header;
    /** Checks the first rows' values while set; dropped after {@link PlainValues#SAMPLE_ROWS} rows. */
    private PlainValues plain;

    ExportStream(InputStream in, String card) {
        this.in = in;
        this.card = card;
    }

    /** The header row's titles, read before any data is handed out. */
    List<String> header() throws IOException {
        if (header == null) {
            header = readHeader();
        }
        return header;
    }

    /**
     * Checks the first data rows for values Metabase formatted (see {@link PlainValues}) before they are handed out.
     *
     * @param ordered the columns in the header's order
     */
    void expectPlain(List<CardColumns.Column> ordered) {
        if (rows == 0 && position == scanned) {
            plain = new PlainValues(card, ordered);
        }
    }

    /** Complete data rows handed out so far (the header not counted). */
    long rows() {
        return rows;
    }

    /** Whether Metabase's stream was read to its end. */
    boolean atEnd() {
        return eof && position == limit;
    }

    /** Bytes read from Metabase, header included. */
    long bytes() {
        return bytes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        header();
        if (length == 0) {
            return 0;
        }
        while (position == scanned) {
            if (!scan()) {
                return -1;
            }
        }
        int n = Math.min(length, scanned - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Checks more bytes; false at a clean end of the export. */
    private boolean scan() throws IOException {
        if (scanned == limit && !fill()) {
            if (inQuotes) {
                throw new ExportException(card, "the export ended inside a quoted field after " + rows
                        + " complete rows: the stream was cut");
            }
            if (!atLineStart) {
                throw new ExportException(card, "the export ended in the middle of a row after " + rows
                        + " complete rows: the stream was cut");
            }
            return false;
        }
        if (plain == null) {
            fastScan();
        }
        while (scanned < limit) {
            byte b = buffer[scanned];
            if (atLineStart && !inQuotes && b == '{') {
                // A CSV field that starts with '{' and is not quoted cannot hold a quote; Metabase's error trailer does.
                if (scanned + 1 >= limit && !eof) {
                    if (scanned > position) {
                        return true; // hand out what is clean, look again with more bytes
                    }
                    fill();
                    continue;
                }
                if (scanned + 1 < limit && buffer[scanned + 1] == '"') {
                    throw failedQuery(rows);
                }
            }
            atLineStart = false;
            if (b == '"') {
                inQuotes = !inQuotes;
            } else if (b == '\n' && !inQuotes) {
                rows++;
                atLineStart = true;
                if (plain != null) {
                    plain.rowEnded(rows);
                    if (rows >= PlainValues.SAMPLE_ROWS) {
                        plain = null;
                    }
                    scanned++;
                    continue;
                }
            }
            if (plain != null) {
                plain.accept(b);
            }
            scanned++;
        }
        return true;
    }

    /**
     * The same scan on local variables, for the rows after the sample (nearly all of them): with eight cards at once
     * the JVM's CPU is taken from PostgreSQL's COPY on the same cores. Stops before a '{' at the start of a line,
     * which the loop in {@link #scan()} examines.
     */
    private void fastScan() {
        byte[] buf = buffer;
        int i = scanned;
        int end = limit;
        boolean quotes = inQuotes;
        boolean lineStart = atLineStart;
        long n = rows;
        while (i < end) {
            byte b = buf[i];
            if (lineStart) {
                if (!quotes && b == '{') {
                    break;
                }
                lineStart = false;
            }
            if (b == '"') {
                quotes = !quotes;
            } else if (b == '\n' && !quotes) {
                n++;
                lineStart = true;
            }
            i++;
        }
        scanned = i;
        inQuotes = quotes;
        atLineStart = lineStart;
        rows = n;
    }

    /** Reads more bytes behind the unread ones; false at the end of the input. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            scanned -= position;
            limit -= position;
            position = 0;
        }
        if (limit == buffer.length) {
            throw new IllegalStateException("export buffer full");
        }
        int n;
        try {
            n = in.read(buffer, limit, buffer.length - limit);
        } catch (IOException e) {
            throw new ExportException(card, "the connection failed after " + rows + " complete rows (" + bytes
                    + " bytes): " + e.getMessage(), e);
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        bytes += n;
        limit += n;
        return true;
    }

    private List<String> readHeader() throws IOException {
        // Skip the keep-alive newlines some versions send before the first byte of the result.
        while (true) {
            if (position == limit && !fill()) {
                throw new ExportException(card, "Metabase sent an empty export (no header row)");
            }
            byte b = buffer[position];
            if (b == '\n' || b == '\r' || b == ' ') {
                position++;
                continue;
            }
            if (b == '{') {
                throw failedQuery(-1);
            }
            if (b == '<') {
                throw new ExportException(card, "Metabase answered with an HTML page instead of CSV (a login page or a proxy?): "
                        + snippet(rest()));
            }
            break;
        }
        scanned = position;
        List<String> titles = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        boolean quoted = false;
        while (true) {
            if (position == limit && !fill()) {
                throw new ExportException(card, "the export ended inside its header row");
            }
            byte b = buffer[position++];
            if (quoted) {
                if (b == '"') {
                    if (position == limit) {
                        fill();
                    }
                    if (position < limit && buffer[position] == '"') {
                        field.write('"');
                        position++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.write(b);
                }
            } else if (b == '"') {
                quoted = true;
            } else if (b == ',') {
                titles.add(field.toString(StandardCharsets.UTF_8));
                field.reset();
            } else if (b == '\n') {
                String last = field.toString(StandardCharsets.UTF_8);
                titles.add(last.endsWith("\r") ? last.substring(0, last.length() - 1) : last);
                break;
            } else {
                field.write(b);
            }
        }
        scanned = position;
        return List.copyOf(titles);
    }

    private ExportException failedQuery(long afterRows) throws IOException {
        String body = rest();
        String message = MetabaseErrors.describe(body);
        String where = afterRows < 0 ? "" : " after " + afterRows + " rows";
        return new ExportException(card, "Metabase reported a failed query" + where + ": " + message);
    }

    /** What is left of the export (bounded), for an error message. */
    private String rest() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = Math.max(scanned, position);
        out.write(buffer, from, limit - from);
        byte[] chunk = new byte[8192];
        int n;
        try {
            while (out.size() < ERROR_BODY_LIMIT && (n = in.read(chunk)) > 0) {
                out.write(chunk, 0, n);
            }
        } catch (IOException ignored) {
            // The error body is a courtesy; the failure is already certain.
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String snippet(String text) {
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
    }
}
