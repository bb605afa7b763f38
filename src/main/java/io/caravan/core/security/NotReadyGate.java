package io.caravan.core.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The web server takes requests before the hub is ready (Camel, the scheduler and the start-up work come after it):
 * until readiness is ACCEPTING_TRAFFIC, and again while it shuts down, an operator call that changes something
 * ({@code POST}/{@code PUT}/{@code PATCH}/{@code DELETE} under {@code /api/}) answers 503 with a JSON body and
 * {@code Retry-After}; reads answer as usual. Runs after authentication, so a caller without the token still gets 401.
 */
public class NotReadyGate extends OncePerRequestFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    static final String RETRY_AFTER_SECONDS = "5";

    private final ApplicationAvailability availability;
    private final ObjectMapper json;

    public NotReadyGate(ApplicationAvailability availability, ObjectMapper json) {
        this.availability = availability;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !path.startsWith("/api/") || READS.contains(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC) {
            chain.doFilter(request, response);
            return;
        }
        boolean starting = availability.getLastChangeEvent(ReadinessState.class) == null;
        String message = starting
                ? "the hub is starting and takes no work until it is ready (GET /actuator/health/readiness says UP); try again shortly"
                : "the hub is stopping and takes no new work; send it to another instance";
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Map.of("status", 503, "error", "Service Unavailable",
                "message", message, "state", starting ? "starting" : "stopping", "timestamp", Instant.now().toString()));
    }
}
