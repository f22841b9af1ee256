//! The notification row and representation, the list filters, the bodies (create; `is_read` on update) and
//! the answers of the actions.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppError, AppResult};
use crate::http::list::{ListFilter, bool_param, choice_param};
use crate::http::validate::{Input, is_valid_url};
use crate::i18n::Tr;

pub const TYPES: &[&str] = &[
    "info",
    "warning",
    "success",
    "error",
    "maintenance_reminder",
    "subscription_expiring",
];

/// `notification_type` values (the same as `TYPES`; a test keeps them equal).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum NotificationType {
    Info,
    Warning,
    Success,
    Error,
    MaintenanceReminder,
    SubscriptionExpiring,
}

#[derive(Debug, Clone)]
pub struct NotificationRow {
    pub id: i64,
    pub user_id: i64,
    pub notification_type: String,
    pub title: String,
    pub message: String,
    pub link: Option<String>,
    pub metadata: Map<String, Value>,
    pub is_read: bool,
    pub read_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A notification as the API shows it (notifications.md §2).
#[derive(Debug, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    /// The recipient (always the caller).
    pub user: i64,
    #[schema(value_type = NotificationType)]
    pub notification_type: String,
    pub title: String,
    pub message: String,
    pub link: Option<String>,
    /// Free-form: the contract leaves its members open (the server's notifications list theirs).
    pub metadata: Map<String, Value>,
    pub is_read: bool,
    #[schema(format = DateTime)]
    pub read_at: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl NotificationRow {
    pub fn into_dto(self) -> Notification {
        Notification {
            id: self.id,
            user: self.user_id,
            notification_type: self.notification_type,
            title: self.title,
            message: self.message,
            link: self.link,
            metadata: self.metadata,
            is_read: self.is_read,
            read_at: self.read_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The list filters of `GET /api/notifications/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    #[param(value_type = Option<NotificationType>)]
    pub notification_type: Option<String>,
    /// `true/false/1/0`, any case.
    pub is_read: Option<bool>,
}

impl ListFilter for NotificationFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<NotificationFilter> {
        Ok(NotificationFilter {
            notification_type: choice_param(q, "notification_type", TYPES)?,
            is_read: bool_param(q, "is_read")?,
        })
    }
}

/// `GET /api/notifications/by_type/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TypeParams {
    /// All types without it.
    #[param(rename = "type", value_type = Option<NotificationType>)]
    pub notification_type: Option<String>,
}

impl ListFilter for TypeParams {
    fn from_query(q: &HashMap<String, String>) -> AppResult<TypeParams> {
        Ok(TypeParams {
            notification_type: choice_param(q, "type", TYPES)?,
        })
    }
}

/// `GET /api/notifications/unread_count/`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread_count: i64,
}

/// `GET /api/notifications/stats/`.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationStats {
    pub total_notifications: i64,
    pub unread: i64,
    pub read: i64,
    /// The types the caller has notifications of, by name.
    pub by_type: Vec<NotificationTypeCount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationTypeCount {
    #[schema(value_type = NotificationType)]
    pub notification_type: String,
    pub count: i64,
}

/// The body of `POST`, and what `parse_create` reads from it. Text is trimmed; a blank `link` is `null`.
#[derive(Debug, ToSchema)]
pub struct NotificationCreate {
    /// `info` when absent or null.
    #[schema(value_type = Option<NotificationType>)]
    pub notification_type: String,
    #[schema(min_length = 1, max_length = 255, pattern = r"\S")]
    pub title: String,
    #[schema(min_length = 1, max_length = 5000, pattern = r"\S")]
    pub message: String,
    /// A frontend path starting with `/`, or an http(s) URL.
    #[schema(
        max_length = 500,
        pattern = r"^(/.*|[Hh][Tt][Tt][Pp][Ss]?://[^\s\x00-\x1F\x7F-\x9F/?#:][^\s\x00-\x1F\x7F-\x9F]*)$"
    )]
    pub link: Option<String>,
    /// Any object of at most 16 KiB serialised; `{}` when absent.
    #[schema(value_type = Option<Object>, nullable = false)]
    pub metadata: Map<String, Value>,
}

/// A link is a frontend path or an http(s) URL.
pub fn is_valid_link(link: &str) -> bool {
    link.starts_with('/') || is_valid_url(link)
}

pub fn parse_create(body: Map<String, Value>) -> AppResult<NotificationCreate> {
    let mut input = Input::new(body);
    let kind = input
        .opt_choice("notification_type", TYPES)
        .unwrap_or_else(|| "info".to_owned());
    let title = input.text("title", 255);
    let message = input.text("message", 5000);
    let link = input.opt_text("link", 500).flatten();
    if let Some(l) = &link
        && !is_valid_link(l)
    {
        input.error(
            "link",
            Tr::new(
                "Enter a frontend path starting with / or an http(s) URL.",
                "Saisissez un chemin commençant par / ou une URL http(s).",
            ),
        );
    }
    let metadata = if input.has("metadata") {
        input.object("metadata", 16 * 1024)
    } else {
        Some(Map::new())
    };
    input.finish()?;
    let (Some(title), Some(message), Some(metadata)) = (title, message, metadata) else {
        return Err(AppError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    Ok(NotificationCreate {
        notification_type: kind,
        title,
        message,
        link,
        metadata,
    })
}

/// The body of `PUT`: only `is_read` is writable, and required.
#[derive(ToSchema)]
pub struct NotificationRead {
    /// `true` on an unread notification sets `read_at` now; `false` clears it.
    pub is_read: bool,
}

/// The body of `PATCH`: only `is_read` is writable.
#[derive(ToSchema)]
pub struct NotificationUpdate {
    /// `true` on an unread notification sets `read_at` now; `false` clears it.
    #[schema(nullable = false)]
    pub is_read: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::testing::{enum_values, matching};

    #[test]
    fn the_documented_types_are_the_accepted_values() {
        assert_eq!(enum_values::<NotificationType>(), TYPES);
    }

    fn link_pattern() -> String {
        let schema =
            serde_json::to_value(<NotificationCreate as utoipa::PartialSchema>::schema()).unwrap();
        schema["properties"]["link"]["pattern"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    proptest::proptest! {
        /// Whatever the documented `link` pattern matches, the parser accepts (lengths aside).
        #[test]
        fn prop_what_the_link_pattern_matches_is_accepted(link in matching(&link_pattern())) {
            proptest::prop_assert!(is_valid_link(link.trim()), "{:?}", link);
        }
    }
}
