package io.caravan.metabase;

import io.caravan.metabase.MetabaseProperties.Card;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * The {@code drift-check} step: compares the columns a {@code metabase:card/<id>/metadata} step found with the card's
 * table. Under the card's drift policy {@code fail} a difference fails the exchange and the table is kept as it was;
 * under {@code evolve} the difference goes to property {@code CaravanDrift} for the load to apply.
 */
public class DriftCheck {

    private final MetabaseSync sync;
    private final CardLoader loader;

    public DriftCheck(MetabaseSync sync, CardLoader loader) {
        this.sync = sync;
        this.loader = loader;
    }

    @SuppressWarnings("unchecked")
    public void check(Exchange exchange) throws Exception {
        Card card = sync.card(exchange.getMessage().getHeader(MetabaseHeaders.CARD, String.class));
        List<CardColumns.Column> columns = exchange.getProperty(MetabaseHeaders.COLUMNS, List.class);
        if (columns == null) {
            throw new IllegalStateException("card " + card.name() + ": the drift check needs a metabase:card/" + card.id()
                    + "/metadata step before it");
        }
        exchange.setProperty(MetabaseHeaders.DRIFT, loader.checkDrift(card, columns));
    }
}
