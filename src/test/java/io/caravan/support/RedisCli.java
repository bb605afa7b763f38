package io.caravan.support;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A redis-cli for tests on machines without one: one command over RESP, the answer as redis-cli prints it. A
 * command after which the server closes the connection (SHUTDOWN) answers the empty string.
 */
public final class RedisCli {

    private RedisCli() {
    }

    public static String call(String host, int port, String... command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
            for (String part : command) {
                request.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            try {
                return String.join("\n", reply(in));
            } catch (EOFException closed) {
                return "";
            }
        }
    }

    private static List<String> reply(InputStream in) throws IOException {
        String line = line(in);
        String rest = line.substring(1);
        return switch (line.charAt(0)) {
            case '+', ':' -> List.of(rest);
            case '-' -> List.of("(error) " + rest);
            case '$' -> {
                int length = Integer.parseInt(rest);
                if (length < 0) {
                    yield List.of("");
                }
                byte[] bytes = in.readNBytes(length + 2);
                yield List.of(new String(bytes, 0, length, StandardCharsets.UTF_8));
            }
            case '*' -> {
                List<String> items = new ArrayList<>();
                for (int i = Integer.parseInt(rest); i > 0; i--) {
                    items.addAll(reply(in));
                }
                yield items;
            }
            default -> throw new IOException("not a RESP reply: " + line);
        };
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException();
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
