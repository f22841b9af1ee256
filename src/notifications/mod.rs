//! In-app notifications (table `notifications`). This part is the internal API other modules use to notify a
//! user; the `/api/notifications/` endpoints arrive with the vehicle-domain work.

pub mod repo;
