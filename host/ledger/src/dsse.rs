//! DSSE envelopes (Dead Simple Signing Envelope, v1.0): the signature covers
//! the pre-authentication encoding of the payload type and the exact payload
//! bytes, so a verifier never re-serialises anything.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use crate::keys::{PublicKey, SecretKey};

/// An envelope whose payload is not base64.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the payload is not base64: {0}")]
pub struct PayloadError(String);

/// The payload type of in-toto statements.
pub const IN_TOTO: &str = "application/vnd.in-toto+json";

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The key id of the signing key (hex SHA-256 of its 32 bytes).
    pub keyid: String,
    /// Base64 of the 64-byte Ed25519 signature.
    pub sig: String,
}

/// A signed payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// What the payload is, e.g. `application/vnd.in-toto+json`.
    pub payload_type: String,
    /// Base64 of the payload bytes.
    pub payload: String,
    /// The signatures over the pre-authentication encoding of the payload.
    pub signatures: Vec<Signature>,
}

/// `PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

impl Envelope {
    /// Signs `payload` with `key`.
    pub fn sign(payload_type: &str, payload: &[u8], key: &SecretKey) -> Envelope {
        let sig = key.sign(&pae(payload_type, payload));
        Envelope {
            payload_type: payload_type.to_owned(),
            payload: B64.encode(payload),
            signatures: vec![Signature {
                keyid: key.public().key_id(),
                sig: B64.encode(sig),
            }],
        }
    }

    /// An envelope of `payload` with no signature yet (see
    /// [`Envelope::add_signature`]).
    pub fn unsigned(payload_type: &str, payload: &[u8]) -> Envelope {
        Envelope {
            payload_type: payload_type.to_owned(),
            payload: B64.encode(payload),
            signatures: Vec::new(),
        }
    }

    /// Adds a signature by another key.
    pub fn add_signature(&mut self, key: &SecretKey) -> Result<(), PayloadError> {
        let payload = self.payload_bytes()?;
        let sig = key.sign(&pae(&self.payload_type, &payload));
        self.signatures.push(Signature {
            keyid: key.public().key_id(),
            sig: B64.encode(sig),
        });
        Ok(())
    }

    /// The payload bytes.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, PayloadError> {
        B64.decode(&self.payload)
            .map_err(|e| PayloadError(e.to_string()))
    }

    /// The ids of the keys whose signature verifies, among `keys`, each once.
    pub fn verified_by<'k>(&self, keys: &'k [PublicKey]) -> Vec<&'k PublicKey> {
        self.verified_payload(keys)
            .map(|(by, _)| by)
            .unwrap_or_default()
    }

    /// [`Envelope::verified_by`] and the payload it verified, decoded once:
    /// the keys whose signature verifies (none when the payload is not
    /// base64) and the payload's bytes, or why they cannot be had.
    pub fn verified_payload<'k>(
        &self,
        keys: &'k [PublicKey],
    ) -> Result<(Vec<&'k PublicKey>, Vec<u8>), PayloadError> {
        let payload = self.payload_bytes()?;
        let by = self.signed_by(keys, &payload);
        Ok((by, payload))
    }

    fn signed_by<'k>(&self, keys: &'k [PublicKey], payload: &[u8]) -> Vec<&'k PublicKey> {
        let message = pae(&self.payload_type, payload);
        let mut out: Vec<&PublicKey> = Vec::new();
        for s in &self.signatures {
            let Some(key) = keys.iter().find(|k| k.key_id() == s.keyid) else {
                continue;
            };
            let Ok(sig) = B64.decode(&s.sig) else {
                continue;
            };
            if key.verify(&message, &sig) && !out.contains(&key) {
                out.push(key);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_follows_the_specification() {
        // The example of the DSSE specification (protocol.md).
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn envelopes_verify_only_with_the_right_key_and_payload() {
        let k = SecretKey::from_seed([3; 32]);
        let other = SecretKey::from_seed([4; 32]);
        let mut e = Envelope::sign(IN_TOTO, b"{\"a\":1}", &k);
        assert_eq!(e.verified_by(&[k.public()]).len(), 1);
        assert!(e.verified_by(&[other.public()]).is_empty());
        e.add_signature(&k).unwrap();
        assert_eq!(
            e.verified_by(&[k.public(), other.public()]).len(),
            1,
            "a key counts once"
        );
        e.payload = B64.encode(b"{\"a\":2}");
        assert!(e.verified_by(&[k.public()]).is_empty());
    }
}
