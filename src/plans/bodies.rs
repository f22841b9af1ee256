//! The request schemas of plan administration (billing.md §2.2), for the OpenAPI document; bodies are read by
//! `input::parse`.

use std::collections::BTreeMap;

use serde::Deserialize;
use utoipa::ToSchema;

use super::model::{Limits, PlanTexts};

/// Body of `POST /api/plans/` and `PUT /api/plans/{id}/` (`code` is read-only after create).
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanCreate {
    #[schema(min_length = 1, max_length = 50, pattern = "^[a-z0-9_-]+$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    #[schema(pattern = r"^[0-9]+(\.[0-9]{1,2})?$")]
    pub monthly_price: String,
    #[schema(nullable = false, pattern = r"^[0-9]+(\.[0-9]{1,2})?$")]
    pub yearly_price: Option<String>,
    #[schema(nullable = false, pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    #[schema(nullable = false, minimum = 0, maximum = 100)]
    pub yearly_discount: Option<i64>,
    #[schema(nullable = false)]
    pub is_popular: Option<bool>,
    #[schema(max_length = 50)]
    pub badge: Option<String>,
    #[schema(nullable = false, pattern = "^#[0-9A-Fa-f]{6}$")]
    pub color_accent: Option<String>,
    #[schema(nullable = false, max_items = 10)]
    pub highlights: Option<Vec<String>>,
    #[schema(nullable = false, max_items = 10)]
    pub features: Option<Vec<String>>,
    /// `{"en": {…}, "fr": {…}}`, each with any of `name`, `description`, `badge`, `highlights`, `features`.
    #[schema(nullable = false)]
    pub translations: Option<BTreeMap<String, PlanTexts>>,
    /// All five are required on create (−1 = unlimited).
    pub limits: Limits,
    #[schema(nullable = false)]
    pub ai_assistant: Option<bool>,
    #[schema(nullable = false)]
    pub ai_diagnostic: Option<bool>,
    #[schema(max_length = 255, pattern = "^price_")]
    pub stripe_price_id: Option<String>,
    #[schema(nullable = false)]
    pub is_active: Option<bool>,
    #[schema(nullable = false)]
    pub sort_order: Option<i64>,
}

/// Limits in a PATCH body: any of the five.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LimitsInput {
    #[schema(nullable = false, minimum = -1)]
    pub vehicles: Option<i64>,
    #[schema(nullable = false, minimum = -1)]
    pub documents: Option<i64>,
    #[schema(nullable = false, minimum = -1)]
    pub storage_mb: Option<i64>,
    #[schema(nullable = false, minimum = -1)]
    pub maintenances_per_month: Option<i64>,
    #[schema(nullable = false, minimum = -1)]
    pub diagnostics_per_month: Option<i64>,
}

/// Body of `PATCH /api/plans/{id}/`: any member of the plan body (`code` is read-only).
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanInput {
    #[schema(nullable = false, min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: Option<String>,
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub description: Option<Option<String>>,
    #[schema(nullable = false, pattern = r"^[0-9]+(\.[0-9]{1,2})?$")]
    pub monthly_price: Option<String>,
    #[schema(nullable = false, pattern = r"^[0-9]+(\.[0-9]{1,2})?$")]
    pub yearly_price: Option<String>,
    #[schema(nullable = false, pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    #[schema(nullable = false, minimum = 0, maximum = 100)]
    pub yearly_discount: Option<i64>,
    #[schema(nullable = false)]
    pub is_popular: Option<bool>,
    #[schema(value_type = Option<String>, max_length = 50)]
    pub badge: Option<Option<String>>,
    #[schema(nullable = false, pattern = "^#[0-9A-Fa-f]{6}$")]
    pub color_accent: Option<String>,
    #[schema(nullable = false, max_items = 10)]
    pub highlights: Option<Vec<String>>,
    #[schema(nullable = false, max_items = 10)]
    pub features: Option<Vec<String>>,
    #[schema(nullable = false)]
    pub translations: Option<BTreeMap<String, PlanTexts>>,
    #[schema(nullable = false)]
    pub limits: Option<LimitsInput>,
    #[schema(nullable = false)]
    pub ai_assistant: Option<bool>,
    #[schema(nullable = false)]
    pub ai_diagnostic: Option<bool>,
    #[schema(value_type = Option<String>, max_length = 255, pattern = "^price_")]
    pub stripe_price_id: Option<Option<String>>,
    #[schema(nullable = false)]
    pub is_active: Option<bool>,
    #[schema(nullable = false)]
    pub sort_order: Option<i64>,
}
