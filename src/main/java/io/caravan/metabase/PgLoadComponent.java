package io.caravan.metabase;

import io.caravan.outbox.Outbox;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code pgload:<schema>.<table>}: loads the checked CSV stream of a {@code metabase:card/<id>/export} step into a
 * PostgreSQL table with COPY, then replaces, upserts or appends in one transaction with sync_runs and the
 * {@code dataset.changed} event. See {@link PgLoadEndpoint} for the options.
 */
// Spring makes it the bean Camel resolves the scheme to; Camel's names it for the metadata generator.
@Component("pgload")
@org.apache.camel.spi.annotations.Component("pgload")
public class PgLoadComponent extends DefaultComponent {

    private final ObjectProvider<MetabaseSync> sync;
    private final ObjectProvider<CardLoader> loader;
    private final ObjectProvider<SyncRuns> runs;
    private final Outbox outbox;

    public PgLoadComponent(ObjectProvider<MetabaseSync> sync, ObjectProvider<CardLoader> loader, ObjectProvider<SyncRuns> runs,
                           Outbox outbox) {
        this.sync = sync;
        this.loader = loader;
        this.runs = runs;
        this.outbox = outbox;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        PgLoadEndpoint endpoint = new PgLoadEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    MetabaseSync sync() {
        return MetabaseComponent.require(sync.getIfAvailable());
    }

    CardLoader loader() {
        return MetabaseComponent.require(loader.getIfAvailable());
    }

    SyncRuns runs() {
        return MetabaseComponent.require(runs.getIfAvailable());
    }

    Outbox outbox() {
        return outbox;
    }
}
