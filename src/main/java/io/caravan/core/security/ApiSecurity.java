package io.caravan.core.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.core.CaravanProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Health is open (load balancers have no token). {@code /actuator/prometheus} needs the admin token or the scrape
 * token ({@code caravan.metrics.scrape-token}, which opens nothing else), unless {@code caravan.metrics.open-scrape}
 * leaves it open (dev mode): its tags name routes, endpoints and cards. Everything else needs the admin token,
 * given one of two ways:
 * <ul>
 *   <li>{@code Authorization: Bearer <caravan.admin.token>} on every request (scripts, curl): stateless, no session,
 *   no CSRF token. A missing or wrong token is a 401 with a JSON body.</li>
 *   <li>once, on the operator console's sign-in form ({@code /console/sign-in}): a server-side session behind an
 *   {@code HttpOnly}, {@code SameSite=Strict} cookie. Every change made with that session (any method but GET, HEAD,
 *   OPTIONS, TRACE) must carry the session's CSRF token in the {@code X-CSRF-TOKEN} header (or {@code _csrf} form
 *   field). Requests with an Authorization header never use the session (their own chain).</li>
 * </ul>
 */
@Configuration
public class ApiSecurity {

    public static final String SIGN_IN = "/console/sign-in";
    public static final String SIGN_OUT = "/console/sign-out";
    public static final String PROMETHEUS = "/actuator/prometheus";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    @Bean
    CsrfTokenRepository csrfTokenRepository() {
        return new HttpSessionCsrfTokenRepository();
    }

    @Bean
    SecurityContextRepository securityContextRepository() {
        return new HttpSessionSecurityContextRepository();
    }

    @Bean
    AdminToken adminToken(CaravanProperties properties) {
        return new AdminToken(properties.admin().token());
    }

    /** The token a Prometheus scraper sends; opens /actuator/prometheus only. Empty: none. */
    @Bean
    ScrapeToken scrapeToken(CaravanProperties properties) {
        String token = properties.metrics().scrapeToken();
        return new ScrapeToken(new AdminToken(token == null ? "" : token), properties.metrics().openScrape());
    }

    public record ScrapeToken(AdminToken token, boolean open) {
    }

    /**
     * Requests that carry an {@code Authorization} header: stateless as they always were. A console session cookie
     * sent along is not even read, so a wrong bearer token is refused whatever else comes with it.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE - 10)
    SecurityFilterChain apiFilterChain(HttpSecurity http, AdminToken token, ScrapeToken scrape, ObjectMapper json,
                                       ApplicationAvailability availability) throws Exception {
        return http
                .securityMatcher(request -> request.getHeader(HttpHeaders.AUTHORIZATION) != null)
                .csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(token, scrape.token()), AnonymousAuthenticationFilter.class)
                .addFilterAfter(new NotReadyGate(availability, json), AuthorizationFilter.class)
                .authorizeHttpRequests(auth -> authorize(auth, scrape.open()))
                .headers(ApiSecurity::headers)
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> unauthorized(request, response, json))
                        .accessDeniedHandler((request, response, e) -> writeError(response, json, HttpStatus.FORBIDDEN, "Access denied")))
                .build();
    }

    /**
     * Camel's own console (Hawtio, profile {@code hawtio}) and its Jolokia endpoint, for a browser signed in to the
     * console: the same session, CSRF protection the way Hawtio's script does it (it reads the {@code XSRF-TOKEN}
     * cookie and sends {@code X-XSRF-TOKEN}), and Hawtio's own Content-Security-Policy instead of the console's.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE - 5)
    SecurityFilterChain hawtioFilterChain(HttpSecurity http, ObjectMapper json, SecurityContextRepository contexts) throws Exception {
        CookieCsrfTokenRepository cookies = CookieCsrfTokenRepository.withHttpOnlyFalse();
        cookies.setCookiePath("/actuator");
        cookies.setCookieCustomizer(cookie -> cookie.sameSite("Strict"));
        return http
                // By URI: Jolokia is a servlet of its own (not Spring MVC's), and Hawtio forwards to it.
                .securityMatcher(ApiSecurity::isHawtio)
                .csrf(csrf -> csrf.csrfTokenRepository(cookies).csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()))
                .addFilterAfter(new CsrfCookieFilter(), CsrfFilter.class)
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .securityContext(context -> context.securityContextRepository(contexts))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                .exceptionHandling(errors -> errors
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint(SIGN_IN),
                                request -> "GET".equals(request.getMethod()) && request.getRequestURI().contains("/actuator/hawtio"))
                        .defaultAuthenticationEntryPointFor((request, response, e) -> unauthorized(request, response, json),
                                request -> true)
                        .accessDeniedHandler((request, response, e) -> writeError(response, json, HttpStatus.FORBIDDEN,
                                e instanceof CsrfException ? "Missing or invalid X-XSRF-TOKEN header" : "Access denied")))
                .build();
    }

    /** Makes the XSRF-TOKEN cookie exist from the first page on, so Hawtio's first POST already has it. */
    static final class CsrfCookieFilter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
            if (token != null) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }

    /** Everything else: the console's session (or nothing), with CSRF protection on every change. */
    @Bean
    SecurityFilterChain consoleFilterChain(HttpSecurity http, ObjectMapper json, CsrfTokenRepository csrfTokens,
                                           SecurityContextRepository contexts, ApplicationAvailability availability,
                                           ScrapeToken scrape)
            throws Exception {
        LoginUrlAuthenticationEntryPoint signIn = new LoginUrlAuthenticationEntryPoint(SIGN_IN);
        return http
                // A change needs the CSRF token only where a session could vouch for it (and on the sign-in form):
                // without one, a POST is simply unauthenticated and gets the API's 401, as before.
                .csrf(csrf -> csrf.csrfTokenRepository(csrfTokens).csrfTokenRequestHandler(new MalformedCsrfTokens())
                        .requireCsrfProtectionMatcher(request ->
                        !SAFE_METHODS.contains(request.getMethod())
                                && (request.getSession(false) != null || SIGN_IN.equals(pathOf(request)))))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .securityContext(context -> context.securityContextRepository(contexts))
                .logout(logout -> logout.logoutRequestMatcher(new AntPathRequestMatcher(SIGN_OUT, "POST"))
                        .logoutSuccessHandler((request, response, authentication) ->
                                response.sendRedirect(request.getContextPath() + SIGN_IN + "?signed-out"))
                        .deleteCookies(ConsoleCookie.NAME))
                // Only the console's sign-in (ConsoleSignIn) saves a session, with a new id.
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .requestCache(cache -> cache.disable())
                // The console's buttons call the same /api/** as curl: no work is taken before the hub is ready.
                .addFilterAfter(new NotReadyGate(availability, json), AuthorizationFilter.class)
                .authorizeHttpRequests(auth -> authorize(auth.requestMatchers(SIGN_IN, "/console/console.css", "/favicon.ico").permitAll(),
                        scrape.open()))
                .headers(ApiSecurity::headers)
                .exceptionHandling(errors -> errors
                        // A person opening the console without a session goes to the sign-in form; the API answers JSON.
                        .defaultAuthenticationEntryPointFor(signIn, ApiSecurity::isConsolePage)
                        .defaultAuthenticationEntryPointFor((request, response, e) -> unauthorized(request, response, json),
                                request -> true)
                        .accessDeniedHandler((request, response, e) -> writeError(response, json, HttpStatus.FORBIDDEN,
                                e instanceof CsrfException
                                        ? "Missing or invalid CSRF token: a change made with a console session must send "
                                        + "the session's token in the X-CSRF-TOKEN header (GET /api/console/session gives it)"
                                        : "Access denied")))
                .build();
    }

    private static void authorize(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry auth, boolean openScrape) {
        auth.requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                .requestMatchers("/error").permitAll();
        if (openScrape) {
            auth.requestMatchers(PROMETHEUS).permitAll();
        }
        // The scrape token authenticates only on PROMETHEUS (BearerTokenFilter), so 'authenticated' elsewhere is the operator.
        auth.anyRequest().authenticated();
    }

    private static void headers(HeadersConfigurer<HttpSecurity> headers) {
        headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
                                + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN));
    }

    private static void unauthorized(HttpServletRequest request, HttpServletResponse response, ObjectMapper json) throws IOException {
        writeError(response, json, HttpStatus.UNAUTHORIZED, request.getHeader(HttpHeaders.AUTHORIZATION) == null
                ? "Missing Authorization header: send 'Authorization: Bearer <caravan.admin.token>'"
                : "Invalid bearer token");
    }

    private static String pathOf(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    private static boolean isHawtio(HttpServletRequest request) {
        String path = pathOf(request);
        return path.equals("/actuator/hawtio") || path.startsWith("/actuator/hawtio/")
                || path.equals("/actuator/jolokia") || path.startsWith("/actuator/jolokia/");
    }

    private static boolean isConsolePage(HttpServletRequest request) {
        String path = pathOf(request);
        return "GET".equals(request.getMethod()) && (path.equals("/console") || path.startsWith("/console/"));
    }

    private static void writeError(HttpServletResponse response, ObjectMapper json, HttpStatus status, String message)
            throws IOException {
        response.setStatus(status.value());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"caravan\"");
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Map.of("status", status.value(), "error", status.getReasonPhrase(),
                "message", message, "timestamp", Instant.now().toString()));
    }

    /** The admin token, compared in constant time; the one authority a request can have. */
    public static final class AdminToken {

        private final byte[] expected;

        AdminToken(String token) {
            this.expected = token.getBytes(StandardCharsets.UTF_8);
        }

        public boolean matches(String given) {
            return given != null && expected.length > 0
                    && MessageDigest.isEqual(given.trim().getBytes(StandardCharsets.UTF_8), expected);
        }

        public static Authentication operator() {
            return UsernamePasswordAuthenticationToken.authenticated("operator", null,
                    List.of(new SimpleGrantedAuthority("ROLE_OPERATOR")));
        }
    }

    /** The name of the console's session cookie (server.servlet.session.cookie.name in application.yml). */
    public static final class ConsoleCookie {
        public static final String NAME = "CARAVAN_SESSION";

        private ConsoleCookie() {
        }
    }

    static final class BearerTokenFilter extends OncePerRequestFilter {

        private final AdminToken token;
        private final AdminToken scrape;

        BearerTokenFilter(AdminToken token, AdminToken scrape) {
            this.token = token;
            this.scrape = scrape;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader(HttpHeaders.AUTHORIZATION);
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String given = header.substring(7);
                Authentication who = token.matches(given) ? AdminToken.operator()
                        : PROMETHEUS.equals(pathOf(request)) && scrape.matches(given)
                        ? UsernamePasswordAuthenticationToken.authenticated("scraper", null, List.of(new SimpleGrantedAuthority("ROLE_SCRAPER")))
                        : null;
                if (who != null) {
                    SecurityContext context = SecurityContextHolder.createEmptyContext();
                    context.setAuthentication(who);
                    SecurityContextHolder.setContext(context);
                }
            }
            chain.doFilter(request, response);
        }
    }
}
