//! The peer: regorus, the Rust Rego engine, evaluating Rego policies
//! equivalent to MLIT-ACC-01 and MLIT-ORD-03 on the same bundle, side by side
//! with the official rules in Mizuchi's sandbox. Both sides are timed in this
//! process from the same starting point, and their decisions are compared so
//! that "equivalent" is checked, not claimed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use mizuchi::{Bundle, EvalOptions, Limits, Pack, PackSet, Runtime, Verification, evaluate};
use mizuchi_evidence::SectionKind;
use serde_json::{Value, json};

const ACC01: &str = include_str!("acc01.rego");
const ORD03: &str = include_str!("ord03.rego");

/// The official rule's run, from the bundle on disk to its findings.
fn ours(
    pack: &Path,
    cache: &Path,
    dir: &Path,
    rule: &str,
    sections: &[SectionKind],
    open_timed: bool,
) -> (f64, Value) {
    let runtime = Runtime::new(Some(cache.to_owned()), Limits::default()).expect("a runtime");
    let pack = Pack::from_file(&runtime, pack, Verification::AllowUnsigned).expect("the pack");
    let packs = PackSet::from(pack);
    let options = EvalOptions {
        rules: vec![rule.to_owned()],
        ..EvalOptions::default()
    };
    // One thread, as the Rego engine gets.
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    let start = Instant::now();
    let (report, ms) = one.install(|| {
        let bundle = Arc::new(Bundle::open_reading(dir, sections).expect("open the bundle"));
        let start = if open_timed { start } else { Instant::now() };
        let report = evaluate(&runtime, &packs, bundle, &options, &|_| {})
            .expect("evaluate")
            .into_report();
        (report, start.elapsed().as_secs_f64() * 1000.0)
    });
    (
        ms,
        serde_json::to_value(&report.results[0]).expect("a result"),
    )
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|_| "null".into())
}

fn engine(policy: &str, name: &str) -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy(name.into(), policy.into())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    engine
}

/// ACC-01: both sides start from the files, parse the log and decide.
fn acc01(pack: &Path, cache: &Path, dir: &Path) -> Value {
    let (ours_ms, result) = ours(
        pack,
        cache,
        dir,
        "MLIT-ACC-01",
        &[SectionKind::AuthEvents, SectionKind::Inventory],
        true,
    );
    let ours_set: BTreeSet<String> = result["findings"]
        .as_array()
        .into_iter()
        .flatten()
        // The findings of a burst left without a lockout or without an alert
        // (the rule's other findings, successes after a burst and sprays,
        // have no counterpart in the policy).
        .filter(|f| {
            f["subject"]["kind"] == "account"
                && f["message"]["en"].as_str().is_some_and(|m| {
                    m.contains("or more failed logons within")
                        && (m.contains("with no lockout of the account recorded")
                            || m.contains("with no alert to a security officer recorded"))
                })
        })
        .filter_map(|f| f["subject"]["id"].as_str().map(str::to_owned))
        .collect();

    let mut rego = engine(ACC01, "acc01.rego");
    let start = Instant::now();
    let log = std::fs::read_to_string(dir.join("auth-events.jsonl")).expect("the auth log");
    let mut input = String::with_capacity(log.len() + 1024);
    input.push_str("{\"events\":[");
    for (i, line) in log.lines().enumerate() {
        if i > 0 {
            input.push(',');
        }
        input.push_str(line);
    }
    input.push_str("],\"inventory\":");
    input.push_str(&read(dir, "inventory.json"));
    input.push('}');
    drop(log);
    rego.set_input_json(&input)
        .expect("regorus reads the input");
    drop(input);
    let out = rego
        .eval_rule("data.mlit.acc01.unhandled".into())
        .expect("regorus evaluates");
    let rego_ms = start.elapsed().as_secs_f64() * 1000.0;
    let rego_set: BTreeSet<String> =
        serde_json::from_str::<Value>(&out.to_json_str().unwrap_or_default())
            .ok()
            .and_then(|v| v.as_array().cloned())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
    json!({
        "rule": "MLIT-ACC-01",
        "ours_ms": ours_ms,
        "rego_ms": rego_ms,
        "subjects": ours_set.len(),
        "agree": ours_set == rego_set,
        "only_ours": ours_set.difference(&rego_set).take(5).collect::<Vec<_>>(),
        "only_rego": rego_set.difference(&ours_set).take(5).collect::<Vec<_>>(),
    })
}

/// The lifecycle table of the pack, as Rego data.
fn lifecycle() -> String {
    use mlit_ordinance::lifecycle::{ALIASES, RELEASES};
    let releases: Vec<Value> = RELEASES
        .iter()
        .map(|r| {
            json!({
                "product": r.product(),
                "editions": r.editions(),
                "version": r.version(),
                "build": r.build(),
                "name": r.name,
                "ends": r.ends.to_string(),
                "extended": r.extended.map(|d| d.to_string()),
            })
        })
        .collect();
    json!({"lifecycle": {"releases": releases, "aliases": ALIASES}}).to_string()
}

/// ORD-03: the documents are small; both sides are timed from parsed-free
/// JSON text in memory (ours: the sandbox run over the opened bundle).
fn ord03(pack: &Path, cache: &Path, dir: &Path) -> Value {
    let sections = [
        SectionKind::Inventory,
        SectionKind::Networks,
        SectionKind::Governance,
        SectionKind::Contracts,
    ];
    let (ours_ms, result) = ours(pack, cache, dir, "MLIT-ORD-03", &sections, false);
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("the manifest");
    let manifest: mizuchi_evidence::Manifest = serde_json::from_str(&text).expect("a manifest");
    // Ours, per asset: the decisive status (a warning rides on a pass).
    let mut ours_map: BTreeMap<String, String> = BTreeMap::new();
    for f in result["findings"].as_array().into_iter().flatten() {
        let (Some(id), Some(status)) = (f["subject"]["id"].as_str(), f["status"].as_str()) else {
            continue;
        };
        if status != "warn" {
            ours_map
                .entry(id.to_owned())
                .or_insert_with(|| status.to_owned());
        }
    }

    let mut rego = engine(ORD03, "ord03.rego");
    rego.add_data_json(&lifecycle())
        .expect("the lifecycle data");
    let input = format!(
        "{{\"as_of\":\"{}\",\"inventory\":{},\"networks\":{},\"governance\":{},\"contracts\":{}}}",
        manifest.assessment_date,
        read(dir, "inventory.json"),
        read(dir, "networks.json"),
        read(dir, "governance.json"),
        read(dir, "contracts.json"),
    );
    let start = Instant::now();
    rego.set_input_json(&input)
        .expect("regorus reads the input");
    let out = rego
        .eval_rule("data.mlit.ord03.outcome".into())
        .expect("regorus evaluates");
    let rego_ms = start.elapsed().as_secs_f64() * 1000.0;
    let rego_map: BTreeMap<String, String> =
        serde_json::from_str(&out.to_json_str().unwrap_or_default()).unwrap_or_default();
    let differ: Vec<String> = ours_map
        .iter()
        .filter(|(k, v)| rego_map.get(*k) != Some(v))
        .map(|(k, v)| format!("{k}: ours {v}, rego {:?}", rego_map.get(k)))
        .take(5)
        .collect();
    json!({
        "rule": "MLIT-ORD-03",
        "ours_ms": ours_ms,
        "rego_ms": rego_ms,
        "subjects": ours_map.len(),
        "agree": ours_map == rego_map,
        "differ": differ,
    })
}

/// `peer RULE PACK CACHE BUNDLE`: prints the comparison as JSON.
#[allow(clippy::print_stdout)]
pub(crate) fn helper(args: &[String]) {
    let [rule, pack, cache, dir] = args else {
        panic!("peer RULE PACK CACHE BUNDLE");
    };
    let (pack, cache, dir) = (Path::new(pack), Path::new(cache), Path::new(dir));
    let v = match rule.as_str() {
        "MLIT-ACC-01" => acc01(pack, cache, dir),
        "MLIT-ORD-03" => ord03(pack, cache, dir),
        other => panic!("no peer policy for {other}"),
    };
    println!("{v}");
}
