//! Receipt codes of reports: 20 random digits, shown once, stored only as an Argon2id hash.
//!
//! The hash uses one salt per installation (kept in the store), not one per report: the hash
//! must be found from the code alone. With 10^20 possible codes and Argon2id's cost per guess,
//! that does not make guessing practical.

use anyhow::{anyhow, Result};
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use rand::Rng;

pub const DIGITS: usize = 20;

/// A fresh receipt code from the operating system's random source.
pub fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..DIGITS)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

/// The code as typed (spaces and dashes allowed between groups), or None if it cannot be one.
pub fn normalise(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == DIGITS && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

/// The code in groups of four, easier to copy by hand.
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A new installation salt (stored once).
pub fn new_salt() -> String {
    SaltString::generate(&mut rand::rngs::OsRng)
        .as_str()
        .to_string()
}

/// The stored form of a code.
pub fn hash(code: &str, salt: &str) -> Result<String> {
    let salt = SaltString::from_b64(salt).map_err(|e| anyhow!("bad receipt salt: {e}"))?;
    let hash = Argon2::default()
        .hash_password(code.as_bytes(), &salt)
        .map_err(|e| anyhow!("hashing a receipt code: {e}"))?;
    Ok(hash.to_string())
}

/// [`hash`] on a blocking thread: Argon2 takes tens of milliseconds of CPU, and on the async
/// workers a flood of filings or follow-ups would slow every page of the portal.
pub async fn hash_blocking(code: &str, salt: &str) -> Result<String> {
    let (code, salt) = (code.to_string(), salt.to_string());
    tokio::task::spawn_blocking(move || hash(&code, &salt)).await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twenty_digits_and_differ() {
        let a = new_code();
        let b = new_code();
        assert_eq!(a.len(), DIGITS);
        assert!(a.chars().all(|c| c.is_ascii_digit()));
        assert_ne!(a, b);
    }

    #[test]
    fn the_hash_is_argon2id_repeatable_and_hides_the_code() {
        let salt = new_salt();
        let code = new_code();
        let h = hash(&code, &salt).unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert_eq!(h, hash(&code, &salt).unwrap());
        assert!(!h.contains(&code));
        assert_ne!(h, hash(&new_code(), &salt).unwrap());
    }

    #[test]
    fn typed_codes_are_normalised() {
        let code = "12345678901234567890";
        assert_eq!(normalise("1234 5678 9012 3456 7890").as_deref(), Some(code));
        assert_eq!(normalise(&grouped(code)).as_deref(), Some(code));
        assert_eq!(normalise("1234-5678-9012-3456-7890").as_deref(), Some(code));
        assert_eq!(normalise("1234"), None);
        assert_eq!(normalise("1234567890123456789a"), None);
    }
}
