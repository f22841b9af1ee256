//! Subscription rows and their shapes: the representation (snake_case, billing.md §4.2), the catalog shape
//! (camelCase, §4.3), history items (§4.4), the admin stats (§5.8), the list filter and the request bodies.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::parse_ts;
use crate::error::AppResult;
use crate::http::list::{ListFilter, bool_param, choice_param, id_param, text_param};
use crate::plans::catalog::CatalogPlan;

/// Statuses (billing.md §3), in the order of the contract.
pub const STATUSES: [&str; 8] = [
    "active",
    "trialing",
    "past_due",
    "unpaid",
    "incomplete",
    "paused",
    "cancelled",
    "expired",
];

/// The statuses that give the plan's limits and features.
pub fn entitling(status: &str) -> bool {
    matches!(status, "active" | "trialing" | "past_due")
}

#[derive(Debug, Clone)]
pub struct SubscriptionRow {
    pub id: i64,
    pub user_id: i64,
    pub plan_code: String,
    pub pending_plan_code: Option<String>,
    pub status: String,
    pub stripe_subscription_id: Option<String>,
    pub stripe_customer_id: Option<String>,
    pub current_period_start: String,
    pub current_period_end: Option<String>,
    pub cancel_at_period_end: bool,
    pub cancelled_at: Option<String>,
    pub trial_start: Option<String>,
    pub trial_end: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Unix time of the last Stripe event applied (billing.md §9 ordering).
    pub stripe_event_created: Option<i64>,
    /// From the user's row.
    pub user: UserInfo,
}

impl SubscriptionRow {
    pub fn is_stripe_managed(&self) -> bool {
        self.stripe_subscription_id.is_some()
    }
}

/// The subscriber, as the representation shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = SubscriptionUserInfo)]
pub struct UserInfo {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

/// The subscription representation (billing.md §4.2).
#[derive(Debug, Serialize, ToSchema)]
pub struct Subscription {
    pub id: i64,
    pub user: i64,
    pub user_info: UserInfo,
    pub plan_code: String,
    /// The plan's name in the caller's language.
    pub plan_name: String,
    #[schema(pattern = "^(active|trialing|past_due|unpaid|incomplete|paused|cancelled|expired)$")]
    pub status: String,
    pub stripe_subscription_id: Option<String>,
    pub stripe_customer_id: Option<String>,
    #[schema(format = DateTime)]
    pub current_period_start: String,
    /// Null: open-ended.
    #[schema(format = DateTime)]
    pub current_period_end: Option<String>,
    pub cancel_at_period_end: bool,
    #[schema(format = DateTime)]
    pub cancelled_at: Option<String>,
    #[schema(format = DateTime)]
    pub trial_start: Option<String>,
    #[schema(format = DateTime)]
    pub trial_end: Option<String>,
    /// The plan awaiting a Stripe confirmation or taking effect at the period end.
    pub pending_plan_code: Option<String>,
    /// Whole days from today (UTC) to the date of the period end, at least 0; null when open-ended.
    #[schema(minimum = 0)]
    pub days_until_renewal: Option<i64>,
    pub is_trial_active: bool,
    pub is_stripe_managed: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl SubscriptionRow {
    pub fn into_dto(self, plan_name: String, now: DateTime<Utc>) -> Subscription {
        let today = now.date_naive();
        let day = |s: &Option<String>| s.as_deref().and_then(parse_ts).map(|t| t.date_naive());
        let days_until_renewal =
            day(&self.current_period_end).map(|end| (end - today).num_days().max(0));
        let is_trial_active = match (day(&self.trial_start), day(&self.trial_end)) {
            (Some(start), Some(end)) => start <= today && today <= end,
            _ => false,
        };
        Subscription {
            id: self.id,
            user: self.user_id,
            is_stripe_managed: self.is_stripe_managed(),
            user_info: self.user,
            plan_code: self.plan_code,
            plan_name,
            status: self.status,
            stripe_subscription_id: self.stripe_subscription_id,
            stripe_customer_id: self.stripe_customer_id,
            current_period_start: self.current_period_start,
            current_period_end: self.current_period_end,
            cancel_at_period_end: self.cancel_at_period_end,
            cancelled_at: self.cancelled_at,
            trial_start: self.trial_start,
            trial_end: self.trial_end,
            pending_plan_code: self.pending_plan_code,
            days_until_renewal,
            is_trial_active,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The catalog shape of the current subscription (billing.md §4.3), camelCase, ids as strings.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CurrentSubscription {
    #[serde(rename = "_id")]
    pub id: String,
    pub user: String,
    pub plan: CatalogPlan,
    pub status: String,
    /// Always `monthly`.
    pub interval: &'static str,
    /// The plan's monthly price.
    pub amount: f64,
    #[schema(format = DateTime)]
    pub start_date: String,
    #[schema(format = DateTime)]
    pub end_date: Option<String>,
    pub cancel_at_period_end: bool,
    #[schema(format = DateTime)]
    pub canceled_at: Option<String>,
    pub stripe_customer_id: Option<String>,
    pub stripe_subscription_id: Option<String>,
    /// The plan that comes next: the pending plan, or the default plan when a cancellation is scheduled.
    pub pending_plan: Option<CatalogPlan>,
    /// When it applies (the period end); null while it waits for a Stripe confirmation.
    #[schema(format = DateTime)]
    pub pending_plan_effective_date: Option<String>,
    /// Only in change-plan answers: always false there (a payment is the checkout answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub requires_payment: Option<bool>,
}

/// One row of `GET /api/subscriptions/history`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryItem {
    pub id: i64,
    #[schema(
        pattern = "^(created|plan_changed|checkout_started|cancel_scheduled|resumed|cancelled|expired|superseded|status_changed|payment_succeeded|payment_failed)$"
    )]
    pub event_type: String,
    pub previous_status: Option<String>,
    pub new_status: Option<String>,
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// `GET /api/subscriptions/stats` (admin).
#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    pub total_subscriptions: i64,
    pub active: i64,
    pub trialing: i64,
    pub past_due: i64,
    pub scheduled_for_cancellation: i64,
    pub by_status: Vec<StatusCount>,
    /// Entitling subscriptions per plan.
    pub by_plan: Vec<PlanCount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanCount {
    pub plan_code: String,
    pub plan_name: String,
    pub count: i64,
}

/// The list filters of `GET /api/subscriptions` (`user`: admins only).
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubscriptionFilter {
    #[param(pattern = "^(active|trialing|past_due|unpaid|incomplete|paused|cancelled|expired)$")]
    pub status: Option<String>,
    pub plan_code: Option<String>,
    pub cancel_at_period_end: Option<bool>,
    /// Admins only (ignored for others).
    pub user: Option<i64>,
}

impl ListFilter for SubscriptionFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<SubscriptionFilter> {
        Ok(SubscriptionFilter {
            status: choice_param(q, "status", &STATUSES)?,
            plan_code: text_param(q, "plan_code"),
            cancel_at_period_end: bool_param(q, "cancel_at_period_end")?,
            user: id_param(q, "user")?,
        })
    }
}

/// Body of `POST /api/subscriptions` (admin assignment, billing.md §5.1).
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignBody {
    pub user: i64,
    pub plan_code: String,
    /// Null or absent: open-ended.
    #[schema(format = DateTime)]
    pub current_period_end: Option<String>,
    /// `active` (default) or `trialing`.
    #[schema(nullable = false, pattern = "^(active|trialing)$")]
    pub status: Option<String>,
}

/// Body of `PUT`/`PATCH /api/subscriptions/{id}`: owners write `cancel_at_period_end` only; admins also the other
/// three on a locally managed subscription. Other members are read-only and ignored.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubscriptionInput {
    #[schema(nullable = false)]
    pub cancel_at_period_end: Option<bool>,
    #[schema(
        nullable = false,
        pattern = "^(active|trialing|past_due|unpaid|incomplete|paused|cancelled|expired)$"
    )]
    pub status: Option<String>,
    #[schema(nullable = false)]
    pub plan_code: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub current_period_end: Option<Option<String>>,
}

/// Body of change-plan (billing.md §5.2): the target in `plan_code`, else `newPlanId`, else `plan`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePlanBody {
    #[schema(nullable = false)]
    pub plan_code: Option<String>,
    #[serde(rename = "newPlanId")]
    #[schema(nullable = false)]
    pub new_plan_id: Option<String>,
    #[schema(nullable = false)]
    pub plan: Option<String>,
    /// Default false.
    #[schema(nullable = false)]
    pub immediate: Option<bool>,
}

/// Body of `POST /api/subscriptions/cancel`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelBody {
    /// Default false: at the period end.
    #[schema(nullable = false)]
    pub immediate: Option<bool>,
}
