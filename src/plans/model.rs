//! Plan rows and their two JSON shapes: the plan resource (snake_case) and the catalog object (camelCase).

use serde_json::{Map, Value, json};

use crate::i18n::Lang;
use crate::money::{cents_number, format_cents};

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
    pub highlights: Value,
    pub features: Value,
    pub translations: Value,
    pub limits: Limits,
    pub ai_assistant: bool,
    pub ai_diagnostic: bool,
    pub stripe_price_id: Option<String>,
    pub is_active: bool,
    pub sort_order: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// −1 means unlimited everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub vehicles: i64,
    pub documents: i64,
    pub storage_mb: i64,
    pub maintenances_per_month: i64,
    pub diagnostics_per_month: i64,
}

/// The resources a plan limits (the keys of usage and check-limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// A storage size in MB for people: `200 Mo`, `1 Go`, `1,5 Go` / `200 MB`, `1 GB`, `1.5 GB`.
pub fn storage_label(mb: i64, lang: Lang) -> String {
    let (mo, go) = if lang == Lang::Fr {
        ("Mo", "Go")
    } else {
        ("MB", "GB")
    };
    if mb < 1024 {
        return format!("{mb} {mo}");
    }
    let gb = (mb as f64 / 1024.0 * 10.0).round() / 10.0;
    let text = if gb.fract() == 0.0 {
        format!("{}", gb as i64)
    } else {
        format!("{gb:.1}")
    };
    let text = if lang == Lang::Fr {
        text.replace('.', ",")
    } else {
        text
    };
    format!("{text} {go}")
}

/// `displayValue` of a catalog feature.
pub fn display_value(resource: Resource, limit: i64, lang: Lang) -> String {
    if limit == -1 {
        return if lang == Lang::Fr {
            "Illimité"
        } else {
            "Unlimited"
        }
        .to_owned();
    }
    match (resource, lang) {
        (Resource::Vehicles, Lang::Fr) => {
            format!("{limit} véhicule{}", if limit == 1 { "" } else { "s" })
        }
        (Resource::Vehicles, Lang::En) => {
            format!("{limit} vehicle{}", if limit == 1 { "" } else { "s" })
        }
        (Resource::Documents, _) => format!("{limit} documents"),
        (Resource::Maintenances | Resource::Diagnostics, Lang::Fr) => format!("{limit} / mois"),
        (Resource::Maintenances | Resource::Diagnostics, Lang::En) => format!("{limit} / month"),
        (Resource::Storage, _) => storage_label(limit, lang),
    }
}

impl PlanRow {
    /// A text field in `lang`: `translations[lang][field]`, else the base field.
    fn localized(&self, field: &str, base: Value, lang: Lang) -> Value {
        match self
            .translations
            .get(lang.code())
            .and_then(|t| t.get(field))
        {
            Some(v) if !v.is_null() => v.clone(),
            _ => base,
        }
    }

    pub fn name_in(&self, lang: Lang) -> String {
        self.localized("name", json!(self.name), lang)
            .as_str()
            .unwrap_or(&self.name)
            .to_owned()
    }

    /// Paid plans can be bought only through Stripe, which is not configured yet on this build.
    pub fn purchasable(&self, stripe_configured: bool) -> bool {
        stripe_configured && self.stripe_price_id.is_some() && self.monthly_price_cents > 0
    }

    /// The plan resource of `/api/plans/`.
    pub fn resource(&self, lang: Lang, default_code: &str, stripe_configured: bool) -> Value {
        json!({
            "id": self.id,
            "code": self.code,
            "name": self.localized("name", json!(self.name), lang),
            "description": self.localized("description", json!(self.description), lang),
            "monthly_price": format_cents(self.monthly_price_cents),
            "yearly_price": format_cents(self.yearly_price_cents),
            "currency": self.currency,
            "yearly_discount": self.yearly_discount,
            "is_popular": self.is_popular,
            "badge": self.localized("badge", json!(self.badge), lang),
            "color_accent": self.color_accent,
            "highlights": self.localized("highlights", self.highlights.clone(), lang),
            "features": self.localized("features", self.features.clone(), lang),
            "translations": self.translations,
            "limits": {
                "vehicles": self.limits.vehicles,
                "documents": self.limits.documents,
                "storage_mb": self.limits.storage_mb,
                "maintenances_per_month": self.limits.maintenances_per_month,
                "diagnostics_per_month": self.limits.diagnostics_per_month,
            },
            "ai_assistant": self.ai_assistant,
            "ai_diagnostic": self.ai_diagnostic,
            "stripe_price_id": self.stripe_price_id,
            "is_active": self.is_active,
            "sort_order": self.sort_order,
            "is_default": self.code == default_code,
            "purchasable": self.purchasable(stripe_configured),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }

    /// The catalog plan object (camelCase) of `/api/subscriptions/plans`.
    pub fn catalog(&self, lang: Lang, stripe_configured: bool) -> Value {
        let feature = |r: Resource| {
            let value = r.limit(&self.limits);
            json!({"key": r.key(), "label": r.label(lang), "type": "limit", "value": value,
                   "displayValue": display_value(r, value, lang)})
        };
        let mut by_category = Map::new();
        by_category.insert(
            "Gestion".into(),
            json!([feature(Resource::Vehicles), feature(Resource::Documents)]),
        );
        by_category.insert(
            "Suivi".into(),
            json!([
                feature(Resource::Maintenances),
                feature(Resource::Diagnostics)
            ]),
        );
        by_category.insert("Stockage".into(), json!([feature(Resource::Storage)]));
        json!({
            "_id": self.code,
            "type": self.code,
            "name": self.localized("name", json!(self.name), lang),
            "description": self.localized("description", json!(self.description), lang),
            "badge": self.localized("badge", json!(self.badge), lang),
            "highlights": self.localized("highlights", self.highlights.clone(), lang),
            "features": self.localized("features", self.features.clone(), lang),
            "monthlyPrice": cents_number(self.monthly_price_cents),
            "yearlyPrice": cents_number(self.yearly_price_cents),
            "currency": self.currency,
            "yearlyDiscount": self.yearly_discount,
            "isPopular": self.is_popular,
            "colorAccent": self.color_accent,
            "limits": {
                "vehicles": self.limits.vehicles,
                "documents": self.limits.documents,
                "maintenances": self.limits.maintenances_per_month,
                "diagnostics": self.limits.diagnostics_per_month,
                "storage": self.limits.storage_mb,
            },
            "featuresByCategory": by_category,
            "isPurchasable": self.purchasable(stripe_configured),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_and_display_values() {
        assert_eq!(storage_label(200, Lang::Fr), "200 Mo");
        assert_eq!(storage_label(1024, Lang::Fr), "1 Go");
        assert_eq!(storage_label(1536, Lang::Fr), "1,5 Go");
        assert_eq!(storage_label(1536, Lang::En), "1.5 GB");
        assert_eq!(display_value(Resource::Vehicles, 1, Lang::Fr), "1 véhicule");
        assert_eq!(display_value(Resource::Vehicles, 3, Lang::En), "3 vehicles");
        assert_eq!(
            display_value(Resource::Maintenances, 10, Lang::Fr),
            "10 / mois"
        );
        assert_eq!(
            display_value(Resource::Diagnostics, -1, Lang::Fr),
            "Illimité"
        );
    }
}
