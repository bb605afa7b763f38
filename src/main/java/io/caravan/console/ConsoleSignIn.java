package io.caravan.console;

import io.caravan.core.security.ApiSecurity;
import io.caravan.core.security.ApiSecurity.AdminToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The console's sign-in: the operator types the admin token once into a form (never into a URL); a right token
 * starts a server-side session (new session id, new CSRF token), a wrong one shows only the form again with a message.
 */
@RestController
public class ConsoleSignIn {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSignIn.class);
    private static final String TOKEN_IN_ADDRESS = "The admin token was in the address (?token=…), where browser history and "
            + "server logs keep it, so nothing was signed in. Type it into this form instead, and think about changing "
            + "caravan.admin.token.";

    private final AdminToken token;
    private final SecurityContextRepository contexts;
    private final CsrfTokenRepository csrfTokens;

    public ConsoleSignIn(AdminToken token, SecurityContextRepository contexts, CsrfTokenRepository csrfTokens) {
        this.token = token;
        this.contexts = contexts;
        this.csrfTokens = csrfTokens;
    }

    @GetMapping(value = ApiSecurity.SIGN_IN, produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> form(CsrfToken csrf, @RequestParam(name = "signed-out", required = false) String signedOut,
                                       Authentication who, HttpServletRequest request) {
        if (tokenInAddress(request)) {
            LOG.warn("Console sign-in form opened from {} with the admin token in the query string", request.getRemoteAddr());
            return page(HttpStatus.BAD_REQUEST, csrf, TOKEN_IN_ADDRESS, true);
        }
        if (who != null && who.isAuthenticated() && !(who instanceof AnonymousAuthenticationToken) && signedOut == null) {
            return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/console/")).build();
        }
        return page(HttpStatus.OK, csrf, signedOut != null ? "You are signed out." : null, false);
    }

    @PostMapping(value = ApiSecurity.SIGN_IN, produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> signIn(@RequestParam(name = "token", required = false) String given, CsrfToken csrf,
                                         HttpServletRequest request, HttpServletResponse response) {
        // @RequestParam reads the query string as well as the form: a token sent there is refused even when right.
        if (tokenInAddress(request)) {
            LOG.warn("Console sign-in refused from {}: the admin token was in the query string", request.getRemoteAddr());
            return page(HttpStatus.BAD_REQUEST, csrf, TOKEN_IN_ADDRESS, true);
        }
        if (!token.matches(given)) {
            LOG.warn("Console sign-in refused from {}: wrong admin token", request.getRemoteAddr());
            return page(HttpStatus.UNAUTHORIZED, csrf, "That is not the admin token (caravan.admin.token). Nothing else is shown "
                    + "until you sign in with the right one.", true);
        }
        // A session made before sign-in (it held the form's CSRF token) gets a new id and a new CSRF token.
        if (request.getSession(false) != null) {
            request.changeSessionId();
        } else {
            request.getSession(true);
        }
        csrfTokens.saveToken(null, request, response);
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(AdminToken.operator());
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        LOG.info("Console sign-in from {}", request.getRemoteAddr());
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/console/")).build();
    }

    /** What the console's script needs to make changes: the session's CSRF token, never the admin token. */
    @GetMapping("/api/console/session")
    public Map<String, Object> session(CsrfToken csrf, Authentication who, HttpServletRequest request) {
        boolean console = request.getSession(false) != null && request.getHeader("Authorization") == null;
        return Map.of("user", who.getName(), "console", console, "csrfHeader", csrf.getHeaderName(), "csrfToken", csrf.getToken());
    }

    /** True if the query string has a {@code token} parameter, however its name is percent-encoded. */
    static boolean tokenInAddress(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null) {
            return false;
        }
        for (String pair : query.split("&")) {
            String name = pair.split("=", 2)[0];
            try {
                name = URLDecoder.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                // compared as it came
            }
            if (name.trim().equalsIgnoreCase("token")) {
                return true;
            }
        }
        return false;
    }

    private static ResponseEntity<String> page(HttpStatus status, CsrfToken csrf, String message, boolean error) {
        String note = message == null ? "" : "<p class=\"" + (error ? "error" : "note") + "\" role=\"" + (error ? "alert" : "status")
                + "\" id=\"sign-in-message\">" + HtmlUtils.htmlEscape(message) + "</p>";
        String html = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Caravan console · sign in</title>
                <link rel="stylesheet" href="/console/console.css"></head>
                <body class="sign-in"><main>
                <h1>Caravan console</h1>
                %s
                <form method="post" action="/console/sign-in" autocomplete="off">
                  <label for="token">Admin token</label>
                  <input type="password" id="token" name="token" required autofocus autocomplete="current-password">
                  <input type="hidden" name="%s" value="%s">
                  <button type="submit" id="sign-in">Sign in</button>
                </form>
                <p class="hint">The token is <code>caravan.admin.token</code> (<code>CARAVAN_ADMIN_TOKEN</code>). It is sent once;
                the console then keeps a session cookie.</p>
                </main></body></html>
                """.formatted(note, HtmlUtils.htmlEscape(csrf.getParameterName()), HtmlUtils.htmlEscape(csrf.getToken()));
        return ResponseEntity.status(status).cacheControl(CacheControl.noStore()).contentType(MediaType.TEXT_HTML).body(html);
    }
}
