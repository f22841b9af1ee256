//! Authentication primitives shared by every domain (no routes): tokens, password hashing, one-time codes and
//! the `AuthUser` extractor.

pub mod extract;
pub mod jwt;
pub mod password;
pub mod secrets;
pub mod token_cache;

pub use extract::{AdminUser, AuthUser};
