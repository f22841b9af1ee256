-- Vehicles and their maintenance, the shared car catalog, the garage directory with reviews, plans and
-- subscriptions (data-model.md §3, §4, §6).

CREATE TABLE car_brands (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    logo_url TEXT CHECK (logo_url IS NULL OR length(logo_url) <= 200),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE car_models (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    brand_id INTEGER NOT NULL REFERENCES car_brands (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    year_start INTEGER CHECK (year_start IS NULL OR year_start BETWEEN 1900 AND 2100),
    year_end INTEGER CHECK (year_end IS NULL OR year_end BETWEEN 1900 AND 2100),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (year_end IS NULL OR year_start IS NULL OR year_end >= year_start)
) STRICT;
CREATE UNIQUE INDEX car_models_brand_name ON car_models (brand_id, name COLLATE NOCASE);
CREATE INDEX car_models_name ON car_models (name);

CREATE TABLE vehicles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    make TEXT NOT NULL CHECK (length(make) BETWEEN 1 AND 100),
    model TEXT NOT NULL CHECK (length(model) BETWEEN 1 AND 100),
    year INTEGER NOT NULL CHECK (year >= 1900),
    license_plate TEXT CHECK (license_plate IS NULL OR length(license_plate) <= 20),
    vin TEXT CHECK (vin IS NULL OR length(vin) = 17),
    color TEXT CHECK (color IS NULL OR length(color) <= 50),
    fuel_type TEXT CHECK (fuel_type IS NULL OR fuel_type IN ('gasoline', 'diesel', 'electric', 'hybrid', 'plugin_hybrid')),
    transmission TEXT CHECK (transmission IS NULL OR transmission IN ('manual', 'automatic', 'semi_automatic')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX vehicles_owner_created ON vehicles (owner_id, created_at DESC);
CREATE UNIQUE INDEX vehicles_owner_vin ON vehicles (owner_id, vin) WHERE vin IS NOT NULL;
CREATE INDEX vehicles_plate ON vehicles (license_plate);

CREATE TABLE maintenances (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    vehicle_id INTEGER NOT NULL REFERENCES vehicles (id) ON DELETE CASCADE,
    created_by_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    performed_by_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    service_date TEXT NOT NULL,
    service_type TEXT NOT NULL CHECK (length(service_type) BETWEEN 1 AND 100),
    description TEXT CHECK (description IS NULL OR length(description) <= 10000),
    mileage INTEGER CHECK (mileage IS NULL OR mileage >= 0),
    cost_cents INTEGER CHECK (cost_cents IS NULL OR cost_cents BETWEEN 0 AND 9999999999),
    status TEXT NOT NULL DEFAULT 'SCHEDULED' CHECK (status IN ('SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED')),
    invoice_url TEXT CHECK (invoice_url IS NULL OR length(invoice_url) <= 200),
    reminder_sent INTEGER NOT NULL DEFAULT 0 CHECK (reminder_sent IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX maintenances_vehicle_date ON maintenances (vehicle_id, service_date DESC);
CREATE INDEX maintenances_creator_created ON maintenances (created_by_id, created_at);
CREATE INDEX maintenances_status_date ON maintenances (status, service_date);

CREATE TABLE garages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email TEXT NOT NULL CHECK (length(email) <= 254),
    phone TEXT CHECK (phone IS NULL OR length(phone) <= 20),
    address TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 255),
    city TEXT CHECK (city IS NULL OR length(city) <= 100),
    postal_code TEXT CHECK (postal_code IS NULL OR length(postal_code) <= 20),
    country TEXT CHECK (country IS NULL OR length(country) <= 100),
    latitude REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
    longitude REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
    description TEXT,
    specialties TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(specialties) AND json_type(specialties) = 'array'),
    certifications TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(certifications) AND json_type(certifications) = 'array'),
    rating_sum INTEGER NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
    total_reviews INTEGER NOT NULL DEFAULT 0 CHECK (total_reviews >= 0),
    average_rating_x100 INTEGER GENERATED ALWAYS AS (
        CASE WHEN total_reviews = 0 THEN 0 ELSE (200 * rating_sum + total_reviews) / (2 * total_reviews) END
    ) STORED,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((latitude IS NULL) = (longitude IS NULL))
) STRICT;
CREATE INDEX garages_city ON garages (city COLLATE NOCASE);
CREATE INDEX garages_postal_code ON garages (postal_code);
CREATE INDEX garages_rating ON garages (average_rating_x100 DESC, name);
CREATE INDEX garages_location ON garages (latitude, longitude);

CREATE TABLE garage_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    garage_id INTEGER NOT NULL REFERENCES garages (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reviewer_name TEXT NOT NULL CHECK (length(reviewer_name) BETWEEN 1 AND 100),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT CHECK (comment IS NULL OR length(comment) <= 5000),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX garage_reviews_one_per_user ON garage_reviews (garage_id, user_id);
CREATE INDEX garage_reviews_garage_created ON garage_reviews (garage_id, created_at DESC);
CREATE INDEX garage_reviews_user ON garage_reviews (user_id);

-- The rating of a garage is kept exact by the database itself, in the transaction of every review change
-- (also for deletes cascaded from a garage or a user).
CREATE TRIGGER garage_reviews_after_insert AFTER INSERT ON garage_reviews BEGIN
    UPDATE garages SET rating_sum = rating_sum + NEW.rating, total_reviews = total_reviews + 1 WHERE id = NEW.garage_id;
END;
CREATE TRIGGER garage_reviews_after_delete AFTER DELETE ON garage_reviews BEGIN
    UPDATE garages SET rating_sum = rating_sum - OLD.rating, total_reviews = total_reviews - 1 WHERE id = OLD.garage_id;
END;
CREATE TRIGGER garage_reviews_after_update AFTER UPDATE OF rating, garage_id ON garage_reviews BEGIN
    UPDATE garages SET rating_sum = rating_sum - OLD.rating, total_reviews = total_reviews - 1 WHERE id = OLD.garage_id;
    UPDATE garages SET rating_sum = rating_sum + NEW.rating, total_reviews = total_reviews + 1 WHERE id = NEW.garage_id;
END;

CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 50 AND code NOT GLOB '*[^a-z0-9_-]*'),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description TEXT,
    monthly_price_cents INTEGER NOT NULL DEFAULT 0 CHECK (monthly_price_cents >= 0),
    yearly_price_cents INTEGER NOT NULL DEFAULT 0 CHECK (yearly_price_cents >= 0),
    currency TEXT NOT NULL DEFAULT 'EUR',
    yearly_discount INTEGER NOT NULL DEFAULT 0 CHECK (yearly_discount BETWEEN 0 AND 100),
    is_popular INTEGER NOT NULL DEFAULT 0 CHECK (is_popular IN (0, 1)),
    badge TEXT CHECK (badge IS NULL OR length(badge) <= 50),
    color_accent TEXT NOT NULL DEFAULT '#64748B',
    highlights TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(highlights)),
    features TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(features)),
    translations TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(translations)),
    limit_vehicles INTEGER NOT NULL CHECK (limit_vehicles >= -1),
    limit_documents INTEGER NOT NULL CHECK (limit_documents >= -1),
    limit_storage_mb INTEGER NOT NULL CHECK (limit_storage_mb >= -1),
    limit_maintenances_per_month INTEGER NOT NULL CHECK (limit_maintenances_per_month >= -1),
    limit_diagnostics_per_month INTEGER NOT NULL CHECK (limit_diagnostics_per_month >= -1),
    ai_assistant INTEGER NOT NULL DEFAULT 0 CHECK (ai_assistant IN (0, 1)),
    ai_diagnostic INTEGER NOT NULL DEFAULT 0 CHECK (ai_diagnostic IN (0, 1)),
    stripe_price_id TEXT UNIQUE,
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan_code TEXT NOT NULL REFERENCES plans (code) ON UPDATE CASCADE ON DELETE RESTRICT,
    pending_plan_code TEXT REFERENCES plans (code) ON UPDATE CASCADE ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN
        ('active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused', 'cancelled', 'expired')),
    stripe_subscription_id TEXT UNIQUE,
    stripe_customer_id TEXT,
    stripe_price_id TEXT,
    current_period_start TEXT NOT NULL,
    current_period_end TEXT,
    cancel_at_period_end INTEGER NOT NULL DEFAULT 0 CHECK (cancel_at_period_end IN (0, 1)),
    cancelled_at TEXT,
    trial_start TEXT,
    trial_end TEXT,
    stripe_event_created INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX subscriptions_user_status ON subscriptions (user_id, status, created_at DESC);
CREATE INDEX subscriptions_status_end ON subscriptions (status, current_period_end);
CREATE INDEX subscriptions_plan ON subscriptions (plan_code);

CREATE TABLE subscription_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL CHECK (event_type IN ('created', 'plan_changed', 'checkout_started', 'cancel_scheduled',
        'resumed', 'cancelled', 'expired', 'superseded', 'status_changed', 'payment_succeeded', 'payment_failed')),
    previous_status TEXT,
    new_status TEXT,
    metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX subscription_history_sub ON subscription_history (subscription_id, created_at DESC);

-- The seeded plan catalogue (billing.md §2.1): French texts in the base fields, English in translations.en.
INSERT INTO plans (code, name, description, monthly_price_cents, yearly_price_cents, currency, yearly_discount,
    is_popular, badge, color_accent, highlights, features, translations, limit_vehicles, limit_documents,
    limit_storage_mb, limit_maintenances_per_month, limit_diagnostics_per_month, ai_assistant, ai_diagnostic,
    sort_order, created_at, updated_at)
VALUES
('free', 'Gratuit', 'Pour démarrer et découvrir AutoTrack.', 0, 0, 'EUR', 0, 0, 'Essentiel', '#64748B',
 json_array('Jusqu’à 3 véhicules', 'Stockage 200 Mo', 'Diagnostics limités'),
 json_array('Suivi des entretiens', 'Documents et factures', 'Annuaire des garages'),
 json_object('en', json_object('name', 'Free', 'description', 'To get started and discover AutoTrack.', 'badge', 'Essential',
    'highlights', json_array('Up to 3 vehicles', '200 MB storage', 'Limited diagnostics'),
    'features', json_array('Maintenance tracking', 'Documents and invoices', 'Garage directory'))),
 3, 50, 200, 10, 5, 0, 0, 1, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
('standard', 'Standard', 'Idéal pour une utilisation régulière.', 999, 9900, 'EUR', 17, 1, 'Le plus populaire', '#2563EB',
 json_array('Jusqu’à 10 véhicules', 'Stockage 1 Go', 'Assistant d''entretien'),
 json_array('Tout le plan Gratuit', 'Diagnostics avancés', 'Support prioritaire'),
 json_object('en', json_object('name', 'Standard', 'description', 'Ideal for regular use.', 'badge', 'Most popular',
    'highlights', json_array('Up to 10 vehicles', '1 GB storage', 'Maintenance assistant'),
    'features', json_array('Everything in Free', 'Advanced diagnostics', 'Priority support'))),
 10, 200, 1024, 50, 30, 1, 0, 2, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
('premium', 'Premium', 'Pour les professionnels et les flottes.', 1999, 19900, 'EUR', 17, 0, 'Pro', '#0F766E',
 json_array('Véhicules illimités', 'Stockage 10 Go', 'Diagnostic assisté'),
 json_array('Tout le plan Standard', 'Diagnostics illimités', 'Support prioritaire 24/7'),
 json_object('en', json_object('name', 'Premium', 'description', 'For professionals and fleets.', 'badge', 'Pro',
    'highlights', json_array('Unlimited vehicles', '10 GB storage', 'Assisted diagnosis'),
    'features', json_array('Everything in Standard', 'Unlimited diagnostics', '24/7 priority support'))),
 -1, 1000, 10240, 200, -1, 1, 1, 3, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z');
