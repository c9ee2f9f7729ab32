//! What a bundle holds: records per section, events per kind and per Windows
//! event id, and the time range of each log.

use std::collections::BTreeMap;
use std::path::Path;

use mizuchi_evidence::{
    Accounts, AreaAccess, Backups, Contracts, Date, Governance, Inventory, Networks, People,
    SectionKind, SectionShape, Sites, Text, Timestamp, Training,
};
use serde::Serialize;

use super::{BundleError, LogStats};

/// One section of a summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SectionSummary {
    /// Files of the section.
    pub files: u64,
    /// Records by list (`assets`, `systems`...) for documents; `events` for logs.
    pub records: BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The earliest event, for a log.
    pub first: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The latest event, for a log.
    pub last: Option<Timestamp>,
    /// Events per kind (logs).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub kinds: BTreeMap<String, u64>,
    /// Events per Windows event id (authentication logs).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub event_ids: BTreeMap<u32, u64>,
}

/// What a bundle holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleSummary {
    /// The utility's id.
    pub utility_id: String,
    /// The utility's name.
    pub utility_name: Text,
    /// The version of the evidence format.
    pub format_version: String,
    /// When the evidence was collected.
    pub collected_on: Date,
    /// The default assessment date.
    pub assessment_date: Date,
    /// The SHA-256 of the manifest.
    pub digest: String,
    /// By section name, for the sections the bundle holds.
    pub sections: BTreeMap<String, SectionSummary>,
}

fn counts<T: serde::de::DeserializeOwned>(
    text: &str,
    lists: impl Fn(&T) -> Vec<(&'static str, usize)>,
) -> BTreeMap<String, u64> {
    serde_json::from_str::<T>(text)
        .map(|d| {
            lists(&d)
                .into_iter()
                .map(|(k, n)| (k.to_owned(), n as u64))
                .collect()
        })
        .unwrap_or_default()
}

fn document_counts(kind: SectionKind, text: &str) -> BTreeMap<String, u64> {
    match kind {
        SectionKind::Inventory => counts(text, |d: &Inventory| {
            vec![("systems", d.systems.len()), ("assets", d.assets.len())]
        }),
        SectionKind::Networks => counts(text, |d: &Networks| {
            vec![
                ("networks", d.networks.len()),
                ("links", d.links.len()),
                ("remote_access", d.remote_access.len()),
            ]
        }),
        SectionKind::Sites => counts(text, |d: &Sites| {
            vec![("sites", d.sites.len()), ("areas", d.areas.len())]
        }),
        SectionKind::People => counts(text, |d: &People| vec![("people", d.people.len())]),
        SectionKind::Accounts => counts(text, |d: &Accounts| vec![("accounts", d.accounts.len())]),
        SectionKind::AreaAccess => counts(text, |d: &AreaAccess| {
            vec![
                ("authorisations", d.authorisations.len()),
                ("visitors", d.visitors.len()),
            ]
        }),
        SectionKind::Contracts => {
            counts(text, |d: &Contracts| vec![("contracts", d.contracts.len())])
        }
        SectionKind::Backups => counts(text, |d: &Backups| {
            vec![
                ("runs", d.runs.len()),
                ("restore_tests", d.restore_tests.len()),
            ]
        }),
        SectionKind::Training => counts(text, |d: &Training| vec![("records", d.records.len())]),
        SectionKind::Governance => counts(text, |d: &Governance| {
            vec![
                ("appointments", d.appointments.len()),
                ("continuity_plans", d.continuity_plans.len()),
                ("audits", d.audits.len()),
                ("approvals", d.approvals.len()),
                ("risk_assessments", d.risk_assessments.len()),
                ("risk_acceptances", d.risk_acceptances.len()),
            ]
        }),
        _ => BTreeMap::new(),
    }
}

/// Summarises a valid bundle, reading every log once.
pub fn summarize(path: &Path) -> Result<BundleSummary, BundleError> {
    let v = super::validate(path);
    let logs = v.logs;
    let Some(o) = v.opened else {
        return Err(BundleError::Invalid {
            problems: v.problems,
        });
    };
    let mut sections: BTreeMap<String, SectionSummary> = BTreeMap::new();
    for (kind, doc) in &o.documents {
        sections.insert(
            kind.as_str().to_owned(),
            SectionSummary {
                files: 1,
                records: document_counts(*kind, doc.text()),
                ..Default::default()
            },
        );
    }
    for (kind, files) in &o.logs {
        let s = sections.entry(kind.as_str().to_owned()).or_default();
        for f in files {
            s.files += 1;
            let st: LogStats = logs.get(&f.path).cloned().unwrap_or_default();
            *s.records.entry("events".into()).or_default() += st.records;
            s.first = match (s.first, st.first) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            s.last = match (s.last, st.last) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            for (k, n) in st.kinds {
                *s.kinds.entry(k).or_default() += n;
            }
            for (k, n) in st.event_ids {
                *s.event_ids.entry(k).or_default() += n;
            }
        }
        debug_assert_eq!(kind.shape(), SectionShape::Log);
    }
    Ok(BundleSummary {
        utility_id: o.manifest.utility.id.clone(),
        utility_name: o.manifest.utility.name.clone(),
        format_version: o.manifest.format_version.clone(),
        collected_on: o.manifest.collected_on,
        assessment_date: o.manifest.assessment_date,
        digest: o.digest,
        sections,
    })
}
