//! The catalog plan object (billing.md §2.3): camelCase, prices as numbers, the limits as labelled features.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{PlanRow, Resource};
use crate::i18n::Lang;

/// The catalog plan object of `/api/subscriptions/plans` (billing.md §2.3): camelCase, prices as numbers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CatalogPlan {
    /// The plan code.
    #[serde(rename = "_id")]
    pub id: String,
    /// The plan code.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub description: Option<String>,
    pub badge: Option<String>,
    pub highlights: Vec<String>,
    pub features: Vec<String>,
    pub monthly_price: f64,
    pub yearly_price: f64,
    pub currency: String,
    pub yearly_discount: i64,
    pub is_popular: bool,
    pub color_accent: String,
    pub limits: CatalogLimits,
    pub features_by_category: FeaturesByCategory,
    pub is_purchasable: bool,
}

/// The catalog's limits (storage in MB; −1 unlimited).
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogLimits {
    pub vehicles: i64,
    pub documents: i64,
    pub maintenances: i64,
    pub diagnostics: i64,
    pub storage: i64,
}

/// The catalog's limits as features, under fixed category names.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeaturesByCategory {
    /// Vehicles and documents.
    #[serde(rename = "Gestion")]
    pub gestion: Vec<CatalogFeature>,
    /// Maintenances and diagnostics.
    #[serde(rename = "Suivi")]
    pub suivi: Vec<CatalogFeature>,
    /// Storage.
    #[serde(rename = "Stockage")]
    pub stockage: Vec<CatalogFeature>,
}

/// One limit of a catalog plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogFeature {
    pub key: Resource,
    /// The resource's name in the caller's language.
    pub label: &'static str,
    /// Always `limit`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The limit (storage in MB; −1 unlimited).
    pub value: i64,
    /// The limit for people (`3 véhicules`, `1,5 Go`, `Unlimited`).
    #[serde(rename = "displayValue")]
    pub display_value: String,
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
    /// The catalog plan object of `/api/subscriptions/plans`.
    pub fn catalog(&self, lang: Lang, stripe_configured: bool) -> CatalogPlan {
        let feature = |r: Resource| {
            let value = r.limit(&self.limits);
            CatalogFeature {
                key: r,
                label: r.label(lang),
                kind: "limit",
                value,
                display_value: display_value(r, value, lang),
            }
        };
        let texts = self.texts(lang);
        CatalogPlan {
            id: self.code.clone(),
            kind: self.code.clone(),
            name: texts.name,
            description: texts.description,
            badge: texts.badge,
            highlights: texts.highlights,
            features: texts.features,
            monthly_price: self.monthly_price_cents as f64 / 100.0,
            yearly_price: self.yearly_price_cents as f64 / 100.0,
            currency: self.currency.clone(),
            yearly_discount: self.yearly_discount,
            is_popular: self.is_popular,
            color_accent: self.color_accent.clone(),
            limits: CatalogLimits {
                vehicles: self.limits.vehicles,
                documents: self.limits.documents,
                maintenances: self.limits.maintenances_per_month,
                diagnostics: self.limits.diagnostics_per_month,
                storage: self.limits.storage_mb,
            },
            features_by_category: FeaturesByCategory {
                gestion: vec![feature(Resource::Vehicles), feature(Resource::Documents)],
                suivi: vec![
                    feature(Resource::Maintenances),
                    feature(Resource::Diagnostics),
                ],
                stockage: vec![feature(Resource::Storage)],
            },
            is_purchasable: self.purchasable(stripe_configured),
        }
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
