//! The settings row and its representation.

use serde_json::{Value, json};

use crate::config::OtpPolicy;

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

impl SettingsRow {
    /// `otp_enabled` shows the server policy when it is not `optional`.
    pub fn to_json(&self, policy: OtpPolicy) -> Value {
        let otp = match policy {
            OtpPolicy::Always => true,
            OtpPolicy::Off => false,
            OtpPolicy::Optional => self.otp_enabled,
        };
        json!({
            "id": self.id, "user": self.user_id, "language": self.language, "theme": self.theme,
            "timezone": self.timezone, "units": self.units, "currency": self.currency,
            "email_notifications": self.email_notifications, "push_notifications": self.push_notifications,
            "maintenance_reminders": self.maintenance_reminders, "subscription_alerts": self.subscription_alerts,
            "profile_public": self.profile_public, "otp_enabled": otp, "custom_settings": self.custom_settings,
            "created_at": self.created_at, "updated_at": self.updated_at,
        })
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::UTC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies() {
        assert!(is_currency("EUR") && is_currency("TND") && is_currency("USD"));
        assert!(!is_currency("EURO") && !is_currency("XXX") && !is_currency("eur"));
    }
}
