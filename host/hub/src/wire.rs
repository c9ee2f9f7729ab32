//! The hub's wire format: what a regulator and a utility send it, and what
//! it answers, as JSON. One definition for the hub and for the CLI that
//! talks to it (`mizuchi ledger push`, `mizuchi hub enrol`).
//!
//! A push carries a utility's ledger entries that the hub lacks, the
//! ledger's signed checkpoint, and the RFC 6962 consistency proof from the
//! tree the hub holds to the checkpoint's: the hub checks every byte of it
//! against what it already accepted, so that a ledger rewritten, truncated
//! or forked since is refused, not stored.

use std::path::Path;

use mizuchi_evidence::Text;
use mizuchi_ledger::ledger::{Lines, checkpoint_path, read_checkpoint};
use mizuchi_ledger::merkle;
use serde::{Deserialize, Serialize};

/// The DSSE payload type of an enrolment.
pub const ENROLMENT_TYPE: &str = "application/vnd.mizuchi.enrolment+json";

/// What a regulator signs to enrol a utility: its id, name, and the public
/// key its ledger is signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enrolment {
    /// The utility's id, as its bundles' manifests give it.
    pub utility: String,
    /// Its name in both languages.
    pub name: Text,
    /// Its ledger key, SPKI PEM.
    pub key: String,
}

/// The DSSE payload type of a policy.
pub const POLICY_TYPE: &str = "application/vnd.mizuchi.hub-policy+json";

/// The regulator's policy, as it signs it (`POST /api/policy`): what every
/// run must meet or be flagged for. Runs are flagged, never refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDoc {
    /// Publishers whose packs every run must use (empty: any).
    pub required_publishers: Vec<String>,
}

/// What the hub holds of a utility's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    /// Entries accepted.
    pub size: u64,
    /// The RFC 6962 root of those entries, hex.
    pub root: String,
}

/// Entries the hub lacks, with the checkpoint that covers them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Push {
    /// The entries from the hub's size on, each one ledger line as written.
    pub entries: Vec<String>,
    /// The ledger's signed checkpoint, as the note text.
    pub checkpoint: String,
    /// The consistency proof from the hub's tree to the checkpoint's, hex.
    pub consistency: Vec<String>,
}

/// What the hub did with a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Entries stored by this push (0 for a push the hub had already).
    pub accepted: u64,
    /// Entries the hub now holds.
    pub size: u64,
    /// Policy flags raised by the runs of this push.
    pub flags: Vec<String>,
}

/// An error the hub answers with, and its status code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// A stable code: `malformed`, `signature`, `unknown-utility`,
    /// `rewritten`, `conflict`, `too-large`, `unavailable`…
    pub code: String,
    /// What is wrong and what to do, in English.
    pub message: String,
}

/// A ledger could not be read to make a push.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PushError {
    /// The ledger or its checkpoint could not be read.
    #[error(transparent)]
    Ledger(#[from] mizuchi_ledger::ledger::LedgerError),
    /// The hub holds more than the ledger's checkpoint covers.
    #[error(
        "the hub holds {hub} entries of this ledger but its checkpoint covers {local}: the ledger was truncated or replaced since the last push"
    )]
    Behind {
        /// What the hub holds.
        hub: u64,
        /// What the checkpoint covers.
        local: u64,
    },
    /// The ledger holds fewer lines than its checkpoint covers.
    #[error(
        "the ledger holds {lines} lines but its checkpoint covers {covered}; run `mizuchi ledger verify`"
    )]
    Short {
        /// Lines in the file.
        lines: u64,
        /// Entries the checkpoint covers.
        covered: u64,
    },
    /// An entry is not UTF-8.
    #[error("entry {0} of the ledger is not UTF-8; run `mizuchi ledger verify`")]
    NotText(u64),
}

/// The push that brings a hub holding `head` up to the checkpoint of the
/// ledger at `path`: the acknowledged entries it lacks (never a run still
/// being written), the checkpoint, and the consistency proof.
pub fn push_from_ledger(path: &Path, head: &Head) -> Result<Push, PushError> {
    // The checkpoint first, as a verifier reads: the ledger then holds at
    // least what it covers.
    let checkpoint = read_checkpoint(&checkpoint_path(path))?;
    let lines = Lines::read(path)?;
    let covered = checkpoint.size;
    if (lines.len() as u64) < covered {
        return Err(PushError::Short {
            lines: lines.len() as u64,
            covered,
        });
    }
    if head.size > covered {
        return Err(PushError::Behind {
            hub: head.size,
            local: covered,
        });
    }
    let leaves: Vec<merkle::Hash> = (0..covered as usize)
        .map(|i| merkle::leaf_hash(lines.line(i)))
        .collect();
    let mut entries = Vec::with_capacity((covered - head.size) as usize);
    for i in head.size..covered {
        let text =
            std::str::from_utf8(lines.line(i as usize)).map_err(|_| PushError::NotText(i))?;
        entries.push(text.to_owned());
    }
    let consistency = merkle::consistency_proof(head.size as usize, &leaves)
        .iter()
        .map(hex::encode)
        .collect();
    Ok(Push {
        entries,
        checkpoint: checkpoint.text,
        consistency,
    })
}
