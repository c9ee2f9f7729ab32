//! The WebAssembly side: bindings generated from the WIT, the exports that
//! dispatch to a module's rules, and the evidence source backed by the host.

use std::marker::PhantomData;

use mizuchi_evidence::stream::{AuthEntry, DoorEntry, Symbols};
use mizuchi_evidence::{Date, SectionKind, Text};

use crate::ctx::{Batches, BundleInfo, EvidenceSource, SourceError, decode_into};
use crate::{Ctx, Finding, Force, ParamDefault, ParamValue, Rule, Status};

/// Bindings generated from `sdk/wit/rule.wit`, the one definition of the ABI.
#[allow(missing_docs, unreachable_pub, clippy::all)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit",
        world: "rule-module",
        generate_all,
        pub_export_macro: true,
        export_macro_name: "__export_rule_module",
    });
}

use bindings::exports::mizuchi::rule::rules::Guest;
use bindings::mizuchi::encoding::read as encoded;
use bindings::mizuchi::rule::evidence as host;
use bindings::mizuchi::rule::types as abi;

/// A set of rules compiled into one module; implemented by [`crate::export_rules!`].
pub trait Module {
    /// Every rule the module exports, in the order `list-rules` reports them.
    fn rules() -> &'static [Rule];
}

/// The module's exports, generic over its rules.
#[derive(Debug)]
pub struct Exports<M>(PhantomData<M>);

impl<M: Module> Guest for Exports<M> {
    fn list_rules() -> Vec<abi::RuleInfo> {
        M::rules().iter().map(rule_info).collect()
    }

    fn evaluate(ctx: abi::Context) -> Result<Vec<abi::Finding>, String> {
        let Some(rule) = M::rules().iter().find(|r| r.id == ctx.rule_id) else {
            return Err(format!("this module has no rule `{}`", ctx.rule_id));
        };
        let as_of: Date = ctx
            .as_of
            .parse()
            .map_err(|e| format!("assessment date `{}`: {e}", ctx.as_of))?;
        let overrides: Vec<(String, ParamValue)> = ctx
            .params
            .into_iter()
            .map(|(k, v)| (k, param_value(v)))
            .collect();
        let params = rule.resolve_params(&overrides).map_err(|e| e.to_string())?;
        let mut source = HostSource;
        let mut rctx = Ctx::new(rule, as_of, params, &mut source);
        let findings = (rule.eval)(&mut rctx).map_err(|e| e.to_string())?;
        findings.into_iter().map(finding).collect()
    }
}

fn text(t: Text) -> abi::Text {
    abi::Text { ja: t.ja, en: t.en }
}

fn rule_info(r: &Rule) -> abi::RuleInfo {
    abi::RuleInfo {
        id: r.id.into(),
        version: r.version.into(),
        title: abi::Text {
            ja: r.title.ja.into(),
            en: r.title.en.into(),
        },
        section: r.section.into(),
        force: match r.force {
            Force::Ordinance => abi::Force::Ordinance,
            Force::Recommended => abi::Force::Recommended,
        },
        needs: r
            .needs
            .iter()
            .map(|n| abi::EvidenceNeed {
                section: n.section.as_str().into(),
                format: n.format.into(),
            })
            .collect(),
        params: r
            .params
            .iter()
            .map(|p| abi::ParamSpec {
                key: p.key.into(),
                kind: match p.default {
                    ParamDefault::Integer(_) => abi::ParamKind::Integer,
                    ParamDefault::Boolean(_) => abi::ParamKind::Boolean,
                    ParamDefault::Text(_) => abi::ParamKind::Text,
                    ParamDefault::TextList(_) => abi::ParamKind::TextList,
                },
                default: abi_param(p.default.to_value()),
                description: abi::Text {
                    ja: p.description.ja.into(),
                    en: p.description.en.into(),
                },
            })
            .collect(),
    }
}

fn abi_param(v: ParamValue) -> abi::ParamValue {
    match v {
        ParamValue::Integer(v) => abi::ParamValue::Integer(v),
        ParamValue::Boolean(v) => abi::ParamValue::Boolean(v),
        ParamValue::Text(v) => abi::ParamValue::Text(v),
        ParamValue::TextList(v) => abi::ParamValue::TextList(v),
    }
}

fn param_value(v: abi::ParamValue) -> ParamValue {
    match v {
        abi::ParamValue::Integer(v) => ParamValue::Integer(v),
        abi::ParamValue::Boolean(v) => ParamValue::Boolean(v),
        abi::ParamValue::Text(v) => ParamValue::Text(v),
        abi::ParamValue::TextList(v) => ParamValue::TextList(v),
    }
}

fn finding(f: Finding) -> Result<abi::Finding, String> {
    let status = match f.status {
        Status::Pass => abi::Status::Pass,
        Status::PassAlternative => abi::Status::PassAlternative,
        Status::Fail => abi::Status::Fail,
        Status::Warn => abi::Status::Warn,
        Status::NotApplicable => abi::Status::NotApplicable,
        Status::InsufficientEvidence => abi::Status::InsufficientEvidence,
        Status::Waived => {
            return Err(format!(
                "the rule returned `waived` for {} {}; only the host waives a failure, from a recorded risk acceptance",
                f.subject.kind, f.subject.id
            ));
        }
    };
    Ok(abi::Finding {
        subject: abi::Subject {
            kind: f.subject.kind,
            id: f.subject.id,
        },
        status,
        message: text(f.message),
        refs: f
            .refs
            .into_iter()
            .map(|r| abi::EvidenceRef {
                section: r.section,
                locator: r.locator,
            })
            .collect(),
    })
}

/// Evidence from the host: the bundle's description from `evidence`, the
/// sections themselves through `mizuchi:encoding/read`, in the encoding this
/// crate was built with (the version of the import names it, and the host
/// refuses a module whose encoding it does not serve).
struct HostSource;

fn source_error(e: encoded::ReadError) -> Result<bool, SourceError> {
    match e {
        encoded::ReadError::Absent(_) => Ok(false),
        encoded::ReadError::NotDeclared(_) => Err(SourceError::NotDeclared),
        encoded::ReadError::Unreadable(m) => Err(SourceError::Unreadable(m)),
    }
}

fn present<T>(r: Result<T, encoded::ReadError>) -> Result<Option<T>, SourceError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) => source_error(e).map(|_| None),
    }
}

impl EvidenceSource for HostSource {
    fn bundle_info(&mut self) -> BundleInfo {
        let b = host::bundle();
        BundleInfo {
            utility_id: b.utility_id,
            utility_name: Text::new(b.utility_name.ja, b.utility_name.en),
            collected_on: b.collected_on.parse().unwrap_or(Date::MIN),
            format_version: b.format_version,
        }
    }

    fn document(&mut self, section: SectionKind) -> Result<Option<Vec<u8>>, SourceError> {
        // Parsed once by the host for every rule, and cheap to decode.
        present(encoded::document(section.as_str()))
    }

    fn extension_json(&mut self, section: &str) -> Result<Option<String>, SourceError> {
        // Extension sections have no binary encoding: the host checked the
        // file against its pack's schema and hands it over as JSON.
        match host::document_json(section) {
            Ok(json) => Ok(Some(json)),
            Err(host::EvidenceError::Absent(_)) => Ok(None),
            Err(host::EvidenceError::NotDeclared(_)) => Err(SourceError::NotDeclared),
            Err(host::EvidenceError::Unreadable(m)) => Err(SourceError::Unreadable(m)),
        }
    }

    fn auth_events(&mut self) -> Result<Option<Box<dyn Batches<AuthEntry>>>, SourceError> {
        Ok(present(encoded::open_auth_events())?
            .map(|c| Box::new(HostAuth(c)) as Box<dyn Batches<AuthEntry>>))
    }

    fn door_events(&mut self) -> Result<Option<Box<dyn Batches<DoorEntry>>>, SourceError> {
        Ok(present(encoded::open_door_events())?
            .map(|c| Box::new(HostDoor(c)) as Box<dyn Batches<DoorEntry>>))
    }
}

struct HostAuth(encoded::AuthEvents);

impl Batches<AuthEntry> for HostAuth {
    fn next_batch(
        &mut self,
        max: u32,
        symbols: &mut Symbols,
        out: &mut Vec<AuthEntry>,
    ) -> Result<bool, SourceError> {
        let batch = match self.0.next(max) {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(false),
            Err(e) => return source_error(e),
        };
        symbols.extend(&batch.symbols);
        decode_into(&batch.events, out)?;
        Ok(true)
    }
}

struct HostDoor(encoded::DoorEvents);

impl Batches<DoorEntry> for HostDoor {
    fn next_batch(
        &mut self,
        max: u32,
        symbols: &mut Symbols,
        out: &mut Vec<DoorEntry>,
    ) -> Result<bool, SourceError> {
        let batch = match self.0.next(max) {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(false),
            Err(e) => return source_error(e),
        };
        symbols.extend(&batch.symbols);
        decode_into(&batch.events, out)?;
        Ok(true)
    }
}
