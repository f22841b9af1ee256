-- Accounts, per-user settings, in-app notifications, mail outbox and job runs.
-- Conventions (data-model.md): STRICT tables, AUTOINCREMENT ids, UTC datetimes as fixed-width TEXT.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(email) <= 254),
    password_hash TEXT NOT NULL,
    first_name TEXT NOT NULL CHECK (length(first_name) <= 150),
    last_name TEXT NOT NULL CHECK (length(last_name) <= 150),
    phone_number TEXT CHECK (phone_number IS NULL OR length(phone_number) <= 20),
    email_verified INTEGER NOT NULL DEFAULT 0 CHECK (email_verified IN (0, 1)),
    pending_email TEXT CHECK (pending_email IS NULL OR length(pending_email) <= 254),
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    is_staff INTEGER NOT NULL DEFAULT 0 CHECK (is_staff IN (0, 1)),
    token_version INTEGER NOT NULL DEFAULT 0 CHECK (token_version >= 0),
    otp_locked_until TEXT,
    stripe_customer_id TEXT UNIQUE,
    last_login_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    refresh_jti TEXT NOT NULL UNIQUE,
    ip_address TEXT CHECK (ip_address IS NULL OR length(ip_address) <= 45),
    user_agent TEXT CHECK (user_agent IS NULL OR length(user_agent) <= 512),
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT CHECK (revoked_reason IS NULL OR revoked_reason IN
        ('logout', 'user_revoked', 'token_reuse', 'password_changed', 'password_reset', 'admin'))
) STRICT;
CREATE INDEX sessions_user_state ON sessions (user_id, revoked_at, expires_at);

CREATE TABLE otp_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('email_verification', 'login', 'email_change')),
    target_email TEXT NOT NULL,
    code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 5),
    expires_at TEXT NOT NULL,
    consumed_at TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX otp_codes_live ON otp_codes (user_id, purpose) WHERE consumed_at IS NULL;

CREATE TABLE password_reset_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    requested_ip TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
) STRICT;
CREATE INDEX password_reset_tokens_user ON password_reset_tokens (user_id);

CREATE TABLE user_settings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr', 'es')),
    theme TEXT NOT NULL DEFAULT 'auto' CHECK (theme IN ('light', 'dark', 'auto')),
    timezone TEXT NOT NULL DEFAULT 'UTC' CHECK (length(timezone) <= 50),
    units TEXT NOT NULL DEFAULT 'km' CHECK (units IN ('km', 'mi')),
    currency TEXT NOT NULL DEFAULT 'EUR' CHECK (length(currency) = 3 AND currency = upper(currency)),
    email_notifications INTEGER NOT NULL DEFAULT 1 CHECK (email_notifications IN (0, 1)),
    push_notifications INTEGER NOT NULL DEFAULT 1 CHECK (push_notifications IN (0, 1)),
    maintenance_reminders INTEGER NOT NULL DEFAULT 1 CHECK (maintenance_reminders IN (0, 1)),
    subscription_alerts INTEGER NOT NULL DEFAULT 1 CHECK (subscription_alerts IN (0, 1)),
    profile_public INTEGER NOT NULL DEFAULT 0 CHECK (profile_public IN (0, 1)),
    otp_enabled INTEGER NOT NULL DEFAULT 0 CHECK (otp_enabled IN (0, 1)),
    custom_settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(custom_settings)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notification_type TEXT NOT NULL DEFAULT 'info' CHECK (notification_type IN
        ('info', 'warning', 'success', 'error', 'maintenance_reminder', 'subscription_expiring')),
    title TEXT NOT NULL CHECK (length(title) <= 255),
    message TEXT NOT NULL CHECK (length(message) <= 5000),
    link TEXT CHECK (link IS NULL OR length(link) <= 500),
    metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    is_read INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    read_at TEXT,
    dedupe_key TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX notifications_user_created ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_user_read ON notifications (user_id, is_read);
CREATE UNIQUE INDEX notifications_dedupe ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX notifications_cleanup ON notifications (is_read, read_at);

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key TEXT UNIQUE,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    to_email TEXT NOT NULL,
    template TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('en', 'fr')),
    context TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(context)),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'expired')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    expires_at TEXT,
    last_error TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);

CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job TEXT NOT NULL,
    trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual', 'startup')),
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
    started_at TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    finished_at TEXT,
    items INTEGER NOT NULL DEFAULT 0,
    summary TEXT,
    error TEXT
) STRICT;
CREATE UNIQUE INDEX job_runs_one_running ON job_runs (job) WHERE status = 'running';
CREATE INDEX job_runs_job_started ON job_runs (job, started_at DESC);
