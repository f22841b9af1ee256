//! Per-user settings (table `user_settings`). Accounts create the row at registration and read the language and
//! second-factor choice; the `/api/settings/` endpoints arrive with the vehicle-domain work.

pub mod repo;
