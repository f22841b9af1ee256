//! The query parameters of the garage and review reads, typed: the list filters, the distance searches
//! (garages.md §3), `top_rated`'s limit and `by_specialty`'s specialty. A bad value is a 400 naming the parameter.

use std::collections::HashMap;

use utoipa::IntoParams;

use crate::error::{AppError, AppResult};
use crate::http::list::{ListFilter, id_param, limit_param, text_param};
use crate::i18n::Tr;

/// A distance search: the point and the radius.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub lat: f64,
    pub lng: f64,
    pub radius_km: f64,
}

fn bad_coordinates(param: &str) -> AppError {
    AppError::field(
        param,
        Tr::new(
            "Invalid coordinates. Please provide lat and lng parameters.",
            "Coordonnées invalides. Indiquez les paramètres lat et lng.",
        ),
    )
}

fn coordinate(raw: Option<&str>, max: f64) -> Option<f64> {
    raw?.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && v.abs() <= max)
}

/// A radius in km: 0 < R ≤ 500, default 10.
fn radius(query: &HashMap<String, String>, param: &str) -> AppResult<f64> {
    match text_param(query, param) {
        None => Ok(10.0),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|r| *r > 0.0 && *r <= 500.0)
            .ok_or_else(|| bad_coordinates(param)),
    }
}

/// The filters of `GET /api/garages/` (text filters ignore case), and its distance search.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GarageFilter {
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    /// `lat,lng`: only garages within `radius_km` of the point, each with its `distance_km`; enables the
    /// `distance` ordering, which becomes the default. (The pattern is two decimal numbers in range; the parser
    /// also takes other float spellings, such as exponents.)
    #[param(
        value_type = Option<String>,
        pattern = r"^ *[+-]?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?) *, *[+-]?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?) *$",
        example = "48.8566,2.3522"
    )]
    pub near: Option<Near>,
    /// The radius of `near` in km, 10 by default (read only with `near`).
    #[param(exclusive_minimum = 0, maximum = 500)]
    pub radius_km: Option<f64>,
}

impl ListFilter for GarageFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<GarageFilter> {
        let near = match text_param(q, "near") {
            None => None,
            Some(raw) => {
                let mut parts = raw.split(',');
                let (lat, lng) = (
                    coordinate(parts.next(), 90.0),
                    coordinate(parts.next(), 180.0),
                );
                match (lat, lng, parts.next()) {
                    (Some(lat), Some(lng), None) => Some(Near {
                        lat,
                        lng,
                        radius_km: radius(q, "radius_km")?,
                    }),
                    _ => return Err(bad_coordinates("near")),
                }
            }
        };
        Ok(GarageFilter {
            city: text_param(q, "city"),
            postal_code: text_param(q, "postal_code"),
            country: text_param(q, "country"),
            radius_km: near.map(|n| n.radius_km),
            near,
        })
    }
}

/// `GET /api/garages/search_nearby/`: a point and a radius.
#[derive(Debug, Clone, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NearbyParams {
    #[param(minimum = -90, maximum = 90)]
    pub lat: f64,
    #[param(minimum = -180, maximum = 180)]
    pub lng: f64,
    /// In km, 10 by default.
    #[param(exclusive_minimum = 0, maximum = 500)]
    pub radius: Option<f64>,
}

impl NearbyParams {
    pub fn near(&self) -> Near {
        Near {
            lat: self.lat,
            lng: self.lng,
            radius_km: self.radius.unwrap_or(10.0),
        }
    }
}

impl ListFilter for NearbyParams {
    fn from_query(q: &HashMap<String, String>) -> AppResult<NearbyParams> {
        let get = |name: &str| q.get(name).map(String::as_str);
        Ok(NearbyParams {
            lat: coordinate(get("lat"), 90.0).ok_or_else(|| bad_coordinates("lat"))?,
            lng: coordinate(get("lng"), 180.0).ok_or_else(|| bad_coordinates("lng"))?,
            radius: Some(radius(q, "radius")?),
        })
    }
}

/// `GET /api/garages/top_rated/`: how many garages.
#[derive(Debug, Clone, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopRatedParams {
    /// 10 by default.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

impl ListFilter for TopRatedParams {
    fn from_query(q: &HashMap<String, String>) -> AppResult<TopRatedParams> {
        let limit = limit_param(q, "limit", 10)?;
        Ok(TopRatedParams { limit: Some(limit) })
    }
}

/// `GET /api/garages/by_specialty/`.
#[derive(Debug, Clone, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpecialtyParams {
    /// One element of `specialties`, case-insensitively; all garages without it.
    pub specialty: Option<String>,
}

impl ListFilter for SpecialtyParams {
    fn from_query(q: &HashMap<String, String>) -> AppResult<SpecialtyParams> {
        Ok(SpecialtyParams {
            specialty: text_param(q, "specialty"),
        })
    }
}

/// The filters of `GET /api/reviews/` (exact).
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewFilter {
    /// A garage's id.
    pub garage: Option<i64>,
    pub rating: Option<i64>,
    /// An author's user id.
    pub user: Option<i64>,
}

impl ListFilter for ReviewFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<ReviewFilter> {
        Ok(ReviewFilter {
            garage: id_param(q, "garage")?,
            rating: id_param(q, "rating")?,
            user: id_param(q, "user")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn near_reads_a_point_and_its_radius() {
        let f =
            GarageFilter::from_query(&q(&[("near", " 48.8 , 2.3 "), ("radius_km", "15")])).unwrap();
        assert_eq!(
            f.near,
            Some(Near {
                lat: 48.8,
                lng: 2.3,
                radius_km: 15.0
            })
        );
        // Without `near`, the radius is not read.
        assert!(GarageFilter::from_query(&q(&[("radius_km", "x")])).is_ok());
        for bad in [
            &[("near", "91,2")][..],
            &[("near", "1,2,3")],
            &[("near", "1,2"), ("radius_km", "0")],
        ] {
            assert!(GarageFilter::from_query(&q(bad)).is_err(), "{bad:?}");
        }
    }

    fn near_pattern() -> String {
        let params = GarageFilter::into_params(|| None);
        let near = params.iter().find(|p| p.name == "near").unwrap();
        let schema = serde_json::to_value(near.schema.as_ref().unwrap()).unwrap();
        schema["pattern"].as_str().unwrap().to_owned()
    }

    proptest::proptest! {
        /// Whatever the documented `near` pattern matches, the parser accepts.
        #[test]
        fn prop_what_the_near_pattern_matches_is_accepted(
            text in crate::docs::testing::matching(&near_pattern()),
        ) {
            let f = GarageFilter::from_query(&q(&[("near", &text)]));
            proptest::prop_assert!(f.is_ok_and(|f| f.near.is_some()), "{:?}", text);
        }
    }
}
