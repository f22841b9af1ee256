//! The problem codes: wire name, status and texts of each (README §9).

use axum::http::StatusCode;

use crate::i18n::Tr;

/// Every problem code in use (README §9 and the module files), with its status, title and default detail. One
/// match arm per code: a code without its texts does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Code {
    ValidationError,
    InvalidJson,
    OtpInvalid,
    InvalidResetToken,
    NotAuthenticated,
    InvalidCredentials,
    TokenInvalid,
    TokenExpired,
    TokenRevoked,
    TokenReused,
    AccountDisabled,
    PermissionDenied,
    RegistrationClosed,
    NotFound,
    InvalidPage,
    MethodNotAllowed,
    Conflict,
    PlanLimitReached,
    AlreadyReviewed,
    PlanUpgradeRequired,
    InvalidPlan,
    AlreadyOnPlan,
    PlanChangeNotAllowed,
    CannotCancelDefaultPlan,
    SubscriptionNotActive,
    CancellationAlreadyScheduled,
    NotScheduledForCancellation,
    NoBillingAccount,
    InvalidSignature,
    InvalidPayload,
    AnalysisInProgress,
    AnalysisNotSupported,
    InternalError,
    ProviderError,
    BillingNotConfigured,
    PayloadTooLarge,
    UnsupportedMediaType,
    Throttled,
    OtpLocked,
    ServiceUnavailable,
}

impl Code {
    /// Every code, in declaration order (a test checks it against the documented enum).
    pub const ALL: [Code; 40] = [
        Code::ValidationError,
        Code::InvalidJson,
        Code::OtpInvalid,
        Code::InvalidResetToken,
        Code::NotAuthenticated,
        Code::InvalidCredentials,
        Code::TokenInvalid,
        Code::TokenExpired,
        Code::TokenRevoked,
        Code::TokenReused,
        Code::AccountDisabled,
        Code::PermissionDenied,
        Code::RegistrationClosed,
        Code::NotFound,
        Code::InvalidPage,
        Code::MethodNotAllowed,
        Code::Conflict,
        Code::PlanLimitReached,
        Code::AlreadyReviewed,
        Code::PlanUpgradeRequired,
        Code::InvalidPlan,
        Code::AlreadyOnPlan,
        Code::PlanChangeNotAllowed,
        Code::CannotCancelDefaultPlan,
        Code::SubscriptionNotActive,
        Code::CancellationAlreadyScheduled,
        Code::NotScheduledForCancellation,
        Code::NoBillingAccount,
        Code::InvalidSignature,
        Code::InvalidPayload,
        Code::AnalysisInProgress,
        Code::AnalysisNotSupported,
        Code::InternalError,
        Code::ProviderError,
        Code::BillingNotConfigured,
        Code::PayloadTooLarge,
        Code::UnsupportedMediaType,
        Code::Throttled,
        Code::OtpLocked,
        Code::ServiceUnavailable,
    ];

    /// Wire name, status, and texts: title en, title fr, default detail en, default detail fr.
    #[rustfmt::skip]
    fn spec(self) -> (&'static str, StatusCode, [&'static str; 4]) {
        match self {
            Code::ValidationError => ("validation_error", StatusCode::BAD_REQUEST, [
                "Invalid input", "Données invalides",
                "Invalid input.", "Données invalides."]),
            Code::InvalidJson => ("invalid_json", StatusCode::BAD_REQUEST, [
                "Malformed JSON", "JSON invalide",
                "The request body is not valid JSON.", "Le corps de la requête n'est pas un JSON valide."]),
            Code::OtpInvalid => ("otp_invalid", StatusCode::BAD_REQUEST, [
                "Invalid code", "Code invalide",
                "Invalid or expired OTP code.", "Code OTP invalide ou expiré."]),
            Code::InvalidResetToken => ("invalid_reset_token", StatusCode::BAD_REQUEST, [
                "Invalid link", "Lien invalide",
                "Invalid or expired token.", "Lien invalide ou expiré."]),
            Code::NotAuthenticated => ("not_authenticated", StatusCode::UNAUTHORIZED, [
                "Not authenticated", "Non authentifié",
                "Authentication credentials were not provided.", "Identifiants d'authentification absents."]),
            Code::InvalidCredentials => ("invalid_credentials", StatusCode::UNAUTHORIZED, [
                "Invalid credentials", "Identifiants invalides",
                "Invalid email or password.", "E-mail ou mot de passe incorrect."]),
            Code::TokenInvalid => ("token_invalid", StatusCode::UNAUTHORIZED, [
                "Invalid token", "Jeton invalide",
                "The token is invalid.", "Le jeton est invalide."]),
            Code::TokenExpired => ("token_expired", StatusCode::UNAUTHORIZED, [
                "Token expired", "Jeton expiré",
                "The token has expired.", "Le jeton a expiré."]),
            Code::TokenRevoked => ("token_revoked", StatusCode::UNAUTHORIZED, [
                "Token revoked", "Jeton révoqué",
                "This session has ended. Please log in again.", "Cette session est terminée. Veuillez vous reconnecter."]),
            Code::TokenReused => ("token_reused", StatusCode::UNAUTHORIZED, [
                "Token reused", "Jeton réutilisé",
                "This refresh token was already used; the session has been closed.", "Ce jeton de rafraîchissement a déjà été utilisé ; la session a été fermée."]),
            Code::AccountDisabled => ("account_disabled", StatusCode::UNAUTHORIZED, [
                "Account disabled", "Compte désactivé",
                "This account is disabled.", "Ce compte est désactivé."]),
            Code::PermissionDenied => ("permission_denied", StatusCode::FORBIDDEN, [
                "Permission denied", "Accès refusé",
                "You do not have permission to perform this action.", "Vous n'avez pas la permission d'effectuer cette action."]),
            Code::RegistrationClosed => ("registration_closed", StatusCode::FORBIDDEN, [
                "Registration closed", "Inscriptions fermées",
                "Registration is closed on this server.", "Les inscriptions sont fermées sur ce serveur."]),
            Code::NotFound => ("not_found", StatusCode::NOT_FOUND, [
                "Not found", "Introuvable",
                "Not found.", "Introuvable."]),
            Code::InvalidPage => ("invalid_page", StatusCode::NOT_FOUND, [
                "Invalid page", "Page invalide",
                "Invalid page.", "Page invalide."]),
            Code::MethodNotAllowed => ("method_not_allowed", StatusCode::METHOD_NOT_ALLOWED, [
                "Method not allowed", "Méthode non autorisée",
                "Method not allowed.", "Méthode non autorisée."]),
            Code::Conflict => ("conflict", StatusCode::CONFLICT, [
                "Conflict", "Conflit",
                "Conflict.", "Conflit."]),
            Code::PlanLimitReached => ("plan_limit_reached", StatusCode::BAD_REQUEST, [
                "Plan limit reached", "Limite du plan atteinte",
                "Plan limit reached.", "Limite du plan atteinte."]),
            Code::AlreadyReviewed => ("already_reviewed", StatusCode::BAD_REQUEST, [
                "Already reviewed", "Déjà évalué",
                "You have already reviewed this garage.", "Vous avez déjà évalué ce garage."]),
            Code::PlanUpgradeRequired => ("plan_upgrade_required", StatusCode::FORBIDDEN, [
                "Upgrade required", "Plan supérieur requis",
                "This feature requires another plan.", "Cette fonctionnalité nécessite un autre plan."]),
            Code::InvalidPlan => ("invalid_plan", StatusCode::BAD_REQUEST, [
                "Invalid plan", "Plan invalide",
                "Invalid plan.", "Plan invalide."]),
            Code::AlreadyOnPlan => ("already_on_plan", StatusCode::BAD_REQUEST, [
                "Already on this plan", "Déjà sur ce plan",
                "You are already on this plan.", "Vous êtes déjà sur ce plan."]),
            Code::PlanChangeNotAllowed => ("plan_change_not_allowed", StatusCode::BAD_REQUEST, [
                "Plan change not allowed", "Changement de plan impossible",
                "Your current usage exceeds the limits of this plan.", "Votre utilisation actuelle dépasse les limites de ce plan."]),
            Code::CannotCancelDefaultPlan => ("cannot_cancel_default_plan", StatusCode::BAD_REQUEST, [
                "Default plan", "Plan par défaut",
                "The default plan cannot be cancelled.", "Le plan par défaut ne peut pas être résilié."]),
            Code::SubscriptionNotActive => ("subscription_not_active", StatusCode::BAD_REQUEST, [
                "Subscription not active", "Abonnement inactif",
                "Only active subscriptions can be cancelled.", "Seuls les abonnements actifs peuvent être résiliés."]),
            Code::CancellationAlreadyScheduled => ("cancellation_already_scheduled", StatusCode::BAD_REQUEST, [
                "Cancellation already scheduled", "Résiliation déjà programmée",
                "Cancellation is already scheduled.", "La résiliation est déjà programmée."]),
            Code::NotScheduledForCancellation => ("not_scheduled_for_cancellation", StatusCode::BAD_REQUEST, [
                "No cancellation scheduled", "Aucune résiliation programmée",
                "Subscription is not scheduled for cancellation.", "L'abonnement n'a pas de résiliation programmée."]),
            Code::NoBillingAccount => ("no_billing_account", StatusCode::BAD_REQUEST, [
                "No billing account", "Aucun compte de facturation",
                "No billing account exists for this user yet.", "Aucun compte de facturation n'existe encore pour cet utilisateur."]),
            Code::InvalidSignature => ("invalid_signature", StatusCode::BAD_REQUEST, [
                "Invalid signature", "Signature invalide",
                "Invalid signature", "Signature invalide"]),
            Code::InvalidPayload => ("invalid_payload", StatusCode::BAD_REQUEST, [
                "Invalid payload", "Contenu invalide",
                "Invalid payload", "Contenu invalide"]),
            Code::AnalysisInProgress => ("analysis_in_progress", StatusCode::CONFLICT, [
                "Analysis in progress", "Analyse en cours",
                "This document is already being analysed.", "Ce document est déjà en cours d'analyse."]),
            Code::AnalysisNotSupported => ("analysis_not_supported", StatusCode::BAD_REQUEST, [
                "Analysis not supported", "Analyse non prise en charge",
                "Analysis is only available for images and PDFs.", "L'analyse n'est disponible que pour les images et les PDF."]),
            Code::InternalError => ("internal_error", StatusCode::INTERNAL_SERVER_ERROR, [
                "Server error", "Erreur serveur",
                "An unexpected error occurred.", "Une erreur inattendue s'est produite."]),
            Code::ProviderError => ("provider_error", StatusCode::BAD_GATEWAY, [
                "Upstream error", "Erreur du service externe",
                "The payment provider did not answer correctly. Try again later.", "Le prestataire de paiement n'a pas répondu correctement. Réessayez plus tard."]),
            Code::BillingNotConfigured => ("billing_not_configured", StatusCode::SERVICE_UNAVAILABLE, [
                "Billing unavailable", "Paiement indisponible",
                "Online payment is not configured on this server.", "Le paiement en ligne n'est pas configuré sur ce serveur."]),
            Code::PayloadTooLarge => ("payload_too_large", StatusCode::PAYLOAD_TOO_LARGE, [
                "Payload too large", "Contenu trop volumineux",
                "The request body is too large.", "Le corps de la requête est trop volumineux."]),
            Code::UnsupportedMediaType => ("unsupported_media_type", StatusCode::UNSUPPORTED_MEDIA_TYPE, [
                "Unsupported media type", "Type de contenu non pris en charge",
                "Unsupported content type.", "Type de contenu non pris en charge."]),
            Code::Throttled => ("throttled", StatusCode::TOO_MANY_REQUESTS, [
                "Too many requests", "Trop de requêtes",
                "Request was throttled.", "Trop de requêtes."]),
            Code::OtpLocked => ("otp_locked", StatusCode::TOO_MANY_REQUESTS, [
                "Too many attempts", "Trop de tentatives",
                "Too many failed attempts.", "Trop de tentatives échouées."]),
            Code::ServiceUnavailable => ("service_unavailable", StatusCode::SERVICE_UNAVAILABLE, [
                "Service unavailable", "Service indisponible",
                "The service is temporarily unavailable.", "Le service est temporairement indisponible."]),
        }
    }

    /// The stable machine code (`validation_error`).
    pub fn as_str(self) -> &'static str {
        self.spec().0
    }

    pub fn status(self) -> StatusCode {
        self.spec().1
    }

    /// The localized title and default detail.
    pub fn texts(self) -> (Tr, Tr) {
        let [te, tf, de, df] = self.spec().2;
        (Tr::new(te, tf), Tr::new(de, df))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    /// The OpenAPI enum of `code` (derived from the variants) lists exactly the wire names.
    #[test]
    fn the_documented_codes_are_the_wire_names() {
        let schema = serde_json::to_value(Code::schema()).unwrap();
        let documented: Vec<&str> = schema["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let wire: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(documented, wire);
    }
}
