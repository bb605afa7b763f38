package io.caravan.core.metrics;

import io.caravan.core.CaravanProperties;
import io.caravan.core.Secrets;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * No configured secret in a meter's tags, whatever puts it there. Camel's exchange-event metrics tag each meter with
 * the endpoint's URI as the route resolved it ({@code endpointName="https://api.telegram.org/bot<token>/sendMessage"}),
 * and {@code /actuator/prometheus} and {@code /actuator/metrics} serve tags as they are. Every tag value passes
 * through {@link Secrets#redact} (the registry that masks the log) before the meter is registered; endpoint URIs are
 * also sanitised the way Camel sanitises its own (passwords, tokens and keys in the query), and their number per
 * metric is bounded by {@code caravan.metrics.max-endpoint-tags}.
 */
@Configuration
public class SecretFreeMeters {

    /** The tags that hold an endpoint URI: Camel's exchange-event notifier, and the HTTP client's. */
    static final Set<String> ENDPOINT_TAGS = Set.of("endpointName", "endpointUri", "endpoint", "uri", "url");
    private static final Logger LOG = LoggerFactory.getLogger(SecretFreeMeters.class);

    /** First of the filters: the tag-count limit below then counts the masked values, not the secret ones. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    MeterFilter secretFreeTags() {
        return secretFree();
    }

    static MeterFilter secretFree() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                List<Tag> tags = null;
                List<Tag> original = id.getTags();
                for (int i = 0; i < original.size(); i++) {
                    Tag tag = original.get(i);
                    String clean = clean(tag.getKey(), tag.getValue());
                    if (!clean.equals(tag.getValue())) {
                        if (tags == null) {
                            tags = new ArrayList<>(original);
                        }
                        tags.set(i, Tag.of(tag.getKey(), clean));
                    }
                }
                return tags == null ? id : id.replaceTags(tags);
            }
        };
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    MeterFilter boundedEndpointTags(CaravanProperties properties) {
        return boundedEndpointTags(properties.metrics().maxEndpointTags());
    }

    static MeterFilter boundedEndpointTags(int max) {
        MeterFilter deny = MeterFilter.denyUnless(id -> false);
        List<MeterFilter> limits = ENDPOINT_TAGS.stream().map(tag -> MeterFilter.maximumAllowableTags("", tag, max, new MeterFilter() {
            private volatile boolean warned;

            @Override
            public io.micrometer.core.instrument.config.MeterFilterReply accept(Meter.Id id) {
                if (!warned) {
                    warned = true;
                    LOG.warn("Meter {} has {} distinct '{}' tags (caravan.metrics.max-endpoint-tags): endpoints past that are not measured",
                            id.getName(), max, tag);
                }
                return deny.accept(id);
            }
        })).toList();
        return new MeterFilter() {
            @Override
            public io.micrometer.core.instrument.config.MeterFilterReply accept(Meter.Id id) {
                for (MeterFilter limit : limits) {
                    var reply = limit.accept(id);
                    if (reply != io.micrometer.core.instrument.config.MeterFilterReply.NEUTRAL) {
                        return reply;
                    }
                }
                return io.micrometer.core.instrument.config.MeterFilterReply.NEUTRAL;
            }
        };
    }

    static String clean(String key, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        String clean = Secrets.redact(value);
        if (ENDPOINT_TAGS.contains(key) && clean.indexOf(':') > 0) {
            clean = URISupport.sanitizeUri(clean);
        }
        return clean;
    }
}
