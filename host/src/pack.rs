//! A rule pack loaded for evaluation: its modules compiled, their ABI checked,
//! their rules listed.
//!
//! A pack is, for now, a directory of rule components (`*.wasm`) with an
//! optional `pack.json` naming it (`{"name": "...", "version": "..."}`).
//! Modules are taken in file-name order; a module's rules in the order it lists
//! them. That order is the order of every report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use mizuchi_evidence::{SectionKind, Text};
use semver::{Version, VersionReq};
use serde::Deserialize;

use crate::abi::{self, RuleModulePre, wit_types as ty};
use crate::digest::sha256_hex;
use crate::engine::{Runtime, RuntimeError};
use crate::report::{Force, ModuleInfo, PackInfo, ParamValue};
use crate::sandbox::{self, Failure, RunInput};

/// Why a pack cannot be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    #[error("cannot read the pack at `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the pack at `{0}` holds no rule module (`*.wasm`); build the rules first (`cargo xtask build`)"
    )]
    Empty(PathBuf),
    #[error("`{path}` is not a valid pack description: {message}")]
    Description { path: PathBuf, message: String },
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    #[error("cannot prepare `{module}` for instantiation: {message}")]
    Link { module: String, message: String },
    #[error(
        "rule `{rule}` is provided by both `{first}` and `{second}`; a rule id must be unique in a pack"
    )]
    DuplicateRule {
        rule: String,
        first: String,
        second: String,
    },
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ParamKind {
    Integer,
    Boolean,
    Text,
    TextList,
}

/// A parameter a rule declares.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ParamSpec {
    pub key: String,
    pub kind: ParamKind,
    pub default: ParamValue,
    pub description: Text,
}

/// A section a rule reads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Need {
    pub section: SectionKind,
    pub format: String,
    #[serde(skip)]
    pub req: VersionReq,
}

/// What a rule declares about itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub version: Version,
    pub title: Text,
    pub section: String,
    pub force: Force,
    pub needs: Vec<Need>,
    pub params: Vec<ParamSpec>,
}

/// A module of the pack.
pub struct Module {
    pub name: String,
    pub sha256: String,
    pub size: u64,
    /// The rule ABI it was built against, when it could be read.
    pub abi: Option<Version>,
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

/// A loaded pack.
#[derive(Debug)]
pub struct Pack {
    pub name: String,
    pub version: String,
    /// SHA-256 over the modules' names and digests.
    pub digest: String,
    pub modules: Vec<Module>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Description {
    name: String,
    version: String,
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
    for n in r.needs {
        let section: SectionKind = n
            .section
            .parse()
            .map_err(|e| format!("rule `{id}` needs an unknown section: {e}"))?;
        let req = VersionReq::parse(&n.format).map_err(|e| {
            format!("rule `{id}` needs `{section}` in format `{}`, which is not a semver requirement: {e}", n.format)
        })?;
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
        params,
    })
}

/// Compiles one module, checks its ABI and lists its rules.
fn load_module(runtime: &Runtime, name: String, bytes: &[u8]) -> Result<Module, PackError> {
    let sha256 = sha256_hex(bytes);
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
    /// Loads every `*.wasm` module of a pack directory.
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
        let (name, version) = match std::fs::read(&desc_path) {
            Ok(bytes) => {
                let d: Description =
                    serde_json::from_slice(&bytes).map_err(|e| PackError::Description {
                        path: desc_path.clone(),
                        message: e.to_string(),
                    })?;
                (d.name, d.version)
            }
            Err(_) => (
                dir.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "pack".into()),
                "0.0.0".into(),
            ),
        };
        let mut modules = Vec::new();
        for path in files {
            let bytes = std::fs::read(&path).map_err(|source| PackError::Io {
                path: path.clone(),
                source,
            })?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            modules.push(load_module(runtime, name, &bytes)?);
        }
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for m in &modules {
            for r in m.rules() {
                if let Some(first) = seen.insert(&r.id, &m.name) {
                    return Err(PackError::DuplicateRule {
                        rule: r.id.clone(),
                        first: first.to_owned(),
                        second: m.name.clone(),
                    });
                }
            }
        }
        let listing: String = modules
            .iter()
            .map(|m| format!("{}\0{}\n", m.name, m.sha256))
            .collect();
        Ok(Pack {
            name,
            version,
            digest: sha256_hex(listing.as_bytes()),
            modules,
        })
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
