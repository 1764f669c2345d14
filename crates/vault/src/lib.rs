//! Encryption at rest of what reporters tell us.
//!
//! The accused may run the county's IT, so a copy of the database must not be enough to read a
//! report. Three layers, all in the `age` format (X25519 recipients):
//!
//! - every official has an X25519 key pair; the secret half is stored only **locked with the
//!   official's password** (age's scrypt recipient), so the server cannot use it on its own;
//! - while the official is logged in, the secret is kept **sealed with the session token** (which
//!   only the browser holds; the database keeps the token's hash), so each request can open it;
//! - every report gets a **fresh key pair**: its content and attachments are encrypted to it, and
//!   its secret is **wrapped** separately to each official allowed to handle the report. An
//!   official who was never given a wrapped copy cannot read the report, whatever they can read in
//!   the database. The reporter's identity has a key of its own, wrapped only to senior officials.

pub mod server_keys;
pub use server_keys::ServerKeys;

use age::secrecy::{ExposeSecret, SecretString};
use anyhow::{anyhow, Context, Result};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use std::io::{Read, Write};
use std::str::FromStr;

/// scrypt work factor (N = 2^15, 32 MiB) for officials' keys locked with their password: the
/// password hash already slows guessing, this keeps a log-in under a second on a small server.
const PASSWORD_WORK_FACTOR: u8 = 15;
/// Refuse locked keys claiming more work than this (a tampered row must not hang the server).
const MAX_PASSWORD_WORK_FACTOR: u8 = 18;

/// An X25519 key pair: an official's, or one report's.
pub struct KeyPair(age::x25519::Identity);

impl KeyPair {
    pub fn generate() -> Self {
        Self(age::x25519::Identity::generate())
    }

    /// The public half ("age1…"): anyone may encrypt to it.
    pub fn recipient(&self) -> String {
        self.0.to_public().to_string()
    }

    /// Encrypts `plaintext` to this key pair's public half.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        seal_to(&[&self.recipient()], plaintext)
    }

    /// Decrypts something sealed to this key pair.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>> {
        let decryptor = age::Decryptor::new(sealed).context("not an age file")?;
        let mut reader = decryptor
            .decrypt(std::iter::once(&self.0 as &dyn age::Identity))
            .map_err(|e| anyhow!("cannot decrypt: {e}"))?;
        let mut out = Vec::new();
        reader.read_to_end(&mut out)?;
        Ok(out)
    }

    /// This key pair's secret encrypted to `recipient` (a wrapped key copy).
    pub fn wrap_for(&self, recipient: &str) -> Result<Vec<u8>> {
        seal_to(&[recipient], self.0.to_string().expose_secret().as_bytes())
    }

    /// This key pair's secret behind two keys: wrapped to `approval` (the server's approval key,
    /// kept in its key file), and that wrapped to `holder`. Neither the holder alone (with the
    /// whole database and their password) nor the server alone can open it: the reporter's
    /// identity is kept so until a second senior official approves a request.
    pub fn wrap_behind(&self, approval: &str, holder: &str) -> Result<Vec<u8>> {
        seal_to(&[holder], &self.wrap_for(approval)?)
    }

    /// Opens a copy made by [`KeyPair::wrap_behind`] with both keys.
    pub fn unwrap_behind(wrapped: &[u8], holder: &KeyPair, approval: &KeyPair) -> Result<Self> {
        let inner = holder.open(wrapped)?;
        Self::unwrap(&inner, approval)
    }

    /// The secret as age writes it (`AGE-SECRET-KEY-1…`), for the server's key file.
    pub fn secret_text(&self) -> String {
        self.0.to_string().expose_secret().to_string()
    }

    /// A key pair from [`KeyPair::secret_text`].
    pub fn from_secret_text(text: &str) -> Result<Self> {
        Self::from_secret(text.as_bytes())
    }

    /// Opens a wrapped key copy with the holder's own key pair.
    pub fn unwrap(wrapped: &[u8], holder: &KeyPair) -> Result<Self> {
        let secret = holder.open(wrapped)?;
        Self::from_secret(&secret)
    }

    /// Locks the secret half with a password (age scrypt).
    pub fn lock_with_password(&self, password: &str) -> Result<Vec<u8>> {
        let mut recipient = age::scrypt::Recipient::new(SecretString::from(password.to_owned()));
        recipient.set_work_factor(PASSWORD_WORK_FACTOR);
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| anyhow!("{e}"))?;
        write_all(encryptor, self.0.to_string().expose_secret().as_bytes())
    }

    /// Unlocks a key pair locked with [`KeyPair::lock_with_password`].
    pub fn unlock_with_password(locked: &[u8], password: &str) -> Result<Self> {
        let mut identity = age::scrypt::Identity::new(SecretString::from(password.to_owned()));
        identity.set_max_work_factor(MAX_PASSWORD_WORK_FACTOR);
        let decryptor = age::Decryptor::new(locked).context("not an age file")?;
        let mut reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(|e| anyhow!("wrong password or damaged key: {e}"))?;
        let mut secret = Vec::new();
        reader.read_to_end(&mut secret)?;
        Self::from_secret(&secret)
    }

    /// Seals the secret half with a session token (high-entropy, so a fast key derivation).
    pub fn seal_for_session(&self, token: &str) -> Result<Vec<u8>> {
        let cipher = session_cipher(token);
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let mut out = nonce.to_vec();
        let body = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                self.0.to_string().expose_secret().as_bytes(),
            )
            .map_err(|_| anyhow!("sealing the session key failed"))?;
        out.extend(body);
        Ok(out)
    }

    /// Opens a key pair sealed with [`KeyPair::seal_for_session`].
    pub fn open_for_session(sealed: &[u8], token: &str) -> Result<Self> {
        if sealed.len() < 24 {
            return Err(anyhow!("sealed session key too short"));
        }
        let (nonce, body) = sealed.split_at(24);
        let secret = session_cipher(token)
            .decrypt(XNonce::from_slice(nonce), body)
            .map_err(|_| anyhow!("the session key does not open"))?;
        Self::from_secret(&secret)
    }

    fn from_secret(secret: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(secret).context("key is not text")?;
        age::x25519::Identity::from_str(text.trim())
            .map(Self)
            .map_err(|e| anyhow!("not an age secret key: {e}"))
    }
}

/// Encrypts `plaintext` to each of `recipients` ("age1…" public keys).
pub fn seal_to(recipients: &[&str], plaintext: &[u8]) -> Result<Vec<u8>> {
    let parsed = recipients
        .iter()
        .map(|r| age::x25519::Recipient::from_str(r).map_err(|e| anyhow!("bad recipient {r}: {e}")))
        .collect::<Result<Vec<_>>>()?;
    let encryptor =
        age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| anyhow!("{e}"))?;
    write_all(encryptor, plaintext)
}

/// Whether `text` is an X25519 public key in age's notation.
pub fn is_recipient(text: &str) -> bool {
    age::x25519::Recipient::from_str(text).is_ok()
}

fn write_all(encryptor: age::Encryptor, plaintext: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(plaintext.len() + 256);
    let mut writer = encryptor.wrap_output(&mut out)?;
    writer.write_all(plaintext)?;
    writer.finish()?;
    Ok(out)
}

fn session_cipher(token: &str) -> XChaCha20Poly1305 {
    let key = blake3::derive_key(
        "qingfeng 2026 session-sealed official key",
        token.as_bytes(),
    );
    XChaCha20Poly1305::new((&key).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_opens_only_with_a_wrapped_copy() {
        let investigator = KeyPair::generate();
        let outsider = KeyPair::generate();
        let report = KeyPair::generate();
        let sealed = report.seal("村主任截留低保金".as_bytes()).unwrap();
        let copy = report.wrap_for(&investigator.recipient()).unwrap();

        let opened = KeyPair::unwrap(&copy, &investigator).unwrap();
        assert_eq!(opened.open(&sealed).unwrap(), "村主任截留低保金".as_bytes());
        // The outsider can neither unwrap the copy nor open the content with their own key.
        assert!(KeyPair::unwrap(&copy, &outsider).is_err());
        assert!(outsider.open(&sealed).is_err());
        // The ciphertext does not contain the text.
        assert!(!sealed
            .windows("低保金".len())
            .any(|w| w == "低保金".as_bytes()));
    }

    #[test]
    fn password_lock_and_session_seal_round_trip() {
        let official = KeyPair::generate();
        let locked = official.lock_with_password("correct horse").unwrap();
        assert!(KeyPair::unlock_with_password(&locked, "wrong horse").is_err());
        let unlocked = KeyPair::unlock_with_password(&locked, "correct horse").unwrap();
        assert_eq!(unlocked.recipient(), official.recipient());

        let sealed = unlocked.seal_for_session("token-a").unwrap();
        assert!(KeyPair::open_for_session(&sealed, "token-b").is_err());
        let reopened = KeyPair::open_for_session(&sealed, "token-a").unwrap();
        assert_eq!(reopened.recipient(), official.recipient());
    }

    #[test]
    fn sealing_to_several_recipients() {
        let a = KeyPair::generate();
        let b = KeyPair::generate();
        let c = KeyPair::generate();
        let sealed = seal_to(&[&a.recipient(), &b.recipient()], b"x").unwrap();
        assert_eq!(a.open(&sealed).unwrap(), b"x");
        assert_eq!(b.open(&sealed).unwrap(), b"x");
        assert!(c.open(&sealed).is_err());
        assert!(is_recipient(&a.recipient()));
        assert!(!is_recipient("age1nonsense"));
    }
}
