//! One run, as every renderer sees it, whichever source it came from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mizuchi_evidence::{Date, Text};
use mizuchi_ledger::ledger::{Verification, VerifiedEntry};
use mizuchi_ledger::statement::{
    RESULT_PREDICATE, RUN_PREDICATE, ResultPredicate, RunPredicate, Statement,
};
use serde::Serialize;

use crate::model::{
    Acceptance, Finding, Force, HostInfo, Outcome, PackInfo, ParamValue, Report, RuleFailure,
    Status,
};

/// The language a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Japanese, the default.
    #[default]
    Ja,
    /// English.
    En,
}

impl Lang {
    /// `ja` or `en`, as [`Text::get`] takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// The one of `ja` and `en` in this language.
    pub fn pick<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

/// Why a run cannot be reported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The ledger did not verify: nothing in it is reported.
    #[error(
        "`{path}` does not verify ({why}); run `mizuchi ledger verify` to see where, and report nothing from it"
    )]
    NotVerified {
        /// The ledger.
        path: PathBuf,
        /// The first failure.
        why: String,
    },
    /// The ledger holds no run.
    #[error("`{0}` holds no acknowledged run; record one with `mizuchi eval --ledger`")]
    NoRuns(PathBuf),
    /// The ledger holds no run with this id.
    #[error("`{path}` holds no run `{run}`; `mizuchi ledger show` lists its runs")]
    NoRun {
        /// The ledger.
        path: PathBuf,
        /// The run asked for.
        run: String,
    },
    /// A verified statement is not a result of its run.
    #[error("entry {index} of `{path}` is signed but is not a result of its run: {why}")]
    Malformed {
        /// The ledger.
        path: PathBuf,
        /// The entry.
        index: u64,
        /// What is wrong with it.
        why: String,
    },
}

impl ReportError {
    /// The message in `lang` (`ja` or `en`).
    pub fn text(&self, lang: &str) -> String {
        if lang != "ja" {
            return self.to_string();
        }
        match self {
            ReportError::NotVerified { path, why } => format!(
                "`{}` は検証に通りません ({why})。どこが違うかは `mizuchi ledger verify` で確かめられます。この台帳からは何も報告しません",
                path.display()
            ),
            ReportError::NoRuns(path) => format!(
                "`{}` には確認済みの実行がありません。`mizuchi eval --ledger` で記録してください",
                path.display()
            ),
            ReportError::NoRun { path, run } => format!(
                "`{}` に実行 `{run}` はありません。実行の一覧は `mizuchi ledger show` で見られます",
                path.display()
            ),
            ReportError::Malformed { path, index, why } => format!(
                "`{}` の項目 {index} は署名されていますが、その実行の結果ではありません: {why}",
                path.display()
            ),
        }
    }
}

/// Who vouches for a run read from a ledger: what verification established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedBy {
    /// The ledger file, as given.
    pub ledger: String,
    /// The index of the run's header entry.
    pub entry: u64,
    /// Entries in the ledger.
    pub entries: u64,
    /// Entries covered by the ledger's signed checkpoint.
    pub acknowledged: u64,
    /// Hex Merkle root of the ledger's entries.
    pub root: String,
    /// Key ids that signed the ledger's entries.
    pub signers: Vec<String>,
}

/// Titles and guideline sections of rules, from the pack that provides them
/// (a ledger records rule ids, not titles).
pub type Titles = BTreeMap<String, (Text, Option<String>)>;

/// One rule's result, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRow {
    /// The rule id.
    pub id: String,
    /// Its version, if known.
    pub version: Option<String>,
    /// Its title, if known.
    pub title: Option<Text>,
    /// The guideline sections it derives from.
    pub section: Option<String>,
    /// Ordinance or recommended.
    pub force: Option<Force>,
    /// The pack that provided it.
    pub pack: String,
    /// What it decided.
    pub outcome: Outcome,
    /// Every parameter in force, with the value used.
    pub parameters: BTreeMap<String, ParamValue>,
    /// Its decision about each subject.
    pub findings: Vec<Finding>,
    /// Deterministic fuel the run used.
    pub fuel: u64,
    /// Why it could not run.
    pub error: Option<RuleFailure>,
    /// Risk acceptances recorded for its failed findings, current or expired.
    pub acceptances: Vec<Acceptance>,
}

impl RuleRow {
    /// The title in `lang`, or the rule id when the title is not known.
    pub fn title_in(&self, lang: Lang) -> &str {
        self.title
            .as_ref()
            .map_or(self.id.as_str(), |t| t.get(lang.as_str()))
    }

    /// Findings that need action: failed ones.
    pub fn failed(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.status == Status::Fail)
    }
}

/// One run: who judged what, when, and each rule's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    signed: Option<SignedBy>,
    run: Option<String>,
    utility_id: String,
    utility_name: Text,
    collected_on: Date,
    evidence_digest: String,
    as_of: Date,
    host: HostInfo,
    packs: Vec<PackInfo>,
    overrides: BTreeMap<String, ParamValue>,
    /// Evidence files the run read, with their SHA-256 (signed runs only).
    files: BTreeMap<String, String>,
    rules: Vec<RuleRow>,
}

impl Run {
    /// The run of an unsigned evaluation report (`mizuchi eval --format json`).
    pub fn unsigned(report: &Report) -> Run {
        let overrides = BTreeMap::new();
        Run {
            signed: None,
            run: None,
            utility_id: report.evidence.utility_id.clone(),
            utility_name: report.evidence.utility_name.clone(),
            collected_on: report.evidence.collected_on,
            evidence_digest: report.evidence.digest.clone(),
            as_of: report.as_of,
            host: report.host.clone(),
            packs: report.packs.clone(),
            overrides,
            files: BTreeMap::new(),
            rules: report
                .results
                .iter()
                .map(|r| RuleRow {
                    id: r.rule.clone(),
                    version: r.version.clone(),
                    title: r.title.clone(),
                    section: r.section.clone(),
                    force: r.force,
                    pack: r.pack.clone(),
                    outcome: r.outcome,
                    parameters: r.parameters.clone(),
                    findings: r.findings.clone(),
                    fuel: r.fuel,
                    error: r.error.clone(),
                    acceptances: r.acceptances.clone(),
                })
                .collect(),
        }
    }

    /// The run `run` (the last one when `None`) of a ledger that verified:
    /// `verification` and `entries` are what
    /// [`mizuchi_ledger::ledger::verify_entries`] returned for `ledger`, so
    /// the report is made of the very bytes that were verified. A ledger
    /// that did not verify is refused.
    pub fn from_ledger(
        ledger: &Path,
        verification: &Verification,
        entries: &[VerifiedEntry],
        run: Option<&str>,
        titles: &Titles,
    ) -> Result<Run, ReportError> {
        if !verification.ok() {
            let why = match (
                &verification.first_bad,
                verification.checkpoints.iter().find(|c| !c.ok),
            ) {
                (Some((i, why)), _) => format!("entry {i} {why}"),
                (None, Some(c)) => format!("checkpoint {}: {}", c.source, c.message),
                (None, None) => "no checkpoint verified".into(),
            };
            return Err(ReportError::NotVerified {
                path: ledger.to_owned(),
                why,
            });
        }
        let malformed = |index: usize, why: String| ReportError::Malformed {
            path: ledger.to_owned(),
            index: index as u64,
            why,
        };
        let headers: Vec<(usize, Statement<RunPredicate>)> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.predicate_type == RUN_PREDICATE)
            .map(|(i, e)| {
                serde_json::from_slice::<Statement<RunPredicate>>(&e.statement)
                    .map(|s| (i, s))
                    .map_err(|e| malformed(i, e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let (start, statement) = match run {
            None => headers
                .into_iter()
                .next_back()
                .ok_or_else(|| ReportError::NoRuns(ledger.to_owned()))?,
            Some(id) => headers
                .into_iter()
                .find(|(_, h)| h.predicate.run == id)
                .ok_or_else(|| ReportError::NoRun {
                    path: ledger.to_owned(),
                    run: id.to_owned(),
                })?,
        };
        let mut files: BTreeMap<String, String> = statement
            .subject
            .iter()
            .filter_map(|d| Some((d.name.clone(), d.digest.get("sha256")?.clone())))
            .collect();
        let header = statement.predicate;
        let count = usize::try_from(header.results).unwrap_or(usize::MAX);
        let body = entries.get(start + 1..).unwrap_or_default();
        if body.len() < count {
            return Err(malformed(
                start,
                format!(
                    "its header announces {} results and {} acknowledged entries follow",
                    header.results,
                    body.len()
                ),
            ));
        }
        // The run's results: those that follow its header, and those it
        // reused from earlier entries, each at the place the header gives.
        let own = body
            .iter()
            .take(count)
            .enumerate()
            .map(|(k, e)| (start + 1 + k, e, None));
        let mut places: Vec<(usize, &VerifiedEntry, Option<u64>)> = own.collect();
        for u in &header.reused {
            let i = usize::try_from(u.index).unwrap_or(usize::MAX);
            let e = entries.get(i).filter(|e| e.hash == u.hash).ok_or_else(|| {
                malformed(start, format!("its reused entry {i} is not in the ledger"))
            })?;
            places.push((i, e, Some(u.position)));
        }
        let mut ordered: Vec<Option<(usize, &VerifiedEntry)>> = vec![None; places.len()];
        for &(i, e, position) in places.iter().filter(|p| p.2.is_some()) {
            let slot = position
                .and_then(|p| usize::try_from(p).ok())
                .and_then(|p| ordered.get_mut(p))
                .ok_or_else(|| malformed(start, format!("its reused entry {i} has no place")))?;
            *slot = Some((i, e));
        }
        let mut rest = places.iter().filter(|p| p.2.is_none());
        for slot in ordered.iter_mut().filter(|s| s.is_none()) {
            *slot = rest.next().map(|&(i, e, _)| (i, e));
        }
        let mut rules = Vec::with_capacity(ordered.len());
        for (i, e) in ordered.into_iter().flatten() {
            if e.predicate_type != RESULT_PREDICATE {
                return Err(malformed(
                    i,
                    format!("its predicate is `{}`", e.predicate_type),
                ));
            }
            let statement = serde_json::from_slice::<Statement<ResultPredicate>>(&e.statement)
                .map_err(|e| malformed(i, e.to_string()))?;
            let r = statement.predicate;
            let reused = i < start;
            if !reused && r.run != header.run {
                return Err(malformed(i, format!("it belongs to run `{}`", r.run)));
            }
            if reused {
                // A reused result vouches for the files it read, by the
                // digests they had then, which the new manifest lists.
                files.extend(
                    statement
                        .subject
                        .iter()
                        .filter_map(|d| Some((d.name.clone(), d.digest.get("sha256")?.clone()))),
                );
            }
            let known = titles.get(&r.rule.id);
            rules.push(RuleRow {
                title: known.map(|(t, _)| t.clone()),
                section: known.and_then(|(_, s)| s.clone()),
                id: r.rule.id,
                version: r.rule.version,
                force: r.force,
                pack: format!("{}@{}", r.pack.name, r.pack.version),
                outcome: r.outcome,
                parameters: r.parameters,
                findings: r.findings,
                fuel: r.fuel,
                error: r.error,
                acceptances: r.acceptances,
            });
        }
        Ok(Run {
            signed: Some(SignedBy {
                ledger: ledger.display().to_string(),
                entry: start as u64,
                entries: verification.entries,
                acknowledged: verification.acknowledged,
                root: verification.root.clone(),
                signers: verification.signers.clone(),
            }),
            run: Some(header.run),
            utility_id: header.evidence.utility_id,
            utility_name: header.evidence.utility_name,
            collected_on: header.evidence.collected_on,
            evidence_digest: header.evidence.digest,
            as_of: header.as_of,
            host: header.host,
            packs: header.packs,
            overrides: header.overrides,
            files,
            rules,
        })
    }

    /// The run of the same utility recorded just before `run` in the same
    /// verified ledger, if any: what a report compares against.
    pub fn previous_in_ledger(
        ledger: &Path,
        verification: &Verification,
        entries: &[VerifiedEntry],
        run: &Run,
        titles: &Titles,
    ) -> Result<Option<Run>, ReportError> {
        let Some(id) = run.id() else {
            return Ok(None);
        };
        let mut previous = None;
        for e in entries.iter().filter(|e| e.predicate_type == RUN_PREDICATE) {
            let Ok(s) = serde_json::from_slice::<Statement<RunPredicate>>(&e.statement) else {
                continue;
            };
            if s.predicate.run == id {
                break;
            }
            if s.predicate.evidence.utility_id == run.utility_id() {
                previous = Some(s.predicate.run);
            }
        }
        previous
            .map(|p| Run::from_ledger(ledger, verification, entries, Some(&p), titles))
            .transpose()
    }

    /// The report's title: the utility, what was assessed, the date.
    pub fn title(&self, lang: Lang) -> String {
        format!(
            "{} — {} ({})",
            self.utility_name.get(lang.as_str()),
            lang.pick(
                "水道サイバーセキュリティ評価",
                "Water cybersecurity assessment"
            ),
            self.as_of
        )
    }

    /// What verification established, or `None` for an unsigned run.
    pub fn signed(&self) -> Option<&SignedBy> {
        self.signed.as_ref()
    }

    /// The run id (`None` for an unsigned run).
    pub fn id(&self) -> Option<&str> {
        self.run.as_deref()
    }

    /// The utility's id.
    pub fn utility_id(&self) -> &str {
        &self.utility_id
    }

    /// The utility's name.
    pub fn utility_name(&self) -> &Text {
        &self.utility_name
    }

    /// When the evidence was collected.
    pub fn collected_on(&self) -> Date {
        self.collected_on
    }

    /// SHA-256 of the evidence bundle's manifest.
    pub fn evidence_digest(&self) -> &str {
        &self.evidence_digest
    }

    /// The assessment date.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// The host that ran it.
    pub fn host(&self) -> &HostInfo {
        &self.host
    }

    /// The packs run, in order.
    pub fn packs(&self) -> &[PackInfo] {
        &self.packs
    }

    /// Parameters set for the run (`RULE.KEY` → value): those that differ
    /// from the pack's defaults. Not recorded for an unsigned run.
    pub fn overrides(&self) -> &BTreeMap<String, ParamValue> {
        &self.overrides
    }

    /// Evidence files the run read (bundle path → SHA-256); empty for an
    /// unsigned run, whose report does not list them.
    pub fn files(&self) -> &BTreeMap<String, String> {
        &self.files
    }

    /// Each rule's result, in pack order.
    pub fn rules(&self) -> &[RuleRow] {
        &self.rules
    }

    /// Outcomes counted for one force (`None`: rules of no known force).
    pub fn counts(&self, force: Option<Force>) -> BTreeMap<Outcome, u64> {
        let mut c = BTreeMap::new();
        for r in self.rules.iter().filter(|r| r.force == force) {
            *c.entry(r.outcome).or_default() += 1;
        }
        c
    }
}
