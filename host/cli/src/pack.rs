//! `mizuchi pack`: build, sign, verify, inspect, install and update rule packs;
//! and the `--pack` / `--allow-unsigned` options every evaluating command shares.

use crate::Say;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::render::Lang;
use anyhow::bail;
use clap::Subcommand;
use mizuchi::TrustStore;
use mizuchi::{
    Limits, Pack, PackSet, PublicKey, Runtime, SecretKey, Verification, build_pack, write_index,
};
use mizuchi::{ManifestTemplate, PackFile};

use crate::{Failure, Format, Global, today};

/// Which packs a command runs.
#[derive(Debug, clap::Args)]
pub(crate) struct Selection {
    /// A pack to run: a signed `.pack` file, or with `--allow-unsigned` a
    /// directory of rule components. Repeatable [default: every installed pack].
    #[arg(long = "pack", value_name = "PACK")]
    packs: Vec<PathBuf>,
    /// Run packs without checking their signatures, for developing rules
    /// locally. Every result produced says it is unsigned.
    #[arg(long)]
    allow_unsigned: bool,
}

impl Selection {
    /// These packs, checked or (`allow_unsigned`) not.
    pub(crate) fn new(packs: Vec<PathBuf>, allow_unsigned: bool) -> Selection {
        Selection {
            packs,
            allow_unsigned,
        }
    }

    /// No pack was named: the installed packs are meant.
    pub(crate) fn is_default(&self) -> bool {
        self.packs.is_empty()
    }

    /// Loads the packs. `today` is the date expiry is checked on; `None` when
    /// replaying a past run.
    pub(crate) fn load(
        &self,
        global: &Global,
        runtime: &Runtime,
        today: Option<mizuchi_evidence::Date>,
    ) -> anyhow::Result<PackSet> {
        let trust = global.trust()?;
        let store = global.store()?;
        let verification = if self.allow_unsigned {
            tracing::warn!("--allow-unsigned: pack signatures are not checked");
            Verification::AllowUnsigned
        } else {
            Verification::Trusted {
                store: &trust,
                today,
            }
        };
        let paths: Vec<PathBuf> = if self.packs.is_empty() {
            let installed = store.installed()?;
            if installed.is_empty() {
                bail!(
                    "no pack is installed in `{}`; install the official pack with `mizuchi pack install <file>`, or name one with --pack",
                    global.home()?.display()
                );
            }
            installed.into_iter().map(|(_, _, path)| path).collect()
        } else {
            self.packs.clone()
        };
        let mut packs = Vec::new();
        for path in &paths {
            let context = || {
                let p = path.display();
                (
                    format!("パック `{p}` を読み込めません"),
                    format!("cannot load the pack `{p}`"),
                )
            };
            let pack = if path.is_dir() {
                if !self.allow_unsigned {
                    bail!(
                        "`{}` is a directory of rule components, not a signed pack; build and sign it with `mizuchi pack build` and `mizuchi pack sign`, or pass --allow-unsigned while developing rules",
                        path.display()
                    );
                }
                Pack::load_dir(runtime, path).say(context)?
            } else {
                let pack = Pack::from_file(runtime, path, verification).say(context)?;
                if pack.signed().is_some() {
                    let version = semver::Version::parse(pack.version()).say(context)?;
                    store.check_rollback(pack.name(), &version).say(context)?;
                }
                pack
            };
            packs.push(pack);
        }
        Ok(PackSet::new(packs)?)
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Make an unsigned pack file from built rule components and a manifest template.
    Build {
        /// The manifest template: name, version, publisher, dates, ABI and evidence format.
        #[arg(long, value_name = "FILE")]
        template: PathBuf,
        /// The pack file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Rule components (`*.wasm`), or directories of them.
        #[arg(required = true, value_name = "MODULE")]
        modules: Vec<PathBuf>,
    },
    /// Add a signature over the pack's manifest.
    Sign {
        pack: PathBuf,
        /// The publisher's private key (`mizuchi key generate`).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Write the signed pack here instead of in place.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Check a pack against the trust store without installing or running it.
    Verify {
        pack: PathBuf,
        /// A trust store file [default: the one in the mizuchi home].
        #[arg(long, value_name = "FILE")]
        trust: Option<PathBuf>,
    },
    /// Show a pack's manifest, rules, modules and signatures, running nothing.
    Inspect {
        pack: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Verify a pack and install it into the local pack store.
    Install { pack: PathBuf },
    /// Install the newest packs offered by a distribution point (a directory,
    /// or a URL such as a hub's `/packs`), after applying the key rotations
    /// it publishes that the keys in force vouch for.
    Update {
        /// A directory or an `https://` URL holding `index.json` and the packs.
        #[arg(long, value_name = "SOURCE")]
        from: String,
    },
    /// Write `index.json` for a directory of pack files, to publish it.
    Index { dir: PathBuf },
    /// List installed packs.
    List,
    /// Write the OSCAL catalog of the guideline sections the packs' rules
    /// check (the one `mizuchi report --format oscal` results refer to).
    OscalCatalog {
        #[command(flatten)]
        packs: Selection,
        /// Write it here instead of to standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// The OSCAL catalog of the rules of `packs`, in `lang`.
pub(crate) fn oscal_catalog(
    packs: &mizuchi::PackSet,
    lang: mizuchi_report::Lang,
) -> serde_json::Value {
    let rules: Vec<mizuchi_report::oscal::CatalogRule> = packs
        .rules()
        .map(|(_, _, r)| mizuchi_report::oscal::CatalogRule {
            id: r.id.clone(),
            title: r.title.clone(),
            section: r.section.clone(),
            force: r.force,
        })
        .collect();
    let name: Vec<&str> = packs.packs().iter().map(|p| p.name()).collect();
    let version: Vec<&str> = packs.packs().iter().map(|p| p.version()).collect();
    // A directory of components has no publication date: it is dated today.
    let date = packs
        .packs()
        .iter()
        .filter_map(|p| p.published_on())
        .max()
        .unwrap_or_else(crate::today);
    mizuchi_report::oscal::catalog(&name.join("+"), &version.join("+"), date, &rules, lang)
}

fn out(text: &str) -> anyhow::Result<()> {
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

/// The component files named: files as given, directories' `*.wasm` in name order.
fn components(paths: &[PathBuf]) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .say(|| {
                    (
                        format!("`{}` を読めません", p.display()),
                        format!("cannot read `{}`", p.display()),
                    )
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "wasm") && f.is_file())
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    let mut out = Vec::new();
    for f in files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = mizuchi_ledger::files::read(&f).say(|| {
            (
                format!("`{}` を読めません", f.display()),
                format!("cannot read `{}`", f.display()),
            )
        })?;
        out.push((name, bytes));
    }
    if out.is_empty() {
        bail!("no rule component (`*.wasm`) was named; build the rules first");
    }
    Ok(out)
}

fn read_pack(path: &Path) -> anyhow::Result<PackFile> {
    PackFile::read(path).say(|| {
        (
            format!("パック `{}` を読めません", path.display()),
            format!("cannot read the pack `{}`", path.display()),
        )
    })
}

fn short(id: &str) -> &str {
    &id[..16.min(id.len())]
}

/// What each signature of a pack amounts to under `trust`.
fn signature_states(pack: &PackFile, trust: &TrustStore, lang: Lang) -> Vec<(String, String)> {
    let t = |ja: &str, en: &str| match lang {
        Lang::Ja => ja.to_owned(),
        _ => en.to_owned(),
    };
    pack.envelope()
        .signatures
        .iter()
        .map(|s| {
            let holder = trust.publishers.iter().find_map(|p| {
                p.keys
                    .iter()
                    .filter_map(|pem| PublicKey::from_pem(pem).ok())
                    .find(|k| k.key_id() == s.keyid)
                    .map(|k| (p, k))
            });
            let state = match holder {
                None => t("信頼ストアにない鍵", "key not in the trust store"),
                Some((p, k)) => {
                    let one = mizuchi_ledger::dsse::Envelope {
                        signatures: vec![s.clone()],
                        ..pack.envelope().clone()
                    };
                    if one.verified_by(std::slice::from_ref(&k)).is_empty() {
                        t("署名が無効", "signature does not verify")
                    } else {
                        format!("{} {}", t("有効、発行者", "valid, publisher"), p.name)
                    }
                }
            };
            (s.keyid.clone(), state)
        })
        .collect()
}

fn inspect_text(pack: &PackFile, trust: &TrustStore, lang: Lang) -> String {
    use std::fmt::Write as _;
    let t = |ja: &'static str, en: &'static str| if lang == Lang::Ja { ja } else { en };
    let m = &pack.manifest();
    let mut s = String::new();
    let _ = writeln!(s, "{} {} {}", t("ルールパック", "pack"), m.name, m.version);
    let _ = writeln!(
        s,
        "  {:<12} sha256:{}",
        t("ダイジェスト", "digest"),
        pack.digest()
    );
    let _ = writeln!(s, "  {:<12} {}", t("発行者", "publisher"), m.publisher);
    let _ = writeln!(
        s,
        "  {:<12} {} – {}",
        t("有効期間", "valid"),
        m.published_on,
        m.expires_on
    );
    let _ = writeln!(
        s,
        "  {:<12} {} {}, {} {}",
        t("要件", "requires"),
        t("ルールABI", "rule ABI"),
        m.abi,
        t("証跡形式", "evidence format"),
        m.evidence_format
    );
    let states = signature_states(pack, trust, lang);
    let _ = writeln!(s, "{} ({}):", t("署名", "signatures"), states.len());
    if states.is_empty() {
        let _ = writeln!(s, "  {}", t("なし（未署名）", "none (unsigned)"));
    }
    for (id, state) in &states {
        let _ = writeln!(s, "  {}  {state}", id);
    }
    let _ = writeln!(s, "{} ({}):", t("モジュール", "modules"), m.modules.len());
    for module in &m.modules {
        let _ = writeln!(
            s,
            "  {:<28} {:>9} bytes  sha256:{}",
            module.path, module.size, module.sha256
        );
    }
    let rules: usize = m.modules.iter().map(|x| x.rules.len()).sum();
    let _ = writeln!(s, "{} ({rules}):", t("ルール", "rules"));
    for module in &m.modules {
        let file = module.path.rsplit('/').next().unwrap_or(&module.path);
        for r in &module.rules {
            let _ = writeln!(s, "  {:<14} {:<8} {file}", r.id, r.version);
        }
    }
    s
}

#[allow(clippy::print_stderr)]
pub(crate) fn run(global: &Global, command: Command) -> Result<(), Failure> {
    let say = |msg: String| {
        if !global.quiet {
            eprintln!("{msg}");
        }
    };
    match command {
        Command::Build {
            template,
            out: dest,
            modules,
        } => {
            let text = mizuchi_ledger::files::read(&template).say(|| {
                (
                    format!("テンプレート `{}` を読めません", template.display()),
                    format!("cannot read the template `{}`", template.display()),
                )
            })?;
            let template_path = template;
            let template: ManifestTemplate = serde_json::from_slice(&text).say(|| {
                let t = template_path.display();
                (
                    format!("`{t}` はパックのマニフェストのテンプレート (name, version, publisher, published_on, expires_on) ではありません"),
                    format!("`{t}` is not a pack manifest template (name, version, publisher, published_on, expires_on)"),
                )
            })?;
            let dir = template_path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let extensions = template.read_extensions(dir)?;
            let runtime = global.runtime(Limits::default())?;
            let pack = build_pack(&runtime, &template, components(&modules)?, extensions)?;
            pack.write(&dest)?;
            let rules: usize = pack.manifest().modules.iter().map(|m| m.rules.len()).sum();
            say(format!(
                "built {} {} ({} modules, {rules} rules, unsigned) in `{}`; sign it with `mizuchi pack sign`",
                pack.manifest().name,
                pack.manifest().version,
                pack.manifest().modules.len(),
                dest.display()
            ));
            out(&format!("sha256:{}\n", pack.digest()))?;
            Ok(())
        }
        Command::Sign {
            pack: path,
            key,
            out: dest,
        } => {
            let key = SecretKey::read(&key)?;
            let mut pack = read_pack(&path)?;
            let id = key.public().key_id();
            if pack.envelope().signatures.iter().any(|s| s.keyid == id) {
                return Err(anyhow::anyhow!(
                    "`{}` is already signed by key {}; nothing changed (a key counts once however often it signs)",
                    path.display(),
                    short(&id)
                )
                .into());
            }
            pack.sign(&key)?;
            let dest = dest.unwrap_or(path);
            pack.write(&dest)?;
            say(format!(
                "signed {} {} with key {}; it now has {} signature(s)",
                pack.manifest().name,
                pack.manifest().version,
                short(&id),
                pack.envelope().signatures.len()
            ));
            out(&format!("{id}\n"))?;
            Ok(())
        }
        Command::Verify { pack: path, trust } => {
            let store = match trust {
                Some(t) => TrustStore::load(&t)?,
                None => global.trust()?,
            };
            let pack = read_pack(&path)?;
            let signed = store.check(&pack, Some(today())).say(|| {
                (
                    format!("`{}` は信頼されていません", path.display()),
                    format!("`{}` is not trusted", path.display()),
                )
            })?;
            let m = &pack.manifest();
            let rules: usize = m.modules.iter().map(|x| x.rules.len()).sum();
            out(&format!(
                "`{}`: {} {} verified: publisher {}, signed by {}; {} modules, {rules} rules; expires {}\n",
                path.display(),
                m.name,
                m.version,
                signed.publisher,
                signed
                    .keys
                    .iter()
                    .map(|k| short(k))
                    .collect::<Vec<_>>()
                    .join(", "),
                m.modules.len(),
                m.expires_on
            ))?;
            Ok(())
        }
        Command::Inspect { pack: path, format } => {
            let pack = read_pack(&path)?;
            let trust = global.trust()?;
            let text = match format {
                Format::Text => inspect_text(&pack, &trust, global.lang),
                Format::Json => {
                    let signatures: Vec<serde_json::Value> = signature_states(
                        &pack,
                        &trust,
                        Lang::En,
                    )
                    .into_iter()
                    .map(|(keyid, state)| serde_json::json!({"keyid": keyid, "state": state}))
                    .collect();
                    serde_json::to_string_pretty(&serde_json::json!({
                        "digest": pack.digest(),
                        "manifest": pack.manifest(),
                        "signatures": signatures,
                    }))? + "\n"
                }
            };
            out(&text)?;
            Ok(())
        }
        Command::Install { pack } => {
            let runtime = global.runtime(Limits::default())?;
            let i = global
                .store()?
                .install(&runtime, &pack, &global.trust()?, today())
                .say(|| {
                    (
                        format!("`{}` はインストールされませんでした", pack.display()),
                        format!("`{}` was not installed", pack.display()),
                    )
                })?;
            out(&installed_line(&i))?;
            Ok(())
        }
        Command::Update { from } => {
            let runtime = global.runtime(Limits::default())?;
            let store = global.store()?;
            let trust_path = global.trust_path()?;
            let nothing = || {
                (
                    format!("`{from}` からは何も更新されませんでした"),
                    format!("nothing was updated from `{from}`"),
                )
            };
            let update = store
                .fetch_update(&runtime, &from, &global.trust()?, today())
                .say(nothing)?;
            for r in update.rotations() {
                out(&crate::render::t(
                    global.lang,
                    &format!(
                        "発行者 {} の鍵を切り替えました（鍵 {} 個、必要な署名 {}）\n",
                        r.publisher,
                        r.keys.len(),
                        r.threshold
                    ),
                    &format!(
                        "rotated the keys of publisher {}: {} key(s), threshold {}\n",
                        r.publisher,
                        r.keys.len(),
                        r.threshold
                    ),
                ))?;
            }
            for o in update.orphaned() {
                eprintln!(
                    "{}",
                    crate::render::t(
                        global.lang,
                        &format!(
                            "警告: インストール済みのパック {o}。`{from}` に後継がありません。後継をインストールするまで、このパックでの評価は拒否されます"
                        ),
                        &format!(
                            "warning: installed pack {o}; `{from}` offers no replacement, and every run refuses the pack until one is installed"
                        ),
                    )
                );
            }
            // The rotated trust first: the packs it vouches for are then
            // installed under the keys that signed them.
            if !update.rotations().is_empty() {
                update.trust().save(&trust_path)?;
            }
            let done = update.commit(&store).say(nothing)?;
            if done.is_empty() {
                say(format!("`{from}` offers no pack"));
            }
            for i in &done {
                out(&installed_line(i))?;
            }
            Ok(())
        }
        Command::Index { dir } => {
            let index = write_index(&dir)?;
            for p in &index.packs {
                out(&format!("{} {} {}\n", p.name, p.version, p.file))?;
            }
            say(format!("wrote `{}`", dir.join("index.json").display()));
            Ok(())
        }
        Command::OscalCatalog { packs, out: file } => {
            let runtime = global.runtime(mizuchi::Limits::default())?;
            let packs = packs.load(global, &runtime, None)?;
            let catalog = oscal_catalog(&packs, global.lang);
            let text = serde_json::to_string_pretty(&catalog)? + "\n";
            match file {
                Some(path) => std::fs::write(&path, text).say(|| {
                    let p = path.display();
                    (format!("`{p}` に書けません"), format!("cannot write `{p}`"))
                })?,
                None => out(&text)?,
            }
            Ok(())
        }
        Command::List => {
            let store = global.store()?;
            let installed = store.installed()?;
            if installed.is_empty() {
                say(format!(
                    "no pack is installed in `{}`",
                    global.home()?.display()
                ));
            }
            for (name, version, path) in installed {
                out(&format!("{name} {version} {}\n", path.display()))?;
            }
            Ok(())
        }
    }
}

fn installed_line(i: &mizuchi::Installation) -> String {
    let keys: Vec<&str> = i.signed.keys.iter().map(|k| short(k)).collect();
    match (&i.previous, i.unchanged) {
        (_, true) => format!("{} {} is already installed\n", i.name, i.version),
        (Some(prev), false) => format!(
            "installed {} {} (was {prev}); publisher {}, signed by {}\n",
            i.name,
            i.version,
            i.signed.publisher,
            keys.join(", ")
        ),
        (None, false) => format!(
            "installed {} {}; publisher {}, signed by {}\n",
            i.name,
            i.version,
            i.signed.publisher,
            keys.join(", ")
        ),
    }
}
