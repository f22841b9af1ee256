//! The user's side of Stripe (billing.md §5.3, §5.6, §5.7): a Checkout Session for a paid plan, the Billing
//! Portal, the invoices. The plan itself changes only when Stripe's events say it is paid (the webhook).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, ToSchema};

use super::client::{CheckoutRequest, Failure, Stripe};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::extract::{JsonBody, QueryMap};
use crate::i18n::Tr;
use crate::plans::catalog::CatalogPlan;
use crate::subscriptions::service::{billing_not_configured, current_or_create};

fn client(state: &AppState) -> AppResult<&Stripe> {
    state.stripe.as_ref().ok_or_else(billing_not_configured)
}

/// Stripe refused or did not answer: 502, the cause logged (never the key).
pub(crate) fn provider_error(call: &str, f: Failure) -> AppError {
    tracing::warn!(call, status = ?f.status, timed_out = f.timed_out, error = %f.message, "stripe call failed");
    AppError::new(Code::ProviderError)
}

/// The user's Stripe customer, created (email, name, `user_id` metadata) and stored on first use.
async fn customer_of(state: &AppState, user_id: i64) -> AppResult<String> {
    let (stored, user) = state
        .db
        .read(move |c| {
            Ok((
                crate::users::repo::stripe_customer(c, user_id)?,
                crate::users::repo::find(c, user_id)?,
            ))
        })
        .await?;
    if let Some(id) = stored {
        return Ok(id);
    }
    let user = user.ok_or_else(AppError::not_found)?;
    let name = format!("{} {}", user.first_name, user.last_name);
    let created = client(state)?
        .create_customer(&user.email, name.trim(), user_id)
        .await
        .map_err(|f| provider_error("create customer", f))?;
    // Two requests at once may both create one: the first stored wins, and both use it.
    state
        .db
        .write(move |tx| {
            crate::users::repo::set_stripe_customer_if_empty(tx, user_id, &created)?;
            Ok(crate::users::repo::stripe_customer(tx, user_id)?.unwrap_or(created))
        })
        .await
}

/// The answer of checkout (and of a paid change-plan): where to pay.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Checkout {
    /// Always true.
    pub requires_payment: bool,
    pub checkout_url: String,
    pub session_id: String,
    pub plan: CatalogPlan,
}

/// Body of checkout: the plan in `plan_code`, else `newPlanId`, else `plan`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckoutBody {
    #[schema(nullable = false)]
    pub plan_code: Option<String>,
    #[serde(rename = "newPlanId")]
    #[schema(nullable = false)]
    pub new_plan_id: Option<String>,
    #[schema(nullable = false)]
    pub plan: Option<String>,
}

/// A Checkout Session for a paid plan (billing.md §5.3).
pub async fn start_checkout(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<Checkout> {
    let (code, _) = crate::subscriptions::change::read_target(body)?;
    let (uid, lang) = (user.id, user.lang);
    let default_plan = state.config.default_plan.clone();
    let now = ts(state.clock.now());
    let (plan, current) = state
        .db
        .write(move |tx| {
            let plan = crate::plans::repo::find_by_code(tx, &code)?
                .filter(|p| p.is_active)
                .ok_or_else(|| {
                    AppError::new(Code::InvalidPlan)
                        .with_detail(Tr::new("Invalid plan.", "Plan invalide"))
                })?;
            if plan.monthly_price_cents == 0 {
                return Err(AppError::new(Code::InvalidPlan).with_detail(Tr::new(
                    "This plan does not require payment.",
                    "Ce plan ne nécessite pas de paiement.",
                )));
            }
            let current = current_or_create(tx, uid, &default_plan, &now)?;
            if current.plan_code == plan.code {
                return Err(AppError::new(Code::AlreadyOnPlan));
            }
            if crate::subscriptions::repo::has_entitling_stripe(tx, uid)? {
                return Err(AppError::conflict(Tr::new(
                    "You already have a paid subscription; change its plan instead.",
                    "Vous avez déjà un abonnement payant ; changez plutôt son plan.",
                )));
            }
            Ok((plan, current))
        })
        .await?;
    let stripe = client(state)?;
    let Some(price) = plan.stripe_price_id.clone() else {
        return Err(billing_not_configured());
    };
    let customer = customer_of(state, uid).await?;
    let base = format!("{}/dashboard/subscription", state.frontend_url());
    let success = format!("{base}?checkout=success&session_id={{CHECKOUT_SESSION_ID}}");
    let cancel = format!("{base}?checkout=cancelled");
    let request = CheckoutRequest {
        customer: &customer,
        price: &price,
        user_id: uid,
        plan_code: &plan.code,
        success_url: &success,
        cancel_url: &cancel,
        locale: lang.code(),
    };
    let (session_id, url) = stripe
        .checkout(&request)
        .await
        .map_err(|f| provider_error("checkout session", f))?;
    let (sid, code, now) = (session_id.clone(), plan.code.clone(), ts(state.clock.now()));
    state
        .db
        .write(move |tx| {
            let meta = json!({"plan_code": code, "session_id": sid});
            let s = Some(current.status.as_str());
            Ok(crate::subscriptions::repo::history(
                tx,
                current.id,
                "checkout_started",
                s,
                s,
                &meta,
                &now,
            )?)
        })
        .await?;
    Ok(Checkout {
        requires_payment: true,
        checkout_url: url,
        session_id,
        plan: plan.catalog(lang, true),
    })
}

/// Start paying for a plan: a Stripe Checkout Session.
#[utoipa::path(post, path = "/api/subscriptions/checkout", tag = "subscriptions", security(("bearer" = [])), request_body = CheckoutBody,
    responses((status = 200, body = Checkout), (status = 400, description = "validation_error, invalid_plan or already_on_plan"),
        (status = 409, description = "conflict: already paying"), (status = 502, description = "provider_error"), (status = 503, description = "billing_not_configured")))]
pub async fn checkout(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Checkout>> {
    Ok(Json(start_checkout(&state, &user, body).await?))
}

/// `portalUrl`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Portal {
    #[serde(rename = "portalUrl")]
    pub portal_url: String,
}

/// The Stripe Billing Portal for the caller's customer.
#[utoipa::path(post, path = "/api/subscriptions/portal", tag = "subscriptions", security(("bearer" = [])),
    responses((status = 200, body = Portal), (status = 400, description = "no_billing_account"), (status = 502, description = "provider_error"), (status = 503, description = "billing_not_configured")))]
pub async fn portal(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<Portal>> {
    let stripe = client(&state)?;
    let uid = user.id;
    let customer = state
        .db
        .read(move |c| Ok(crate::users::repo::stripe_customer(c, uid)?))
        .await?
        .ok_or_else(|| AppError::new(Code::NoBillingAccount))?;
    let back = format!("{}/dashboard/subscription", state.frontend_url());
    let url = stripe
        .portal(&customer, &back)
        .await
        .map_err(|f| provider_error("billing portal", f))?;
    Ok(Json(Portal { portal_url: url }))
}

/// `limit`: 1–100, default 24.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// One of the caller's Stripe invoices (billing.md §5.7).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StripeInvoice)]
pub struct Invoice {
    pub id: String,
    pub number: Option<String>,
    #[schema(pattern = "^(draft|open|paid|uncollectible|void)$")]
    pub status: Option<String>,
    #[schema(pattern = "^-?[0-9]+\\.[0-9]{2}$")]
    pub amount_due: String,
    #[schema(pattern = "^-?[0-9]+\\.[0-9]{2}$")]
    pub amount_paid: String,
    #[schema(pattern = "^-?[0-9]+\\.[0-9]{2}$")]
    pub amount_remaining: String,
    pub currency: String,
    #[schema(format = DateTime)]
    pub created: Option<String>,
    #[schema(format = DateTime)]
    pub period_start: Option<String>,
    #[schema(format = DateTime)]
    pub period_end: Option<String>,
    pub hosted_invoice_url: Option<String>,
    pub invoice_pdf: Option<String>,
    /// The plan whose Stripe price is on the first line.
    pub plan_code: Option<String>,
}

/// The caller's Stripe invoices, newest first; `[]` without Stripe or without a customer.
#[utoipa::path(get, path = "/api/subscriptions/invoices", tag = "subscriptions", security(("bearer" = [])), params(InvoiceQuery),
    responses((status = 200, body = Vec<Invoice>), (status = 400, description = "validation_error"), (status = 502, description = "provider_error")))]
pub async fn invoices(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Vec<Invoice>>> {
    let limit = crate::http::list::limit_param(&query, "limit", 24)?;
    let Some(stripe) = &state.stripe else {
        return Ok(Json(Vec::new()));
    };
    let uid = user.id;
    let Some(customer) = state
        .db
        .read(move |c| Ok(crate::users::repo::stripe_customer(c, uid)?))
        .await?
    else {
        return Ok(Json(Vec::new()));
    };
    let list = stripe
        .invoices(&customer, limit)
        .await
        .map_err(|f| provider_error("list invoices", f))?;
    let plans = state.db.read(|c| Ok(crate::plans::repo::all(c)?)).await?;
    let time = |t: i64| chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0).map(ts);
    Ok(Json(
        list.into_iter()
            .map(|i| Invoice {
                plan_code: i.price.as_ref().and_then(|p| {
                    plans
                        .iter()
                        .find(|plan| plan.stripe_price_id.as_deref() == Some(p))
                        .map(|plan| plan.code.clone())
                }),
                id: i.id,
                number: i.number,
                status: i.status,
                amount_due: crate::money::format_cents(i.amount_due),
                amount_paid: crate::money::format_cents(i.amount_paid),
                amount_remaining: crate::money::format_cents(i.amount_remaining),
                currency: i.currency.to_uppercase(),
                created: time(i.created),
                period_start: i.period_start.and_then(time),
                period_end: i.period_end.and_then(time),
                hosted_invoice_url: i.hosted_invoice_url,
                invoice_pdf: i.invoice_pdf,
            })
            .collect(),
    ))
}
