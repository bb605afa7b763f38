-- The price radar's catalogue. Amazon's flow fills it; Telegram's flow reads categories, deals and writes watches.
CREATE TABLE categories (
    id               BIGSERIAL PRIMARY KEY,
    slug             TEXT        NOT NULL UNIQUE,
    name             TEXT        NOT NULL,
    parent_id        BIGINT REFERENCES categories (id),
    marketplace      TEXT        NOT NULL DEFAULT 'www.amazon.com.tr',
    browse_node_id   TEXT,
    keywords         TEXT,
    min_discount_pct NUMERIC(5, 2),
    channel_chat_id  TEXT,
    active           BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT categories_source_ck CHECK (browse_node_id IS NOT NULL OR keywords IS NOT NULL)
);
COMMENT ON TABLE categories IS 'What the radar discovers: an Amazon browse node and/or keywords, its deal threshold and Telegram channel';

CREATE TABLE products (
    asin            TEXT        NOT NULL,
    marketplace     TEXT        NOT NULL,
    title           TEXT,
    category_id     BIGINT REFERENCES categories (id),
    image_url       TEXT,
    url             TEXT,
    priority        INT         NOT NULL DEFAULT 0,
    status          TEXT        NOT NULL DEFAULT 'active',   -- active | unavailable | inaccessible
    current_price   NUMERIC(14, 2),
    currency        TEXT,
    list_price      NUMERIC(14, 2),
    availability    TEXT,
    check_interval  INTERVAL    NOT NULL DEFAULT interval '1 hour',
    last_checked_at TIMESTAMPTZ,
    next_check_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (asin, marketplace),
    CONSTRAINT products_status_ck CHECK (status IN ('active', 'unavailable', 'inaccessible'))
);
CREATE INDEX products_due_idx ON products (next_check_at, priority DESC) WHERE status <> 'inaccessible';
CREATE INDEX products_category_idx ON products (category_id);
CREATE INDEX products_status_idx ON products (status);
COMMENT ON COLUMN products.priority IS 'Higher is checked first when more products are due than the quota allows';

CREATE TABLE price_history (
    asin         TEXT           NOT NULL,
    marketplace  TEXT           NOT NULL,
    observed_at  TIMESTAMPTZ    NOT NULL,
    price        NUMERIC(14, 2),
    list_price   NUMERIC(14, 2),
    currency     TEXT,
    availability TEXT,
    PRIMARY KEY (asin, marketplace, observed_at),
    FOREIGN KEY (asin, marketplace) REFERENCES products (asin, marketplace)
);
CREATE INDEX price_history_observed_idx ON price_history (observed_at);
COMMENT ON TABLE price_history IS 'A row only when price or availability changed; pruned after caravan.amazon.price-history.retention';

CREATE TABLE deals (
    id              BIGSERIAL PRIMARY KEY,
    asin            TEXT           NOT NULL,
    marketplace     TEXT           NOT NULL,
    price           NUMERIC(14, 2) NOT NULL,
    reference_price NUMERIC(14, 2) NOT NULL,
    discount_pct    NUMERIC(5, 2)  NOT NULL,
    currency        TEXT,
    status          TEXT           NOT NULL DEFAULT 'active',
    started_at      TIMESTAMPTZ    NOT NULL DEFAULT now(),
    ended_at        TIMESTAMPTZ,
    end_reason      TEXT,
    FOREIGN KEY (asin, marketplace) REFERENCES products (asin, marketplace),
    CONSTRAINT deals_status_ck CHECK (status IN ('active', 'expired'))
);
-- At most one active deal per product.
CREATE UNIQUE INDEX deals_one_active_idx ON deals (asin, marketplace) WHERE status = 'active';
CREATE INDEX deals_status_started_idx ON deals (status, started_at DESC);
CREATE INDEX deals_ended_idx ON deals (ended_at);

-- Created by the Telegram bot's /track; the price checks fire watch.hit events from it.
CREATE TABLE watches (
    id                   BIGSERIAL PRIMARY KEY,
    chat_id              BIGINT         NOT NULL,
    asin                 TEXT           NOT NULL,
    marketplace          TEXT           NOT NULL,
    target_price         NUMERIC(14, 2),
    notify_back_in_stock BOOLEAN        NOT NULL DEFAULT TRUE,
    active               BOOLEAN        NOT NULL DEFAULT TRUE,
    created_at           TIMESTAMPTZ    NOT NULL DEFAULT now(),
    last_hit_at          TIMESTAMPTZ,
    CONSTRAINT watches_target_ck CHECK (target_price IS NULL OR target_price > 0),
    UNIQUE (chat_id, asin, marketplace)
);
CREATE INDEX watches_product_idx ON watches (asin, marketplace) WHERE active;
