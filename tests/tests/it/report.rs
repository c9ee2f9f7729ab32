//! `mizuchi report`: what people read, checked as they would read it: the
//! HTML in a real browser (headless Chromium), the JUnit file by a real
//! consumer (`junitparser`), the CSV as a spreadsheet would open it.

use std::path::{Path, PathBuf};
use std::process::Command;

use mizuchi_tests::{official_pack, run, s, sample};
use serde_json::Value;

/// The official pack over the sample, as JSON, recorded in `ledger` with
/// `key`, with `extra` arguments; the sample fails rules (exit 1).
fn eval_into(ledger: &Path, key: &Path, extra: &[&str]) -> Value {
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
        "--ledger",
        s(ledger),
        "--key",
        s(key),
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    out.json()
}

/// A signed run of the official pack over the sample: (its directory, the
/// ledger, the public key, the eval JSON).
fn signed_run() -> (tempfile::TempDir, PathBuf, PathBuf, Value) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("utility.pem");
    assert_eq!(run(&["key", "generate", "-q", "--out", s(&key)]).code, 0);
    let ledger = dir.path().join("results.jsonl");
    let report = eval_into(&ledger, &key, &[]);
    (dir, ledger, mizuchi::public_path(&key), report)
}

/// `mizuchi report` over the signed run into `out`, in `lang`.
fn report(ledger: &Path, key: &Path, out: &Path, lang: &str, formats: &str) -> mizuchi_tests::Run {
    let pack = official_pack();
    run(&[
        "--lang",
        lang,
        "report",
        "--ledger",
        s(ledger),
        "--trust",
        s(key),
        "--pack",
        s(&pack),
        "--format",
        formats,
        "--out-dir",
        s(out),
    ])
}

/// The rules of the official pack: (id, Japanese title, English title).
fn titles() -> Vec<(String, String, String)> {
    let pack = official_pack();
    let out = run(&["rules", "--pack", s(&pack), "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.json()["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["title"]["ja"].as_str().unwrap().to_owned(),
                r["title"]["en"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// HTML text as it appears in the page (the renderer escapes these).
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// What headless Chromium measured of a page at a window width: the page's
/// scroll width, and what the console said.
struct Measured {
    scroll_width: u64,
    console: Vec<String>,
}

/// Opens `html` in headless Chromium at `width` pixels with a probe script
/// added (the report itself has none) that writes the document's scroll
/// width into the DOM, which `--dump-dom` prints.
fn measure(html: &Path, width: u32) -> Measured {
    let page = std::fs::read_to_string(html).unwrap();
    let probe = "<script>window.addEventListener('load',()=>{const d=document.createElement('pre');\
                 d.id='probe';d.textContent='scroll-width='+document.documentElement.scrollWidth;\
                 document.body.appendChild(d);});</script>";
    let probed = html.with_extension("probe.html");
    std::fs::write(&probed, page.replace("</body>", &format!("{probe}</body>"))).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
            "--dump-dom",
        ])
        .arg(format!("--window-size={width},900"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", probed.display()))
        .output()
        .expect("headless Chromium (Debian package `chromium`, installed by .ci/run)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let scroll_width = dom
        .split("id=\"probe\">scroll-width=")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("the probe did not run at {width} px"));
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    Measured {
        scroll_width,
        console,
    }
}

#[test]
fn the_html_report_names_every_rule_in_both_languages_and_fits_screen_and_a4() {
    let (dir, ledger, key, eval) = signed_run();
    let titles = titles();
    assert_eq!(titles.len(), 29);
    for lang in ["ja", "en"] {
        let out_dir = dir.path().join(format!("report-{lang}"));
        let r = report(&ledger, &key, &out_dir, lang, "html");
        assert_eq!(r.code, 0, "{}", r.stderr);
        let html_path = out_dir.join("report.html");
        let html = std::fs::read_to_string(&html_path).unwrap();
        for (id, ja, en) in &titles {
            let title = if lang == "ja" { ja } else { en };
            assert!(
                html.contains(&escaped(title)),
                "{lang}: no title of {id}: {title}"
            );
        }
        // Verified provenance on the page: the pack's digest and the run.
        let digest = eval["packs"][0]["digest"].as_str().unwrap();
        assert!(html.contains(digest));
        let shown = run(&["ledger", "show", s(&ledger), "--format", "json"]).json();
        assert!(html.contains(shown[0]["run"].as_str().unwrap()));
        // The sample's risk acceptance, with its approver and expiry.
        assert!(html.contains("<code>P-001</code>") && html.contains("2027-03-31"));
        // Self-contained: nothing is fetched.
        for fetch in ["<script", "<link", "src=\"http", "url(http", "@import"] {
            assert!(
                !html.contains(fetch),
                "{lang}: the page fetches or runs `{fetch}`"
            );
        }
        // A4 is 210 mm wide; less 12 mm margins each side at 96 px per inch
        // that is 703 px of printable width.
        for width in [1280, 703] {
            let m = measure(&html_path, width);
            assert!(
                m.scroll_width <= u64::from(width),
                "{lang}: the page is {} px wide in a {width} px window",
                m.scroll_width
            );
            assert!(m.console.is_empty(), "{lang}: console: {:?}", m.console);
        }
    }
}

#[test]
fn junit_csv_and_pdf_are_read_by_real_consumers_with_the_expected_counts() {
    let (dir, ledger, key, eval) = signed_run();
    let out_dir = dir.path().join("ci");
    let r = report(&ledger, &key, &out_dir, "en", "junit,csv,pdf");
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The PDF, printed by Chromium from the HTML, on A4 (595 × 842 points).
    let pdf = std::fs::read(out_dir.join("report.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/MediaBox [0 0 594.9"), "not A4");
    let results = eval["results"].as_array().unwrap();
    let failed_rules = results.iter().filter(|r| r["outcome"] == "fail").count();
    let failed_findings: usize = results
        .iter()
        .filter(|r| r["outcome"] == "fail")
        .map(|r| {
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["status"] == "fail")
                .count()
        })
        .sum();
    let skipped = results
        .iter()
        .filter(|r| r["outcome"] == "insufficient-evidence" || r["outcome"] == "not-applicable")
        .count();
    let script = r#"
import sys
from junitparser import JUnitXml, Failure, Skipped, Error
xml = JUnitXml.fromfile(sys.argv[1])
cases = [c for suite in xml for c in suite]
failed = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
failures = sum(1 for c in cases for r in c.result if isinstance(r, Failure))
skipped = sum(1 for c in cases if any(isinstance(r, Skipped) for r in c.result))
errors = sum(1 for c in cases if any(isinstance(r, Error) for r in c.result))
print(len(cases), len(failed), failures, skipped, errors)
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(out_dir.join("junit.xml"))
        .output()
        .expect("python3 with junitparser (installed by .ci/run)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(
        counts,
        format!("29 {failed_rules} {failed_findings} {skipped} 0"),
        "cases, failed cases, failures, skipped, errors"
    );

    // The CSV: a byte order mark for Excel, a header and a row per finding.
    let csv = std::fs::read(out_dir.join("findings.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let findings: usize = results
        .iter()
        .map(|r| r["findings"].as_array().map_or(0, Vec::len))
        .sum();
    let mut reader = ::csv::ReaderBuilder::new().from_reader(&csv[3..]);
    assert_eq!(reader.records().count(), findings);
}

#[test]
fn an_unsigned_report_says_so_and_a_ledger_that_does_not_verify_reports_nothing() {
    let (dir, ledger, key, eval) = signed_run();
    let json = dir.path().join("eval.json");
    std::fs::write(&json, serde_json::to_vec(&eval).unwrap()).unwrap();
    let out_dir = dir.path().join("unsigned");
    let r = run(&["report", "--from-json", s(&json), "--out-dir", s(&out_dir)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(html.contains("Unsigned results") || html.contains("署名のない結果"));

    // A run that is not in the ledger.
    let r = report(&ledger, &key, &dir.path().join("x"), "en", "html");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let missing = run(&[
        "report",
        "--ledger",
        s(&ledger),
        "--trust",
        s(&key),
        "--run",
        "run-0000000000000000",
        "--out-dir",
        s(&dir.path().join("y")),
    ]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("holds no run `run-0000000000000000`"),
        "{}",
        missing.stderr
    );

    // One changed byte in a signed entry: nothing is reported.
    let text = std::fs::read_to_string(&ledger).unwrap();
    std::fs::write(
        &ledger,
        text.replacen("\"payload\":\"", "\"payload\":\"A", 1),
    )
    .unwrap();
    let out_dir = dir.path().join("tampered");
    let r = report(&ledger, &key, &out_dir, "ja", "html");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("検証"), "{}", r.stderr);
    assert!(!out_dir.join("report.html").exists());
}

#[test]
fn the_oscal_catalog_results_and_poam_pass_trestle_validate() {
    let (dir, ledger, key, eval) = signed_run();
    let out_dir = dir.path().join("oscal");
    let r = report(&ledger, &key, &out_dir, "ja", "oscal");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pack = official_pack();
    let pack_catalog = dir.path().join("pack-catalog.json");
    let c = run(&[
        "pack",
        "oscal-catalog",
        "--pack",
        s(&pack),
        "--out",
        s(&pack_catalog),
    ]);
    assert_eq!(c.code, 0, "{}", c.stderr);

    // What the documents hold: every rule observed, an item per failure.
    let read = |p: &Path| -> Value { serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap() };
    let ar = read(&out_dir.join("assessment-results.json"));
    let result = &ar["assessment-results"]["results"][0];
    assert_eq!(result["observations"].as_array().unwrap().len(), 29);
    let poam = read(&out_dir.join("poam.json"));
    let failed_findings = eval["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().cloned().unwrap_or_default())
        .filter(|f| f["status"] == "fail")
        .count();
    assert_eq!(
        poam["plan-of-action-and-milestones"]["poam-items"]
            .as_array()
            .unwrap()
            .len(),
        failed_findings
    );
    let controls = read(&pack_catalog)["catalog"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["controls"].as_array().unwrap().len())
        .sum::<usize>();
    assert!(controls >= 29, "{controls} controls");

    // compliance-trestle, in a trestle workspace of its own.
    let ws = dir.path().join("trestle");
    std::fs::create_dir_all(&ws).unwrap();
    let trestle = |args: &[&str]| {
        // Through the python3 that `.ci/run` installed it for, whatever
        // directory pip put its scripts in.
        Command::new("python3")
            .args(["-m", "trestle"])
            .args(args)
            .current_dir(&ws)
            .output()
            .expect("compliance-trestle (installed by .ci/run)")
    };
    assert!(trestle(&["init"]).status.success());
    let place = |from: &Path, kind: &str, name: &str, file: &str| {
        let d = ws.join(kind).join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::copy(from, d.join(file)).unwrap();
    };
    place(
        &out_dir.join("catalog.json"),
        "catalogs",
        "run",
        "catalog.json",
    );
    place(&pack_catalog, "catalogs", "pack", "catalog.json");
    place(
        &out_dir.join("assessment-results.json"),
        "assessment-results",
        "run",
        "assessment-results.json",
    );
    place(
        &out_dir.join("poam.json"),
        "plan-of-action-and-milestones",
        "run",
        "plan-of-action-and-milestones.json",
    );
    let v = trestle(&["validate", "-a"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&v.stdout),
        String::from_utf8_lossy(&v.stderr)
    );
    assert!(v.status.success(), "{text}");
    assert_eq!(text.matches("VALID: Model").count(), 4, "{text}");
    assert!(!text.contains("INVALID"), "{text}");
}

#[test]
fn the_diff_of_two_runs_names_exactly_the_changed_finding_and_the_parameter() {
    let (dir, ledger, key, _) = signed_run();
    eval_into(
        &ledger,
        &dir.path().join("utility.pem"),
        &["--param", "MLIT-BAK-01.backup_max_age_days=30"],
    );

    // `ledger show`: packs as an array, the overrides, one run with --run.
    let shown = run(&["ledger", "show", s(&ledger), "--format", "json"]).json();
    let runs = shown.as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1]["packs"][0]["name"], "mlit-water");
    assert_eq!(runs[1]["packs"][0]["unsigned"], false);
    assert_eq!(runs[0]["overrides"], serde_json::json!({}));
    assert_eq!(
        runs[1]["overrides"],
        serde_json::json!({"MLIT-BAK-01.backup_max_age_days": 30})
    );
    let (a, b) = (
        runs[0]["run"].as_str().unwrap(),
        runs[1]["run"].as_str().unwrap(),
    );
    let one = run(&["ledger", "show", s(&ledger), "--run", b]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(
        one.stdout
            .contains("overrides: MLIT-BAK-01.backup_max_age_days=30")
    );
    assert_eq!(
        one.stdout
            .lines()
            .filter(|l| l.starts_with("  MLIT-"))
            .count(),
        29
    );

    let diff = run(&[
        "report",
        "diff",
        "--ledger",
        s(&ledger),
        "--trust",
        s(&key),
        a,
        b,
        "--format",
        "json",
    ]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    let d = diff.json();
    let new: Vec<&str> = d["new_failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule"].as_str().unwrap())
        .collect();
    assert_eq!(new, ["MLIT-BAK-01"], "{d:#}");
    assert_eq!(d["fixed"], serde_json::json!([]));
    assert_eq!(d["changed"], serde_json::json!([]));
    assert_eq!(d["removed"], serde_json::json!([]));
    assert_eq!(
        d["outcomes"],
        serde_json::json!({"MLIT-BAK-01": {"before": "pass", "after": "fail"}})
    );
    assert_eq!(
        d["parameters"],
        serde_json::json!({"MLIT-BAK-01.backup_max_age_days": {"before": null, "after": 30}})
    );
    assert_eq!(d["packs"], serde_json::json!({}));
    assert_eq!(d["evidence"], serde_json::json!({}));
    let text = run(&[
        "report",
        "diff",
        "--ledger",
        s(&ledger),
        "--trust",
        s(&key),
        a,
        b,
    ]);
    assert!(text.stdout.contains("New failures (1)"), "{}", text.stdout);
    assert!(
        text.stdout
            .contains("MLIT-BAK-01.backup_max_age_days: default → 30")
    );

    // The HTML report of the second run shows the trend since the first.
    let out_dir = dir.path().join("trend");
    let r = report(&ledger, &key, &out_dir, "en", "html");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(html.contains("Since the previous run"));
    assert!(html.contains(a));
    assert!(html.contains("<code>MLIT-BAK-01.backup_max_age_days</code>: default → 30"));
}
