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
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Health and Prometheus are open (load balancers and scrapers have no token); everything else needs
 * {@code Authorization: Bearer <caravan.admin.token>}. A missing or wrong token is a 401 with a JSON body.
 */
@Configuration
public class ApiSecurity {

    @Bean
    SecurityFilterChain apiFilterChain(HttpSecurity http, CaravanProperties properties, ObjectMapper json,
                                       ApplicationAvailability availability) throws Exception {
        return http
                .csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(properties.admin().token()), AnonymousAuthenticationFilter.class)
                .addFilterAfter(new NotReadyGate(availability, json), AuthorizationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus").permitAll()
                        .requestMatchers("/error").permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(errors -> errors.authenticationEntryPoint((request, response, e) ->
                        writeUnauthorized(response, json, request.getHeader(HttpHeaders.AUTHORIZATION) == null
                                ? "Missing Authorization header: send 'Authorization: Bearer <caravan.admin.token>'"
                                : "Invalid bearer token")))
                .build();
    }

    private static void writeUnauthorized(HttpServletResponse response, ObjectMapper json, String message) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"caravan\"");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Map.of("status", 401, "error", "Unauthorized", "message", message,
                "timestamp", Instant.now().toString()));
    }

    static final class BearerTokenFilter extends OncePerRequestFilter {

        private final byte[] expected;

        BearerTokenFilter(String token) {
            this.expected = token.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader(HttpHeaders.AUTHORIZATION);
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
                if (MessageDigest.isEqual(given, expected)) {
                    SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                            "operator", null, List.of(new SimpleGrantedAuthority("ROLE_OPERATOR"))));
                }
            }
            chain.doFilter(request, response);
        }
    }
}
