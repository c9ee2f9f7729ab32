//! The official MLIT water pack over the sample utility: every catalog rule,
//! every outcome kind, the golden result, parameters.

use std::collections::BTreeMap;

use mizuchi_tests::{fixtures, official_pack, run, s, sample};
use serde_json::{Value, json};

const CATALOG: [&str; 29] = [
    "MLIT-ORD-01",
    "MLIT-ORD-02",
    "MLIT-ORD-03",
    "MLIT-ORD-04",
    "MLIT-NET-01",
    "MLIT-NET-02",
    "MLIT-NET-03",
    "MLIT-ACC-01",
    "MLIT-ACC-02",
    "MLIT-ACC-03",
    "MLIT-ACC-04",
    "MLIT-ACC-05",
    "MLIT-PHY-01",
    "MLIT-BAK-01",
    "MLIT-BAK-02",
    "MLIT-BAK-03",
    "MLIT-CON-01",
    "MLIT-CON-02",
    "MLIT-CON-03",
    "MLIT-GOV-01",
    "MLIT-GOV-02",
    "MLIT-GOV-03",
    "MLIT-GOV-04",
    "MLIT-GOV-05",
    "MLIT-GOV-06",
    "MLIT-GOV-07",
    "MLIT-GOV-08",
    "MLIT-AST-01",
    "MLIT-AST-02",
];

fn eval(extra: &[&str]) -> Value {
    let pack = official_pack();
    let sample = sample();
    let mut args = vec![
        "eval",
        "--pack",
        s(&pack),
        "--evidence",
        s(&sample),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run(&args).json()
}

fn result<'a>(v: &'a Value, rule: &str) -> &'a Value {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap()
}

#[test]
fn rules_lists_every_catalog_rule_with_both_languages_force_section_and_module() {
    let pack = official_pack();
    let v = run(&["rules", "--pack", s(&pack), "--format", "json"]).json();
    let rules = v["rules"].as_array().unwrap();
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.sort();
    let mut want = CATALOG.to_vec();
    want.sort();
    assert_eq!(ids, want);
    for r in rules {
        let id = r["id"].as_str().unwrap();
        let force = if id.starts_with("MLIT-ORD-") {
            "ordinance"
        } else {
            "recommended"
        };
        assert_eq!(r["force"], force, "{id}");
        assert!(!r["section"].as_str().unwrap().is_empty(), "{id}");
        let ja = r["title"]["ja"].as_str().unwrap();
        assert!(
            ja.chars().any(|c| c > '\u{3000}'),
            "{id} has no Japanese title: {ja}"
        );
        assert!(!r["title"]["en"].as_str().unwrap().is_empty(), "{id}");
        let module = r["module"].as_str().unwrap();
        let area = &id[5..8].to_lowercase();
        let expected = match area.as_str() {
            "ord" => "mlit_ordinance.wasm",
            "net" => "mlit_network.wasm",
            "acc" => "mlit_access.wasm",
            "phy" => "mlit_physical.wasm",
            "bak" => "mlit_backup.wasm",
            "con" => "mlit_contractor.wasm",
            "gov" => "mlit_governance.wasm",
            _ => "mlit_assets.wasm",
        };
        assert_eq!(module, expected, "{id}");
    }
}

/// The `` `key` = value `` pairs of each rule's row in the catalog.
fn catalog_rows(markdown: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut rows = BTreeMap::new();
    for line in markdown.lines() {
        let Some(rest) = line.strip_prefix("| MLIT-") else {
            continue;
        };
        let id = format!("MLIT-{}", rest.split(' ').next().unwrap());
        let mut params = BTreeMap::new();
        let mut parts = line.split('`');
        // After an opening backtick: a key, then ` = value` up to a
        // separator.
        parts.next();
        while let (Some(key), Some(after)) = (parts.next(), parts.next()) {
            if let Some(value) = after.strip_prefix(" = ") {
                let value: String = value
                    .chars()
                    .take_while(|c| !matches!(c, ';' | ',' | ')' | ' ' | '.'))
                    .collect();
                params.insert(key.to_owned(), value);
            }
        }
        rows.insert(id, params);
    }
    rows
}

#[test]
fn the_rules_parameters_and_defaults_are_those_of_the_catalog() {
    // The machine-readable copy of the catalog kept in the repository…
    let copy: Value = serde_json::from_slice(
        &std::fs::read(mizuchi_tests::root().join("rules-wasm/catalog.json")).unwrap(),
    )
    .unwrap();
    // …agrees with the catalog's text: every `key` = value it writes, and
    // every parameter the text does not spell out says where it comes from.
    let markdown =
        std::fs::read_to_string(mizuchi_tests::root().join("../shared/guideline/rule-catalog.md"))
            .unwrap();
    assert!(markdown.contains("second edition"));
    let rows = catalog_rows(&markdown);
    assert_eq!(rows.len(), 29);
    let copied = copy["rules"].as_object().unwrap();
    assert_eq!(
        rows.keys().collect::<Vec<_>>(),
        copied.keys().collect::<Vec<_>>()
    );
    for (id, written) in &rows {
        let params = copied[id]["params"].as_object().unwrap();
        for (key, value) in written {
            let default = &params
                .get(key)
                .unwrap_or_else(|| panic!("{id}: `{key}` is in the catalog, not in the copy"))["default"];
            assert_eq!(&default.to_string(), value, "{id}.{key}");
        }
        for (key, p) in params {
            assert!(
                written.contains_key(key) || p["catalog"].is_string(),
                "{id}.{key}: in the copy, neither written in the catalog nor said where it comes from"
            );
        }
    }
    // …and with what the rules declare: force, section, every parameter and
    // its default.
    let v = run(&["rules", "--pack", s(&official_pack()), "--format", "json"]).json();
    for r in v["rules"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let c = &copied[id];
        assert_eq!(r["force"], c["force"], "{id}");
        assert_eq!(r["section"], c["section"], "{id}");
        let declared: BTreeMap<&str, &Value> = r["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["key"].as_str().unwrap(), &p["default"]))
            .collect();
        let copied: BTreeMap<&str, &Value> = c["params"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, p)| (k.as_str(), &p["default"]))
            .collect();
        assert_eq!(declared, copied, "{id}");
        for p in r["params"].as_array().unwrap() {
            let ja = p["description"]["ja"].as_str().unwrap();
            assert!(
                ja.chars().any(|c| c > '\u{3000}'),
                "{id}.{}: {ja}",
                p["key"]
            );
            assert!(!p["description"]["en"].as_str().unwrap().is_empty());
        }
    }
}

#[test]
fn the_sample_shows_every_outcome_kind_with_ordinance_apart() {
    let v = eval(&[]);
    let outcomes: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes.len(), 29);
    for kind in [
        "pass",
        "pass-alternative",
        "fail",
        "insufficient-evidence",
        "not-applicable",
        "waived",
    ] {
        assert!(
            outcomes.contains(&kind),
            "no rule has outcome {kind}: {outcomes:?}"
        );
    }
    let statuses: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["status"].as_str().unwrap())
        })
        .collect();
    for kind in [
        "pass",
        "pass-alternative",
        "fail",
        "warn",
        "insufficient-evidence",
        "not-applicable",
        "waived",
    ] {
        assert!(statuses.contains(&kind), "no finding has status {kind}");
    }
    let ordinance: u64 = v["summary"]["ordinance"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    let recommended: u64 = v["summary"]["recommended"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!((ordinance, recommended), (4, 25));
    let pack = official_pack();
    let text = run(&[
        "eval",
        "--pack",
        s(&pack),
        "--evidence",
        s(&sample()),
        "--lang",
        "en",
    ])
    .stdout;
    let ord = text
        .find("Ordinance (legally required technical standards)")
        .unwrap();
    let rec = text.find("Recommended (guideline)").unwrap();
    assert!(ord < rec);
    assert!(!text[ord..rec].contains("MLIT-ACC-01") && text[rec..].contains("MLIT-ACC-01"));
}

#[test]
fn every_finding_names_its_subject_and_the_evidence_behind_it_in_both_languages() {
    let v = eval(&[]);
    for r in v["results"].as_array().unwrap() {
        for f in r["findings"].as_array().unwrap() {
            let rule = &r["rule"];
            assert!(
                !f["subject"]["id"].as_str().unwrap().is_empty(),
                "{rule}: {f}"
            );
            assert!(
                !f["refs"].as_array().map(Vec::is_empty).unwrap_or(true),
                "{rule}: finding without evidence: {f}"
            );
            assert!(
                !f["message"]["ja"].as_str().unwrap().is_empty()
                    && !f["message"]["en"].as_str().unwrap().is_empty()
            );
        }
    }
}

/// Rule → outcome and `kind:id=status` of every finding.
fn digest(v: &Value) -> Value {
    let mut rules = BTreeMap::new();
    for r in v["results"].as_array().unwrap() {
        let findings: Vec<String> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{}:{}={}",
                    f["subject"]["kind"].as_str().unwrap(),
                    f["subject"]["id"].as_str().unwrap(),
                    f["status"].as_str().unwrap()
                )
            })
            .collect();
        rules.insert(
            r["rule"].as_str().unwrap().to_owned(),
            json!({ "outcome": r["outcome"], "findings": findings }),
        );
    }
    json!({ "utility": v["evidence"]["utility_id"], "as_of": v["as_of"], "rules": rules })
}

#[test]
fn the_sample_gives_the_golden_result() {
    let actual = digest(&eval(&[]));
    let path = fixtures().join("golden/minamiyama.json");
    if std::env::var_os("MIZUCHI_BLESS").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&actual).unwrap() + "\n").unwrap();
    }
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    if golden != actual {
        let mut diff = String::new();
        for (rule, want) in golden["rules"].as_object().unwrap() {
            let have = &actual["rules"][rule];
            if have != want {
                diff.push_str(&format!("\n{rule}:\n  golden: {want}\n  actual: {have}"));
            }
        }
        panic!(
            "the pack's result on the sample changed:{diff}\nif the change is intended, run the tests with MIZUCHI_BLESS=1 and commit tests/fixtures/golden/minamiyama.json"
        );
    }
}

#[test]
fn a_parameter_override_changes_the_outcome_and_is_recorded() {
    let default = eval(&[]);
    let bak = result(&default, "MLIT-BAK-01");
    assert_eq!(bak["outcome"], "pass");
    assert_eq!(bak["parameters"]["backup_max_age_days"], 365);
    let tight = eval(&["--param", "MLIT-BAK-01.backup_max_age_days=30"]);
    let bak = result(&tight, "MLIT-BAK-01");
    assert_eq!(bak["outcome"], "fail");
    assert_eq!(bak["parameters"]["backup_max_age_days"], 30);
    let failed: Vec<&str> = bak["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["subject"]["id"].as_str().unwrap())
        .collect();
    // The GIS was last backed up on 2026-06-01; everything else within 30 days.
    assert_eq!(failed, ["SYS-GIS"]);
    assert!(bak["findings"].to_string().contains("(limit 30)"));
}

/// Every rule's fuel over a synthetic utility of `assets` assets (twice as
/// many people and their accounts, a few events), by rule.
fn fuel_at(assets: u32) -> BTreeMap<String, u64> {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("utility");
    let assets = assets.to_string();
    let people = (2 * assets.parse::<u32>().unwrap()).to_string();
    let synth = run(&[
        "evidence",
        "synth",
        "-q",
        "--seed",
        "7",
        "--out",
        s(&bundle),
        "--assets",
        &assets,
        "--people",
        &people,
        "--auth-events",
        "20000",
        "--door-events",
        "10000",
    ]);
    assert_eq!(synth.code, 0, "{}", synth.stderr);
    let out = run(&[
        "eval",
        "--pack",
        s(&official_pack()),
        "--evidence",
        s(&bundle),
        "--format",
        "json",
    ]);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let report = out.json();
    let mut fuel = BTreeMap::new();
    for r in report["results"].as_array().unwrap() {
        let rule = r["rule"].as_str().unwrap().to_owned();
        assert_ne!(
            r["outcome"], "error",
            "{rule} at {assets} assets: {}",
            r["error"]
        );
        fuel.insert(rule, r["fuel"].as_u64().unwrap());
    }
    fuel
}

/// A rule whose work grows with the square of the documents (every account
/// scanned for every asset, as MLIT-ORD-01 2.0.0 did) runs out of fuel, or
/// over the output cap, on a large utility while it passes on the sample:
/// every rule's fuel must grow at most in proportion when the utility
/// doubles, and no rule may end in error at 20,000 assets. (MLIT-NET-01,
/// which searched the network graph afresh from each network, grew 3.4×
/// here before its searches were guided by each network's distance to the
/// internet.)
#[test]
fn every_rule_scales_linearly_with_the_size_of_the_utility() {
    let small = fuel_at(10_000);
    let large = fuel_at(20_000);
    assert_eq!(small.len(), 29);
    for (rule, &f) in &large {
        let ratio = f as f64 / small[rule] as f64;
        assert!(
            ratio <= 2.5,
            "{rule}: {} fuel at 10,000 assets, {f} at 20,000 ({ratio:.2}×): its work grows faster than the utility",
            small[rule]
        );
    }
}
