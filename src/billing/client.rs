//! The Stripe API, through async-stripe: the calls billing makes (billing.md §5, §9, health.md), each POST with an
//! Idempotency-Key new for this call (Stripe replays the first answer to a key for 24 h, so a key must never be
//! reused by a later, different request). Requests use the crate's typed builders; the answers billing reads are
//! parsed into the small structs below, which accept both the current API shapes and older ones (the price of an
//! item under `price` or `plan`, the period on the subscription or on its first item).

use std::collections::HashMap;
use std::time::Duration;

use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_billing::billing_portal_session::CreateBillingPortalSession;
use stripe_billing::invoice::ListInvoice;
use stripe_billing::subscription::{
    CancelSubscription, RetrieveSubscription, UpdateSubscription, UpdateSubscriptionItems,
    UpdateSubscriptionPaymentBehavior, UpdateSubscriptionProrationBehavior,
};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionSubscriptionData,
};
use stripe_core::balance::RetrieveForMyAccountBalance;
use stripe_core::customer::CreateCustomer;
use stripe_shared::{CheckoutSessionLocale, CheckoutSessionMode};

use crate::config::StripeConfig;

/// Every call's limit; the health check uses its own 5 s.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A failed call: Stripe's HTTP status when it answered, and a message for the log (never a secret).
#[derive(Debug)]
pub struct Failure {
    pub status: Option<u16>,
    pub message: String,
    pub timed_out: bool,
}

impl From<StripeError> for Failure {
    fn from(e: StripeError) -> Failure {
        match e {
            StripeError::Stripe(api, status) => Failure {
                status: Some(status),
                message: api
                    .message
                    .clone()
                    .unwrap_or_else(|| format!("{:?}", api.type_)),
                timed_out: false,
            },
            StripeError::Timeout => Failure {
                status: None,
                message: "timeout".into(),
                timed_out: true,
            },
            other => Failure {
                status: None,
                message: other.to_string(),
                timed_out: false,
            },
        }
    }
}

#[derive(miniserde::Deserialize, Debug, Clone)]
pub struct IdOnly {
    pub id: String,
}

#[derive(miniserde::Deserialize, Debug, Clone)]
pub struct ItemLite {
    pub id: String,
    pub price: Option<IdOnly>,
    pub plan: Option<IdOnly>,
    pub current_period_start: Option<i64>,
    pub current_period_end: Option<i64>,
}

#[derive(miniserde::Deserialize, Debug, Clone)]
pub struct ItemsLite {
    pub data: Vec<ItemLite>,
}

/// A subscription as billing reads it.
#[derive(miniserde::Deserialize, Debug, Clone)]
pub struct SubscriptionLite {
    pub id: String,
    pub status: String,
    pub customer: String,
    pub cancel_at_period_end: bool,
    pub items: ItemsLite,
}

impl SubscriptionLite {
    pub fn first_item(&self) -> Option<&ItemLite> {
        self.items.data.first()
    }
}

#[derive(miniserde::Deserialize, Debug)]
struct PriceDetailsLite {
    price: String,
}

#[derive(miniserde::Deserialize, Debug)]
struct PricingLite {
    price_details: Option<PriceDetailsLite>,
}

#[derive(miniserde::Deserialize, Debug)]
struct LineLite {
    pricing: Option<PricingLite>,
    price: Option<IdOnly>,
    plan: Option<IdOnly>,
}

#[derive(miniserde::Deserialize, Debug)]
struct LinesLite {
    data: Vec<LineLite>,
}

#[derive(miniserde::Deserialize, Debug)]
struct InvoiceWire {
    id: String,
    number: Option<String>,
    status: Option<String>,
    amount_due: i64,
    amount_paid: i64,
    amount_remaining: Option<i64>,
    currency: String,
    created: i64,
    period_start: Option<i64>,
    period_end: Option<i64>,
    hosted_invoice_url: Option<String>,
    invoice_pdf: Option<String>,
    lines: Option<LinesLite>,
}

#[derive(miniserde::Deserialize, Debug)]
struct InvoiceListWire {
    data: Vec<InvoiceWire>,
}

/// One of the customer's invoices, with the Stripe price of its first line.
#[derive(Debug, Clone)]
pub struct Invoice {
    pub id: String,
    pub number: Option<String>,
    pub status: Option<String>,
    pub amount_due: i64,
    pub amount_paid: i64,
    pub amount_remaining: i64,
    pub currency: String,
    pub created: i64,
    pub period_start: Option<i64>,
    pub period_end: Option<i64>,
    pub hosted_invoice_url: Option<String>,
    pub invoice_pdf: Option<String>,
    pub price: Option<String>,
}

/// What a Checkout Session is made of (billing.md §5.3).
pub struct CheckoutRequest<'a> {
    pub customer: &'a str,
    pub price: &'a str,
    pub user_id: i64,
    pub plan_code: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    pub locale: &'a str,
}

#[derive(Clone)]
pub struct Stripe {
    client: Client,
}

/// A key new for this call: retries of the same call (there are none: `Idempotent` tries once) would reuse it.
fn fresh_key() -> Result<RequestStrategy, Failure> {
    let key = IdempotencyKey::new(uuid::Uuid::new_v4().to_string()).map_err(|e| Failure {
        status: None,
        message: format!("idempotency key: {e}"),
        timed_out: false,
    })?;
    Ok(RequestStrategy::Idempotent(key))
}

impl Stripe {
    /// The client when a secret key is set.
    pub fn from_config(c: &StripeConfig) -> anyhow::Result<Option<Stripe>> {
        let Some(key) = &c.secret_key else {
            return Ok(None);
        };
        // The crate appends `v1/…` to the base: it must end with a slash.
        let client = ClientBuilder::new(key.expose())
            .url(format!("{}/", c.api_base))
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| anyhow::anyhow!("AUTOTRACK_STRIPE_API_BASE: {e}"))?;
        Ok(Some(Stripe { client }))
    }

    pub async fn create_customer(
        &self,
        email: &str,
        name: &str,
        user_id: i64,
    ) -> Result<String, Failure> {
        let mut metadata = HashMap::new();
        metadata.insert("user_id".to_owned(), user_id.to_string());
        let mut req = CreateCustomer::new().email(email).metadata(metadata);
        if !name.trim().is_empty() {
            req = req.name(name);
        }
        let customer = req
            .customize()
            .request_strategy(fresh_key()?)
            .send(&self.client)
            .await?;
        Ok(customer.id.to_string())
    }

    /// A subscription Checkout Session: its id and URL.
    pub async fn checkout(&self, r: &CheckoutRequest<'_>) -> Result<(String, String), Failure> {
        let mut metadata = HashMap::new();
        metadata.insert("user_id".to_owned(), r.user_id.to_string());
        metadata.insert("plan_code".to_owned(), r.plan_code.to_owned());
        let mut line = CreateCheckoutSessionLineItems::new();
        line.price = Some(r.price.to_owned());
        line.quantity = Some(1);
        let mut data = CreateCheckoutSessionSubscriptionData::new();
        data.metadata = Some(metadata.clone());
        let locale: CheckoutSessionLocale = r.locale.parse().unwrap_or(CheckoutSessionLocale::Auto);
        let session = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Subscription)
            .line_items(vec![line])
            .customer(r.customer)
            .client_reference_id(r.user_id.to_string())
            .metadata(metadata)
            .subscription_data(data)
            .success_url(r.success_url)
            .cancel_url(r.cancel_url)
            .locale(locale)
            .customize()
            .request_strategy(fresh_key()?)
            .send(&self.client)
            .await?;
        let url = session.url.ok_or_else(|| Failure {
            status: None,
            message: "the checkout session has no url".into(),
            timed_out: false,
        })?;
        Ok((session.id.to_string(), url))
    }

    pub async fn portal(&self, customer: &str, return_url: &str) -> Result<String, Failure> {
        let session = CreateBillingPortalSession::new()
            .customer(customer)
            .return_url(return_url)
            .customize()
            .request_strategy(fresh_key()?)
            .send(&self.client)
            .await?;
        Ok(session.url)
    }

    pub async fn subscription(&self, id: &str) -> Result<SubscriptionLite, Failure> {
        Ok(RetrieveSubscription::new(id)
            .build()
            .customize::<SubscriptionLite>()
            .send(&self.client)
            .await?)
    }

    /// The subscription as Stripe sends it, for the webhook logic (reconciliation reads it like an event's object).
    pub async fn subscription_object(&self, id: &str) -> Result<serde_json::Value, Failure> {
        let raw = RetrieveSubscription::new(id)
            .build()
            .customize::<miniserde::json::Value>()
            .send(&self.client)
            .await?;
        serde_json::from_str(&miniserde::json::to_string(&raw)).map_err(|e| Failure {
            status: None,
            message: format!("subscription {id}: {e}"),
            timed_out: false,
        })
    }

    pub async fn set_cancel_at_period_end(
        &self,
        id: &str,
        flag: bool,
    ) -> Result<SubscriptionLite, Failure> {
        Ok(UpdateSubscription::new(id)
            .cancel_at_period_end(flag)
            .build()
            .customize::<SubscriptionLite>()
            .request_strategy(fresh_key()?)
            .send(&self.client)
            .await?)
    }

    /// Replaces the price of the subscription's first item, invoicing the difference now; the change takes effect
    /// when paid (`pending_if_incomplete`).
    pub async fn change_price(&self, id: &str, price: &str) -> Result<SubscriptionLite, Failure> {
        let current = self.subscription(id).await?;
        let mut item = UpdateSubscriptionItems::new();
        item.id = current.first_item().map(|i| i.id.clone());
        item.price = Some(price.to_owned());
        Ok(UpdateSubscription::new(id)
            .items(vec![item])
            .proration_behavior(UpdateSubscriptionProrationBehavior::AlwaysInvoice)
            .payment_behavior(UpdateSubscriptionPaymentBehavior::PendingIfIncomplete)
            .build()
            .customize::<SubscriptionLite>()
            .request_strategy(fresh_key()?)
            .send(&self.client)
            .await?)
    }

    pub async fn cancel_now(&self, id: &str) -> Result<SubscriptionLite, Failure> {
        Ok(CancelSubscription::new(id)
            .build()
            .customize::<SubscriptionLite>()
            .request_strategy(fresh_key()?)
            .send(&self.client)
            .await?)
    }

    /// The customer's invoices, newest first.
    pub async fn invoices(&self, customer: &str, limit: i64) -> Result<Vec<Invoice>, Failure> {
        let list = ListInvoice::new()
            .customer(customer)
            .limit(limit)
            .build()
            .customize::<InvoiceListWire>()
            .send(&self.client)
            .await?;
        Ok(list
            .data
            .into_iter()
            .map(|w| {
                let price = w
                    .lines
                    .as_ref()
                    .and_then(|l| l.data.first())
                    .and_then(|line| {
                        line.pricing
                            .as_ref()
                            .and_then(|p| p.price_details.as_ref())
                            .map(|d| d.price.clone())
                            .or_else(|| line.price.as_ref().map(|p| p.id.clone()))
                            .or_else(|| line.plan.as_ref().map(|p| p.id.clone()))
                    });
                Invoice {
                    amount_remaining: w.amount_remaining.unwrap_or(w.amount_due - w.amount_paid),
                    id: w.id,
                    number: w.number,
                    status: w.status,
                    amount_due: w.amount_due,
                    amount_paid: w.amount_paid,
                    currency: w.currency,
                    created: w.created,
                    period_start: w.period_start,
                    period_end: w.period_end,
                    hosted_invoice_url: w.hosted_invoice_url,
                    invoice_pdf: w.invoice_pdf,
                    price,
                }
            })
            .collect())
    }

    /// An authenticated read for the health check (`GET /v1/balance`, 5 s).
    pub async fn check(&self) -> Result<(), Failure> {
        RetrieveForMyAccountBalance::new()
            .build()
            .customize::<miniserde::json::Value>()
            .timeout(Duration::from_secs(5))
            .send(&self.client)
            .await?;
        Ok(())
    }
}
