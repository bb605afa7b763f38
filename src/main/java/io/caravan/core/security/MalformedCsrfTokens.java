package io.caravan.core.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;

/**
 * Spring Security's masked (XOR) CSRF token handler, except that a token which cannot be unmasked counts as no token.
 * <p>
 * Spring's handler decodes the sent value as base64url, XORs it with its random half and decodes the result as
 * UTF-8; a value of exactly the right length but made of random bytes fails that last step with
 * {@code IllegalArgumentException: Decoding failed}, which nothing catches: a 500 and a stack trace in the log for
 * anyone who can reach the sign-in form. Here any such failure is one WARN line without a stack trace, and the request
 * goes on as if no token were sent, so it gets the same 403 and the same body as a missing token.
 */
final class MalformedCsrfTokens implements CsrfTokenRequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MalformedCsrfTokens.class);

    private final XorCsrfTokenRequestAttributeHandler masked = new XorCsrfTokenRequestAttributeHandler();

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> csrfToken) {
        masked.handle(request, response, csrfToken);
    }

    @Override
    public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken csrfToken) {
        try {
            return masked.resolveCsrfTokenValue(request, csrfToken);
        } catch (RuntimeException malformed) {
            LOG.warn("Malformed CSRF token refused from {} on {} {} ({})", request.getRemoteAddr(), request.getMethod(),
                    request.getRequestURI(), malformed.getClass().getSimpleName());
            return null;
        }
    }
}
