package io.caravan.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.support.EventContractCheck;
import io.caravan.support.HubTest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The test support checks every event a test's hub publishes: a route publishing a field the contract lacks, or an
 * event type without a contract, is reported (and would fail the test that caused it).
 */
@HubTest
class EventContractCheckIT {

    @Autowired
    ProducerTemplate producer;
    @Autowired
    TransactionTemplate transactions;

    @Test
    void aPublisherThatAddsAFieldOrATypeWithoutItsContractIsCaught() {
        EventContractCheck.takeViolations();
        Map<String, Object> changed = new LinkedHashMap<>();
        changed.put("dataset", "reports.contract-check");
        changed.put("keys", java.util.List.of("contract-check:never-set"));
        transactions.executeWithoutResult(status -> producer.sendBody("outbox:dataset.changed", changed));
        assertThat(EventContractCheck.takeViolations()).as("within its contract").isEmpty();

        changed.put("owner", "reports-team");
        transactions.executeWithoutResult(status -> producer.sendBody("outbox:dataset.changed", changed));
        transactions.executeWithoutResult(status -> producer.sendBody("outbox:order.shipped", "{\"order\": 1}"));

        assertThat(EventContractCheck.takeViolations()).hasSize(2)
                .anyMatch(v -> v.startsWith("dataset.changed") && v.contains("owner"))
                .anyMatch(v -> v.contains("order.shipped has no contract"));
    }
}
