//! Review rows, the review representation (the email depends on who looks), and the review bodies.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::Viewer;
use crate::http::validate::Input;
use crate::i18n::Tr;

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

/// A review as the API shows it (garages.md §2).
#[derive(Debug, Serialize, ToSchema)]
pub struct Review {
    pub id: i64,
    /// The garage's id.
    pub garage: i64,
    /// The author's user id.
    pub user: i64,
    pub reviewer_name: String,
    /// The author's email: shown to the author and to admins, `null` for everyone else.
    #[schema(format = Email)]
    pub reviewer_email: Option<String>,
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i64,
    pub comment: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl ReviewRow {
    pub fn into_dto(self, viewer: Viewer) -> Review {
        let show_email = viewer.is_staff || viewer.user_id == Some(self.user_id);
        Review {
            id: self.id,
            garage: self.garage_id,
            user: self.user_id,
            reviewer_name: self.reviewer_name,
            reviewer_email: show_email.then_some(self.author_email),
            rating: self.rating,
            comment: self.comment,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The body of `POST /api/reviews/`: one review per user and garage (a second one is 400 `already_reviewed`,
/// with the existing review's id in `review_id`).
#[derive(ToSchema)]
pub struct ReviewCreate {
    /// An existing garage's id ("Garage not found." otherwise); fixed afterwards.
    pub garage: i64,
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i64,
    #[schema(max_length = 5000)]
    pub comment: Option<String>,
    /// The author's "first last" when not sent.
    #[schema(nullable = false, min_length = 1, max_length = 100, pattern = r"\S")]
    pub reviewer_name: Option<String>,
}

/// The body of `PUT /api/reviews/{id}/` and of `add_review` (the garage comes from the path).
#[derive(ToSchema)]
pub struct ReviewBody {
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i64,
    #[schema(max_length = 5000)]
    pub comment: Option<String>,
    /// Unchanged (or, on a new review, the author's "first last") when not sent.
    #[schema(nullable = false, min_length = 1, max_length = 100, pattern = r"\S")]
    pub reviewer_name: Option<String>,
}

/// The writable review fields, and the body of `PATCH`; `None` = not sent.
#[derive(Debug, Default, ToSchema)]
pub struct ReviewInput {
    #[schema(nullable = false, minimum = 1, maximum = 5)]
    pub rating: Option<i64>,
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub comment: Option<Option<String>>,
    #[schema(nullable = false, min_length = 1, max_length = 100, pattern = r"\S")]
    pub reviewer_name: Option<String>,
}

/// Reads the review fields; with `full` (create, PUT, `add_review`) the rating must be present.
pub fn parse(input: &mut Input, full: bool) -> ReviewInput {
    let rating = if full || input.has("rating") {
        match input.int("rating", i64::MIN, i64::MAX, true) {
            Some(Some(r)) if (1..=5).contains(&r) => Some(r),
            Some(Some(_)) => {
                input.error(
                    "rating",
                    Tr::new(
                        "Rating must be between 1 and 5.",
                        "La note doit être comprise entre 1 et 5.",
                    ),
                );
                None
            }
            _ => None,
        }
    } else {
        None
    };
    let comment = input.opt_text("comment", 5000);
    let reviewer_name = if input.has("reviewer_name") {
        input.text("reviewer_name", 100)
    } else {
        None
    };
    ReviewInput {
        rating,
        comment,
        reviewer_name,
    }
}
