//! `mizuchi`: the command line of the Mizuchi policy engine.
//!
//! Command-line parsing, logging set-up, progress bars, terminal tables and
//! exit statuses live here; the `mizuchi` library does the work and prints
//! nothing.
//!
//! Exit status: 0 when no rule failed, 1 when at least one did (by default a
//! `fail` or `error` outcome, see `--fail-on`), 2 when the command could not
//! be carried out (bad input, bad pack). Errors go to stderr in lower case,
//! name the input in backticks and say what to do next.

mod eval;
mod evidence;
mod hub;
mod key;
mod ledger;
mod pack;
mod render;
mod replay;
mod report;
mod rule;
mod rules;
mod trust;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::render::Lang;
use clap::{Parser, Subcommand, ValueEnum};
use mizuchi::{Limits, Runtime};
use tracing_subscriber::EnvFilter;

// Parsing tens of millions of log lines on every core allocates and frees
// small strings at a high rate from many threads; mimalloc's thread-local
// heaps do this without the contention of the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Mizuchi: policy-as-code for the cybersecurity of water utilities.
#[derive(Debug, Parser)]
#[command(name = "mizuchi", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    /// More output: log lines (-v info, -vv debug; `MIZUCHI_LOG` takes a full
    /// filter), and for `rule test` every case and the findings that differ.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// No progress bar and only errors in the log.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Where compiled modules are cached [default: `$MIZUCHI_CACHE_DIR` or the user cache directory].
    #[arg(long, global = true, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Compile modules every time instead of using the cache.
    #[arg(long, global = true)]
    no_cache: bool,
    /// Where the trust store (`trust.json`) and installed packs (`packs/`) live
    /// [default: `$MIZUCHI_HOME` or the user data directory].
    #[arg(long, global = true, value_name = "DIR")]
    home: Option<PathBuf>,
    /// Worker threads for everything a command does at once: checking
    /// documents, parsing logs, compiling modules, running rules
    /// [default: every core].
    #[arg(short, long, global = true, value_name = "N")]
    jobs: Option<std::num::NonZeroUsize>,
    /// The language of reports, messages and errors.
    #[arg(
        long,
        global = true,
        value_enum,
        env = "MIZUCHI_LANG",
        default_value = "ja"
    )]
    lang: LangArg,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Evaluate a rule pack against an evidence bundle.
    Eval(eval::Args),
    /// List the rules of a pack and what they declare, without evaluating.
    Rules(rules::Args),
    /// Write rules: make a new rule crate, run rule test cases.
    #[command(subcommand)]
    Rule(rule::Command),
    /// Evidence bundles: validate, summarise, import, create, generate.
    #[command(subcommand)]
    Evidence(evidence::Command),
    /// Keys for signing results and packs.
    #[command(subcommand)]
    Key(key::Command),
    /// Ledgers of signed results: verify, show, prove, repair.
    #[command(subcommand)]
    Ledger(ledger::Command),
    /// Re-run a recorded run and compare the signed results byte for byte.
    Replay(replay::Args),
    /// Render a run for people (HTML, PDF, OSCAL, JUnit XML, CSV), or compare two runs.
    Report(report::Args),
    /// Rule packs: build, sign, verify, inspect, install, update.
    #[command(subcommand)]
    Pack(pack::Command),
    /// The trust store: which publishers may sign packs, with which keys.
    #[command(subcommand)]
    Trust(trust::Command),
    /// The regulator's hub: enrol a utility, put a policy in force (the hub is `mizuchi-hub serve`).
    #[command(subcommand)]
    Hub(hub::Command),
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LangArg {
    Ja,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        }
    }
}

/// How a command ended, when it did not succeed.
pub(crate) enum Failure {
    /// The command ran and found rules that did not pass.
    Findings,
    /// The command could not be carried out.
    Error(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Error(e.into())
    }
}

/// Global options every command uses.
pub(crate) struct Global {
    pub quiet: bool,
    /// `-v` given this many times.
    pub verbose: u8,
    /// The language of reports, messages and errors.
    pub lang: Lang,
    cache_dir: Option<PathBuf>,
    no_cache: bool,
    home: Option<PathBuf>,
}

impl Global {
    pub(crate) fn runtime(&self, limits: Limits) -> anyhow::Result<Runtime> {
        let cache = if self.no_cache {
            None
        } else {
            self.cache_dir.clone().or_else(Runtime::default_cache_dir)
        };
        Ok(Runtime::new(cache, limits)?)
    }

    /// The Mizuchi home: trust store and pack store.
    pub(crate) fn home(&self) -> anyhow::Result<PathBuf> {
        self.home
            .clone()
            .or_else(|| std::env::var_os("MIZUCHI_HOME").map(PathBuf::from))
            .or_else(|| dirs::data_dir().map(|d| d.join("mizuchi")))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "cannot tell where the mizuchi home is; pass --home or set MIZUCHI_HOME"
                )
            })
    }

    /// The trust store file.
    pub(crate) fn trust_path(&self) -> anyhow::Result<PathBuf> {
        Ok(self.home()?.join("trust.json"))
    }

    /// The trust store.
    pub(crate) fn trust(&self) -> anyhow::Result<mizuchi::TrustStore> {
        Ok(mizuchi::TrustStore::load(&self.trust_path()?)?)
    }

    /// The pack store.
    pub(crate) fn store(&self) -> anyhow::Result<mizuchi::PackStore> {
        Ok(mizuchi::PackStore::new(&self.home()?.join("packs")))
    }
}

/// Today's date in UTC: what pack expiry is checked against.
pub(crate) fn today() -> mizuchi_evidence::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = EnvFilter::try_from_env("MIZUCHI_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    // One pool for all the work of the command: the library (and wasmtime's
    // parallel compilation) run on the current rayon pool.
    if let Err(e) = rayon::ThreadPoolBuilder::new()
        .num_threads(cli.jobs.map_or(0, std::num::NonZeroUsize::get))
        .thread_name(|i| format!("mizuchi-{i}"))
        .build_global()
    {
        let _ = writeln!(
            std::io::stderr(),
            "error: cannot start the worker threads: {e}\nhint: try fewer with `--jobs`"
        );
        return ExitCode::from(2);
    }
    let global = Global {
        quiet: cli.quiet,
        verbose: cli.verbose,
        lang: cli.lang.into(),
        cache_dir: cli.cache_dir,
        no_cache: cli.no_cache,
        home: cli.home,
    };
    let result = match cli.command {
        Command::Eval(args) => eval::run(&global, args),
        Command::Rules(args) => rules::run(&global, args),
        Command::Rule(command) => rule::run(&global, command),
        Command::Evidence(command) => evidence::run(&global, command),
        Command::Key(command) => key::run(&global, command),
        Command::Ledger(command) => ledger::run(&global, command),
        Command::Hub(command) => hub::run(&global, command),
        Command::Replay(args) => replay::run(&global, args),
        Command::Report(args) => report::run(&global, args),
        Command::Pack(command) => pack::run(&global, command),
        Command::Trust(command) => trust::run(&global, command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Findings) => ExitCode::from(1),
        Err(Failure::Error(e)) => {
            // A reader that went away (`mizuchi … | head`) needs no message,
            // and writing one to a closed pipe must not panic.
            let closed = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if !closed {
                let ja = global.lang == Lang::Ja;
                let mut text = format!(
                    "{}: {}\n",
                    if ja { "エラー" } else { "error" },
                    message(&e, global.lang)
                );
                for (hja, hen) in hints(&e) {
                    text.push_str(&if ja {
                        format!("ヒント: {hja}\n")
                    } else {
                        format!("hint: {hen}\n")
                    });
                }
                let _ = std::io::stderr().write_all(text.as_bytes());
            }
            ExitCode::from(2)
        }
    }
}

/// A hint in Japanese and English.
type Hint = (&'static str, &'static str);

/// What to do next about an error, in the command line's terms: the library
/// says what went wrong, the command line which command puts it right.
fn hints(e: &anyhow::Error) -> Vec<Hint> {
    let mut out = Vec::new();
    for cause in e.chain() {
        if let Some(h) = hint(cause)
            && !out.contains(&h)
        {
            out.push(h);
        }
    }
    out
}

/// The hint for one error of the chain. Errors that wrap another
/// transparently (showing it as their own message) are looked through.
fn hint(cause: &(dyn std::error::Error + 'static)) -> Option<Hint> {
    use mizuchi::{
        BundleError, ImportError, InstallError, PackError, RecordError, ReplayError, TrustError,
    };
    use mizuchi_ledger::keys::KeyError;
    use mizuchi_ledger::ledger::LedgerError;
    let ledger = |e: &LedgerError| match e {
        LedgerError::NeedsRepair(_) => Some((
            "`mizuchi ledger repair LEDGER --trust KEY` がどのチェックポイントにも確認されていない部分を取り除き、別に保存します",
            "`mizuchi ledger repair LEDGER --trust KEY` removes what no checkpoint acknowledged, and keeps it aside",
        )),
        LedgerError::Diverged { .. } | LedgerError::DoesNotVerify { .. } => Some((
            "`mizuchi ledger verify LEDGER --trust KEY` で何が変わったかを確認できます",
            "`mizuchi ledger verify LEDGER --trust KEY` shows what changed",
        )),
        _ => None,
    };
    let trust = |e: &TrustError| match e {
        TrustError::Unsigned => Some((
            "発行者が `mizuchi pack sign` で署名します。規則の開発中は `--allow-unsigned` で、すべての結果に未署名と記して実行できます",
            "its publisher signs it with `mizuchi pack sign`; while developing rules, `--allow-unsigned` runs it with every result marked unsigned",
        )),
        TrustError::Untrusted { .. } => Some((
            "発行者の鍵が切り替わった後なら、新しい鍵で署名されたパックを `mizuchi pack update --from 配布元` でインストールします（切り替えも適用されます）",
            "if the publisher's keys were rotated, install the pack its new keys sign with `mizuchi pack update --from SOURCE` (which applies the rotation too)",
        )),
        TrustError::UnknownPublisher(_) => Some((
            "`mizuchi trust add --name 名前 --namespace 接頭辞 --key 鍵.pub.pem` で発行者を信頼します",
            "trust the publisher with `mizuchi trust add --name NAME --namespace PREFIX --key KEY.pub.pem`",
        )),
        _ => None,
    };
    let pack = |e: &PackError| match e {
        PackError::Trust(t) => trust(t),
        PackError::Empty(_) => Some((
            "`cargo build --release --target wasm32-wasip2` で規則をビルドします",
            "build the rules with `cargo build --release --target wasm32-wasip2`",
        )),
        _ => None,
    };
    if let Some(e) = cause.downcast_ref::<LedgerError>() {
        ledger(e)
    } else if let Some(e) = cause.downcast_ref::<RecordError>() {
        match e {
            RecordError::Ledger(l) => ledger(l),
            RecordError::NotVerified { .. } => Some((
                "`mizuchi ledger verify LEDGER --trust KEY` で何が違うかを確認できます。--incremental なしなら全規則を評価し直します",
                "`mizuchi ledger verify LEDGER --trust KEY` shows what is wrong; without --incremental every rule is evaluated again",
            )),
            _ => None,
        }
    } else if let Some(e) = cause.downcast_ref::<ReplayError>() {
        match e {
            ReplayError::Ledger(l) => ledger(l),
            ReplayError::NoRun(_) => Some((
                "`mizuchi ledger show LEDGER` で実行の一覧を見られます",
                "`mizuchi ledger show LEDGER` lists its runs",
            )),
            _ => None,
        }
    } else if let Some(e) = cause.downcast_ref::<TrustError>() {
        trust(e)
    } else if let Some(e) = cause.downcast_ref::<PackError>() {
        pack(e)
    } else if let Some(e) = cause.downcast_ref::<InstallError>() {
        match e {
            InstallError::Trust(t) => trust(t),
            InstallError::Load(p) => pack(p),
            _ => None,
        }
    } else if let Some(e) = cause.downcast_ref::<ImportError>() {
        match e {
            ImportError::Rows { .. } => Some((
                "その行を直すか、--skip-bad-rows で読める行だけを取り込みます",
                "fix those rows, or pass --skip-bad-rows to import the others",
            )),
            ImportError::NoSystem { .. } => {
                Some(("--system で名前を指定します", "pass --system NAME"))
            }
            ImportError::Edited { .. } => Some((
                "手の編集を捨ててよいなら --replace を付けて取り込み直します",
                "import again with --replace if those hand edits may go",
            )),
            _ => None,
        }
    } else if let Some(BundleError::Invalid { .. }) = cause.downcast_ref::<BundleError>() {
        Some((
            "`mizuchi evidence validate BUNDLE` がすべての問題を日本語と英語で示します",
            "`mizuchi evidence validate BUNDLE` lists every problem, in Japanese and English",
        ))
    } else if let Some(KeyError::Format { .. }) = cause.downcast_ref::<KeyError>() {
        Some((
            "`mizuchi key generate --out FILE` で鍵を作ります",
            "make a key with `mizuchi key generate --out FILE`",
        ))
    } else {
        None
    }
}

/// An error and its causes on one line, `: `-separated, in `lang` where
/// the error has that language. A cause whose text its effect already ends
/// with (an error that shows its source and also returns it) is said once.
fn message(e: &anyhow::Error, lang: Lang) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = localized(cause, lang);
        if out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// One error's text in `lang`, for the errors that have it in Japanese.
fn localized(cause: &(dyn std::error::Error + 'static), lang: Lang) -> String {
    let code = if lang == Lang::Ja { "ja" } else { "en" };
    if let Some(e) = cause.downcast_ref::<mizuchi::ImportError>() {
        return e.text(code);
    }
    if let Some(e) = cause.downcast_ref::<mizuchi::BundleError>() {
        return e.text(code);
    }
    if let Some(e) = cause.downcast_ref::<mizuchi::CaseError>() {
        return e.text(code);
    }
    if let Some(e) = cause.downcast_ref::<Bilingual>() {
        return e.text.get(code).to_owned();
    }
    if let Some(e) = cause.downcast_ref::<mizuchi_report::ReportError>() {
        return e.text(code);
    }
    if let Some(e) = cause.downcast_ref::<mizuchi_ledger::ledger::LedgerError>() {
        return e.text(code);
    }
    if let Some(e) = cause.downcast_ref::<mizuchi::RecordError>() {
        return e.text(code);
    }
    cause.to_string()
}

/// A context the command line adds to an error, in both languages: the
/// error says what went wrong, this what the command was doing.
#[derive(Debug)]
pub(crate) struct Bilingual {
    text: mizuchi_evidence::Text,
    source: Option<anyhow::Error>,
}

/// An error of the command line's own, in both languages.
pub(crate) fn said(ja: impl Into<String>, en: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Bilingual {
        text: mizuchi_evidence::Text::new(ja, en),
        source: None,
    })
}

impl std::fmt::Display for Bilingual {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text.en)
    }
}

impl std::error::Error for Bilingual {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let e: &(dyn std::error::Error + Send + Sync + 'static) = self.source.as_ref()?.as_ref();
        Some(e)
    }
}

/// `.say(|| (ja, en))`: anyhow's `with_context`, in both languages.
pub(crate) trait Say<T> {
    fn say(self, text: impl FnOnce() -> (String, String)) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> Say<T> for Result<T, E> {
    fn say(self, text: impl FnOnce() -> (String, String)) -> anyhow::Result<T> {
        self.map_err(|e| {
            let (ja, en) = text();
            anyhow::Error::new(Bilingual {
                text: mizuchi_evidence::Text::new(ja, en),
                source: Some(e.into()),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot read `x`: {source}")]
    struct Read {
        source: std::io::Error,
    }

    #[test]
    fn a_cause_already_shown_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = anyhow::Error::new(Read { source: io }).context("cannot load the pack `x`");
        assert_eq!(
            message(&e, Lang::En),
            "cannot load the pack `x`: cannot read `x`: no such file"
        );
        let plain = anyhow::anyhow!("no such file").context("cannot read `y`");
        assert_eq!(message(&plain, Lang::En), "cannot read `y`: no such file");
    }
}
