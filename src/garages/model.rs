//! Garage and review rows, garage input parsing, and the representations.

use serde_json::{Map, Value, json};

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

#[derive(Debug, Clone)]
pub struct ReviewRow {
    pub id: i64,
    pub garage_id: i64,
    pub user_id: i64,
    pub reviewer_name: String,
    pub author_email: String,
    pub rating: i64,
    pub comment: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// Who is looking: the author and admins see the reviewer's email.
#[derive(Debug, Clone, Copy, Default)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub is_staff: bool,
}

impl ReviewRow {
    pub fn to_json(&self, viewer: Viewer) -> Value {
        let show_email = viewer.is_staff || viewer.user_id == Some(self.user_id);
        json!({
            "id": self.id, "garage": self.garage_id, "user": self.user_id, "reviewer_name": self.reviewer_name,
            "reviewer_email": if show_email { Some(&self.author_email) } else { None },
            "rating": self.rating, "comment": self.comment, "created_at": self.created_at, "updated_at": self.updated_at,
        })
    }
}

/// `"4.50"` from the stored ×100 value.
pub fn rating_text(x100: i64) -> String {
    format!("{}.{:02}", x100 / 100, x100 % 100)
}

impl GarageRow {
    pub fn to_json(&self, recent: &[ReviewRow], viewer: Viewer) -> Value {
        let location = match (self.latitude, self.longitude) {
            (Some(lat), Some(lng)) => json!({"type": "Point", "coordinates": [lng, lat]}),
            _ => Value::Null,
        };
        let mut v = json!({
            "id": self.id, "name": self.name, "email": self.email, "phone": self.phone, "address": self.address,
            "city": self.city, "postal_code": self.postal_code, "country": self.country, "description": self.description,
            "location": location, "latitude": self.latitude, "longitude": self.longitude,
            "specialties": self.specialties, "certifications": self.certifications,
            "average_rating": rating_text(self.average_rating_x100), "total_reviews": self.total_reviews,
            "reviews_count": self.total_reviews,
            "recent_reviews": recent.iter().take(3).map(|r| r.to_json(viewer)).collect::<Vec<_>>(),
            "created_at": self.created_at, "updated_at": self.updated_at,
        });
        if let Some(d) = self.distance_km {
            v["distance_km"] = crate::money::round2(d);
        }
        v
    }
}

/// The writable garage fields; `None` = not sent.
#[derive(Debug, Default)]
pub struct GarageInput {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<Option<String>>,
    pub address: Option<String>,
    pub city: Option<Option<String>>,
    pub postal_code: Option<Option<String>>,
    pub country: Option<Option<String>>,
    /// `Some(None)`: clear the location.
    pub location: Option<Option<(f64, f64)>>,
    pub description: Option<Option<String>>,
    pub specialties: Option<Vec<String>>,
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
            (Some(Some(a)), Some(Some(b))) => g.location = Some(Some((a, b))),
            (Some(None), Some(None)) => g.location = Some(None),
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
