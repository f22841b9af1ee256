//! HTTP plumbing shared by every domain: request context and headers, body and query extractors that
//! answer with the contract's errors, input validation, list helpers, client IP and throttles.

pub mod context;
pub mod extract;
pub mod list;
pub mod throttle;
pub mod validate;
