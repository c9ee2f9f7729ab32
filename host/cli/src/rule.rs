//! `mizuchi rule`: writing rules. `new` makes a standalone crate with one
//! rule, its cases and a pack template; `test` runs case files against
//! built components in the sandbox, as `opa test` runs policy tests.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::render::Lang;
use clap::Subcommand;
use mizuchi::{CaseFile, CaseResult, CaseRunner, Limits, Pack, PackSet};

use crate::pack::Selection;
use crate::{Failure, Global, Say, said, today};

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Make a new rule crate: one rule, its test cases and a pack template,
    /// ready to build for `wasm32-wasip2` as it is.
    New {
        /// The rule's id, in your namespace: `ACME-LOCK-01` (upper-case
        /// letters and digits, the namespace first, parts joined by `-`).
        id: String,
        /// The directory to write; it must not exist or be empty
        /// [default: the id in lower case].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Build against a Mizuchi checkout at DIR instead of the SDK from
        /// crates.io (writes a `[patch.crates-io]` section).
        #[arg(long, value_name = "DIR")]
        sdk_path: Option<PathBuf>,
    },
    /// Run rule test cases (JSON files: evidence in, expected outcome and
    /// findings out) against built rule components, in the sandbox.
    Test {
        /// A case file, or a directory whose `cases/` (or itself) holds case
        /// files: a rule crate made by `rule new`.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Test the rules of this pack: a signed `.pack` file, or with
        /// `--allow-unsigned` an unsigned one or a directory of components.
        /// Repeatable [default: the component the crate at PATH built,
        /// `target/wasm32-wasip2/release/<crate>.wasm`].
        #[arg(long = "pack", value_name = "PACK")]
        packs: Vec<PathBuf>,
        /// Load the packs without checking their signatures (nothing a
        /// test does is signed).
        #[arg(long)]
        allow_unsigned: bool,
        /// Also write the results as JUnit XML.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Run only the cases whose name or file contains this text.
        #[arg(long, value_name = "TEXT")]
        only: Option<String>,
        /// Keep the bundle each case made in DIR (`case-1`, …), to look at
        /// it or evaluate it again; `-v` prints where each is, and
        /// `DIR/index.json` lists every case's bundle, rules, date and
        /// parameters.
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },
    /// Write the JSON Schema of case files (for editors and reviewers).
    Schema {
        /// The file to write.
        #[arg(
            long,
            value_name = "FILE",
            default_value = "schemas/rule-cases.schema.json"
        )]
        out: PathBuf,
    },
}

// Status lines (what was written, what to do next) go to stderr, as the
// other commands' do; stdout carries only results.
#[allow(clippy::print_stderr)]
pub(crate) fn run(global: &Global, command: Command) -> Result<(), Failure> {
    match command {
        Command::New { id, out, sdk_path } => new(global, &id, out, sdk_path),
        Command::Test {
            path,
            packs,
            allow_unsigned,
            junit,
            only,
            keep,
        } => test(
            global,
            &path,
            &Selection::new(packs, allow_unsigned),
            junit.as_deref(),
            only.as_deref(),
            keep.as_deref(),
        ),
        Command::Schema { out } => {
            let text = serde_json::to_string_pretty(&mizuchi::case_file_schema())? + "\n";
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            mizuchi_ledger::files::write_atomic(&out, text.as_bytes()).say(|| {
                (
                    format!("`{}` に書けません", out.display()),
                    format!("cannot write `{}`", out.display()),
                )
            })?;
            if !global.quiet {
                eprintln!("wrote `{}`", out.display());
            }
            Ok(())
        }
    }
}

/// `ACME-LOCK-01` → its namespace `ACME-`, or why it is not a rule id.
fn namespace(id: &str) -> Result<&str, anyhow::Error> {
    let parts: Vec<&str> = id.split('-').collect();
    let well_formed = parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
        && parts[0].as_bytes()[0].is_ascii_uppercase()
        && id.len() <= 64;
    if !well_formed {
        return Err(said(
            format!(
                "`{id}` は規則の ID の形ではありません。名前空間を先頭に、英大文字と数字を `-` でつないでください (例 ACME-LOCK-01)"
            ),
            format!(
                "`{id}` is not a rule id: write your namespace first, then upper-case letters and digits joined by `-` (e.g. ACME-LOCK-01)"
            ),
        ));
    }
    Ok(&id[..parts[0].len() + 1])
}

#[allow(clippy::print_stderr)]
fn new(
    global: &Global,
    id: &str,
    out: Option<PathBuf>,
    sdk_path: Option<PathBuf>,
) -> Result<(), Failure> {
    let ns = namespace(id)?;
    let publisher = ns.trim_end_matches('-');
    let krate = id.to_lowercase();
    let dir = out.unwrap_or_else(|| PathBuf::from(&krate));
    let occupied = match std::fs::read_dir(&dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            return Err(anyhow::Error::from(e)
                .context(format!("cannot read `{}`", dir.display()))
                .into());
        }
    };
    if occupied || dir.is_file() {
        return Err(said(
            format!(
                "`{}` は既にあり、空ではありません。新しいディレクトリを --out で指定してください",
                dir.display()
            ),
            format!(
                "`{}` already exists and is not empty; name a new directory with --out",
                dir.display()
            ),
        )
        .into());
    }
    let patch = match &sdk_path {
        Some(checkout) => {
            let checkout = std::path::absolute(checkout)?;
            for krate in ["sdk", "evidence"] {
                if !checkout.join(krate).join("Cargo.toml").is_file() {
                    return Err(said(
                        format!(
                            "`{}` は Mizuchi のチェックアウトではありません ({krate}/Cargo.toml がありません)",
                            checkout.display()
                        ),
                        format!(
                            "`{}` is not a checkout of Mizuchi (it has no {krate}/Cargo.toml)",
                            checkout.display()
                        ),
                    )
                    .into());
                }
            }
            let toml_path = |p: PathBuf| p.display().to_string().replace('\\', "/");
            format!(
                "# The SDK from the Mizuchi checkout at {}, not crates.io:\n\
                 # remove this section to use the published crates.\n\
                 [patch.crates-io]\n\
                 mizuchi-sdk = {{ path = \"{}\" }}\n\
                 mizuchi-evidence = {{ path = \"{}\" }}\n",
                toml_path(checkout.clone()),
                toml_path(checkout.join("sdk")),
                toml_path(checkout.join("evidence")),
            )
        }
        None => "# To build against a checkout of Mizuchi instead of crates.io:\n\
                 # [patch.crates-io]\n\
                 # mizuchi-sdk = { path = \"/path/to/mizuchi/sdk\" }\n\
                 # mizuchi-evidence = { path = \"/path/to/mizuchi/evidence\" }\n"
            .to_owned(),
    };
    let today = today();
    let expires = today
        .checked_add(jiff::Span::new().years(3))
        .unwrap_or(today);
    let abi = semver::Version::parse(mizuchi::ABI_VERSION)?;
    let format = semver::Version::parse(mizuchi_evidence::FORMAT_VERSION)?;
    let pack = serde_json::json!({
        "name": krate,
        "version": "0.1.0",
        "publisher": publisher,
        "abi": format!("^{}.{}", abi.major, abi.minor),
        "evidence_format": format!("^{}.{}", format.major, format.minor),
        "published_on": today.to_string(),
        "expires_on": expires.to_string(),
    });
    let fill = |template: &str| {
        template
            .replace("{{id}}", id)
            .replace("{{crate}}", &krate)
            .replace("{{lib}}", &krate.replace('-', "_"))
            .replace("{{namespace}}", ns)
            .replace("{{publisher}}", publisher)
            .replace("{{publisher_lower}}", &publisher.to_lowercase())
            .replace("{{sdk_version}}", env!("CARGO_PKG_VERSION"))
            .replace("{{patch}}", &patch)
    };
    let files: [(&str, String); 6] = [
        ("Cargo.toml", fill(include_str!("scaffold/Cargo.toml.tmpl"))),
        ("src/lib.rs", fill(include_str!("scaffold/lib.rs.tmpl"))),
        (
            &format!("cases/{id}.json"),
            fill(include_str!("scaffold/cases.json.tmpl")),
        ),
        ("pack.json", serde_json::to_string_pretty(&pack)? + "\n"),
        ("README.md", fill(include_str!("scaffold/README.md.tmpl"))),
        (
            ".gitignore",
            include_str!("scaffold/gitignore.tmpl").to_owned(),
        ),
    ];
    let write = || -> std::io::Result<()> {
        for (rel, text) in &files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, text)?;
        }
        Ok(())
    };
    if let Err(e) = write() {
        // Nothing half-made is left behind.
        let _ = std::fs::remove_dir_all(&dir);
        return Err(anyhow::Error::from(e)
            .context(format!("cannot write `{}`", dir.display()))
            .into());
    }
    if !global.quiet {
        let d = dir.display();
        let text = if global.lang == Lang::Ja {
            format!(
                "規則 {id} のクレートを `{d}` に作りました。次に:\n  cd {d}\n  cargo build --release --target wasm32-wasip2\n  mizuchi rule test\n"
            )
        } else {
            format!(
                "made the crate of rule {id} in `{d}`; next:\n  cd {d}\n  cargo build --release --target wasm32-wasip2\n  mizuchi rule test\n"
            )
        };
        eprint!("{text}");
    }
    Ok(())
}

/// The rule components a crate built: `<target>/wasm32-wasip2/release/<lib>.wasm`,
/// where the target directory is `CARGO_TARGET_DIR` or the crate's own.
fn built_component(krate: &Path) -> anyhow::Result<PathBuf> {
    let manifest = krate.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).say(|| {
        let d = krate.display();
        (
            format!("`{d}` には規則のクレート (Cargo.toml) がありません。--pack で規則のパックかコンポーネントを指定してください"),
            format!("`{d}` holds no rule crate (Cargo.toml); name the pack or components to test with --pack"),
        )
    })?;
    // The package's name: the first `name = "…"` of its `[package]` table.
    let mut in_package = false;
    let mut name = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package
            && let Some((k, v)) = line.split_once('=')
            && k.trim() == "name"
        {
            name = Some(v.trim().trim_matches('"').to_owned());
            break;
        }
    }
    let name = name.ok_or_else(|| {
        said(
            format!("`{}` にパッケージ名がありません", manifest.display()),
            format!("`{}` names no package", manifest.display()),
        )
    })?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| krate.join("target"));
    let file = target
        .join("wasm32-wasip2/release")
        .join(format!("{}.wasm", name.replace('-', "_")));
    if !file.is_file() {
        return Err(said(
            format!(
                "ビルドされたコンポーネント `{}` がありません。先に `cargo build --release --target wasm32-wasip2` を実行してください",
                file.display()
            ),
            format!(
                "there is no built component `{}`; build it first with `cargo build --release --target wasm32-wasip2`",
                file.display()
            ),
        ));
    }
    Ok(file)
}

fn test(
    global: &Global,
    path: &Path,
    selection: &Selection,
    junit: Option<&Path>,
    only: Option<&str>,
    keep: Option<&Path>,
) -> Result<(), Failure> {
    let ja = global.lang == Lang::Ja;
    let lang = if ja { "ja" } else { "en" };
    let verbose = global.verbose > 0;
    let mut files = Vec::new();
    for f in mizuchi::find_case_files(path)? {
        files.push(CaseFile::read(&f)?);
    }
    let runtime = global.runtime(Limits::default())?;
    let packs = if selection.is_default() {
        let component = built_component(if path.is_file() { Path::new(".") } else { path })?;
        let name = component
            .file_stem()
            .map(|s| s.to_string_lossy().replace('_', "-"))
            .unwrap_or_default();
        PackSet::new(vec![Pack::load_components(
            &runtime,
            name,
            "0.0.0".into(),
            &[component],
        )?])?
    } else {
        selection.load(global, &runtime, Some(today()))?
    };
    let mut runner = CaseRunner::new(&runtime, &packs)?;
    if let Some(dir) = keep {
        std::fs::create_dir_all(dir)?;
        runner.keep_in(dir);
    }
    let mut results: Vec<CaseResult> = Vec::new();
    // With --keep: how to evaluate each case's bundle again.
    let mut index: Vec<serde_json::Value> = Vec::new();
    let mut stdout = std::io::stdout().lock();
    for file in &files {
        let shown = file.path().display().to_string();
        let mut header = false;
        for case in file.cases() {
            if let Some(text) = only
                && !case.name.contains(text)
                && !shown.contains(text)
            {
                continue;
            }
            let r = runner.run(file, case);
            let word = match (&r.error, r.passed()) {
                (Some(_), _) => "ERROR",
                (None, true) => "PASS",
                (None, false) => "FAIL",
            };
            if verbose || !r.passed() {
                if !header {
                    writeln!(stdout, "{shown}:")?;
                    header = true;
                }
                writeln!(
                    stdout,
                    "  {word:<5} {} (line {}, {:.0?})",
                    r.name, r.line, r.elapsed
                )?;
                if verbose
                    && keep.is_some()
                    && let Some(b) = &r.bundle
                {
                    writeln!(stdout, "        bundle: {}", b.display())?;
                }
                if !r.passed() {
                    let lines = r.differences(lang);
                    let shown_lines = if verbose {
                        lines.len()
                    } else {
                        lines.len().min(1)
                    };
                    for l in &lines[..shown_lines] {
                        writeln!(stdout, "        {l}")?;
                    }
                    if verbose {
                        for c in r.checks.iter().filter(|c| !c.passed()) {
                            let gave = if ja { "規則の所見" } else { "it gave" };
                            writeln!(
                                stdout,
                                "        {}: {gave}: {}",
                                c.rule,
                                c.findings.join(", ")
                            )?;
                        }
                    }
                    if shown_lines < lines.len() {
                        writeln!(
                            stdout,
                            "        {}",
                            if ja {
                                format!("… ほか {} 件 (-v で全て表示)", lines.len() - shown_lines)
                            } else {
                                format!("… {} more (-v shows all)", lines.len() - shown_lines)
                            }
                        )?;
                    }
                }
            }
            if keep.is_some() {
                let params: Vec<String> = case
                    .params()
                    .iter()
                    .map(|p| match &p.value {
                        mizuchi::ParamInput::Text(v) => format!("{}.{}={v}", p.rule, p.key),
                        mizuchi::ParamInput::Value(v) => format!("{}.{}={v}", p.rule, p.key),
                    })
                    .collect();
                index.push(serde_json::json!({
                    "file": shown,
                    "case": case.name,
                    "bundle": r.bundle,
                    "rules": case.rules().collect::<Vec<_>>(),
                    "as_of": case.as_of().map(|d| d.to_string()),
                    "params": params,
                }));
            }
            results.push(r);
        }
    }
    if let Some(dir) = keep {
        let text = serde_json::to_string_pretty(&index)? + "\n";
        std::fs::write(dir.join("index.json"), text)?;
    }
    let passed = results.iter().filter(|r| r.passed()).count();
    let failed = results
        .iter()
        .filter(|r| r.error.is_none() && !r.passed())
        .count();
    let errors = results.len() - passed - failed;
    if verbose || passed < results.len() {
        writeln!(stdout, "{}", "-".repeat(60))?;
    }
    let total = results.len();
    writeln!(stdout, "PASS: {passed}/{total}")?;
    if failed > 0 {
        writeln!(stdout, "FAIL: {failed}/{total}")?;
    }
    if errors > 0 {
        writeln!(stdout, "ERROR: {errors}/{total}")?;
    }
    if let Some(out) = junit {
        mizuchi_ledger::files::write_atomic(out, mizuchi::cases_junit(&results).as_bytes()).say(
            || {
                (
                    format!("JUnit XML を `{}` に書けません", out.display()),
                    format!("cannot write the JUnit XML to `{}`", out.display()),
                )
            },
        )?;
    }
    if total == 0 {
        return Err(said(
            "実行したケースがありません (--only の指定を確かめてください)",
            "no case ran; check what --only names",
        )
        .into());
    }
    if passed < total {
        return Err(Failure::Findings);
    }
    Ok(())
}
