//! A rule pack loaded for evaluation: its modules compiled, their ABI checked,
//! their rules listed.
//!
//! A pack comes from a signed pack file ([`crate::packfile`]), whose trust is
//! decided before any module is compiled, or, for a rule author's local work,
//! from a directory of rule components (`*.wasm`) with an optional `pack.json`
//! naming it; such a pack is unsigned and every result it gives says so.
//! Modules are taken in path order; a module's rules in the order it lists
//! them. A [`PackSet`] is the packs of one evaluation, in the order given; that
//! order is the order of every report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use mizuchi_evidence::{Date, ExtensionName, SectionKind, Text};
use semver::{Version, VersionReq};

use crate::abi::{self, RuleModulePre, wit_types as ty};
use crate::engine::{Runtime, RuntimeError};
use crate::extension::ExtensionSection;
use crate::packfile::{ManifestTemplate, PackFile, PackFileError, RuleEntry};
use crate::sandbox::{self, Failure, RunInput};
use crate::trust::{Signed, TrustError, TrustStore};
use mizuchi_ledger::digest::sha256_hex;
use mizuchi_report::{Force, ModuleInfo, PackInfo, ParamValue};

/// Why a pack cannot be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    #[error("cannot read the pack at `{path}`: {source}")]
    /// A file of the pack could not be read.
    Io {
        /// The file.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error("the pack at `{0}` holds no rule module (`*.wasm`); build the rule components first")]
    /// The directory holds no rule component.
    Empty(PathBuf),
    #[error("`{path}` is not a valid pack description: {message}")]
    /// The pack's description is not valid.
    Description {
        /// The `pack.json`.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    #[error(transparent)]
    /// The runtime could not compile a module.
    Runtime(#[from] RuntimeError),
    #[error("cannot prepare `{module}` for instantiation: {message}")]
    /// A module could not be prepared for instantiation.
    Link {
        /// The module.
        module: String,
        /// What the linker said.
        message: String,
    },
    #[error(
        "rule `{rule}` is provided by both `{first}` and `{second}`; a rule id must be unique among the packs of a run"
    )]
    /// Two modules provide the same rule.
    DuplicateRule {
        /// The rule.
        rule: String,
        /// Where it is first.
        first: String,
        /// Where it is again.
        second: String,
    },
    #[error(
        "rule `{rule}` reads the extension section `{section}`, which pack `{pack}` does not define; define it under `extensions` in the pack's `pack.json`, with its schema"
    )]
    /// A rule reads an extension section its pack does not define.
    UndefinedExtension {
        /// The rule.
        rule: String,
        /// The section.
        section: String,
        /// The pack.
        pack: String,
    },
    #[error(
        "packs `{first}` and `{second}` define the extension section `{section}` with different schemas; install one version of the publisher's packs"
    )]
    /// Two packs of a run define one extension section differently.
    ConflictingExtension {
        /// The section.
        section: String,
        /// The pack that defines it first.
        first: String,
        /// The pack that defines it again.
        second: String,
    },
    #[error(transparent)]
    /// The pack file is not valid.
    File(#[from] PackFileError),
    #[error(transparent)]
    /// The pack is not trusted.
    Trust(#[from] TrustError),
    #[error("module `{module}` cannot go in a pack: {message}")]
    /// A module cannot go in a pack.
    Unusable {
        /// The module.
        module: String,
        /// Why.
        message: String,
    },
    #[error(
        "module `{module}` provides {actual}, but the pack manifest lists {listed}; the pack is refused"
    )]
    /// A module provides other rules than its manifest entry lists.
    RulesDiffer {
        /// The module.
        module: String,
        /// The rules it provides.
        actual: String,
        /// The rules the manifest lists.
        listed: String,
    },
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ParamKind {
    /// An integer.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A text.
    Text,
    /// A list of texts.
    TextList,
}

/// A parameter a rule declares.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ParamSpec {
    /// The parameter's key.
    pub key: String,
    /// Its type.
    pub kind: ParamKind,
    /// Its default value.
    pub default: ParamValue,
    /// What it means, in both languages.
    pub description: Text,
}

/// A section a rule reads: an official one, or (with `S` =
/// [`ExtensionName`]) one its pack defines.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Need<S = SectionKind> {
    /// The section.
    pub section: S,
    /// The evidence-format versions the rule understands, as written.
    pub format: String,
    #[serde(skip)]
    /// The same, parsed.
    pub req: VersionReq,
}

/// What a rule declares about itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleInfo {
    /// The rule's id.
    pub id: String,
    /// The version of its logic.
    pub version: Version,
    /// Its title, in both languages.
    pub title: Text,
    /// The guideline section it derives from.
    pub section: String,
    /// The legal force of what it checks.
    pub force: Force,
    /// The evidence sections it reads.
    pub needs: Vec<Need>,
    /// The extension sections (defined by its pack) it reads.
    pub extensions: Vec<Need<ExtensionName>>,
    /// The parameters a utility may tailor.
    pub params: Vec<ParamSpec>,
}

/// A module of the pack.
pub struct Module {
    name: String,
    sha256: String,
    size: u64,
    abi: Option<Version>,
    pub(crate) state: ModuleState,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.name)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

pub(crate) enum ModuleState {
    Ready {
        pre: Box<RuleModulePre<sandbox::RunState>>,
        rules: Vec<RuleInfo>,
    },
    /// Refused before or while listing its rules: the reason.
    Refused {
        cause: &'static str,
        message: String,
    },
}

impl Module {
    /// The module's file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The SHA-256 of its bytes, as verified.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The rule ABI it was built against, when it could be read.
    pub fn abi(&self) -> Option<&Version> {
        self.abi.as_ref()
    }

    /// The rules the module provides; empty if it was refused.
    pub fn rules(&self) -> &[RuleInfo] {
        match &self.state {
            ModuleState::Ready { rules, .. } => rules,
            ModuleState::Refused { .. } => &[],
        }
    }

    /// Why the module was refused, if it was.
    pub fn refusal(&self) -> Option<&str> {
        match &self.state {
            ModuleState::Refused { message, .. } => Some(message),
            ModuleState::Ready { .. } => None,
        }
    }
}

/// How much of a pack file is trusted.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Verification<'a> {
    /// Signed by a publisher of `store`; current on `today` unless it is
    /// `None` (replaying a past run).
    Trusted {
        /// The trust store that decides.
        store: &'a TrustStore,
        /// The day expiry is checked against.
        today: Option<Date>,
    },
    /// `--allow-unsigned`: the structure is checked, the signatures are not,
    /// and every result says so.
    AllowUnsigned,
}

/// A loaded pack: its identity and provenance as verified, and its modules
/// compiled. Its fields cannot be set from outside: what a result says of a
/// pack comes from here.
#[derive(Debug)]
pub struct Pack {
    name: String,
    version: String,
    digest: String,
    published_on: Option<mizuchi_evidence::Date>,
    signed: Option<Signed>,
    modules: Vec<Module>,
    extensions: Vec<ExtensionSection>,
}

fn text(t: ty::Text) -> Text {
    Text::new(t.ja, t.en)
}

pub(crate) fn param_value(v: ty::ParamValue) -> ParamValue {
    match v {
        ty::ParamValue::Integer(v) => ParamValue::Integer(v),
        ty::ParamValue::Boolean(v) => ParamValue::Boolean(v),
        ty::ParamValue::Text(v) => ParamValue::Text(v),
        ty::ParamValue::TextList(v) => ParamValue::TextList(v),
    }
}

/// Checks and converts what a module says about its rules.
fn rule_info(r: ty::RuleInfo) -> Result<RuleInfo, String> {
    let id = r.id;
    let version = Version::parse(&r.version).map_err(|e| {
        format!(
            "rule `{id}` has version `{}`, which is not semver: {e}",
            r.version
        )
    })?;
    let mut needs = Vec::new();
    let mut extensions = Vec::new();
    for n in r.needs {
        let req = VersionReq::parse(&n.format).map_err(|e| {
            format!(
                "rule `{id}` needs `{}` in format `{}`, which is not a semver requirement: {e}",
                n.section, n.format
            )
        })?;
        if n.section.starts_with("x-") {
            let section: ExtensionName = n
                .section
                .parse()
                .map_err(|e| format!("rule `{id}` needs an extension section: {e}"))?;
            extensions.push(Need {
                section,
                format: n.format,
                req,
            });
            continue;
        }
        let section: SectionKind = n
            .section
            .parse()
            .map_err(|e| format!("rule `{id}` needs an unknown section: {e}"))?;
        needs.push(Need {
            section,
            format: n.format,
            req,
        });
    }
    let mut params = Vec::new();
    let mut keys = BTreeSet::new();
    for p in r.params {
        if !keys.insert(p.key.clone()) {
            return Err(format!("rule `{id}` declares parameter `{}` twice", p.key));
        }
        let kind = match p.kind {
            ty::ParamKind::Integer => ParamKind::Integer,
            ty::ParamKind::Boolean => ParamKind::Boolean,
            ty::ParamKind::Text => ParamKind::Text,
            ty::ParamKind::TextList => ParamKind::TextList,
        };
        let default = param_value(p.default);
        let matches = matches!(
            (kind, &default),
            (ParamKind::Integer, ParamValue::Integer(_))
                | (ParamKind::Boolean, ParamValue::Boolean(_))
                | (ParamKind::Text, ParamValue::Text(_))
                | (ParamKind::TextList, ParamValue::TextList(_))
        );
        if !matches {
            return Err(format!(
                "rule `{id}` parameter `{}` has a default of another type",
                p.key
            ));
        }
        params.push(ParamSpec {
            key: p.key,
            kind,
            default,
            description: text(p.description),
        });
    }
    Ok(RuleInfo {
        id,
        version,
        title: text(r.title),
        section: r.section,
        force: match r.force {
            ty::Force::Ordinance => Force::Ordinance,
            ty::Force::Recommended => Force::Recommended,
        },
        needs,
        extensions,
        params,
    })
}

/// Compiles one module whose SHA-256 is `sha256`, checks its ABI and lists
/// its rules.
pub(crate) fn load_module(
    runtime: &Runtime,
    name: String,
    bytes: &[u8],
    sha256: String,
) -> Result<Module, PackError> {
    let size = bytes.len() as u64;
    let component = runtime.compile(&name, bytes, &sha256)?;
    let refused = |abi, cause, message| Module {
        name: name.clone(),
        sha256: sha256.clone(),
        size,
        abi,
        state: ModuleState::Refused { cause, message },
    };
    let abi = match abi::check(runtime.engine(), &component) {
        Ok(v) => v,
        Err(e) => {
            let found = match &e {
                abi::AbiError::Incompatible { found, .. } => Some(found.clone()),
                _ => None,
            };
            tracing::warn!(module = %name, error = %e, "module refused");
            return Ok(refused(
                found,
                "abi",
                format!("module `{name}` was refused before instantiation: {e}"),
            ));
        }
    };
    let linker = sandbox::linker(runtime.engine()).map_err(|e| PackError::Link {
        module: name.clone(),
        message: e.to_string(),
    })?;
    let pre = linker
        .instantiate_pre(&component)
        .and_then(RuleModulePre::new)
        .map_err(|e| PackError::Link {
            module: name.clone(),
            message: format!("{e:#}"),
        })?;
    let out = sandbox::run(
        &pre,
        RunInput {
            as_of: None,
            evidence: None,
            fuel: runtime.limits().fuel,
            limits: runtime.limits().clone(),
        },
        |rules: &Vec<ty::RuleInfo>| rules.len() * 1024,
        |m, store| Ok(Ok(m.mizuchi_rule_rules().call_list_rules(store)?)),
    );
    let listed = match out.result {
        Ok(rules) => rules,
        Err(f) => {
            let why = match f {
                Failure::Limit(_, m) | Failure::Panic(m) | Failure::Rule(m) | Failure::Trap(m) => m,
            };
            return Ok(refused(
                Some(abi),
                "trap",
                format!("module `{name}` could not list its rules: {why}"),
            ));
        }
    };
    let mut rules = Vec::new();
    for r in listed {
        match rule_info(r) {
            Ok(r) => rules.push(r),
            Err(e) => return Ok(refused(Some(abi), "abi", format!("module `{name}`: {e}"))),
        }
    }
    Ok(Module {
        name,
        sha256,
        size,
        abi: Some(abi),
        state: ModuleState::Ready {
            pre: Box::new(pre),
            rules,
        },
    })
}

impl Pack {
    /// Loads every `*.wasm` module of a directory, for a rule author's local
    /// work: the pack is unsigned. A `pack.json` in the directory, in the form
    /// `mizuchi pack build` takes as its template, names it.
    pub fn load_dir(runtime: &Runtime, dir: &Path) -> Result<Pack, PackError> {
        let io = |source| PackError::Io {
            path: dir.to_owned(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "wasm") && p.is_file())
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(PackError::Empty(dir.to_owned()));
        }
        let desc_path = dir.join("pack.json");
        let (name, version, extensions) = match mizuchi_ledger::files::read(&desc_path) {
            Ok(bytes) => {
                let d: ManifestTemplate =
                    serde_json::from_slice(&bytes).map_err(|e| PackError::Description {
                        path: desc_path.clone(),
                        message: e.to_string(),
                    })?;
                let extensions = d.read_extensions(dir)?;
                crate::extension::check_definitions(&d.publisher, &extensions)
                    .map_err(PackFileError::Extension)?;
                (d.name, d.version, extensions)
            }
            // No description: the directory names the pack.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
                dir.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "pack".into()),
                "0.0.0".into(),
                Vec::new(),
            ),
            Err(source) => {
                return Err(PackError::Io {
                    path: desc_path,
                    source,
                });
            }
        };
        let mut pack = Pack::load_components(runtime, name, version, &files)?;
        pack.extensions = extensions;
        pack.check_extension_needs()?;
        Ok(pack)
    }

    /// Loads rule components (`*.wasm` files) as one unsigned pack named
    /// `name` at `version`, for a rule author's local work and tests.
    pub fn load_components(
        runtime: &Runtime,
        name: String,
        version: String,
        files: &[PathBuf],
    ) -> Result<Pack, PackError> {
        let mut modules = Vec::new();
        for path in files {
            let bytes = mizuchi_ledger::files::read(path).map_err(|source| PackError::Io {
                path: path.clone(),
                source,
            })?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let sha256 = sha256_hex(&bytes);
            modules.push(load_module(runtime, name, &bytes, sha256)?);
        }
        let listing: String = modules
            .iter()
            .map(|m| format!("{}\0{}\n", m.name, m.sha256))
            .collect();
        let pack = Pack {
            name,
            version,
            digest: sha256_hex(listing.as_bytes()),
            published_on: None,
            signed: None,
            modules,
            extensions: Vec::new(),
        };
        pack.check_unique()?;
        Ok(pack)
    }

    /// Loads a pack file. Its structure and every module's digest are
    /// checked, and with [`Verification::Trusted`] its signatures, namespaces
    /// and expiry, all before any module is compiled; each module must then
    /// provide exactly the rules the manifest lists.
    pub fn from_file(
        runtime: &Runtime,
        path: &Path,
        verification: Verification<'_>,
    ) -> Result<Pack, PackError> {
        let file = PackFile::read(path)?;
        let signed = match verification {
            Verification::Trusted { store, today } => Some(store.check(&file, today)?),
            Verification::AllowUnsigned => None,
        };
        Pack::from_pack_file(runtime, &file, signed)
    }

    /// Compiles the modules of a pack file whose trust was decided (`signed`)
    /// and checks that each provides exactly the rules the manifest lists.
    /// `file` is as [`PackFile::read`] returned it, which checked every
    /// module's bytes against its digest in the (signed) manifest: that
    /// digest is then the module's, without hashing it again.
    pub(crate) fn from_pack_file(
        runtime: &Runtime,
        file: &PackFile,
        signed: Option<Signed>,
    ) -> Result<Pack, PackError> {
        let mut modules = Vec::new();
        for entry in &file.manifest().modules {
            let bytes = file.module(&entry.path).unwrap_or_default();
            let name = entry
                .path
                .rsplit('/')
                .next()
                .unwrap_or(&entry.path)
                .to_owned();
            // Reading the pack file checked the bytes against this digest.
            let module = load_module(runtime, name.clone(), bytes, entry.sha256.clone())?;
            let mut actual: Vec<RuleEntry> = module
                .rules()
                .iter()
                .map(|r| RuleEntry {
                    id: r.id.clone(),
                    version: r.version.to_string(),
                })
                .collect();
            let mut listed = entry.rules.clone();
            actual.sort();
            listed.sort();
            if module.refusal().is_none() && actual != listed {
                let show = |v: &[RuleEntry]| {
                    v.iter()
                        .map(|r| format!("{} {}", r.id, r.version))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Err(PackError::RulesDiffer {
                    module: name,
                    actual: show(&actual),
                    listed: show(&listed),
                });
            }
            modules.push(module);
        }
        let pack = Pack {
            name: file.manifest().name.clone(),
            version: file.manifest().version.clone(),
            digest: file.digest(),
            published_on: Some(file.manifest().published_on),
            signed,
            modules,
            extensions: file.manifest().extensions.clone(),
        };
        pack.check_unique()?;
        pack.check_extension_needs()?;
        Ok(pack)
    }

    /// The pack's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When its publisher published it, as its manifest says; `None` for a
    /// directory of components, which has no manifest.
    pub fn published_on(&self) -> Option<mizuchi_evidence::Date> {
        self.published_on
    }

    /// The pack's version, as its manifest says.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// SHA-256 of the signed manifest; for a directory of components, over
    /// the modules' names and digests.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Who vouches for it; `None` for an unsigned pack.
    pub fn signed(&self) -> Option<&Signed> {
        self.signed.as_ref()
    }

    /// The modules, in path order.
    pub fn modules(&self) -> &[Module] {
        &self.modules
    }

    /// The evidence sections the pack defines, with their schemas.
    pub fn extensions(&self) -> &[ExtensionSection] {
        &self.extensions
    }

    /// Every extension section a rule reads is one its own pack defines:
    /// nothing else says what the section's files must hold.
    fn check_extension_needs(&self) -> Result<(), PackError> {
        extension_needs_defined(&self.name, self.rules().map(|(_, r)| r), &self.extensions)
    }

    fn check_unique(&self) -> Result<(), PackError> {
        unique(self.rules().map(|(m, r)| (m.name.clone(), r.id.as_str())))
    }

    /// Every rule, with its module, in pack order.
    pub fn rules(&self) -> impl Iterator<Item = (&Module, &RuleInfo)> {
        self.modules
            .iter()
            .flat_map(|m| m.rules().iter().map(move |r| (m, r)))
    }

    /// The pack as reports describe it.
    pub fn info(&self) -> PackInfo {
        PackInfo {
            name: self.name.clone(),
            version: self.version.clone(),
            digest: self.digest.clone(),
            publisher: self.signed.as_ref().map(|s| s.publisher.clone()),
            signed_by: self
                .signed
                .as_ref()
                .map(|s| s.keys.clone())
                .unwrap_or_default(),
            unsigned: self.signed.is_none(),
            modules: self
                .modules
                .iter()
                .map(|m| ModuleInfo {
                    name: m.name.clone(),
                    sha256: m.sha256.clone(),
                    abi: m.abi.as_ref().map(Version::to_string),
                })
                .collect(),
        }
    }
}

fn extension_needs_defined<'a>(
    pack: &str,
    rules: impl Iterator<Item = &'a RuleInfo>,
    defined: &[ExtensionSection],
) -> Result<(), PackError> {
    for rule in rules {
        for need in &rule.extensions {
            if !defined.iter().any(|d| d.section == need.section) {
                return Err(PackError::UndefinedExtension {
                    rule: rule.id.clone(),
                    section: need.section.to_string(),
                    pack: pack.to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// Builds an unsigned pack file from rule components (file name, bytes): each
/// is compiled and asked for its rules, which the manifest then lists with
/// their versions, with the extension sections the pack defines
/// ([`ManifestTemplate::read_extensions`]). Sign the result with
/// [`PackFile::sign`].
pub fn build_pack(
    runtime: &Runtime,
    template: &ManifestTemplate,
    components: Vec<(String, Vec<u8>)>,
    extensions: Vec<ExtensionSection>,
) -> Result<PackFile, PackError> {
    let mut infos = Vec::new();
    let mut modules = Vec::new();
    let mut provided = Vec::new();
    for (name, bytes) in components {
        let sha256 = sha256_hex(&bytes);
        let module = load_module(runtime, name.clone(), &bytes, sha256)?;
        if let Some(why) = module.refusal() {
            return Err(PackError::Unusable {
                module: name,
                message: why.to_owned(),
            });
        }
        if module.rules().is_empty() {
            return Err(PackError::Unusable {
                module: name,
                message: "it provides no rule".into(),
            });
        }
        let rules: Vec<RuleEntry> = module
            .rules()
            .iter()
            .map(|r| RuleEntry {
                id: r.id.clone(),
                version: r.version.to_string(),
            })
            .collect();
        provided.extend(rules.iter().map(|r| (name.clone(), r.id.clone())));
        infos.extend(module.rules().iter().cloned());
        modules.push((name, bytes, rules));
    }
    unique(provided.iter().map(|(m, r)| (m.clone(), r.as_str())))?;
    let file = PackFile::build(template, modules, extensions)?;
    extension_needs_defined(&template.name, infos.iter(), &file.manifest().extensions)?;
    Ok(file)
}

/// Fails on the first rule id given twice; `place` says where each is from.
fn unique<'a>(rules: impl Iterator<Item = (String, &'a str)>) -> Result<(), PackError> {
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for (place, id) in rules {
        if let Some(first) = seen.insert(id, place.clone()) {
            return Err(PackError::DuplicateRule {
                rule: id.to_owned(),
                first,
                second: place,
            });
        }
    }
    Ok(())
}

/// The packs of one evaluation, in order; no rule id is provided twice.
#[derive(Debug)]
pub struct PackSet {
    packs: Vec<Pack>,
}

impl PackSet {
    /// Puts packs together, refusing a rule id that two of them provide and
    /// an extension section that two of them define differently.
    pub fn new(packs: Vec<Pack>) -> Result<PackSet, PackError> {
        unique(packs.iter().flat_map(|p| {
            p.rules()
                .map(move |(m, r)| (format!("{}/{}", p.name, m.name), r.id.as_str()))
        }))?;
        let set = PackSet { packs };
        let all = set.extensions();
        for (i, (pack, def)) in all.iter().enumerate() {
            if let Some((first, _)) = all[..i]
                .iter()
                .find(|(_, d)| d.section == def.section && d.schema != def.schema)
            {
                return Err(PackError::ConflictingExtension {
                    section: def.section.to_string(),
                    first: (*first).to_owned(),
                    second: (*pack).to_owned(),
                });
            }
        }
        Ok(set)
    }

    /// Every extension section the packs define, with the defining pack's name.
    pub fn extensions(&self) -> Vec<(&str, &ExtensionSection)> {
        self.packs
            .iter()
            .flat_map(|p| p.extensions.iter().map(move |e| (p.name.as_str(), e)))
            .collect()
    }

    /// The packs, in order.
    pub fn packs(&self) -> &[Pack] {
        &self.packs
    }

    /// Every rule with its pack and module, in order.
    pub fn rules(&self) -> impl Iterator<Item = (&Pack, &Module, &RuleInfo)> {
        self.packs
            .iter()
            .flat_map(|p| p.rules().map(move |(m, r)| (p, m, r)))
    }

    /// The rule `id`, with its pack and module.
    pub fn rule(&self, id: &str) -> Option<(&Pack, &Module, &RuleInfo)> {
        self.rules().find(|(_, _, r)| r.id == id)
    }

    /// Every evidence section read by the rules `only` names (by every rule
    /// when `only` is empty).
    pub fn sections(&self, only: &[String]) -> Vec<SectionKind> {
        let set: BTreeSet<SectionKind> = self
            .rules()
            .filter(|(_, _, r)| only.is_empty() || only.contains(&r.id))
            .flat_map(|(_, _, r)| r.needs.iter().map(|n| n.section))
            .collect();
        set.into_iter().collect()
    }
}

/// Whether a bundle feeds a rule: every section the rule reads, and how
/// many records the bundle holds of it (`None`: the bundle has no such
/// section, so the rule will say "insufficient evidence" for it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleCoverage {
    /// The rule's id.
    pub rule: String,
    /// The pack that provides it.
    pub pack: String,
    /// Its title.
    pub title: Text,
    /// Its legal force.
    pub force: Force,
    /// The sections it reads, in the order it declared them.
    pub needs: Vec<SectionCoverage>,
}

/// One section a rule reads, as the bundle holds it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SectionCoverage {
    /// The section.
    pub section: SectionKind,
    /// Its records (of every list for a document, events for a log);
    /// `None` when the bundle does not hold the section.
    pub records: Option<u64>,
}

impl RuleCoverage {
    /// The sections the rule reads that the bundle does not hold.
    pub fn missing(&self) -> impl Iterator<Item = SectionKind> + '_ {
        self.needs
            .iter()
            .filter(|n| n.records.is_none())
            .map(|n| n.section)
    }
}

impl PackSet {
    /// For every rule, which of the sections it reads `bundle` holds: what a
    /// utility sees before evaluating, to know which rules will lack
    /// evidence and why.
    pub fn coverage(&self, bundle: &crate::BundleSummary) -> Vec<RuleCoverage> {
        self.rules()
            .map(|(p, _, r)| RuleCoverage {
                rule: r.id.clone(),
                pack: p.name.clone(),
                title: r.title.clone(),
                force: r.force,
                needs: r
                    .needs
                    .iter()
                    .map(|n| SectionCoverage {
                        section: n.section,
                        records: bundle
                            .sections
                            .get(n.section.as_str())
                            .map(|s| s.records.values().sum()),
                    })
                    .collect(),
            })
            .collect()
    }
}

impl From<Pack> for PackSet {
    fn from(pack: Pack) -> PackSet {
        PackSet { packs: vec![pack] }
    }
}
