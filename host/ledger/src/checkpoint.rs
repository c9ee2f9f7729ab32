//! Checkpoints in the C2SP tlog-checkpoint format, as signed notes.
//!
//! ```text
//! mizuchi.results/JP-MINAMIYAMA-WW
//! 30
//! q6yl7S2Vmf8p8QxhbkHqMYrTbmnJwzdn7JvV36aYpXE=
//!
//! — mizuchi-5e8d5f0c4b1a9e2d AAAAAK0sYvU…
//! ```
//!
//! The body is the origin, the tree size in decimal and the base64 RFC 6962
//! root, each on its own line. Each signature line is an em dash, the signer's
//! key name, and base64 of the 4-byte key hash followed by the 64-byte Ed25519
//! signature of the body. The key name is `mizuchi-` and the first 16 hex
//! digits of the key id; the key hash is the first 4 bytes of
//! SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), as in Go's `note` package.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};

use crate::keys::{PublicKey, SecretKey};
use crate::merkle::Hash;

/// Why a text is not a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CheckpointError(String);

/// A parsed checkpoint and its signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The origin line: whose log this is (`mizuchi.results/<utility id>`).
    pub origin: String,
    /// The number of entries the tree holds.
    pub size: u64,
    /// The RFC 6962 root of those entries.
    pub root: Hash,
    /// The exact text, as signed and stored.
    pub text: String,
    body_len: usize,
    signatures: Vec<(String, [u8; 4], Vec<u8>)>,
}

/// The note name of a key.
pub fn key_name(key: &PublicKey) -> String {
    format!("mizuchi-{}", &key.key_id()[..16])
}

/// The 4-byte key hash of a signed note.
pub fn key_hash(name: &str, key: &PublicKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([0x01]);
    h.update(key.bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

impl Checkpoint {
    /// Signs a checkpoint of a tree. `origin` must be one line (see
    /// [`crate::ledger::origin`]).
    pub fn sign(origin: &str, size: u64, root: &Hash, key: &SecretKey) -> Checkpoint {
        let body = format!("{origin}\n{size}\n{}\n", B64.encode(root));
        let public = key.public();
        let name = key_name(&public);
        let hash = key_hash(&name, &public);
        let signature = key.sign(body.as_bytes());
        let mut blob = hash.to_vec();
        blob.extend_from_slice(&signature);
        let text = format!("{body}\n\u{2014} {name} {}\n", B64.encode(&blob));
        Checkpoint {
            origin: origin.to_owned(),
            size,
            root: *root,
            body_len: body.len(),
            signatures: vec![(name, hash, signature.to_vec())],
            text,
        }
    }

    /// Parses a checkpoint note.
    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        Self::parse_text(text).map_err(CheckpointError)
    }

    fn parse_text(text: &str) -> Result<Checkpoint, String> {
        let Some(split) = text.find("\n\n") else {
            return Err("no blank line between the checkpoint and its signatures".into());
        };
        let body = &text[..split + 1];
        let mut lines = body.lines();
        let origin = lines
            .next()
            .filter(|l| !l.is_empty())
            .ok_or("no origin line")?
            .to_owned();
        let size: u64 = lines
            .next()
            .and_then(|l| {
                (l.chars().all(|c| c.is_ascii_digit())
                    && !l.is_empty()
                    && !(l.len() > 1 && l.starts_with('0')))
                .then_some(l)
            })
            .and_then(|l| l.parse().ok())
            .ok_or("the second line is not a tree size")?;
        let root: Hash = lines
            .next()
            .and_then(|l| B64.decode(l).ok())
            .and_then(|b| b.try_into().ok())
            .ok_or("the third line is not a base64 SHA-256 root")?;
        let mut signatures = Vec::new();
        for line in text[split + 2..].lines() {
            let Some(rest) = line.strip_prefix("\u{2014} ") else {
                return Err(format!("`{line}` is not a signature line"));
            };
            let (name, sig) = rest
                .split_once(' ')
                .ok_or("a signature line has no signature")?;
            let blob = B64
                .decode(sig)
                .map_err(|e| format!("a signature is not base64: {e}"))?;
            if blob.len() != 68 {
                return Err(
                    "a signature is not a 4-byte key hash and a 64-byte Ed25519 signature".into(),
                );
            }
            signatures.push((
                name.to_owned(),
                [blob[0], blob[1], blob[2], blob[3]],
                blob[4..].to_vec(),
            ));
        }
        if !text.ends_with('\n') || signatures.is_empty() {
            return Err("the checkpoint has no signature".into());
        }
        Ok(Checkpoint {
            origin,
            size,
            root,
            text: text.to_owned(),
            body_len: body.len(),
            signatures,
        })
    }

    /// The trusted key whose signature verifies, if any.
    pub fn verified_by<'k>(&self, trusted: &'k [PublicKey]) -> Option<&'k PublicKey> {
        let body = &self.text.as_bytes()[..self.body_len];
        self.signatures.iter().find_map(|(name, hash, sig)| {
            trusted
                .iter()
                .find(|k| key_name(k) == *name && key_hash(name, k) == *hash && k.verify(body, sig))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_round_trip_and_refuse_changes() {
        let k = SecretKey::from_seed([5; 32]);
        let c = Checkpoint::sign("mizuchi.results/X", 30, &[9; 32], &k);
        let back = Checkpoint::parse(&c.text).unwrap();
        assert_eq!(back, c, "what is signed parses back to itself");
        assert_eq!(
            (back.origin.as_str(), back.size, back.root),
            ("mizuchi.results/X", 30, [9; 32])
        );
        assert!(back.verified_by(&[k.public()]).is_some());
        let forged = c.text.replace("\n30\n", "\n31\n");
        assert!(
            Checkpoint::parse(&forged)
                .unwrap()
                .verified_by(&[k.public()])
                .is_none()
        );
        assert!(
            back.verified_by(&[SecretKey::from_seed([6; 32]).public()])
                .is_none()
        );
        assert!(
            c.text
                .lines()
                .nth(4)
                .unwrap()
                .starts_with("\u{2014} mizuchi-")
        );
    }
}
