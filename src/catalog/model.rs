//! The catalog's representations (vehicles.md §2, §3), the list filter of models and the input parsing.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppResult;
use crate::http::list::{ListFilter, id_param};
use crate::http::validate::Input;

/// A car brand.
#[derive(Debug, Serialize, ToSchema)]
pub struct Brand {
    pub id: i64,
    pub name: String,
    pub logo_url: Option<String>,
    /// How many models the brand has.
    pub models_count: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A car model of a brand.
#[derive(Debug, Serialize, ToSchema)]
pub struct CarModel {
    pub id: i64,
    /// The brand's id.
    pub brand: i64,
    pub brand_name: String,
    pub name: String,
    pub year_start: Option<i64>,
    pub year_end: Option<i64>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The list filters of `GET /api/models/` (all exact).
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CarModelFilter {
    /// A brand id.
    pub brand: Option<i64>,
    pub year_start: Option<i64>,
    pub year_end: Option<i64>,
}

impl ListFilter for CarModelFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<CarModelFilter> {
        Ok(CarModelFilter {
            brand: id_param(q, "brand")?,
            year_start: id_param(q, "year_start")?,
            year_end: id_param(q, "year_end")?,
        })
    }
}

/// The body of `POST` and `PUT` on brands.
#[derive(ToSchema)]
pub struct BrandCreate {
    /// Unique, ignoring case.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// An http or https URL.
    #[schema(
        pattern = r"^https?://[^\s\x00-\x1f\x7f-\x9f/?#:][^\s\x00-\x1f\x7f-\x9f]*$",
        max_length = 200
    )]
    pub logo_url: Option<String>,
}

/// The writable fields of a brand, and the body of `PATCH`; absent = unchanged.
#[derive(Debug, Default, ToSchema)]
pub struct BrandInput {
    /// Unique, ignoring case.
    #[schema(value_type = String, required = false, min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// An http or https URL.
    #[schema(value_type = Option<String>, pattern = r"^https?://[^\s\x00-\x1f\x7f-\x9f/?#:][^\s\x00-\x1f\x7f-\x9f]*$", max_length = 200)]
    pub logo_url: Option<Option<String>>,
}

/// Reads a brand's fields; `full` (create, PUT) requires `name`.
pub fn parse_brand(body: Map<String, Value>, full: bool) -> (Input, BrandInput) {
    let mut input = Input::new(body);
    let name = if full || input.has("name") {
        input.text("name", 100)
    } else {
        None
    };
    let logo_url = input.url("logo_url", 200);
    (input, BrandInput { name, logo_url })
}

/// The body of `POST` and `PUT` on models.
#[derive(ToSchema)]
pub struct CarModelCreate {
    /// An existing brand's id.
    pub brand: i64,
    /// Unique within the brand, ignoring case.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// From 1900 to next year.
    #[schema(minimum = 1900)]
    pub year_start: Option<i64>,
    /// From 1900 to next year, not before `year_start`.
    #[schema(minimum = 1900)]
    pub year_end: Option<i64>,
}

/// The writable fields of a model, and the body of `PATCH`; absent = unchanged.
#[derive(Debug, Default, ToSchema)]
pub struct CarModelInput {
    /// An existing brand's id.
    #[schema(value_type = i64, required = false)]
    pub brand: Option<i64>,
    /// Unique within the brand, ignoring case.
    #[schema(value_type = String, required = false, min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// From 1900 to next year.
    #[schema(value_type = Option<i64>, minimum = 1900)]
    pub year_start: Option<Option<i64>>,
    /// From 1900 to next year, not before `year_start`.
    #[schema(value_type = Option<i64>, minimum = 1900)]
    pub year_end: Option<Option<i64>>,
}

/// Reads a model's fields; `full` (create, PUT) requires `brand` and `name`. The year range is checked by the
/// service, which knows the stored values.
pub fn parse_model(body: Map<String, Value>, full: bool, max_year: i64) -> (Input, CarModelInput) {
    let mut input = Input::new(body);
    let brand = if full || input.has("brand") {
        input.int("brand", i64::MIN, i64::MAX, true).flatten()
    } else {
        None
    };
    let name = if full || input.has("name") {
        input.text("name", 100)
    } else {
        None
    };
    let year_start = input.int("year_start", 1900, max_year, false);
    let year_end = input.int("year_end", 1900, max_year, false);
    (
        input,
        CarModelInput {
            brand,
            name,
            year_start,
            year_end,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use utoipa::PartialSchema;

    /// Logo URLs matching the pattern both brand bodies document (anchors removed for the generator).
    fn documented_logo_url() -> impl Strategy<Value = String> {
        let [create, input] = [BrandCreate::schema(), BrandInput::schema()]
            .map(|s| serde_json::to_value(s).unwrap()["properties"]["logo_url"]["pattern"].clone());
        assert_eq!(create, input);
        let bare = create.as_str().unwrap();
        let bare = bare.strip_prefix('^').unwrap().strip_suffix('$').unwrap();
        proptest::string::string_regex(bare).unwrap()
    }

    proptest! {
        /// Every logo URL the documented pattern and length allow is stored unchanged.
        #[test]
        fn prop_documented_logo_urls_are_accepted(raw in documented_logo_url()) {
            prop_assume!(raw.chars().count() <= 200);
            let body = serde_json::json!({"name": "Alpine", "logo_url": raw}).as_object().unwrap().clone();
            let (input, b) = parse_brand(body, true);
            prop_assert!(input.finish().is_ok(), "{:?}", raw);
            prop_assert_eq!(b.logo_url, Some(Some(raw)));
        }
    }
}
