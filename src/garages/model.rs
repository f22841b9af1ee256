//! Garage and review rows, their representations (which depend on who looks: a review's email is shown to its
//! author and to admins only), and the garage and review bodies with their parsing.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};

use super::review_model::{Review, ReviewRow};
use crate::auth::AuthUser;
use crate::http::validate::Input;
use crate::i18n::Tr;

#[derive(Debug, Clone)]
pub struct GarageRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub address: String,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub description: Option<String>,
    pub specialties: Vec<String>,
    pub certifications: Vec<String>,
    pub average_rating_x100: i64,
    pub total_reviews: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Set in distance searches.
    pub distance_km: Option<f64>,
}

/// Who is looking: the author and admins see the reviewer's email.
#[derive(Debug, Clone, Copy, Default)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub is_staff: bool,
}

impl Viewer {
    pub fn of(user: Option<&AuthUser>) -> Viewer {
        Viewer {
            user_id: user.map(|u| u.id),
            is_staff: user.is_some_and(|u| u.is_staff),
        }
    }
}

/// The GeoJSON geometry type of `location`.
#[derive(Debug, Serialize, ToSchema)]
pub enum PointType {
    Point,
}

/// A GeoJSON point.
#[derive(Debug, Serialize, ToSchema)]
pub struct GeoPoint {
    #[serde(rename = "type")]
    pub kind: PointType,
    /// `[longitude, latitude]`.
    #[schema(value_type = Vec<f64>, min_items = 2, max_items = 2)]
    pub coordinates: [f64; 2],
}

/// A garage as the API shows it (garages.md §1.2).
#[derive(Debug, Serialize, ToSchema)]
pub struct Garage {
    pub id: i64,
    pub name: String,
    #[schema(format = Email)]
    pub email: String,
    pub phone: Option<String>,
    pub address: String,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub description: Option<String>,
    /// The same point as `latitude` and `longitude`; `null` without coordinates.
    pub location: Option<GeoPoint>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub specialties: Vec<String>,
    pub certifications: Vec<String>,
    /// Decimal string with 2 decimals; `"0.00"` without reviews.
    #[schema(pattern = r"^[0-5]\.[0-9]{2}$", example = "4.50")]
    pub average_rating: String,
    pub total_reviews: i64,
    /// The same as `total_reviews`.
    pub reviews_count: i64,
    /// The 3 newest reviews, newest first.
    pub recent_reviews: Vec<Review>,
    /// Kilometres from the searched point, 2 decimals: present in distance searches only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub distance_km: Option<f64>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The detail, create and update answers: the garage and every review, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct GarageDetail {
    #[serde(flatten)]
    pub garage: Garage,
    pub all_reviews: Vec<Review>,
}

/// `"4.50"` from the stored ×100 value.
pub fn rating_text(x100: i64) -> String {
    format!("{}.{:02}", x100 / 100, x100 % 100)
}

impl GarageRow {
    /// The representation with `recent` (the newest reviews first; 3 are shown).
    pub fn into_dto(self, recent: Vec<ReviewRow>, viewer: Viewer) -> Garage {
        let location = match (self.latitude, self.longitude) {
            (Some(lat), Some(lng)) => Some(GeoPoint {
                kind: PointType::Point,
                coordinates: [lng, lat],
            }),
            _ => None,
        };
        Garage {
            id: self.id,
            name: self.name,
            email: self.email,
            phone: self.phone,
            address: self.address,
            city: self.city,
            postal_code: self.postal_code,
            country: self.country,
            description: self.description,
            location,
            latitude: self.latitude,
            longitude: self.longitude,
            specialties: self.specialties,
            certifications: self.certifications,
            average_rating: rating_text(self.average_rating_x100),
            total_reviews: self.total_reviews,
            reviews_count: self.total_reviews,
            recent_reviews: recent
                .into_iter()
                .take(3)
                .map(|r| r.into_dto(viewer))
                .collect(),
            // Rounded to 2 decimals (garages.md §3).
            distance_km: self.distance_km.map(|d| (d * 100.0).round() / 100.0),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    /// The detail: `all` is every review, newest first.
    pub fn into_detail(self, all: Vec<ReviewRow>, viewer: Viewer) -> GarageDetail {
        let recent = all.iter().take(3).cloned().collect();
        GarageDetail {
            garage: self.into_dto(recent, viewer),
            all_reviews: all.into_iter().map(|r| r.into_dto(viewer)).collect(),
        }
    }
}

/// `specialties` and `certifications` in a body: at most 50 non-blank strings of at most 100 characters; `null`
/// is the empty list.
fn label_list() -> utoipa::openapi::Array {
    let label = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(100))
        .pattern(Some(r"\S"));
    ArrayBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            Type::Array,
            Type::Null,
        ]))
        .items(label)
        .max_items(Some(50))
        .build()
}

/// The body of `POST` and `PUT`: what `parse` reads with `full`. Text is trimmed; `""` on a nullable field is
/// `null`; `latitude` and `longitude` come together ("Latitude and longitude must be given together."), both
/// `null` clears the location.
#[derive(ToSchema)]
pub struct GarageCreate {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[schema(max_length = 20)]
    pub phone: Option<String>,
    #[schema(min_length = 1, max_length = 255, pattern = r"\S")]
    pub address: String,
    #[schema(max_length = 100)]
    pub city: Option<String>,
    #[schema(max_length = 20)]
    pub postal_code: Option<String>,
    #[schema(max_length = 100)]
    pub country: Option<String>,
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: Option<f64>,
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: Option<f64>,
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    #[schema(schema_with = label_list)]
    pub specialties: Option<Vec<String>>,
    #[schema(schema_with = label_list)]
    pub certifications: Option<Vec<String>>,
}

/// The writable garage fields, and the body of `PATCH`; `None` = not sent. `latitude` and `longitude` are both
/// set or both not (the parser checks the pair).
#[derive(Debug, Default, ToSchema)]
pub struct GarageInput {
    #[schema(nullable = false, min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    #[schema(nullable = false, format = Email, max_length = 254)]
    pub email: Option<String>,
    #[schema(value_type = Option<String>, max_length = 20)]
    pub phone: Option<Option<String>>,
    #[schema(nullable = false, min_length = 1, max_length = 255, pattern = r"\S")]
    pub address: Option<String>,
    #[schema(value_type = Option<String>, max_length = 100)]
    pub city: Option<Option<String>>,
    #[schema(value_type = Option<String>, max_length = 20)]
    pub postal_code: Option<Option<String>>,
    #[schema(value_type = Option<String>, max_length = 100)]
    pub country: Option<Option<String>>,
    #[schema(value_type = Option<f64>, minimum = -90, maximum = 90)]
    pub latitude: Option<Option<f64>>,
    #[schema(value_type = Option<f64>, minimum = -180, maximum = 180)]
    pub longitude: Option<Option<f64>>,
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub description: Option<Option<String>>,
    #[schema(schema_with = label_list)]
    pub specialties: Option<Vec<String>>,
    #[schema(schema_with = label_list)]
    pub certifications: Option<Vec<String>>,
}

pub fn parse(body: Map<String, Value>, full: bool) -> (Input, GarageInput) {
    let mut input = Input::new(body);
    let mut g = GarageInput::default();
    let need = |input: &Input, name: &str| full || input.has(name);
    if need(&input, "name") {
        g.name = input.text("name", 200);
    }
    if need(&input, "email") {
        g.email = input.email("email");
    }
    if need(&input, "address") {
        g.address = input.text("address", 255);
    }
    g.phone = input.opt_text("phone", 20);
    g.city = input.opt_text("city", 100);
    g.postal_code = input.opt_text("postal_code", 20);
    g.country = input.opt_text("country", 100);
    g.description = input.opt_text("description", 10_000);
    let (has_lat, has_lng) = (input.has("latitude"), input.has("longitude"));
    if has_lat || has_lng {
        let lat = input.number("latitude", -90.0, 90.0);
        let lng = input.number("longitude", -180.0, 180.0);
        match (lat, lng) {
            (Some(a @ Some(_)), Some(b @ Some(_))) | (Some(a @ None), Some(b @ None)) => {
                g.latitude = Some(a);
                g.longitude = Some(b);
            }
            _ if input.has_error("latitude") || input.has_error("longitude") => {}
            _ => input.error(
                "non_field_errors",
                Tr::new(
                    "Latitude and longitude must be given together.",
                    "La latitude et la longitude doivent être fournies ensemble.",
                ),
            ),
        }
    }
    g.specialties = input.string_list("specialties", 50, 100);
    g.certifications = input.string_list("certifications", 50, 100);
    (input, g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ratings_render_with_two_decimals() {
        assert_eq!(rating_text(450), "4.50");
        assert_eq!(rating_text(0), "0.00");
        assert_eq!(rating_text(367), "3.67");
    }

    #[test]
    fn coordinates_come_in_pairs() {
        let body = json!({"name": "G", "email": "g@x.fr", "address": "1 rue", "latitude": 48.8})
            .as_object()
            .unwrap()
            .clone();
        let (input, _) = parse(body, true);
        let errors = input.finish().unwrap_err().errors.unwrap();
        assert!(errors.contains_key("non_field_errors"));
    }
}
