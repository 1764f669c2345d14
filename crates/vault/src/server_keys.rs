//! The server's own keys, kept in a file outside the database.
//!
//! Whoever can read the database (local IT staff, a database administrator, anyone holding a
//! backup) must not be able to (a) test a guessed ID number against the hashes that link repeat
//! reports on one matter, (b) rewrite the audit trail or the access log and make the chain check
//! again, or (c) together with one senior official's password, open a real-name reporter's
//! identity without a second senior's approval. Each needs a key the database does not hold:
//! this file. It protects against an insider with the database (and one account) only; one who
//! holds both the database and this file (root on the server) can do (a) and (b), and with a
//! senior's password (c), which is why the trail's head is also written down outside the system
//! (`qingfeng audit --head`).
//!
//! Format: `matter=` and `audit=` with 64 hex digits, `approval=` with an age secret key, one per
//! line, `#` comments. Created with mode 0600 on first use.

use anyhow::{bail, Context, Result};
use rand::RngCore;
use std::io::Write;
use std::path::Path;

/// The two keys of an installation.
#[derive(Clone)]
pub struct ServerKeys {
    /// Keys the hash that links repeat reports on the same matter.
    matter: [u8; 32],
    /// Keys the MAC of every row of the audit trail and the access log.
    audit: [u8; 32],
    /// The approval key pair's secret (age): every senior's copy of a reporter's identity key is
    /// wrapped behind it, and it is used only to carry out a second senior's approval.
    approval: String,
}

impl std::fmt::Debug for ServerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKeys(…)")
    }
}

/// What loading found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loaded {
    /// The file existed.
    Existing,
    /// The file was made now.
    Created,
}

fn random_key() -> [u8; 32] {
    let mut k = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut k);
    k
}

impl ServerKeys {
    /// Fresh random keys (a new installation; tests).
    pub fn generate() -> ServerKeys {
        ServerKeys {
            matter: random_key(),
            audit: random_key(),
            approval: crate::KeyPair::generate().secret_text(),
        }
    }

    /// Fresh keys whose matter key continues an installation that kept its matter secret in
    /// the database (before this file existed), so earlier reports stay linked.
    pub fn generate_continuing(legacy_matter_secret: &str) -> ServerKeys {
        ServerKeys {
            matter: blake3::derive_key(
                "qingfeng 2026 report matter",
                legacy_matter_secret.as_bytes(),
            ),
            audit: random_key(),
            approval: crate::KeyPair::generate().secret_text(),
        }
    }

    pub fn matter_key(&self) -> &[u8; 32] {
        &self.matter
    }

    pub fn audit_key(&self) -> &[u8; 32] {
        &self.audit
    }

    pub fn approval_key(&self) -> crate::KeyPair {
        crate::KeyPair::from_secret_text(&self.approval).expect("checked when read")
    }

    /// Reads the file at `path`, or creates it with `make` (mode 0600, never overwriting a file
    /// that appeared meanwhile).
    pub fn load_or_create(
        path: &Path,
        make: impl FnOnce() -> ServerKeys,
    ) -> Result<(ServerKeys, Loaded)> {
        if path.exists() {
            return Ok((ServerKeys::load(path)?, Loaded::Existing));
        }
        let keys = make();
        let text = format!(
            "# Qingfeng server keys / 清风服务器密钥. Keep this file away from whoever can read the\n\
             # database, and back it up apart from it: without it repeat reports are no longer\n\
             # linked, the audit trail can no longer be checked and no request to open a\n\
             # real-name reporter's identity can be approved.\n\
             matter={}\naudit={}\napproval={}\n",
            hex::encode(keys.matter),
            hex::encode(keys.audit),
            keys.approval
        );
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut f) => {
                f.write_all(text.as_bytes())
                    .and_then(|_| f.sync_all())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Ok((keys, Loaded::Created))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Ok((ServerKeys::load(path)?, Loaded::Existing))
            }
            Err(e) => Err(e).with_context(|| {
                format!(
                    "cannot create the key file {} / 无法创建密钥文件",
                    path.display()
                )
            }),
        }
    }

    /// Reads an existing key file.
    pub fn load(path: &Path) -> Result<ServerKeys> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read the key file {} / 无法读取密钥文件",
                path.display()
            )
        })?;
        ServerKeys::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    pub fn parse(text: &str) -> Result<ServerKeys> {
        let mut matter = None;
        let mut audit = None;
        let mut approval = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, value)) = line.split_once('=') else {
                bail!(
                    "line {}: expected name=hex / 第 {} 行应为 名称=十六进制",
                    n + 1,
                    n + 1
                );
            };
            if name.trim() == "approval" {
                crate::KeyPair::from_secret_text(value.trim()).with_context(|| {
                    format!(
                        "line {}: not an age secret key / 第 {} 行: 不是 age 私钥",
                        n + 1,
                        n + 1
                    )
                })?;
                approval = Some(value.trim().to_string());
                continue;
            }
            let mut key = [0u8; 32];
            hex::decode_to_slice(value.trim(), &mut key).with_context(|| {
                format!(
                    "line {}: a key is 64 hex digits / 第 {} 行: 密钥应为64位十六进制",
                    n + 1,
                    n + 1
                )
            })?;
            match name.trim() {
                "matter" => matter = Some(key),
                "audit" => audit = Some(key),
                other => bail!("line {}: unknown key {other:?} / 未知密钥", n + 1),
            }
        }
        match (matter, audit, approval) {
            (Some(matter), Some(audit), Some(approval)) => Ok(ServerKeys {
                matter,
                audit,
                approval,
            }),
            _ => bail!(
                "the key file needs matter=, audit= and approval= / 密钥文件须含 matter=、audit= 与 approval="
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_file_is_private_and_reads_back_the_same_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("qingfeng.keys");
        let (made, loaded) = ServerKeys::load_or_create(&path, ServerKeys::generate).unwrap();
        assert_eq!(loaded, Loaded::Created);
        let (again, loaded) = ServerKeys::load_or_create(&path, ServerKeys::generate).unwrap();
        assert_eq!(loaded, Loaded::Existing);
        assert_eq!(made.matter, again.matter);
        assert_eq!(made.audit, again.audit);
        assert_eq!(made.approval, again.approval);
        assert_ne!(made.matter, made.audit);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "readable by others: {mode:o}");
        }
    }

    #[test]
    fn a_damaged_file_is_refused_not_replaced() {
        assert!(ServerKeys::parse("matter=00\naudit=11").is_err());
        assert!(ServerKeys::parse(&format!("matter={}", "ab".repeat(32))).is_err());
        assert!(ServerKeys::parse(&format!(
            "matter={0}\naudit={0}\nother={0}",
            "ab".repeat(32)
        ))
        .is_err());
        let approval = crate::KeyPair::generate().secret_text();
        assert!(ServerKeys::parse(&format!(
            "matter={}\naudit={}\napproval=AGE-SECRET-KEY-1NOTAKEY",
            "ab".repeat(32),
            "cd".repeat(32)
        ))
        .is_err());
        let ok = ServerKeys::parse(&format!(
            "# comment\nmatter={}\r\naudit={}\r\napproval={approval}\r\n",
            "ab".repeat(32),
            "cd".repeat(32)
        ))
        .unwrap();
        assert_eq!(ok.matter, [0xab; 32]);
        assert_eq!(ok.audit, [0xcd; 32]);
    }

    #[test]
    fn continuing_keeps_the_old_matter_key() {
        let k = ServerKeys::generate_continuing("legacy");
        assert_eq!(
            k.matter,
            blake3::derive_key("qingfeng 2026 report matter", b"legacy")
        );
    }
}
