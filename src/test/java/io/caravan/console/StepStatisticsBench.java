package io.caravan.console;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the console's per-step statistics cost: one route of 10 cheap steps, sent through with and without
 * {@link StepStatistics}, in alternating rounds. {@code ./mvnw -o test -Dtest=StepStatisticsBench -Dbench=true}
 * (not part of the test suite).
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class StepStatisticsBench {

    private static final int STEPS = 10;
    private static final int EXCHANGES = 300_000;

    @Test
    void costPerStep() throws Exception {
        CamelContext plain = context(false);
        CamelContext counted = context(true);
        try {
            ProducerTemplate plainTemplate = plain.createProducerTemplate();
            ProducerTemplate countedTemplate = counted.createProducerTemplate();
            run(plain, plainTemplate, EXCHANGES); // warm-up
            run(counted, countedTemplate, EXCHANGES);
            double bestPlain = Double.MAX_VALUE;
            double bestCounted = Double.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                double p = run(plain, plainTemplate, EXCHANGES);
                double c = run(counted, countedTemplate, EXCHANGES);
                bestPlain = Math.min(bestPlain, p);
                bestCounted = Math.min(bestCounted, c);
                System.out.printf("round %d: plain %.0f ns/exchange, with step statistics %.0f ns/exchange%n", round, p, c);
            }
            System.out.printf("best of 5: plain %.0f ns, counted %.0f ns per exchange of %d steps: %.0f ns per step%n",
                    bestPlain, bestCounted, STEPS, (bestCounted - bestPlain) / STEPS);
        } finally {
            plain.stop();
            counted.stop();
        }
    }

    private static double run(CamelContext camel, ProducerTemplate template, int exchanges) {
        long start = System.nanoTime();
        for (int i = 0; i < exchanges; i++) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setBody(i);
            template.send("direct:bench", exchange);
        }
        return (System.nanoTime() - start) / (double) exchanges;
    }

    private static CamelContext context(boolean withStatistics) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        if (withStatistics) {
            camel.getCamelContextExtension().addInterceptStrategy(new StepStatistics());
        }
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                var route = from("direct:bench").routeId("bench");
                for (int step = 0; step < STEPS; step++) {
                    route.setHeader("step" + step, constant(step));
                }
            }
        });
        camel.start();
        return camel;
    }
}
