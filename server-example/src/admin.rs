//! The admin token that guards `POST /v1/model/reload`.
//!
//! The token comes from `--admin-token-file` or `SCORELINE_ADMIN_TOKEN`;
//! without one the route is disabled (403) and only SIGHUP reloads. A
//! request presents it as `Authorization: Bearer TOKEN`. The server keeps
//! only its SHA-256 digest and compares digests in constant time
//! ([`subtle::ConstantTimeEq`]), so neither the content nor the length of
//! the token leaks through response timing.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The shortest admin token accepted, in bytes.
pub const MIN_TOKEN_LENGTH: usize = 16;

/// An admin token, kept as its SHA-256 digest.
#[derive(Clone)]
pub struct AdminToken {
    digest: [u8; 32],
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

impl AdminToken {
    /// A token of at least [`MIN_TOKEN_LENGTH`] bytes with no whitespace or
    /// control characters (so it fits an `Authorization` header as is).
    pub fn new(token: &str) -> Result<Self, String> {
        if token.len() < MIN_TOKEN_LENGTH {
            return Err(format!(
                "the admin token must be at least {MIN_TOKEN_LENGTH} bytes, got {}",
                token.len()
            ));
        }
        if token
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || !b.is_ascii())
        {
            return Err("the admin token must be printable ASCII without spaces".to_owned());
        }
        Ok(Self {
            digest: Sha256::digest(token.as_bytes()).into(),
        })
    }

    /// True when `presented` is the token (compared in constant time).
    pub fn verify(&self, presented: &[u8]) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented).into();
        digest.ct_eq(&self.digest).into()
    }

    /// True when an `Authorization` header value is `Bearer TOKEN` with this token.
    pub fn verify_header(&self, authorization: Option<&[u8]>) -> bool {
        let Some(value) = authorization else {
            return false;
        };
        let scheme = b"bearer ";
        if value.len() <= scheme.len() || !value[..scheme.len()].eq_ignore_ascii_case(scheme) {
            return false;
        }
        self.verify(value[scheme.len()..].trim_ascii())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_only_the_token() {
        let token = AdminToken::new("correct-horse-battery").unwrap();
        assert!(token.verify(b"correct-horse-battery"));
        assert!(!token.verify(b"correct-horse-batterY"));
        assert!(!token.verify(b""));
        assert!(token.verify_header(Some(b"Bearer correct-horse-battery")));
        assert!(token.verify_header(Some(b"bearer correct-horse-battery")));
        assert!(!token.verify_header(Some(b"Basic correct-horse-battery")));
        assert!(!token.verify_header(Some(b"Bearer ")));
        assert!(!token.verify_header(None));
        assert!(AdminToken::new("short").is_err());
        assert!(AdminToken::new("has a space in it, long").is_err());
        assert!(!format!("{token:?}").contains("horse"));
    }
}
