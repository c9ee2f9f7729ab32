//! The trust store: who may publish packs, with which keys, how many
//! signatures they need, and which rule ids each may sign.
//!
//! `trust.json` lists publishers; each has Ed25519 public keys (PEM), a
//! signature threshold (each key counts once, however often it signs) and the
//! rule-id namespaces it may publish in (`MLIT-` for the regulator; a third
//! party gets its own). A publisher's keys are replaced only by a rotation
//! statement signed by a threshold of its current keys.

use std::path::{Path, PathBuf};

use mizuchi_evidence::Date;
use serde::{Deserialize, Serialize};

use crate::packfile::PackFile;
use mizuchi_ledger::dsse::Envelope;
use mizuchi_ledger::keys::{PublicKey, SecretKey};

/// The payload type of a key rotation.
pub const ROTATION_TYPE: &str = "application/vnd.mizuchi.key-rotation+json";

/// A publisher of packs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// The publisher's name, as packs name it.
    pub name: String,
    /// Public keys, PEM.
    pub keys: Vec<String>,
    /// How many distinct keys must sign a pack.
    pub threshold: u32,
    /// Rule-id prefixes the publisher may sign, e.g. `MLIT-`.
    pub namespaces: Vec<String>,
}

impl Publisher {
    /// The publisher's keys. A key the store cannot read is an error: a
    /// trust store that silently dropped a key would trust less (or, with a
    /// threshold, refuse) for a reason nobody is told.
    fn public_keys(&self) -> Result<Vec<PublicKey>, TrustError> {
        self.keys
            .iter()
            .map(|pem| {
                PublicKey::from_pem(pem).map_err(|e| {
                    TrustError::Invalid(format!(
                        "a key of publisher `{}` in the trust store is not an Ed25519 public key: {e}",
                        self.name
                    ))
                })
            })
            .collect()
    }
}

/// The trust store.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustStore {
    #[serde(default)]
    /// Every trusted publisher.
    pub publishers: Vec<Publisher>,
}

/// A key rotation: the new key set of a publisher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// The publisher.
    pub publisher: String,
    /// Its new keys (PEM).
    pub keys: Vec<String>,
    /// Its new threshold.
    pub threshold: u32,
}

/// Why a pack or a rotation is not trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    #[error("cannot read the trust store `{path}`: {message}")]
    /// The trust store could not be read or written.
    Store {
        /// The path.
        path: PathBuf,
        /// Why.
        message: String,
    },
    #[error("the pack is not signed; its publisher signs it before it is installed or run")]
    /// The pack has no signature.
    Unsigned,
    #[error("the pack names publisher `{0}`, which the trust store does not know")]
    /// The pack's publisher is not trusted.
    UnknownPublisher(String),
    #[error(
        "the pack is signed only by keys the trust store does not trust for publisher `{publisher}` ({keys})"
    )]
    /// No signature is by a trusted key of the publisher.
    Untrusted {
        /// The publisher.
        publisher: String,
        /// The keys that signed.
        keys: String,
    },
    #[error(
        "publisher `{publisher}` needs {need} signatures by distinct trusted keys; the pack has {have} (a key counts once however often it signs)"
    )]
    /// Too few distinct trusted keys signed.
    Threshold {
        /// The publisher.
        publisher: String,
        /// Signatures needed.
        need: u32,
        /// Signatures by distinct trusted keys.
        have: usize,
    },
    #[error(
        "rule `{rule}` is outside the namespaces publisher `{publisher}` may sign ({namespaces}); the pack is refused"
    )]
    /// A rule is outside the publisher's namespaces.
    Namespace {
        /// The rule.
        rule: String,
        /// The publisher.
        publisher: String,
        /// Its namespaces.
        namespaces: String,
    },
    #[error("pack {name} {version} expired on {expired}; ask its publisher for a current version")]
    /// The pack expired.
    Expired {
        /// The pack.
        name: String,
        /// Its version.
        version: String,
        /// Its last day.
        expired: Date,
    },
    #[error("pack {name} {version} needs rule ABI {required}, but this host implements {host}")]
    /// The pack needs another rule ABI.
    Abi {
        /// The pack.
        name: String,
        /// Its version.
        version: String,
        /// The ABI it needs.
        required: String,
        /// The ABI this host implements.
        host: String,
    },
    #[error(
        "the rotation for `{publisher}` is not signed by {need} of its current keys (it has {have})"
    )]
    /// A key rotation is not signed by enough current keys.
    Rotation {
        /// The publisher.
        publisher: String,
        /// Signatures needed.
        need: u32,
        /// Signatures by distinct current keys.
        have: usize,
    },
    #[error("{0}")]
    /// Anything else that makes a store, a publisher or a rotation unusable.
    Invalid(String),
}

/// Who vouches for a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    /// The publisher.
    pub publisher: String,
    /// Key ids of the trusted signatures.
    pub keys: Vec<String>,
}

impl TrustStore {
    /// Loads a trust store; a missing file is an empty store (it trusts
    /// nobody).
    pub fn load(path: &Path) -> Result<TrustStore, TrustError> {
        match mizuchi_ledger::files::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| TrustError::Store {
                path: path.to_owned(),
                message: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TrustStore::default()),
            Err(e) => Err(TrustError::Store {
                path: path.to_owned(),
                message: e.to_string(),
            }),
        }
    }

    /// Saves the store atomically.
    pub fn save(&self, path: &Path) -> Result<(), TrustError> {
        let mut bytes =
            serde_json::to_vec_pretty(self).map_err(|e| TrustError::Invalid(e.to_string()))?;
        bytes.push(b'\n');
        crate::bundle::write_atomic(path, &bytes).map_err(|e| TrustError::Store {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// The publisher named `name`, if trusted.
    pub fn publisher(&self, name: &str) -> Option<&Publisher> {
        self.publishers.iter().find(|p| p.name == name)
    }

    /// Adds or replaces a publisher.
    pub fn add(&mut self, publisher: Publisher) -> Result<(), TrustError> {
        if publisher.threshold == 0 || publisher.threshold as usize > publisher.keys.len() {
            return Err(TrustError::Invalid(format!(
                "publisher `{}` needs a threshold between 1 and its {} keys",
                publisher.name,
                publisher.keys.len()
            )));
        }
        for k in &publisher.keys {
            PublicKey::from_pem(k).map_err(|e| {
                TrustError::Invalid(format!(
                    "a key of `{}` is not an Ed25519 public key: {e}",
                    publisher.name
                ))
            })?;
        }
        for ns in &publisher.namespaces {
            if let Some(other) = self.publishers.iter().find(|p| {
                p.name != publisher.name
                    && p.namespaces
                        .iter()
                        .any(|n| n.starts_with(ns.as_str()) || ns.starts_with(n.as_str()))
            }) {
                return Err(TrustError::Invalid(format!(
                    "namespace `{ns}` overlaps one of publisher `{}`; each namespace belongs to one publisher",
                    other.name
                )));
            }
        }
        self.publishers.retain(|p| p.name != publisher.name);
        self.publishers.push(publisher);
        Ok(())
    }

    /// Decides whether a pack is trusted, before any of its code runs: signed
    /// by a threshold of distinct keys of the publisher it names, every rule
    /// in that publisher's namespaces, for this host's ABI and, when `today`
    /// is given, not expired. (Replaying a past run passes `None`: a pack that
    /// was current then may be re-run to check what it said.)
    pub fn check(&self, pack: &PackFile, today: Option<Date>) -> Result<Signed, TrustError> {
        let m = pack.manifest();
        if pack.envelope().signatures.is_empty() {
            return Err(TrustError::Unsigned);
        }
        let publisher = self
            .publisher(&m.publisher)
            .ok_or_else(|| TrustError::UnknownPublisher(m.publisher.clone()))?;
        let keys = publisher.public_keys()?;
        let by = pack.envelope().verified_by(&keys);
        if by.is_empty() {
            let ids: Vec<String> = pack
                .envelope()
                .signatures
                .iter()
                .map(|s| s.keyid[..16.min(s.keyid.len())].to_owned())
                .collect();
            return Err(TrustError::Untrusted {
                publisher: publisher.name.clone(),
                keys: ids.join(", "),
            });
        }
        if by.len() < publisher.threshold as usize {
            return Err(TrustError::Threshold {
                publisher: publisher.name.clone(),
                need: publisher.threshold,
                have: by.len(),
            });
        }
        for module in &m.modules {
            for rule in &module.rules {
                if !publisher
                    .namespaces
                    .iter()
                    .any(|ns| rule.id.starts_with(ns.as_str()))
                {
                    return Err(TrustError::Namespace {
                        rule: rule.id.clone(),
                        publisher: publisher.name.clone(),
                        namespaces: publisher.namespaces.join(", "),
                    });
                }
            }
        }
        if today.is_some_and(|d| d > m.expires_on) {
            return Err(TrustError::Expired {
                name: m.name.clone(),
                version: m.version.clone(),
                expired: m.expires_on,
            });
        }
        let fits =
            semver::VersionReq::parse(&m.abi).is_ok_and(|r| r.matches(&crate::abi::HOST_ABI));
        if !fits {
            return Err(TrustError::Abi {
                name: m.name.clone(),
                version: m.version.clone(),
                required: m.abi.clone(),
                host: crate::abi::ABI_VERSION.into(),
            });
        }
        Ok(Signed {
            publisher: publisher.name.clone(),
            keys: by.iter().map(|k| k.key_id()).collect(),
        })
    }

    /// Signs a rotation of a publisher's keys.
    pub fn rotation(rotation: &Rotation, key: &SecretKey) -> Result<Envelope, TrustError> {
        let bytes = serde_json::to_vec(rotation).map_err(|e| TrustError::Invalid(e.to_string()))?;
        Ok(Envelope::sign(ROTATION_TYPE, &bytes, key))
    }

    /// Applies a rotation signed by a threshold of the publisher's current keys.
    pub fn apply(&mut self, envelope: &Envelope) -> Result<Rotation, TrustError> {
        if envelope.payload_type != ROTATION_TYPE {
            return Err(TrustError::Invalid(format!(
                "`{}` is not a key rotation",
                envelope.payload_type
            )));
        }
        let bytes = envelope
            .payload_bytes()
            .map_err(|e| TrustError::Invalid(e.to_string()))?;
        let rotation: Rotation = serde_json::from_slice(&bytes)
            .map_err(|e| TrustError::Invalid(format!("the rotation is malformed: {e}")))?;
        let current = self
            .publisher(&rotation.publisher)
            .ok_or_else(|| TrustError::UnknownPublisher(rotation.publisher.clone()))?
            .clone();
        let have = envelope.verified_by(&current.public_keys()?).len();
        if have < current.threshold as usize {
            return Err(TrustError::Rotation {
                publisher: current.name.clone(),
                need: current.threshold,
                have,
            });
        }
        self.add(Publisher {
            name: current.name,
            keys: rotation.keys.clone(),
            threshold: rotation.threshold,
            namespaces: current.namespaces,
        })?;
        Ok(rotation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packfile::{ManifestTemplate, RuleEntry};

    fn key(n: u8) -> SecretKey {
        SecretKey::from_seed([n; 32])
    }

    fn publisher(name: &str, keys: &[&SecretKey], threshold: u32, ns: &str) -> Publisher {
        Publisher {
            name: name.into(),
            keys: keys.iter().map(|k| k.public().to_pem()).collect(),
            threshold,
            namespaces: vec![ns.into()],
        }
    }

    fn pack(publisher: &str, rule: &str) -> PackFile {
        let date = |s: &str| s.parse().unwrap_or_default();
        let template = ManifestTemplate {
            name: "p".into(),
            version: "1.0.0".into(),
            publisher: publisher.into(),
            abi: "^2.0".into(),
            evidence_format: "^2.0".into(),
            published_on: date("2026-01-01"),
            expires_on: date("2026-12-31"),
            extensions: Vec::new(),
        };
        let rules = vec![RuleEntry {
            id: rule.into(),
            version: "1.0.0".into(),
        }];
        PackFile::build(
            &template,
            vec![("m.wasm".into(), b"\0asm".to_vec(), rules)],
            Vec::new(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn today() -> Option<Date> {
        "2026-06-01".parse().ok()
    }

    #[test]
    fn a_threshold_counts_distinct_keys_only() {
        let (a, b) = (key(1), key(2));
        let mut store = TrustStore::default();
        store.add(publisher("MLIT", &[&a, &b], 2, "MLIT-")).unwrap();
        let mut p = pack("MLIT", "MLIT-ORD-01");
        p.sign(&a).unwrap();
        p.sign(&a).unwrap();
        assert!(matches!(
            store.check(&p, today()),
            Err(TrustError::Threshold {
                need: 2,
                have: 1,
                ..
            })
        ));
        p.sign(&b).unwrap();
        let signed = store.check(&p, today()).unwrap();
        assert_eq!(signed.keys.len(), 2);
    }

    #[test]
    fn namespaces_bind_publishers_and_may_not_overlap() {
        let (m, a) = (key(1), key(3));
        let mut store = TrustStore::default();
        store.add(publisher("MLIT", &[&m], 1, "MLIT-")).unwrap();
        let overlap = store.add(publisher("ACME", &[&a], 1, "MLIT-X"));
        assert!(matches!(overlap, Err(TrustError::Invalid(_))));
        store.add(publisher("ACME", &[&a], 1, "ACME-")).unwrap();
        let mut p = pack("ACME", "MLIT-ORD-01");
        p.sign(&a).unwrap();
        assert!(matches!(
            store.check(&p, today()),
            Err(TrustError::Namespace { .. })
        ));
    }

    #[test]
    fn expiry_is_checked_unless_replaying() {
        let m = key(1);
        let mut store = TrustStore::default();
        store.add(publisher("MLIT", &[&m], 1, "MLIT-")).unwrap();
        let mut p = pack("MLIT", "MLIT-ORD-01");
        p.sign(&m).unwrap();
        let late = "2027-01-01".parse().ok();
        assert!(matches!(
            store.check(&p, late),
            Err(TrustError::Expired { .. })
        ));
        assert!(store.check(&p, None).is_ok());
        assert!(store.check(&p, "2026-12-31".parse().ok()).is_ok());
    }

    #[test]
    fn a_rotation_needs_the_current_threshold() {
        let (old1, old2, new) = (key(1), key(2), key(9));
        let mut store = TrustStore::default();
        store
            .add(publisher("MLIT", &[&old1, &old2], 2, "MLIT-"))
            .unwrap();
        let rotation = Rotation {
            publisher: "MLIT".into(),
            keys: vec![new.public().to_pem()],
            threshold: 1,
        };
        let mut envelope = TrustStore::rotation(&rotation, &old1).unwrap();
        assert!(matches!(
            store.apply(&envelope),
            Err(TrustError::Rotation {
                need: 2,
                have: 1,
                ..
            })
        ));
        envelope.add_signature(&old2).unwrap();
        store.apply(&envelope).unwrap();
        let p = store.publisher("MLIT").unwrap();
        assert_eq!(p.keys, vec![new.public().to_pem()]);
        assert_eq!(p.namespaces, vec!["MLIT-".to_owned()]);
    }
}
