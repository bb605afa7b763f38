package io.caravan.amazon;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Amazon job routes of a hub, their quartz consumers replaced (AdviceWith) by {@code direct:<route id>}: a test
 * or the benchmark runs the route's steps as written, as often and as concurrently as it likes (the job's lock and
 * run log are the job policy's business, tested in RouteFileJobIT).
 */
final class PriceRoutes {

    static final String PRICES = "direct:amazon-prices";
    static final String DISCOVERY = "direct:amazon-discovery";

    private PriceRoutes() {
    }

    /** Advises the hub's amazon-prices, amazon-discovery and amazon-history-prune routes once. */
    static ProducerTemplate direct(ConfigurableApplicationContext hub) {
        CamelContext camel = hub.getBean(CamelContext.class);
        try {
            for (String id : new String[]{"amazon-prices", "amazon-discovery", "amazon-history-prune"}) {
                if (!camel.getRoute(id).getEndpoint().getEndpointUri().startsWith("direct:")) {
                    AdviceWith.adviceWith(camel, id, route -> route.replaceFromWith("direct:" + id));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return camel.createProducerTemplate();
    }

    /** One run of amazon-prices. @return products checked; the run's exception, if any, is thrown */
    static int run(ConfigurableApplicationContext hub) {
        return rows(hub, PRICES);
    }

    static int rows(ConfigurableApplicationContext hub, String uri) {
        Exchange done = hub.getBean(CamelContext.class).createProducerTemplate().send(uri, exchange -> { });
        if (done.getException() instanceof RuntimeException e) {
            throw e;
        }
        if (done.getException() != null) {
            throw new IllegalStateException(done.getException());
        }
        return done.getMessage().getHeader("CaravanRows", Integer.class);
    }
}
