package io.caravan.core;

import static io.caravan.support.TestEnvironment.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.support.HubTest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Tokens that are not even well formed (random bytes, wrong lengths, not base64) are refused like missing ones: a
 * CSRF token in the sign-in form's field or in the X-CSRF-TOKEN header of a signed-in session answers 403 with the
 * body a missing token gets, a session cookie or bearer value is simply not a credential; never a 500, never a stack
 * trace, at most one WARN line per request.
 */
@HubTest
@ExtendWith(OutputCaptureExtension.class)
class BadTokensIT {

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    @LocalServerPort
    int port;
    @Autowired
    ObjectMapper json;

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20));
    }

    private static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Random base64url of every awkward length (the real masked token is 96 characters), and plain junk. */
    private static List<String> malformedTokens() {
        List<String> tokens = new ArrayList<>();
        for (int bytes : new int[] {1, 2, 35, 36, 48, 71, 72, 73, 200}) {
            byte[] random = new byte[bytes];
            RANDOM.nextBytes(random);
            tokens.add(Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        }
        tokens.add("not base64 at all!*&%");
        tokens.add("====");
        tokens.add("\u00e9\u00e8\u00ff");
        return tokens;
    }

    private static String formCsrf(String html) {
        Matcher matcher = CSRF_FIELD.matcher(html);
        assertThat(matcher.find()).as("sign-in form carries a CSRF token").isTrue();
        return matcher.group(1);
    }

    private String messageOf(HttpResponse<String> response) throws Exception {
        return json.readTree(response.body()).get("message").asText();
    }

    @Test
    void aMalformedCsrfTokenIsThe403OfAMissingOneWithOneWarnLine(CapturedOutput output) throws Exception {
        HttpClient browser = browser();
        HttpResponse<String> form = browser.send(request("/console/sign-in").build(), HttpResponse.BodyHandlers.ofString());
        String real = formCsrf(form.body());
        HttpResponse<String> missing = browser.send(request("/console/sign-in").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(403);
        String missingMessage = messageOf(missing);

        List<String> tokens = malformedTokens();
        // The same length as the real one, random inside: the case that used to fail inside Spring's decoder.
        byte[] sameLength = new byte[Base64.getUrlDecoder().decode(real).length];
        RANDOM.nextBytes(sameLength);
        tokens.add(Base64.getUrlEncoder().withoutPadding().encodeToString(sameLength));
        tokens.add(real.substring(0, real.length() - 4));
        int before = warnLines(output.getAll());
        for (String token : tokens) {
            HttpResponse<String> refused = browser.send(request("/console/sign-in")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=x&_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as("form field " + token).isEqualTo(403);
            assertThat(messageOf(refused)).isEqualTo(missingMessage);
        }
        assertThat(warnLines(output.getAll()) - before).isLessThanOrEqualTo(tokens.size());

        // A signed-in session sending a malformed X-CSRF-TOKEN header.
        String body = "token=" + URLEncoder.encode(ADMIN_TOKEN, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(real, StandardCharsets.UTF_8);
        assertThat(browser.send(request("/console/sign-in").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(303);
        HttpResponse<String> noHeader = browser.send(request("/api/dead-letters/0/replay").POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noHeader.statusCode()).isEqualTo(403);
        for (String token : tokens) {
            if (!token.chars().allMatch(c -> c < 128)) {
                continue; // java.net.http refuses to send such a header; the raw socket case below covers it
            }
            HttpResponse<String> refused = browser.send(request("/api/dead-letters/0/replay").header("X-CSRF-TOKEN", token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as("header " + token).isEqualTo(403);
            assertThat(messageOf(refused)).isEqualTo(messageOf(noHeader));
        }
        assertThat(output.getAll()).doesNotContain("Decoding failed").doesNotContain("\tat org.springframework.security");
    }

    @Test
    void aMalformedSessionCookieOrBearerValueIsNoCredentialAndNoError(CapturedOutput output) throws Exception {
        for (String value : malformedTokens()) {
            String ascii = value.chars().allMatch(c -> c < 128) ? value : "x";
            HttpResponse<String> cookie = browser().send(request("/api/jobs").header("Cookie", "CARAVAN_SESSION=" + ascii).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(cookie.statusCode()).as("cookie " + value).isEqualTo(401);
            HttpResponse<String> bearer = browser().send(request("/api/jobs").header("Authorization", "Bearer " + ascii).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bearer.statusCode()).as("bearer " + value).isEqualTo(401);
            assertThat(messageOf(bearer)).isEqualTo("Invalid bearer token");
        }
        // Raw bytes no HTTP client would send: the answer is a refusal, never a 5xx.
        for (String header : List.of("Authorization: Bearer ", "Cookie: CARAVAN_SESSION=", "X-CSRF-TOKEN: ")) {
            byte[] junk = new byte[64];
            RANDOM.nextBytes(junk);
            for (int i = 0; i < junk.length; i++) {
                if (junk[i] == '\r' || junk[i] == '\n') {
                    junk[i] = 'a';
                }
            }
            int status = rawPost("/api/jobs/heartbeat/run", header, junk);
            assertThat(status).as(header + "<random bytes>").isBetween(400, 499);
        }
        assertThat(output.getAll()).doesNotContain("\tat org.springframework.security").doesNotContain("Exception: Decoding");
    }

    private int rawPost(String path, String headerStart, byte[] value) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n" + headerStart)
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(value);
            out.write("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                head.write(b);
            }
            String statusLine = head.toString(StandardCharsets.ISO_8859_1);
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    private static int warnLines(String log) {
        return (int) log.lines().filter(line -> line.contains("WARN") && line.contains("CSRF")).count();
    }
}
