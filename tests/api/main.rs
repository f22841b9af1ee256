#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Black-box tests: the real app over HTTP, a real SQLite file, a real SMTP server.

#[path = "../common/smtp.rs"]
mod smtp;

#[path = "../common/stripe.rs"]
mod stripe;

#[path = "../common/hostile.rs"]
mod hostile;

mod helpers;

mod analysis;
mod assistant;
mod auth;
mod billing;
mod conventions;
mod conversations;
mod diagnostics;
mod documents;
mod einvoices;
mod garages;
mod health;
mod mail;
mod maintenances;
mod notifications;
mod passwords;
mod plans;
mod security;
mod sessions;
mod signups;
mod stripe_client;
mod subscriptions;
mod vehicles;
