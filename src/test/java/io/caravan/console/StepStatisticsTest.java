package io.caravan.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-step counts on a route with a branch and a failing step, and the flows view reading the same route generically. */
class StepStatisticsTest {

    private final StepStatistics statistics = new StepStatistics();
    private CamelContext camel;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.getCamelContextExtension().addInterceptStrategy(statistics);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:orders").routeId("orders-intake").routeGroup("orders")
                        .setHeader("kind", simple("${body}")).id("read-kind")
                        .choice().id("by-kind")
                            .when(simple("${body} == 'big'")).id("big")
                                .process(exchange -> Thread.sleep(20)).id("slow-path")
                            .otherwise().id("small")
                                .log("small order").id("fast-path")
                        .end()
                        .filter(simple("${body} == 'bad'")).id("only-bad")
                            .throwException(new IllegalStateException("bad order")).id("refuse")
                        .end()
                        .to("log:orders?level=OFF").id("done");
                from("direct:audit").routeId("audit").to("log:audit?level=OFF");
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void everyStepIsCountedWithItsFailuresAndTime() {
        ProducerTemplate template = camel.createProducerTemplate();
        template.sendBody("direct:orders", "big");
        for (int i = 0; i < 3; i++) {
            template.sendBody("direct:orders", "small");
        }
        template.send("direct:orders", exchange -> exchange.getIn().setBody("bad"));

        assertThat(statistics.get("orders-intake", "read-kind").exchanges()).isEqualTo(5);
        assertThat(statistics.get("orders-intake", "slow-path").exchanges()).isEqualTo(1);
        assertThat(statistics.get("orders-intake", "slow-path").meanMillis()).isGreaterThanOrEqualTo(19);
        assertThat(statistics.get("orders-intake", "fast-path").exchanges()).isEqualTo(4);
        assertThat(statistics.get("orders-intake", "refuse").exchanges()).isEqualTo(1);
        assertThat(statistics.get("orders-intake", "refuse").failures()).isEqualTo(1);
        assertThat(statistics.get("orders-intake", "only-bad").failures()).as("the failure shows on the parent too").isEqualTo(1);
        assertThat(statistics.get("orders-intake", "done").exchanges()).isEqualTo(4);
        assertThat(statistics.get("audit", "nope")).isNull();
    }

    @Test
    void theFlowsViewListsStepsInOrderWithNestedOnesUnderTheirParent() {
        camel.createProducerTemplate().sendBody("direct:orders", "small");
        List<FlowsController.FlowView> flows = new FlowsController(camel, statistics).flows();
        assertThat(flows).extracting(FlowsController.FlowView::name).containsExactly("audit", "orders");

        FlowsController.RouteView intake = flows.get(1).routes().get(0);
        assertThat(intake.id()).isEqualTo("orders-intake");
        assertThat(intake.from()).isEqualTo("direct:orders");
        assertThat(intake.status()).isEqualTo("Started");
        assertThat(intake.exchanges()).isEqualTo(1);
        assertThat(intake.steps()).extracting(FlowsController.StepView::id)
                .containsExactly("read-kind", "by-kind", "big", "slow-path", "small", "fast-path", "only-bad", "refuse", "done");
        assertThat(intake.steps()).extracting(FlowsController.StepView::depth).containsExactly(0, 0, 1, 2, 1, 2, 0, 1, 0);
        assertThat(intake.steps()).extracting(FlowsController.StepView::exchanges).containsExactly(1L, 1L, 0L, 0L, 1L, 1L, 1L, 0L, 1L);
        assertThat(intake.steps().get(0).kind()).isEqualTo("setHeader");

        FlowsController.RouteView audit = flows.get(0).routes().get(0);
        assertThat(audit.steps()).hasSize(1);
        assertThat(audit.steps().get(0).id()).as("generated ids are listed too").isNotBlank();
        assertThat(audit.steps().get(0).kind()).isEqualTo("to");
    }
}
