package io.caravan.support;

import io.caravan.CaravanApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A whole hub in a JVM of its own, started from this test JVM's classpath with the properties {@link Hubs#start}
 * passes (as {@code --key=value} arguments), so a test can kill it as an operator's {@code kill -9} or the kernel
 * would: {@link #kill()} sends SIGKILL, nothing of the hub gets to run. The hub ends by itself when this JVM does
 * ({@link TestJvmWatch} watches the standard input this JVM holds open). Ready once
 * {@code /actuator/health/readiness} answers 200; its output goes to {@code target/hub-processes/<name>.log}.
 * Start-up is kept cheap (C1 only, serial GC, class-data sharing): these JVMs run a few seconds of test traffic.
 */
public final class HubProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;

    private HubProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts the hub and waits (at most {@code timeout}) until it is ready. */
    public static HubProcess start(String name, String schema, Map<String, Object> extra, Duration timeout) throws IOException {
        return launch(name, schema, extra, timeout, List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xss512k", "-Xmx384m",
                "-cp", System.getProperty("java.class.path"),
                CaravanApplication.class.getName(), "--context.initializer.classes=" + TestJvmWatch.class.getName()));
    }

    /**
     * The packaged hub ({@code java -jar}) on the given JDK, as an operator runs it: production class path only.
     * Unlike {@link #start} nothing ends it with this JVM but {@link #close()} (and a shutdown hook of this JVM). It
     * keeps its extracted copy ({@code caravan.launch.cache}, io.caravan.core.ExtractedLaunch) in {@code launchCache}:
     * in target/, not in the home directory of whoever runs the tests.
     */
    public static HubProcess startJar(String name, String schema, Map<String, Object> extra, Path javaHome, Path jar,
                                      Path launchCache, Duration timeout) throws IOException {
        HubProcess hub = launch(name, schema, extra, timeout, List.of(javaHome.resolve("bin").resolve("java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m", "-Dcaravan.launch.cache=" + launchCache,
                "-jar", jar.toString()));
        Runtime.getRuntime().addShutdownHook(new Thread(hub.process::destroyForcibly));
        return hub;
    }

    private static HubProcess launch(String name, String schema, Map<String, Object> extra, Duration timeout,
                                     List<String> javaAndMain) throws IOException {
        Map<String, Object> properties = new HashMap<>(TestEnvironment.hubProperties(schema));
        properties.put("caravan.instance-name", name);
        properties.putAll(extra);
        int port = EmbeddedServices.freePort();
        properties.put("server.port", String.valueOf(port));
        List<String> command = new ArrayList<>(javaAndMain);
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        Path dir = Path.of("target", "hub-processes");
        Files.createDirectories(dir);
        Path log = dir.resolve(name + "-" + schema + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HubProcess hub = new HubProcess(name, port, log, process);
        hub.awaitReady(timeout);
        return hub;
    }

    private void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("hub process " + name + " ended with " + process.exitValue() + " before it was ready; "
                        + "its output: " + log.toAbsolutePath() + "\n" + tail(40));
            }
            try {
                if (get("/actuator/health/readiness").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("hub process " + name + " was not ready within " + timeout + "; its output: "
                + log.toAbsolutePath() + "\n" + tail(40));
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A GET on the hub, with the admin token. */
    public HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** A POST without body on the hub, with the admin token (e.g. {@code /api/jobs/<job>/run}). */
    public HttpResponse<String> post(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TestEnvironment.ADMIN_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /**
     * The sum of a Prometheus series on this hub, e.g. {@code caravan_telegram_sent_total} with
     * {@code outcome="sent"}; 0 when the hub has none.
     */
    public double metric(String series, String... labels) throws IOException {
        String text = get("/actuator/prometheus").body();
        double sum = 0;
        Pattern line = Pattern.compile("^" + Pattern.quote(series) + "(\\{[^}]*})? ([-+0-9.eE]+|NaN)$", Pattern.MULTILINE);
        Matcher matcher = line.matcher(text);
        while (matcher.find()) {
            String tags = matcher.group(1) == null ? "" : matcher.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= tags.contains(label);
            }
            if (all && !matcher.group(2).equals("NaN")) {
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        return sum;
    }

    /** kill -9: SIGKILL, so no shutdown hook, no graceful stop, no transaction commit runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("hub process " + name + " did not die of SIGKILL");
        }
    }

    /** A normal stop (SIGTERM: Spring's graceful shutdown runs). */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** The hub's output so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    /** The last lines of the hub's output, for failure messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }


    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
