//! The settings row, its representation, and the update body with its parsing.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::config::OtpPolicy;
use crate::http::validate::Input;
use crate::i18n::Tr;

#[derive(Debug, Clone)]
pub struct SettingsRow {
    pub id: i64,
    pub user_id: i64,
    pub language: String,
    pub theme: String,
    pub timezone: String,
    pub units: String,
    pub currency: String,
    pub email_notifications: bool,
    pub push_notifications: bool,
    pub maintenance_reminders: bool,
    pub subscription_alerts: bool,
    pub profile_public: bool,
    pub otp_enabled: bool,
    pub custom_settings: Value,
    pub created_at: String,
    pub updated_at: String,
}

pub const LANGUAGES: &[&str] = &["en", "fr", "es"];
pub const THEMES: &[&str] = &["light", "dark", "auto"];
pub const UNITS: &[&str] = &["km", "mi"];

/// Active ISO 4217 currency codes.
pub const CURRENCIES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN \
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ \
    GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL \
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN \
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD \
    TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL";

pub fn is_currency(code: &str) -> bool {
    code.len() == 3 && CURRENCIES.split_whitespace().any(|c| c == code)
}

/// `language` values (the same as `LANGUAGES`; a test keeps them equal). `es` is served in English.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Language {
    En,
    Fr,
    Es,
}

/// `theme` values (the same as `THEMES`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Theme {
    Light,
    Dark,
    Auto,
}

/// `units` values (the same as `UNITS`): a display preference, the API always uses kilometres.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Units {
    Km,
    Mi,
}

/// A known ISO 4217 code (`CURRENCIES`).
pub struct CurrencyCode;

impl utoipa::PartialSchema for CurrencyCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("A known ISO 4217 currency code."))
            .enum_values(Some(CURRENCIES.split_whitespace()))
            .into()
    }
}

impl ToSchema for CurrencyCode {}

/// An IANA time zone name, as the server knows them.
pub struct TimeZone;

impl utoipa::PartialSchema for TimeZone {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An IANA time zone name."))
            .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())))
            .into()
    }
}

impl ToSchema for TimeZone {}

/// The settings as the API shows them (settings.md §2).
#[derive(Debug, Serialize, ToSchema)]
pub struct Settings {
    pub id: i64,
    /// The owner (always the caller).
    pub user: i64,
    #[schema(value_type = Language)]
    pub language: String,
    #[schema(value_type = Theme)]
    pub theme: String,
    #[schema(value_type = TimeZone)]
    pub timezone: String,
    #[schema(value_type = Units)]
    pub units: String,
    #[schema(value_type = CurrencyCode)]
    pub currency: String,
    pub email_notifications: bool,
    pub push_notifications: bool,
    pub maintenance_reminders: bool,
    pub subscription_alerts: bool,
    pub profile_public: bool,
    /// The server policy when it is `always` (true) or `off` (false); the user's choice when `optional`.
    pub otp_enabled: bool,
    /// Free client data: the contract leaves its members open.
    pub custom_settings: Map<String, Value>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl SettingsRow {
    /// `otp_enabled` shows the server policy when it is not `optional`.
    pub fn into_dto(self, policy: OtpPolicy) -> Settings {
        let otp_enabled = match policy {
            OtpPolicy::Always => true,
            OtpPolicy::Off => false,
            OtpPolicy::Optional => self.otp_enabled,
        };
        Settings {
            id: self.id,
            user: self.user_id,
            language: self.language,
            theme: self.theme,
            timezone: self.timezone,
            units: self.units,
            currency: self.currency,
            email_notifications: self.email_notifications,
            push_notifications: self.push_notifications,
            maintenance_reminders: self.maintenance_reminders,
            subscription_alerts: self.subscription_alerts,
            profile_public: self.profile_public,
            otp_enabled,
            custom_settings: match self.custom_settings {
                Value::Object(m) => m,
                _ => Map::new(),
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::UTC)
    }
}

/// The body of `PUT` and `PATCH` (alike: every field has a default, so what is not sent stays). `null` or `""`
/// on a text field changes nothing.
#[derive(Debug, Default, ToSchema)]
pub struct SettingsInput {
    #[schema(value_type = Option<Language>)]
    pub language: Option<String>,
    #[schema(value_type = Option<Theme>)]
    pub theme: Option<String>,
    /// "Unknown time zone." otherwise.
    #[schema(value_type = Option<TimeZone>)]
    pub timezone: Option<String>,
    #[schema(value_type = Option<Units>)]
    pub units: Option<String>,
    #[schema(value_type = Option<CurrencyCode>)]
    pub currency: Option<String>,
    #[schema(nullable = false)]
    pub email_notifications: Option<bool>,
    #[schema(nullable = false)]
    pub push_notifications: Option<bool>,
    #[schema(nullable = false)]
    pub maintenance_reminders: Option<bool>,
    #[schema(nullable = false)]
    pub subscription_alerts: Option<bool>,
    #[schema(nullable = false)]
    pub profile_public: Option<bool>,
    /// Taken into account only when the server policy is `optional` (ignored otherwise): turning it on needs a
    /// verified email address, turning it off needs `current_password`.
    #[schema(nullable = false)]
    pub otp_enabled: Option<bool>,
    /// Any object of at most 16 KiB serialised; replaces the stored one.
    #[schema(value_type = Option<Object>, nullable = false)]
    pub custom_settings: Option<Map<String, Value>>,
    /// The account password, to turn `otp_enabled` off.
    #[schema(write_only, format = Password)]
    pub current_password: Option<String>,
}

/// Reads the settings fields; `otp_enabled` only when the user may choose it (`otp_choice`).
pub fn parse(body: Map<String, Value>, otp_choice: bool) -> (Input, SettingsInput) {
    let mut input = Input::new(body);
    let mut s = SettingsInput {
        language: input.opt_choice("language", LANGUAGES),
        theme: input.opt_choice("theme", THEMES),
        units: input.opt_choice("units", UNITS),
        ..SettingsInput::default()
    };
    if let Some(Some(tz)) = input.opt_text("timezone", 50) {
        if tz.parse::<chrono_tz::Tz>().is_ok() {
            s.timezone = Some(tz);
        } else {
            input.error(
                "timezone",
                Tr::new("Unknown time zone.", "Fuseau horaire inconnu."),
            );
        }
    }
    if let Some(Some(c)) = input.opt_text("currency", 3) {
        if is_currency(&c) {
            s.currency = Some(c);
        } else {
            input.error(
                "currency",
                Tr::new(
                    "Enter a valid ISO 4217 currency code.",
                    "Saisissez un code de devise ISO 4217 valide.",
                ),
            );
        }
    }
    for (name, field) in [
        ("email_notifications", &mut s.email_notifications),
        ("push_notifications", &mut s.push_notifications),
        ("maintenance_reminders", &mut s.maintenance_reminders),
        ("subscription_alerts", &mut s.subscription_alerts),
        ("profile_public", &mut s.profile_public),
    ] {
        if input.has(name) {
            *field = input.bool(name);
        }
    }
    if input.has("custom_settings") {
        s.custom_settings = input.object("custom_settings", 16 * 1024);
    }
    if otp_choice && input.has("otp_enabled") {
        s.otp_enabled = input.bool("otp_enabled");
    }
    s.current_password = input.opt_secret("current_password");
    (input, s)
}

/// Applies an input onto a row (what was not sent stays). `otp_enabled` is the caller's to check first.
pub fn merge(mut s: SettingsRow, input: SettingsInput) -> SettingsRow {
    fn set<T>(field: &mut T, value: Option<T>) {
        if let Some(v) = value {
            *field = v;
        }
    }
    set(&mut s.language, input.language);
    set(&mut s.theme, input.theme);
    set(&mut s.timezone, input.timezone);
    set(&mut s.units, input.units);
    set(&mut s.currency, input.currency);
    set(&mut s.email_notifications, input.email_notifications);
    set(&mut s.push_notifications, input.push_notifications);
    set(&mut s.maintenance_reminders, input.maintenance_reminders);
    set(&mut s.subscription_alerts, input.subscription_alerts);
    set(&mut s.profile_public, input.profile_public);
    set(&mut s.otp_enabled, input.otp_enabled);
    set(
        &mut s.custom_settings,
        input.custom_settings.map(Value::Object),
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::testing::enum_values;

    #[test]
    fn currencies() {
        assert!(is_currency("EUR") && is_currency("TND") && is_currency("USD"));
        assert!(!is_currency("EURO") && !is_currency("XXX") && !is_currency("eur"));
    }

    #[test]
    fn the_documented_enums_are_the_accepted_values() {
        assert_eq!(enum_values::<Language>(), LANGUAGES);
        assert_eq!(enum_values::<Theme>(), THEMES);
        assert_eq!(enum_values::<Units>(), UNITS);
        let currencies = enum_values::<CurrencyCode>();
        assert!(currencies.iter().all(|c| is_currency(c)));
        assert_eq!(currencies.len(), CURRENCIES.split_whitespace().count());
        let zones = enum_values::<TimeZone>();
        assert!(zones.len() > 300 && zones.iter().any(|z| z == "Africa/Tunis"));
        for zone in zones {
            let body = serde_json::json!({"timezone": zone})
                .as_object()
                .unwrap()
                .clone();
            let (input, s) = parse(body, false);
            assert!(
                input.finish().is_ok() && s.timezone == Some(zone.clone()),
                "{zone}"
            );
        }
    }
}
