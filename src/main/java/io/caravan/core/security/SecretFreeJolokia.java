package io.caravan.core.security;

import io.caravan.core.Secrets;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Jolokia (profile {@code hawtio}) answers with whatever an MBean holds: Camel's endpoint MBeans are named after and
 * report the endpoint URI as resolved ({@code .../bot<token>/sendMessage}), its route and context MBeans dump routes
 * with placeholders resolved, and a processor names its destination. Rather than chase every attribute and
 * operation, every Jolokia answer passes through {@link Secrets#redact} (the registry that masks the log; it also
 * knows the percent-encoded and JSON-escaped spellings) before it leaves the hub. An MBean whose name held a secret
 * is listed with the mask in its name (and so cannot be read by that name): the price of not showing it.
 */
@Configuration
public class SecretFreeJolokia {

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> secretFreeJolokiaAnswers() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new Redacting());
        registration.addUrlPatterns("/actuator/jolokia", "/actuator/jolokia/*", "/actuator/hawtio/jolokia", "/actuator/hawtio/jolokia/*");
        // Inside Spring Security's chain, so an unauthenticated request is refused before anything is buffered.
        registration.setOrder(Ordered.LOWEST_PRECEDENCE - 100);
        return registration;
    }

    static final class Redacting extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            ContentCachingResponseWrapper buffered = new ContentCachingResponseWrapper(response);
            chain.doFilter(request, buffered);
            byte[] body = buffered.getContentAsByteArray();
            String encoding = buffered.getCharacterEncoding() == null ? "UTF-8" : buffered.getCharacterEncoding();
            String text = new String(body, encoding);
            String clean = Secrets.redact(text);
            if (clean.equals(text)) {
                buffered.copyBodyToResponse();
                return;
            }
            byte[] bytes = clean.getBytes(encoding);
            buffered.resetBuffer();
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
            response.flushBuffer();
        }
    }
}
