//! Ed25519 keys: generated from the operating system's entropy, stored as
//! PKCS#8 v1 PEM (what OpenSSL and Python's `cryptography` read), public keys
//! as SubjectPublicKeyInfo PEM, named by a stable key id.

use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// Why a key could not be made, read or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("cannot read `{path}`: {source}")]
    /// A key file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error("cannot write `{path}`: {source}")]
    /// A key file could not be written.
    Write {
        /// The file.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error("`{path}` is not an Ed25519 {what} in PEM ({reason})")]
    /// A file or text does not hold a key of the right kind.
    Format {
        /// The file (`(text)` for a key given as text).
        path: PathBuf,
        /// The kind of key expected.
        what: &'static str,
        /// What the decoder said.
        reason: String,
    },
    #[error("`{0}` already exists; choose another path or remove it first")]
    /// A key would overwrite this file.
    Exists(PathBuf),
    #[error("the operating system gave no randomness to make a key: {0}")]
    /// The operating system gave no randomness.
    Entropy(String),
}

/// A private key, with its public half.
#[derive(Clone)]
pub struct SecretKey {
    signing: SigningKey,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey")
            .field("key_id", &self.public().key_id())
            .finish_non_exhaustive()
    }
}

/// A public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    verifying: VerifyingKey,
}

impl SecretKey {
    /// A new key from the operating system's entropy.
    pub fn generate() -> Result<SecretKey, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| KeyError::Entropy(e.to_string()))?;
        Ok(SecretKey {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// A key from a 32-byte seed (for tests and fixed demo keys).
    pub fn from_seed(seed: [u8; 32]) -> SecretKey {
        SecretKey {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// The PKCS#8 v1 PEM text (`-----BEGIN PRIVATE KEY-----`): the fixed
    /// DER prefix of an Ed25519 `OneAsymmetricKey` (RFC 8410 §7) and the
    /// 32-byte seed, so encoding cannot fail.
    pub fn to_pem(&self) -> String {
        let mut der = PKCS8_PREFIX.to_vec();
        der.extend_from_slice(&self.signing.to_bytes());
        pem("PRIVATE KEY", &der)
    }

    /// Reads a PKCS#8 PEM private key.
    pub fn read(path: &Path) -> Result<SecretKey, KeyError> {
        let text = crate::files::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.to_owned(),
            source,
        })?;
        SigningKey::from_pkcs8_pem(&text)
            .map(|signing| SecretKey { signing })
            .map_err(|e| KeyError::Format {
                path: path.to_owned(),
                what: "private key",
                reason: e.to_string(),
            })
    }

    /// Writes the private key (readable by its owner only) and, beside it,
    /// the public key; refuses to overwrite.
    pub fn write(&self, path: &Path) -> Result<PathBuf, KeyError> {
        let public = public_path(path);
        for p in [path, public.as_path()] {
            if p.exists() {
                return Err(KeyError::Exists(p.to_owned()));
            }
        }
        let write = |p: &Path, text: &str, private: bool| -> Result<(), KeyError> {
            let err = |source| KeyError::Write {
                path: p.to_owned(),
                source,
            };
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            if private {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            #[cfg(not(unix))]
            let _ = private;
            let mut f = opts.open(p).map_err(err)?;
            std::io::Write::write_all(&mut f, text.as_bytes()).map_err(err)?;
            f.sync_all().map_err(err)
        };
        write(path, &self.to_pem(), true)?;
        write(&public, &self.public().to_pem(), false)?;
        Ok(public)
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey {
            verifying: self.signing.verifying_key(),
        }
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

/// DER of a PKCS#8 v1 Ed25519 private key before its 32-byte seed:
/// SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }.
const PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// DER of an Ed25519 SubjectPublicKeyInfo before its 32-byte key:
/// SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits) }.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// PEM text of `der` with the given label, 64 base64 characters a line.
fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        // Base64 is ASCII: every chunk is UTF-8.
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// `key.pem` → `key.pub.pem`.
pub fn public_path(private: &Path) -> PathBuf {
    let name = private
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".pem").unwrap_or(&name);
    private.with_file_name(format!("{stem}.pub.pem"))
}

impl PublicKey {
    /// A public key from SubjectPublicKeyInfo PEM text.
    pub fn from_pem(pem: &str) -> Result<PublicKey, KeyError> {
        VerifyingKey::from_public_key_pem(pem)
            .map(|verifying| PublicKey { verifying })
            .map_err(|e| KeyError::Format {
                path: PathBuf::from("(text)"),
                what: "public key",
                reason: e.to_string(),
            })
    }

    /// The SubjectPublicKeyInfo PEM text (`-----BEGIN PUBLIC KEY-----`): the
    /// fixed DER prefix of an Ed25519 key (RFC 8410 §4) and its 32 bytes.
    pub fn to_pem(&self) -> String {
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(self.verifying.as_bytes());
        pem("PUBLIC KEY", &der)
    }

    /// Reads a public key; a private key file gives its public half.
    pub fn read(path: &Path) -> Result<PublicKey, KeyError> {
        let text = crate::files::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.to_owned(),
            source,
        })?;
        if let Ok(v) = VerifyingKey::from_public_key_pem(&text) {
            return Ok(PublicKey { verifying: v });
        }
        SigningKey::from_pkcs8_pem(&text)
            .map(|s| PublicKey {
                verifying: s.verifying_key(),
            })
            .map_err(|e| KeyError::Format {
                path: path.to_owned(),
                what: "public key",
                reason: e.to_string(),
            })
    }

    /// The raw 32 bytes.
    pub fn bytes(&self) -> [u8; 32] {
        self.verifying.to_bytes()
    }

    /// The stable key id: lower-case hex SHA-256 of the 32-byte public key.
    pub fn key_id(&self) -> String {
        hex::encode(Sha256::digest(self.verifying.as_bytes()))
    }

    /// Checks a signature.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.verifying.verify(message, &sig).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_pem_as_pkcs8_v1() {
        let dir = tempfile::tempdir().unwrap();
        let k = SecretKey::from_seed([7; 32]);
        let path = dir.path().join("k.pem");
        let public = k.write(&path).unwrap();
        assert_eq!(public, dir.path().join("k.pub.pem"));
        let pem = std::fs::read_to_string(&path).unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        // PKCS#8 v1: version 0 and no public key: 48 bytes of DER.
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        assert_eq!(b64.len(), 64);
        let back = SecretKey::read(&path).unwrap();
        assert_eq!(back.public(), k.public());
        assert_eq!(PublicKey::read(&public).unwrap(), k.public());
        assert_eq!(PublicKey::read(&path).unwrap(), k.public());
        assert!(matches!(k.write(&path), Err(KeyError::Exists(_))));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn pem_encoding_is_the_standard_one() {
        use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
        use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey, KeypairBytes};
        for seed in [[0u8; 32], [7; 32], [0xff; 32]] {
            let k = SecretKey::from_seed(seed);
            let theirs = KeypairBytes {
                secret_key: seed,
                public_key: None,
            }
            .to_pkcs8_pem(LineEnding::LF)
            .unwrap();
            assert_eq!(k.to_pem(), theirs.as_str());
            let theirs = k
                .signing
                .verifying_key()
                .to_public_key_pem(LineEnding::LF)
                .unwrap();
            assert_eq!(k.public().to_pem(), theirs);
        }
    }

    #[test]
    fn signatures_verify_and_tampering_is_caught() {
        let k = SecretKey::from_seed([1; 32]);
        let sig = k.sign(b"hello");
        assert!(k.public().verify(b"hello", &sig));
        assert!(!k.public().verify(b"hellp", &sig));
        assert_eq!(k.public().key_id().len(), 64);
    }
}
