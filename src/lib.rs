//! AutoTrack: a self-hosted backend for car owners, garages and small fleets. One binary, SQLite inside.
//!
//! The spine is `main → cli → app`. Platform modules are singular nouns; domain modules are the API's nouns.

// ---- platform ----
/// Application state, router and `serve`.
pub mod app;
/// Tokens, password hashing, codes, the `AuthUser` extractor.
pub mod auth;
/// The command line.
pub mod cli;
/// Time as a dependency.
pub mod clock;
/// Operator settings (flags, env, `.env`).
pub mod config;
/// SQLite access: one writer, read-only readers, migrations.
pub mod db;
/// OpenAPI document and offline Swagger UI.
pub mod docs;
/// The one error type and its problem+json body.
pub mod error;
/// Health endpoints and the health probe job.
pub mod health;
/// HTTP plumbing: context, extractors, validation, lists, throttles.
pub mod http;
/// English and French texts.
pub mod i18n;
/// Mail templates, SMTP and the outbox.
pub mod mail;
/// Exact money in cents.
pub mod money;
/// Offline text recognition.
pub mod ocr;
/// The job table and scheduler.
pub mod scheduler;
/// Logging setup.
pub mod telemetry;
/// Case- and accent-insensitive text matching.
pub mod text;

// ---- domains ----
/// The assistant: offline answers from the knowledge base and the user's records, an optional provider.
pub mod assistant;
/// Billing through Stripe: the webhook and the event log.
pub mod billing;
/// The shared brand and model catalog.
pub mod catalog;
/// Conversations with the assistant and their messages.
pub mod conversations;
/// Diagnostics and their replies.
pub mod diagnostics;
/// Document uploads and their analysis.
pub mod documents;
/// The garage directory and reviews.
pub mod garages;
/// The embedded knowledge base: trouble codes, symptom rules, the maintenance schedule, and the analysis.
pub mod knowledge;
/// Maintenance records and their reminders.
pub mod maintenances;
/// In-app notifications.
pub mod notifications;
/// Plans, usage and limits.
pub mod plans;
/// Subscriptions: the current plan of every user, its history and changes.
pub mod subscriptions;
/// Per-user settings.
pub mod user_settings;
/// Accounts and authentication.
pub mod users;
/// Vehicles.
pub mod vehicles;
