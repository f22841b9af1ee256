//! HS256 JWTs with a pinned algorithm (auth.md §4). Expiry is checked against the injected clock.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// Accepted clock skew.
const LEEWAY_SECS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    Access,
    Refresh,
}

impl TokenType {
    fn as_str(self) -> &'static str {
        match self {
            TokenType::Access => "access",
            TokenType::Refresh => "refresh",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub sid: i64,
    pub tv: i64,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
    pub token_type: String,
}

impl Claims {
    pub fn user_id(&self) -> Option<i64> {
        self.sub.parse().ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Invalid,
    Expired,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> JwtKeys {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn encode(
        &self,
        kind: TokenType,
        user_id: i64,
        session_id: i64,
        token_version: i64,
        jti: &str,
        now: DateTime<Utc>,
        ttl: chrono::Duration,
    ) -> anyhow::Result<String> {
        let claims = Claims {
            sub: user_id.to_string(),
            sid: session_id,
            tv: token_version,
            jti: jti.to_owned(),
            iat: now.timestamp(),
            exp: (now + ttl).timestamp(),
            token_type: kind.as_str().to_owned(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Verifies signature, algorithm, header and type; then expiry against `now`.
    pub fn decode(
        &self,
        token: &str,
        kind: TokenType,
        now: DateTime<Utc>,
    ) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != Algorithm::HS256
            || header.jwk.is_some()
            || header.jku.is_some()
            || header.kid.is_some()
            || header.x5u.is_some()
            || header.x5c.is_some()
        {
            return Err(TokenError::Invalid);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.leeway = 0;
        validation.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| TokenError::Invalid)?;
        let claims = data.claims;
        if claims.token_type != kind.as_str() || claims.user_id().is_none() {
            return Err(TokenError::Invalid);
        }
        if now.timestamp() > claims.exp + LEEWAY_SECS {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn round_trip_and_type_check() {
        let keys = JwtKeys::new(SECRET);
        let now = Utc::now();
        let t = keys
            .encode(
                TokenType::Access,
                7,
                3,
                0,
                "ab",
                now,
                chrono::Duration::minutes(15),
            )
            .unwrap();
        let c = keys.decode(&t, TokenType::Access, now).unwrap();
        assert_eq!((c.user_id(), c.sid, c.tv), (Some(7), 3, 0));
        assert_eq!(
            keys.decode(&t, TokenType::Refresh, now).unwrap_err(),
            TokenError::Invalid
        );
        let later = now + chrono::Duration::minutes(16);
        assert_eq!(
            keys.decode(&t, TokenType::Access, later).unwrap_err(),
            TokenError::Expired
        );
        let within_skew = now + chrono::Duration::minutes(15) + chrono::Duration::seconds(20);
        assert!(keys.decode(&t, TokenType::Access, within_skew).is_ok());
    }

    #[test]
    fn other_keys_and_algorithms_are_refused() {
        let keys = JwtKeys::new(SECRET);
        let other = JwtKeys::new(b"another-secret-another-secret-xx");
        let now = Utc::now();
        let t = other
            .encode(
                TokenType::Access,
                7,
                3,
                0,
                "ab",
                now,
                chrono::Duration::minutes(15),
            )
            .unwrap();
        assert_eq!(
            keys.decode(&t, TokenType::Access, now).unwrap_err(),
            TokenError::Invalid
        );
        // alg "none" with the same claims.
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = t.split('.').nth(1).unwrap();
        let none = format!(
            "{}.{}.",
            b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
            payload
        );
        assert_eq!(
            keys.decode(&none, TokenType::Access, now).unwrap_err(),
            TokenError::Invalid
        );
        // HS384 signed with the right secret is still refused: the algorithm is pinned.
        let claims = keys
            .decode(
                &keys
                    .encode(
                        TokenType::Access,
                        7,
                        3,
                        0,
                        "ab",
                        now,
                        chrono::Duration::minutes(15),
                    )
                    .unwrap(),
                TokenType::Access,
                now,
            )
            .unwrap();
        let hs384 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS384),
            &claims,
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        assert_eq!(
            keys.decode(&hs384, TokenType::Access, now).unwrap_err(),
            TokenError::Invalid
        );
        // A kid header is refused.
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some("k1".into());
        let with_kid =
            jsonwebtoken::encode(&h, &claims, &EncodingKey::from_secret(SECRET)).unwrap();
        assert_eq!(
            keys.decode(&with_kid, TokenType::Access, now).unwrap_err(),
            TokenError::Invalid
        );
        assert_eq!(
            keys.decode("garbage", TokenType::Access, now).unwrap_err(),
            TokenError::Invalid
        );
    }
}
