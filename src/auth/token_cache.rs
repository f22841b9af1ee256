//! Access-token checks remembered between database writes, so that a read-only request makes one database round
//! trip instead of two (each costs a hop to the blocking pool; bench/load.py).
//!
//! An entry is used only while no write transaction of this process has ended since it was read (`Db::generation`)
//! and for at most `TTL`: writes made by another process (an admin command beside the server) are seen within it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::users::repo::TokenUser;

const TTL: Duration = Duration::from_secs(2);
/// More entries than this and the cache starts over (a few KiB per hundred users).
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<(i64, i64), Entry>>,
}

struct Entry {
    generation: u64,
    read_at: Instant,
    user: TokenUser,
}

impl TokenCache {
    /// The check of (user, session) read under `generation`, if nothing was written since and it is fresh.
    pub fn get(&self, user_id: i64, sid: i64, generation: u64) -> Option<TokenUser> {
        let entries = self.entries.lock().ok()?;
        let e = entries.get(&(user_id, sid))?;
        (e.generation == generation && e.read_at.elapsed() < TTL).then(|| e.user.clone())
    }

    /// Remembers a check read from the database; `generation` must be the value taken before that read.
    pub fn put(&self, user_id: i64, sid: i64, generation: u64, user: TokenUser) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            let read_at = Instant::now();
            entries.insert(
                (user_id, sid),
                Entry {
                    generation,
                    read_at,
                    user,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(version: i64) -> TokenUser {
        TokenUser {
            is_staff: false,
            token_version: version,
            session_revoked: false,
            session_expires_at: "2030-01-01T00:00:00.000000Z".into(),
            language: "fr".into(),
        }
    }

    #[test]
    fn an_entry_lives_until_the_next_write() {
        let cache = TokenCache::default();
        assert!(cache.get(1, 1, 0).is_none());
        cache.put(1, 1, 0, user(3));
        assert_eq!(cache.get(1, 1, 0).map(|u| u.token_version), Some(3));
        assert!(cache.get(1, 2, 0).is_none(), "another session");
        assert!(cache.get(1, 1, 1).is_none(), "a write happened since");
    }
}
