//! Evaluating packs against a bundle: resolve parameters, run every rule in
//! its own sandbox in parallel, turn what each returned into a result, apply
//! recorded risk acceptances, and assemble the report in pack order.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use mizuchi_evidence::{Date, Governance, SectionKind, SectionShape, Text};

use crate::abi::{ABI_VERSION, wit_types as ty};
use crate::bundle::{Bundle, BundleError, Severity};
use crate::engine::Runtime;
use crate::pack::{Module, ModuleState, Pack, PackSet, ParamKind, RuleInfo};
use crate::record::{Evaluation, Logs, Previous, Reuse, Settings, result_statement_in};
use crate::sandbox::{self, Declared, Failure, Limit, RunInput};
use mizuchi_report::{
    EvidenceInfo, EvidenceRef, Finding, HostInfo, Outcome, ParamValue, REPORT_FORMAT, Report,
    RuleFailure, RuleResult, Status, Subject,
};

/// The version of the report format.
pub const REPORT_VERSION: &str = "1.0.0";

/// Largest integer a parameter may hold: integers stay exact in JSON everywhere.
const MAX_EXACT: i64 = (1 << 53) - 1;

/// The value a parameter is set to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamInput {
    /// As written on a command line: read by the kind the rule declares.
    Text(String),
    /// Already typed (a recorded run being replayed); it must be of the
    /// kind the rule declares.
    Value(ParamValue),
}

/// A parameter set for a run: `RULE.KEY=VALUE` on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamOverride {
    /// The rule id.
    pub rule: String,
    /// The parameter's key.
    pub key: String,
    /// The value.
    pub value: ParamInput,
}

impl FromStr for ParamOverride {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "`{s}` is not of the form RULE.KEY=VALUE (e.g. MLIT-BAK-01.backup_max_age_days=30)"
            )
        };
        let (left, value) = s.split_once('=').ok_or_else(bad)?;
        let (rule, key) = left.rsplit_once('.').ok_or_else(bad)?;
        if rule.is_empty() || key.is_empty() {
            return Err(bad());
        }
        Ok(ParamOverride {
            rule: rule.to_owned(),
            key: key.to_owned(),
            value: ParamInput::Text(value.to_owned()),
        })
    }
}

/// How to evaluate.
#[derive(Debug, Clone, Default)]
pub struct EvalOptions {
    /// The assessment date; the bundle's own when `None`.
    pub as_of: Option<Date>,
    /// Parameters set for the run.
    pub params: Vec<ParamOverride>,
    /// Run only these rules (by id); every rule when empty.
    pub rules: Vec<String>,
    /// The last run of the ledger the evaluation will be recorded in
    /// ([`crate::Recorder::previous`]): a rule whose result statement would
    /// be the same as that run's but for the run id (same rule, module,
    /// pack, parameters, assessment date, host, and evidence files by the
    /// digests the manifest lists) is not evaluated again, its result is
    /// reused, and the logs only such rules read are not read.
    pub reuse: Option<Previous>,
}

/// Why an evaluation could not be done at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    #[error("no pack of the run has rule `{rule}`; the rules are: {known}")]
    /// A rule named is in none of the packs.
    UnknownRule {
        /// The rule named.
        rule: String,
        /// The rules of the packs.
        known: String,
    },
    #[error("rule `{rule}` has no parameter `{key}`; its parameters are: {known}")]
    /// A parameter set is not one the rule declares.
    UnknownParam {
        /// The rule.
        rule: String,
        /// The key.
        key: String,
        /// The keys it declares.
        known: String,
    },
    #[error("parameter `{rule}.{key}` takes {kind}, not `{value}`")]
    /// A parameter's value is not of the rule's declared kind.
    BadParam {
        /// The rule.
        rule: String,
        /// The key.
        key: String,
        /// The kind it takes.
        kind: &'static str,
        /// The value given.
        value: String,
    },
    #[error(transparent)]
    /// The bundle's extension sections do not satisfy the schemas of the
    /// packs that define them.
    Evidence(BundleError),
    /// A log the rules to run read cannot be read, or does not match the
    /// manifest (read when the run, not the opening, needed it).
    #[error("{0}")]
    Log(String),
}

fn parse_value(kind: ParamKind, raw: &str) -> Option<ParamValue> {
    match kind {
        ParamKind::Integer => raw
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|v| (-MAX_EXACT..=MAX_EXACT).contains(v))
            .map(ParamValue::Integer),
        ParamKind::Boolean => match raw.trim() {
            "true" => Some(ParamValue::Boolean(true)),
            "false" => Some(ParamValue::Boolean(false)),
            _ => None,
        },
        ParamKind::Text => Some(ParamValue::Text(raw.to_owned())),
        ParamKind::TextList => Some(ParamValue::TextList(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )),
    }
}

fn kind_of(v: &ParamValue) -> ParamKind {
    match v {
        ParamValue::Integer(_) => ParamKind::Integer,
        ParamValue::Boolean(_) => ParamKind::Boolean,
        ParamValue::Text(_) => ParamKind::Text,
        ParamValue::TextList(_) => ParamKind::TextList,
    }
}

fn kind_name(kind: ParamKind) -> &'static str {
    match kind {
        ParamKind::Integer => "an integer within ±(2^53−1)",
        ParamKind::Boolean => "`true` or `false`",
        ParamKind::Text => "a text",
        ParamKind::TextList => "a comma-separated list",
    }
}

/// Every rule's parameters in force: defaults overridden by `overrides`.
fn resolve_params(
    packs: &PackSet,
    overrides: &[ParamOverride],
) -> Result<BTreeMap<String, BTreeMap<String, ParamValue>>, EvalError> {
    let mut all: BTreeMap<String, BTreeMap<String, ParamValue>> = packs
        .rules()
        .map(|(_, _, r)| {
            let defaults = r
                .params
                .iter()
                .map(|p| (p.key.clone(), p.default.clone()))
                .collect();
            (r.id.clone(), defaults)
        })
        .collect();
    for o in overrides {
        let Some((_, _, rule)) = packs.rule(&o.rule) else {
            return Err(EvalError::UnknownRule {
                rule: o.rule.clone(),
                known: packs
                    .rules()
                    .map(|(_, _, r)| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let Some(spec) = rule.params.iter().find(|p| p.key == o.key) else {
            let known: Vec<&str> = rule.params.iter().map(|p| p.key.as_str()).collect();
            return Err(EvalError::UnknownParam {
                rule: o.rule.clone(),
                key: o.key.clone(),
                known: if known.is_empty() {
                    "(none)".into()
                } else {
                    known.join(", ")
                },
            });
        };
        let value = match &o.value {
            ParamInput::Text(raw) => parse_value(spec.kind, raw),
            ParamInput::Value(v) => Some(v.clone()).filter(|v| kind_of(v) == spec.kind),
        }
        .ok_or_else(|| EvalError::BadParam {
            rule: o.rule.clone(),
            key: o.key.clone(),
            kind: kind_name(spec.kind),
            value: match &o.value {
                ParamInput::Text(raw) => raw.clone(),
                ParamInput::Value(v) => v.to_string(),
            },
        })?;
        if let Some(params) = all.get_mut(&o.rule) {
            params.insert(o.key.clone(), value);
        }
    }
    Ok(all)
}

fn wit_param(v: &ParamValue) -> ty::ParamValue {
    match v {
        ParamValue::Integer(v) => ty::ParamValue::Integer(*v),
        ParamValue::Boolean(v) => ty::ParamValue::Boolean(*v),
        ParamValue::Text(v) => ty::ParamValue::Text(v.clone()),
        ParamValue::TextList(v) => ty::ParamValue::TextList(v.clone()),
    }
}

fn status(s: ty::Status) -> Status {
    match s {
        ty::Status::Pass => Status::Pass,
        ty::Status::PassAlternative => Status::PassAlternative,
        ty::Status::Fail => Status::Fail,
        ty::Status::Warn => Status::Warn,
        ty::Status::NotApplicable => Status::NotApplicable,
        ty::Status::InsufficientEvidence => Status::InsufficientEvidence,
    }
}

fn finding(f: ty::Finding) -> Finding {
    Finding {
        subject: Subject {
            kind: f.subject.kind,
            id: f.subject.id,
        },
        status: status(f.status),
        message: Text::new(f.message.ja, f.message.en),
        refs: f
            .refs
            .into_iter()
            .map(|r| EvidenceRef {
                section: r.section,
                locator: r.locator,
            })
            .collect(),
    }
}

fn finding_size(f: &ty::Finding) -> usize {
    64 + f.subject.kind.len()
        + f.subject.id.len()
        + f.message.ja.len()
        + f.message.en.len()
        + f.refs
            .iter()
            .map(|r| 16 + r.section.len() + r.locator.len())
            .sum::<usize>()
}

/// Fuel for one rule: the base budget and an allowance per record and byte of
/// what it declared. Deterministic: it depends only on the evidence.
fn fuel_budget(runtime: &Runtime, bundle: &Bundle, rule: &RuleInfo) -> u64 {
    let l = runtime.limits();
    let mut fuel = l.fuel;
    for need in &rule.needs {
        let extra = match need.section.shape() {
            // A log that cannot be read gives no allowance; the rule's read
            // then fails with the reason.
            SectionShape::Log => bundle
                .log_records(need.section)
                .unwrap_or(0)
                .saturating_mul(l.fuel_per_record),
            _ => bundle
                .document(need.section)
                .map(|d| (d.text().len() as u64).saturating_mul(l.fuel_per_byte))
                .unwrap_or(0),
        };
        fuel = fuel.saturating_add(extra);
    }
    for need in &rule.extensions {
        let bytes = bundle
            .extension(need.section.as_str())
            .map_or(0, |f| f.json().len() as u64);
        fuel = fuel.saturating_add(bytes.saturating_mul(l.fuel_per_byte));
    }
    fuel
}

fn error_result(base: RuleResult, cause: &str, message: String) -> RuleResult {
    RuleResult {
        outcome: Outcome::Error,
        error: Some(RuleFailure {
            cause: cause.to_owned(),
            message,
        }),
        ..base
    }
}

fn failure_text(f: Failure) -> (&'static str, String) {
    match f {
        Failure::Limit(limit, m) => (
            match limit {
                Limit::Fuel => "fuel",
                Limit::Memory => "memory",
                Limit::Output => "output",
                Limit::WallClock => "wall-clock",
                _ => "stack",
            },
            m,
        ),
        Failure::Panic(m) => ("panic", format!("the rule panicked: {m}")),
        Failure::Rule(m) => ("rule", format!("the rule could not run: {m}")),
        Failure::Trap(m) => ("trap", format!("the module trapped: {m}")),
    }
}

struct Job<'p> {
    pack: &'p Pack,
    module: &'p Module,
    rule: Option<&'p RuleInfo>,
}

/// The result of `rule` before it is decided: what the rule and its
/// module say of it, with no outcome yet (`error` until one is set).
fn blank_result(
    job: &Job<'_>,
    rule: &RuleInfo,
    params: BTreeMap<String, ParamValue>,
) -> RuleResult {
    RuleResult {
        rule: rule.id.clone(),
        version: Some(rule.version.to_string()),
        title: Some(rule.title.clone()),
        section: Some(rule.section.clone()),
        force: Some(rule.force),
        pack: job.pack.name().to_owned(),
        module: job.module.name().to_owned(),
        outcome: Outcome::Error,
        subjects: 0,
        fuel: 0,
        parameters: params,
        findings: Vec::new(),
        error: None,
        log: None,
        acceptances: Vec::new(),
    }
}

fn run_rule(
    runtime: &Runtime,
    bundle: &Arc<Bundle>,
    as_of: Date,
    job: &Job<'_>,
    rule: &RuleInfo,
    params: BTreeMap<String, ParamValue>,
) -> RuleResult {
    let module = job.module;
    let base = blank_result(job, rule, params.clone());
    let ModuleState::Ready { pre, .. } = &module.state else {
        return error_result(base, "abi", module.refusal().unwrap_or_default().to_owned());
    };
    let format = semver::Version::parse(&bundle.manifest().format_version).ok();
    let needs = rule
        .needs
        .iter()
        .map(|n| (n.section.as_str(), &n.format, &n.req))
        .chain(
            rule.extensions
                .iter()
                .map(|n| (n.section.as_str(), &n.format, &n.req)),
        );
    for (section, wanted, req) in needs {
        if !format.as_ref().is_some_and(|v| req.matches(v)) {
            return error_result(
                base,
                "evidence",
                format!(
                    "the rule reads `{section}` in evidence format {wanted}, but the bundle is format {}; re-import the evidence with a matching mizuchi",
                    bundle.manifest().format_version
                ),
            );
        }
    }
    let ctx = ty::Context {
        rule_id: rule.id.clone(),
        as_of: as_of.to_string(),
        params: params
            .iter()
            .map(|(k, v)| (k.clone(), wit_param(v)))
            .collect(),
    };
    let declared = Declared {
        sections: rule.needs.iter().map(|n| n.section).collect(),
        extensions: rule.extensions.iter().map(|n| n.section.clone()).collect(),
    };
    let out = sandbox::run(
        pre,
        RunInput {
            as_of: Some(as_of),
            evidence: Some((Arc::clone(bundle), declared)),
            fuel: fuel_budget(runtime, bundle, rule),
            limits: runtime.limits().clone(),
        },
        |findings: &Vec<ty::Finding>| findings.iter().map(finding_size).sum(),
        |m, store| m.mizuchi_rule_rules().call_evaluate(store, &ctx),
    );
    let base = RuleResult {
        fuel: out.fuel_used,
        log: Some(out.log).filter(|l| !l.is_empty()),
        ..base
    };
    match out.result {
        Ok(findings) => {
            let findings: Vec<Finding> = findings.into_iter().map(finding).collect();
            let subjects = findings
                .iter()
                .map(|f| &f.subject)
                .collect::<BTreeSet<_>>()
                .len();
            RuleResult {
                outcome: Outcome::from_statuses(findings.iter().map(|f| f.status)),
                subjects: subjects as u64,
                findings,
                ..base
            }
        }
        Err(f) => {
            let (cause, message) = failure_text(f);
            tracing::warn!(rule = %rule.id, cause, %message, "rule run failed");
            error_result(base, cause, message)
        }
    }
}

/// Turns failed findings covered by a recorded, current risk acceptance into
/// waived ones, and recomputes the outcome. An acceptance that covered a
/// failed finding but expired before the assessment date leaves it failed,
/// and says so ("was waived until …"). Every acceptance found is recorded
/// with the result, whoever reads it later can see who accepted what.
fn apply_risk_acceptances(result: &mut RuleResult, governance: Option<&Governance>, as_of: Date) {
    let Some(gov) = governance else { return };
    let mut changed = false;
    let mut found: Vec<mizuchi_report::Acceptance> = Vec::new();
    let mut record = |a: &mizuchi_evidence::RiskAcceptance, expired: bool| {
        let r = mizuchi_report::Acceptance {
            subject: a.subject.clone(),
            approved_by: a.approved_by.clone(),
            approved_on: a.approved_on,
            expires_on: a.expires_on,
            reason: a.reason.clone(),
            expired,
        };
        if !found.contains(&r) {
            found.push(r);
        }
    };
    for f in &mut result.findings {
        if f.status != Status::Fail {
            continue;
        }
        let covers = |a: &&mizuchi_evidence::RiskAcceptance| {
            a.rule == result.rule
                && a.subject.as_deref().is_none_or(|s| s == f.subject.id)
                && a.approved_on <= as_of
        };
        let current = gov
            .risk_acceptances
            .iter()
            .filter(covers)
            .find(|a| as_of <= a.expires_on);
        // The finding says which acceptance it met, and cites it.
        let note =
            |f: &mut Finding, a: &mizuchi_evidence::RiskAcceptance, ja: String, en: String| {
                f.message.ja.push_str(&ja);
                f.message.en.push_str(&en);
                f.refs.push(EvidenceRef {
                    section: SectionKind::Governance.as_str().into(),
                    locator: format!("risk_acceptances[rule={}]", a.rule),
                });
            };
        if let Some(a) = current {
            f.status = Status::Waived;
            note(
                f,
                a,
                format!(
                    "（{}が{}まで受容済み: {}）",
                    a.approved_by, a.expires_on, a.reason
                ),
                format!(
                    " (risk accepted by {} until {}: {})",
                    a.approved_by, a.expires_on, a.reason
                ),
            );
            record(a, false);
            changed = true;
        } else if let Some(a) = gov
            .risk_acceptances
            .iter()
            .filter(covers)
            .filter(|a| a.expires_on < as_of)
            .max_by_key(|a| a.expires_on)
        {
            note(
                f,
                a,
                format!(
                    "（{}が{}まで受容していましたが、期限が切れています: {}）",
                    a.approved_by, a.expires_on, a.reason
                ),
                format!(
                    " (was waived until {} by {}; the acceptance has expired: {})",
                    a.expires_on, a.approved_by, a.reason
                ),
            );
            record(a, true);
        }
    }
    result.acceptances = found;
    if changed {
        result.outcome = Outcome::from_statuses(result.findings.iter().map(|f| f.status));
    }
}

/// Evaluates every rule of `packs` against `bundle`.
///
/// `on_result` is called as each rule finishes (from worker threads, in no
/// particular order); the report lists results in pack order whatever the
/// number of threads.
pub fn evaluate<'p>(
    runtime: &Runtime,
    packs: &'p PackSet,
    bundle: Arc<Bundle>,
    options: &EvalOptions,
    on_result: &(dyn Fn(&RuleResult) + Sync),
) -> Result<Evaluation<'p>, EvalError> {
    let params = resolve_params(packs, &options.params)?;
    if let Some(missing) = options.rules.iter().find(|id| packs.rule(id).is_none()) {
        return Err(EvalError::UnknownRule {
            rule: missing.clone(),
            known: packs
                .rules()
                .map(|(_, _, r)| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    // Extension sections are checked against the schemas the packs ship
    // before any rule reads them, as every official section was on opening.
    let problems = bundle.check_extensions(&packs.extensions());
    for p in problems.iter().filter(|p| p.severity == Severity::Warning) {
        tracing::warn!("{}: {}", p.location(), p.message.en);
    }
    if problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(EvalError::Evidence(BundleError::Invalid { problems }));
    }
    let wanted = |id: &str| options.rules.is_empty() || options.rules.iter().any(|r| r == id);
    let as_of = options.as_of.unwrap_or(bundle.manifest().assessment_date);
    let governance: Option<Governance> = bundle
        .document(SectionKind::Governance)
        .and_then(|d| serde_json::from_str(d.text()).ok());
    let jobs: Vec<Job<'_>> = packs
        .packs()
        .iter()
        .flat_map(|p| p.modules().iter().map(move |m| (p, m)))
        .flat_map(|(pack, module)| match &module.state {
            ModuleState::Ready { rules, .. } => rules
                .iter()
                .filter(|r| wanted(&r.id))
                .map(|r| Job {
                    pack,
                    module,
                    rule: Some(r),
                })
                .collect(),
            // A module that could not be loaded is reported, unless only
            // some rules were asked for.
            ModuleState::Refused { .. } if options.rules.is_empty() => vec![Job {
                pack,
                module,
                rule: None,
            }],
            ModuleState::Refused { .. } => Vec::new(),
        })
        .collect();
    // Rules run on the threads of the current pool (the run's, whose size
    // `--jobs` sets), each taking the next rule as it finishes one.
    let threads = rayon::current_num_threads().min(jobs.len()).max(1);
    tracing::info!(rules = jobs.len(), threads, %as_of, "evaluating");
    // Longest first: a rule over a large log started last would leave the
    // other cores idle while it runs alone. Each thread takes the next rule
    // in that order as it finishes one; results are put back in pack order.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(expected_work(&bundle, &jobs[i])));
    let host = HostInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        rule_abi: ABI_VERSION.into(),
    };
    // Results the ledger's last run already holds, unchanged: taken, not run.
    let mut reused: Vec<(usize, RuleResult, Reuse)> = Vec::new();
    if let Some(previous) = &options.reuse {
        for (i, job) in jobs.iter().enumerate() {
            let Some(rule) = job.rule else { continue };
            let p = params.get(&rule.id).cloned().unwrap_or_default();
            if let Some((result, reuse)) =
                reuse_of(previous, packs, &bundle, as_of, &host, job, rule, p, i)
            {
                on_result(&result);
                reused.push((i, result, reuse));
            }
        }
        order.retain(|i| reused.iter().all(|(j, _, _)| j != i));
        tracing::info!(
            reused = reused.len(),
            "results reused from the ledger's last run"
        );
        // The logs the rules still to run read are read and verified now, as
        // opening the bundle would have: a log that does not match the
        // manifest refuses the run rather than failing one rule.
        let mut logs: Vec<SectionKind> = order
            .iter()
            .filter_map(|&i| jobs[i].rule)
            .flat_map(|r| r.needs.iter().map(|n| n.section))
            .filter(|k| k.shape() == SectionShape::Log && bundle.has(*k))
            .collect();
        logs.sort();
        logs.dedup();
        for kind in logs {
            bundle.spool(kind).map_err(EvalError::Log)?;
        }
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, RuleResult)>> = Mutex::new(Vec::with_capacity(jobs.len()));
    let work = || {
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let job = &jobs[i];
            let mut result = match job.rule {
                Some(rule) => {
                    let p = params.get(&rule.id).cloned().unwrap_or_default();
                    run_rule(runtime, &bundle, as_of, job, rule, p)
                }
                None => refused(job),
            };
            apply_risk_acceptances(&mut result, governance.as_ref(), as_of);
            on_result(&result);
            done.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((i, result));
        }
    };
    rayon::in_place_scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|_| work());
        }
    });
    let mut done = done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (reused, taken): (Vec<_>, Vec<_>) = reused
        .into_iter()
        .map(|(i, result, reuse)| (reuse, (i, result)))
        .unzip();
    done.extend(taken);
    done.sort_by_key(|(i, _)| *i);
    let results: Vec<RuleResult> = done.into_iter().map(|(_, r)| r).collect();
    // The parameters set, as the rules took them: typed, keyed RULE.KEY.
    let overrides: BTreeMap<String, ParamValue> = options
        .params
        .iter()
        .filter_map(|o| {
            let v = params.get(&o.rule)?.get(&o.key)?;
            Some((format!("{}.{}", o.rule, o.key), v.clone()))
        })
        .collect();
    let settings = Settings::new(as_of, overrides, options.rules.clone());
    let m = bundle.manifest();
    let report = Report {
        format: REPORT_FORMAT.into(),
        format_version: REPORT_VERSION.into(),
        host,
        as_of,
        evidence: EvidenceInfo {
            utility_id: m.utility.id.clone(),
            utility_name: m.utility.name.clone(),
            collected_on: m.collected_on,
            format_version: m.format_version.clone(),
            digest: bundle.digest().to_owned(),
        },
        packs: packs.packs().iter().map(Pack::info).collect(),
        summary: Report::summarise(&results),
        results,
    };
    Ok(Evaluation {
        report,
        packs,
        bundle,
        settings,
        reused,
        reused_from: options
            .reuse
            .as_ref()
            .and_then(|p| p.head().map(str::to_owned)),
    })
}

/// The result of `rule` taken from `previous`, if the statement it would
/// get now is that result's but for the run id: the same rule version,
/// module, pack, parameters, assessment date and host, the same evidence
/// files (logs by the digests the manifest lists, which this run does not
/// read for it), and so, the rule being deterministic, the same findings.
#[allow(clippy::too_many_arguments)]
fn reuse_of(
    previous: &Previous,
    packs: &PackSet,
    bundle: &Bundle,
    as_of: Date,
    host: &HostInfo,
    job: &Job<'_>,
    rule: &RuleInfo,
    params: BTreeMap<String, ParamValue>,
    position: usize,
) -> Option<(RuleResult, Reuse)> {
    let then = previous.candidate(&rule.id, &bundle.manifest().format_version)?;
    let p = &then.statement.predicate;
    let result = RuleResult {
        outcome: p.outcome,
        subjects: p
            .findings
            .iter()
            .map(|f| &f.subject)
            .collect::<BTreeSet<_>>()
            .len() as u64,
        fuel: p.fuel,
        findings: p.findings.clone(),
        error: p.error.clone(),
        acceptances: p.acceptances.clone(),
        ..blank_result(job, rule, params)
    };
    let now =
        result_statement_in(&p.run, packs, bundle, as_of, host, &result, Logs::Listed).ok()?;
    (now == then.statement).then(|| {
        (
            result,
            Reuse {
                position,
                entry: std::sync::Arc::clone(then),
            },
        )
    })
}

/// How much work a rule is expected to be: the bytes of the evidence it
/// reads. Only the order of rules depends on it, never a result.
fn expected_work(bundle: &Bundle, job: &Job<'_>) -> u64 {
    job.rule.map_or(0, |rule| {
        rule.needs
            .iter()
            .map(|n| {
                let logs: u64 = bundle.log(n.section).iter().map(|f| f.bytes).sum();
                let document = bundle
                    .document(n.section)
                    .map_or(0, |d| d.text().len() as u64);
                logs + document
            })
            .chain(rule.extensions.iter().map(|n| {
                bundle
                    .extension(n.section.as_str())
                    .map_or(0, |f| f.json().len() as u64)
            }))
            .sum()
    })
}

fn refused(job: &Job<'_>) -> RuleResult {
    let module = job.module;
    let (cause, message) = match &module.state {
        ModuleState::Refused { cause, message } => (*cause, message.clone()),
        ModuleState::Ready { .. } => ("abi", String::new()),
    };
    RuleResult {
        rule: module.name().to_owned(),
        version: None,
        title: None,
        section: None,
        force: None,
        pack: job.pack.name().to_owned(),
        module: module.name().to_owned(),
        outcome: Outcome::Error,
        subjects: 0,
        fuel: 0,
        parameters: BTreeMap::new(),
        findings: Vec::new(),
        error: Some(RuleFailure {
            cause: cause.into(),
            message,
        }),
        log: None,
        acceptances: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failed finding covered by a current acceptance is waived, one
    /// whose acceptance expired stays failed and says until when it was
    /// waived; both acceptances are recorded with the result.
    #[test]
    fn current_acceptances_waive_and_expired_ones_are_named() {
        let acceptance = |subject: &str, expires: Date| mizuchi_evidence::RiskAcceptance {
            rule: "MLIT-BAK-02".into(),
            subject: Some(subject.into()),
            approved_by: "P-001".into(),
            approved_on: jiff::civil::date(2025, 4, 1),
            reason: "offsite copy planned".into(),
            expires_on: expires,
        };
        let gov = Governance {
            risk_acceptances: vec![
                acceptance("SYS-A", jiff::civil::date(2027, 3, 31)),
                acceptance("SYS-B", jiff::civil::date(2026, 3, 31)),
            ],
            ..Governance::default()
        };
        let fail = |id: &str| Finding::fail(Subject::system(id), Text::new("失敗", "failed"));
        let mut result = RuleResult {
            rule: "MLIT-BAK-02".into(),
            version: None,
            title: None,
            section: None,
            force: Some(mizuchi_report::Force::Recommended),
            pack: "p".into(),
            module: "m".into(),
            outcome: Outcome::Fail,
            subjects: 3,
            fuel: 0,
            parameters: BTreeMap::new(),
            findings: vec![fail("SYS-A"), fail("SYS-B"), fail("SYS-C")],
            error: None,
            log: None,
            acceptances: Vec::new(),
        };
        apply_risk_acceptances(&mut result, Some(&gov), jiff::civil::date(2026, 11, 27));
        let statuses: Vec<Status> = result.findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, [Status::Waived, Status::Fail, Status::Fail]);
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(
            result.findings[1]
                .message
                .en
                .contains("was waived until 2026-03-31 by P-001")
        );
        assert!(
            result.findings[1]
                .message
                .ja
                .contains("2026-03-31まで受容していました")
        );
        assert!(!result.findings[2].message.en.contains("waived"));
        let recorded: Vec<(Option<&str>, bool)> = result
            .acceptances
            .iter()
            .map(|a| (a.subject.as_deref(), a.expired))
            .collect();
        assert_eq!(recorded, [(Some("SYS-A"), false), (Some("SYS-B"), true)]);
    }

    #[test]
    fn overrides_parse_rule_key_and_value() {
        let o: ParamOverride = "MLIT-BAK-01.backup_max_age_days=30".parse().unwrap();
        assert_eq!(
            (o.rule.as_str(), o.key.as_str(), &o.value),
            (
                "MLIT-BAK-01",
                "backup_max_age_days",
                &ParamInput::Text("30".into())
            )
        );
        let o: ParamOverride = "acme.net.01.ports=rdp,ssh".parse().unwrap();
        assert_eq!((o.rule.as_str(), o.key.as_str()), ("acme.net.01", "ports"));
        assert!(
            "MLIT-BAK-01=30"
                .parse::<ParamOverride>()
                .unwrap_err()
                .contains("RULE.KEY=VALUE")
        );
    }

    #[test]
    fn values_parse_by_kind_and_integers_stay_exact() {
        assert_eq!(
            parse_value(ParamKind::Integer, "30"),
            Some(ParamValue::Integer(30))
        );
        assert_eq!(parse_value(ParamKind::Integer, "9007199254740992"), None);
        assert_eq!(parse_value(ParamKind::Boolean, "yes"), None);
        assert_eq!(
            parse_value(ParamKind::TextList, "rdp, ssh,,smb"),
            Some(ParamValue::TextList(vec![
                "rdp".into(),
                "ssh".into(),
                "smb".into()
            ]))
        );
    }
}
