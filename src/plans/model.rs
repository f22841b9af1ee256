//! Plan rows and their two shapes: the plan resource (snake_case) and the catalog object (camelCase); the usage
//! and limit-check answers are in `usage.rs`.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppResult;
use crate::http::list::{ListFilter, bool_param};
use crate::i18n::Lang;
use crate::money::format_cents;

#[derive(Debug, Clone)]
pub struct PlanRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub monthly_price_cents: i64,
    pub yearly_price_cents: i64,
    pub currency: String,
    pub yearly_discount: i64,
    pub is_popular: bool,
    pub badge: Option<String>,
    pub color_accent: String,
    pub highlights: Vec<String>,
    pub features: Vec<String>,
    pub translations: BTreeMap<String, PlanTexts>,
    pub limits: Limits,
    pub ai_assistant: bool,
    pub ai_diagnostic: bool,
    pub stripe_price_id: Option<String>,
    pub is_active: bool,
    pub sort_order: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A plan's texts in one language (`translations.<lang>`); a member not given falls back to the base field.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PlanTexts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub badge: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub highlights: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub features: Option<Vec<String>>,
}

/// A plan's limits; −1 means unlimited everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Limits {
    #[schema(minimum = -1)]
    pub vehicles: i64,
    #[schema(minimum = -1)]
    pub documents: i64,
    #[schema(minimum = -1)]
    pub storage_mb: i64,
    #[schema(minimum = -1)]
    pub maintenances_per_month: i64,
    #[schema(minimum = -1)]
    pub diagnostics_per_month: i64,
}

/// The resources a plan limits (the keys of usage and check-limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = LimitedResource)]
pub enum Resource {
    Vehicles,
    Documents,
    Storage,
    Maintenances,
    Diagnostics,
}

impl Resource {
    pub const ALL: [Resource; 5] = [
        Resource::Vehicles,
        Resource::Documents,
        Resource::Maintenances,
        Resource::Diagnostics,
        Resource::Storage,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Resource::Vehicles => "vehicles",
            Resource::Documents => "documents",
            Resource::Storage => "storage",
            Resource::Maintenances => "maintenances",
            Resource::Diagnostics => "diagnostics",
        }
    }

    pub fn from_key(key: &str) -> Option<Resource> {
        Resource::ALL.into_iter().find(|r| r.key() == key)
    }

    pub fn limit(self, l: &Limits) -> i64 {
        match self {
            Resource::Vehicles => l.vehicles,
            Resource::Documents => l.documents,
            Resource::Storage => l.storage_mb,
            Resource::Maintenances => l.maintenances_per_month,
            Resource::Diagnostics => l.diagnostics_per_month,
        }
    }

    /// The label of the plan catalog (billing.md §2.3).
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Resource::Vehicles, Lang::Fr) => "Véhicules",
            (Resource::Vehicles, Lang::En) => "Vehicles",
            (Resource::Documents, _) => "Documents",
            (Resource::Maintenances, _) => "Maintenances",
            (Resource::Diagnostics, _) => "Diagnostics",
            (Resource::Storage, Lang::Fr) => "Stockage",
            (Resource::Storage, Lang::En) => "Storage",
        }
    }
}

/// A plan as `/api/plans/` shows it (billing.md §2.2), its texts in the caller's language.
#[derive(Debug, Serialize, ToSchema)]
pub struct Plan {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    /// Decimal string, 2 decimals.
    #[schema(pattern = "^[0-9]+\\.[0-9]{2}$")]
    pub monthly_price: String,
    /// Decimal string, 2 decimals.
    #[schema(pattern = "^[0-9]+\\.[0-9]{2}$")]
    pub yearly_price: String,
    /// ISO 4217.
    pub currency: String,
    /// Percent, for display.
    pub yearly_discount: i64,
    pub is_popular: bool,
    pub badge: Option<String>,
    /// `#RRGGBB`.
    pub color_accent: String,
    pub highlights: Vec<String>,
    pub features: Vec<String>,
    /// The texts per language code (`en`, `fr`).
    pub translations: BTreeMap<String, PlanTexts>,
    pub limits: Limits,
    pub ai_assistant: bool,
    pub ai_diagnostic: bool,
    /// The recurring monthly Stripe price.
    pub stripe_price_id: Option<String>,
    pub is_active: bool,
    pub sort_order: i64,
    /// This is the default plan.
    pub is_default: bool,
    /// Stripe configured, a Stripe price and a monthly price above 0.
    pub purchasable: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The list filters of `GET /api/plans/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanFilter {
    pub is_popular: Option<bool>,
    /// Admins only: other callers always get the active plans, and the parameter is ignored.
    pub is_active: Option<bool>,
}

impl ListFilter for PlanFilter {
    /// `is_active` depends on the caller: `for_caller` reads it.
    fn from_query(q: &HashMap<String, String>) -> AppResult<PlanFilter> {
        Ok(PlanFilter {
            is_popular: bool_param(q, "is_popular")?,
            is_active: None,
        })
    }
}

impl PlanFilter {
    /// Admins may filter on `is_active`; everybody else sees the active plans only.
    pub fn for_caller(
        mut self,
        is_admin: bool,
        q: &HashMap<String, String>,
    ) -> AppResult<PlanFilter> {
        self.is_active = if is_admin {
            bool_param(q, "is_active")?
        } else {
            Some(true)
        };
        Ok(self)
    }
}

/// A plan's texts in one language, falling back to the base fields.
pub(super) struct Texts {
    pub name: String,
    pub description: Option<String>,
    pub badge: Option<String>,
    pub highlights: Vec<String>,
    pub features: Vec<String>,
}

impl PlanRow {
    pub(super) fn texts(&self, lang: Lang) -> Texts {
        let t = self
            .translations
            .get(lang.code())
            .cloned()
            .unwrap_or_default();
        Texts {
            name: t.name.unwrap_or_else(|| self.name.clone()),
            description: t.description.or_else(|| self.description.clone()),
            badge: t.badge.or_else(|| self.badge.clone()),
            highlights: t.highlights.unwrap_or_else(|| self.highlights.clone()),
            features: t.features.unwrap_or_else(|| self.features.clone()),
        }
    }

    pub fn name_in(&self, lang: Lang) -> String {
        self.texts(lang).name
    }

    /// Paid plans can be bought only through Stripe, which is not configured yet on this build.
    pub fn purchasable(&self, stripe_configured: bool) -> bool {
        stripe_configured && self.stripe_price_id.is_some() && self.monthly_price_cents > 0
    }

    /// The plan resource of `/api/plans/`.
    pub fn into_dto(self, lang: Lang, default_code: &str, stripe_configured: bool) -> Plan {
        let texts = self.texts(lang);
        Plan {
            id: self.id,
            is_default: self.code == default_code,
            purchasable: self.purchasable(stripe_configured),
            code: self.code,
            name: texts.name,
            description: texts.description,
            monthly_price: format_cents(self.monthly_price_cents),
            yearly_price: format_cents(self.yearly_price_cents),
            currency: self.currency,
            yearly_discount: self.yearly_discount,
            is_popular: self.is_popular,
            badge: texts.badge,
            color_accent: self.color_accent,
            highlights: texts.highlights,
            features: texts.features,
            translations: self.translations,
            limits: self.limits,
            ai_assistant: self.ai_assistant,
            ai_diagnostic: self.ai_diagnostic,
            stripe_price_id: self.stripe_price_id,
            is_active: self.is_active,
            sort_order: self.sort_order,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_serialise_as_their_keys() {
        for r in Resource::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), r.key());
        }
        assert_eq!(
            crate::docs::testing::enum_values::<Resource>(),
            [
                "vehicles",
                "documents",
                "storage",
                "maintenances",
                "diagnostics"
            ]
        );
    }
}
