-- Stripe webhook events (billing.md §9, §10; data-model.md stripe_events): each event stored once by its Stripe id
-- before it is answered, then processed once.
CREATE TABLE stripe_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    stripe_event_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL CHECK (length(event_type) <= 100),
    source TEXT NOT NULL DEFAULT 'stripe',
    livemode INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    stripe_created INTEGER NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processed', 'ignored', 'failed')),
    error_message TEXT,
    delivery_count INTEGER NOT NULL DEFAULT 1,
    processed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX stripe_events_created ON stripe_events (created_at DESC);
CREATE INDEX stripe_events_type ON stripe_events (event_type);
CREATE INDEX stripe_events_status ON stripe_events (status);
