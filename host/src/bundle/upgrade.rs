//! Upgrading a bundle of evidence format 1 to format 2.
//!
//! Format 2 tells "not recorded" from "no": a yes/no field that format 1
//! read as `false` when absent is "not recorded" when absent. The upgrade
//! keeps every value that was written and invents none: an absent field
//! stays absent, and so now reads as "not recorded" (the report says how
//! many such fields each section has, so that the utility can fill them).
//! What format 2 spells differently is rewritten: a contract's list of
//! clauses becomes a yes/no per clause (the clauses of format 1 that are not
//! listed were recorded as not included; clauses format 1 did not know
//! stay unrecorded), and a policy's service level becomes a target.

use std::path::Path;

use mizuchi_evidence::{Clause, FORMAT_VERSION, SectionKind, SectionShape, Text};
use serde_json::{Map, Value, json};

use super::{BundleWriter, WriteError};

/// The clauses format 1 knew, as it spelt them.
const FORMAT_1_CLAUSES: &[(&str, Clause)] = &[
    ("security-measures", Clause::SecurityMeasures),
    ("confidentiality", Clause::Confidentiality),
    ("return-or-destruction", Clause::ReturnOrDestruction),
    ("incident-reporting", Clause::IncidentReporting),
    ("remedy", Clause::Remedy),
    ("subcontracting-control", Clause::SubcontractingControl),
    ("audit-acceptance", Clause::AuditAcceptance),
    ("change-prevention", Clause::ChangePrevention),
    ("company-disclosure", Clause::CompanyDisclosure),
    ("staff-disclosure", Clause::StaffDisclosure),
    (
        "personal-data-safe-management",
        Clause::PersonalDataSafeManagement,
    ),
    (
        "personal-data-no-processing-beyond-contract",
        Clause::PersonalDataNoProcessingBeyondContract,
    ),
    (
        "personal-data-subcontracting-report",
        Clause::PersonalDataSubcontractingReport,
    ),
    ("personal-data-reporting", Clause::PersonalDataReporting),
    (
        "personal-data-breach-reporting",
        Clause::PersonalDataBreachReporting,
    ),
    (
        "personal-data-responsibility",
        Clause::PersonalDataResponsibility,
    ),
    (
        "personal-data-return-or-deletion",
        Clause::PersonalDataReturnOrDeletion,
    ),
];

/// The yes/no fields of format 1 that read as `false` when absent, by
/// section: JSON paths with `[]` for every element of an array. (A
/// training record's `security` read as `true`; it is counted apart.)
const FORMAT_1_FLAGS: &[(SectionKind, &[&str])] = &[
    (
        SectionKind::Inventory,
        &[
            "systems[].control_system",
            "systems[].needed_for_operations",
            "assets[].control_system",
            "assets[].portable",
            "assets[].authentication.auto_logon",
            "assets[].authentication.blank_password",
            "assets[].storage.lockable_storage",
            "assets[].storage.always_carried",
        ],
    ),
    (
        SectionKind::Networks,
        &[
            "networks[].declared_closed",
            "links[].encrypted",
            "links[].authenticated",
            "links[].carries_control_traffic",
            "remote_access[].encrypted",
            "remote_access[].auth_logging",
            "remote_access[].mfa",
            "remote_access[].devices[].mobile",
            "remote_access[].devices[].remote_wipe",
        ],
    ),
    (
        SectionKind::Sites,
        &["areas[].locked", "areas[].controlled"],
    ),
    (
        SectionKind::Accounts,
        &["accounts[].privileged", "accounts[].mfa"],
    ),
    (SectionKind::Contracts, &["contracts[].personal_data"]),
    (
        SectionKind::Governance,
        &[
            "policy.covers_cybersecurity",
            "appointments[].by_management",
            "risk_assessments[].covers_control_systems",
        ],
    ),
];

/// How many places `path` names in `v` have no value.
fn absent(v: &Value, path: &str) -> u64 {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let (name, each) = match head.strip_suffix("[]") {
        Some(n) => (n, true),
        None => (head, false),
    };
    let child = v.get(name);
    match (each, rest) {
        (true, Some(rest)) => child
            .and_then(Value::as_array)
            .map_or(0, |a| a.iter().map(|e| absent(e, rest)).sum()),
        (false, Some(rest)) => child
            .filter(|c| c.is_object())
            .map_or(0, |c| absent(c, rest)),
        (_, None) => u64::from(v.is_object() && child.is_none_or(Value::is_null)),
    }
}

/// What upgrading a bundle did.
#[derive(Debug, Clone)]
pub struct Upgrade {
    /// The format the bundle had.
    pub from: String,
    /// What changed, section by section, in both languages.
    pub notes: Vec<Text>,
}

/// Why a bundle could not be upgraded; nothing was changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UpgradeError {
    #[error(
        "`{path}` holds evidence format {version}, which this mizuchi cannot upgrade (it upgrades format 1 to {FORMAT_VERSION})"
    )]
    /// The bundle is not of format 1.
    NotFormat1 {
        /// The bundle.
        path: std::path::PathBuf,
        /// Its format version.
        version: String,
    },
    #[error(transparent)]
    /// The bundle could not be read or written.
    Write(#[from] WriteError),
}

/// Upgrades the bundle in `root` from format 1 to the current format, in
/// place (atomically: a failure leaves it as it was).
pub fn upgrade(root: &Path) -> Result<Upgrade, UpgradeError> {
    let mut w = BundleWriter::open(root)?;
    let from = w.manifest().format_version.clone();
    if !from.starts_with("1.") {
        return Err(UpgradeError::NotFormat1 {
            path: root.to_owned(),
            version: from,
        });
    }
    let mut notes = Vec::new();
    for kind in SectionKind::ALL {
        if kind.shape() != SectionShape::Document {
            continue;
        }
        let Some(mut doc) = w.document_value(kind)? else {
            continue;
        };
        match kind {
            SectionKind::Contracts => {
                let n = upgrade_contracts(&mut doc);
                if n > 0 {
                    notes.push(Text::new(
                        format!("contracts: {n} 件の条項の一覧を条項ごとの有無に変えました (第2版で加わった条項は記録なし)"),
                        format!("contracts: the clause lists of {n} contracts became a yes or no per clause (clauses added by the second edition are not recorded)"),
                    ));
                }
            }
            SectionKind::Governance => {
                if let Some(level) = doc
                    .pointer_mut("/policy/service_level")
                    .filter(|v| v.is_string())
                {
                    let text = level.as_str().unwrap_or_default().trim().to_owned();
                    *level = if text.is_empty() {
                        Value::Null
                    } else {
                        json!({ "target": text })
                    };
                }
            }
            _ => {}
        }
        let unrecorded: u64 = FORMAT_1_FLAGS
            .iter()
            .filter(|(k, _)| *k == kind)
            .flat_map(|(_, paths)| paths.iter())
            .map(|p| absent(&doc, p))
            .sum();
        if unrecorded > 0 {
            notes.push(Text::new(
                format!("{kind}: 形式1では「いいえ」と読まれていた空欄 {unrecorded} 個は、これから「記録なし」です。判っている値を記録してください"),
                format!("{kind}: {unrecorded} yes/no fields that format 1 read as \"no\" when absent are now \"not recorded\"; record the values you know"),
            ));
        }
        if kind == SectionKind::Training {
            let n = absent(&doc, "records[].security");
            if n > 0 {
                notes.push(Text::new(
                    format!("training: 形式1では「情報セキュリティの研修」と読まれていた空欄 {n} 個は、これから「記録なし」です。研修ごとに記録してください"),
                    format!("training: {n} records format 1 read as security training when the field was absent now do not record it; record it per course"),
                ));
            }
        }
        w.put_document_json(kind, &doc, None)?;
    }
    w.set_format_version(FORMAT_VERSION);
    w.commit()?;
    Ok(Upgrade { from, notes })
}

/// Rewrites each contract's clause list; returns how many it rewrote.
fn upgrade_contracts(doc: &mut Value) -> usize {
    let Some(contracts) = doc.get_mut("contracts").and_then(Value::as_array_mut) else {
        return 0;
    };
    let mut n = 0;
    for c in contracts {
        let Some(obj) = c.as_object_mut() else {
            continue;
        };
        let listed: Vec<String> = match obj.get("clauses") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(_) => continue,
            None => Vec::new(),
        };
        let mut clauses = Map::new();
        for (name, clause) in FORMAT_1_CLAUSES {
            clauses.insert(
                clause.key().to_owned(),
                Value::Bool(listed.iter().any(|l| l == name)),
            );
        }
        obj.insert("clauses".into(), Value::Object(clauses));
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_flags_are_counted_through_arrays_and_objects() {
        let doc = json!({"assets": [
            {"id": "a", "portable": true, "authentication": {"method": "password"}},
            {"id": "b", "storage": {"lockable_storage": false}}
        ]});
        assert_eq!(absent(&doc, "assets[].portable"), 1);
        assert_eq!(absent(&doc, "assets[].authentication.auto_logon"), 1);
        assert_eq!(absent(&doc, "assets[].storage.always_carried"), 1);
        assert_eq!(absent(&doc, "assets[].storage.lockable_storage"), 0);
    }

    #[test]
    fn a_clause_list_becomes_a_yes_or_no_per_known_clause() {
        let mut doc =
            json!({"contracts": [{"id": "C1", "clauses": ["remedy", "confidentiality"]}]});
        assert_eq!(upgrade_contracts(&mut doc), 1);
        let c = &doc["contracts"][0]["clauses"];
        assert_eq!(c["remedy"], true);
        assert_eq!(c["security_measures"], false);
        // A clause the second edition added stays unrecorded.
        assert!(c.get("responsibility_split").is_none());
    }
}
