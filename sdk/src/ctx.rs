//! What a rule sees while it evaluates: the assessment date, its parameters and
//! the evidence it declared, whether it runs in the sandbox or natively.

use mizuchi_evidence::stream::{AuthEntry, DoorEntry, Encoded, Symbols};
use mizuchi_evidence::{Date, Document, SectionKind, Text};

use crate::rule::{ParamValue, Params, Rule};

/// Why a rule could not run. A requirement that is not met is a failed
/// finding, never an error: return `Err` only when the rule cannot decide
/// at all (the host records the outcome `error` with this text).
///
/// ```
/// use mizuchi_sdk::RuleError;
///
/// let e = RuleError::msg("the lifecycle table has no entry for this product");
/// assert_eq!(e.to_string(), "the lifecycle table has no entry for this product");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// The rule read a section it did not declare in its needs.
    #[error("the rule read evidence section `{0}` without declaring it in its needs")]
    NotDeclared(String),
    /// A section could not be read.
    #[error("evidence section `{section}` could not be read: {reason}")]
    Unreadable {
        /// The section.
        section: String,
        /// Why it could not be read.
        reason: String,
    },
    /// A parameter the rule does not declare.
    #[error("the rule has no parameter `{0}`")]
    UnknownParam(String),
    /// A parameter value of the wrong type.
    #[error("parameter `{0}` has a value of the wrong type")]
    ParamType(String),
    /// Anything else, in the rule's words.
    #[error("{0}")]
    Other(String),
}

impl RuleError {
    /// An error in the rule's own words.
    pub fn msg(message: impl Into<String>) -> Self {
        RuleError::Other(message.into())
    }
}

/// A failure of an evidence source, before the SDK names the section (an
/// [`EvidenceSource`] returns it; rules see [`RuleError`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceError {
    /// The host refused: the rule did not declare the section.
    NotDeclared,
    /// The section could not be read.
    Unreadable(String),
}

/// The bundle being assessed ([`Ctx::bundle`]; in findings, rarely needed:
/// the signed result names the bundle already).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleInfo {
    /// The utility's id.
    pub utility_id: String,
    /// The utility's name, in Japanese and English.
    pub utility_name: Text,
    /// When the evidence was collected.
    pub collected_on: Date,
    /// Semver version of the bundle's evidence format.
    pub format_version: String,
}

/// A source of log entries, one batch at a time: what [`Events`] reads from
/// (the host in the sandbox, files or values in [`crate::testing`]). Rules
/// use [`Events`], not this; an example of that is at [`Ctx`].
pub trait Batches<E> {
    /// Appends up to `max` entries to `out` and any new symbols to `symbols`.
    /// Returns `false` once the log is exhausted.
    fn next_batch(
        &mut self,
        max: u32,
        symbols: &mut Symbols,
        out: &mut Vec<E>,
    ) -> Result<bool, SourceError>;
}

/// Appends the entries of an encoded batch (the layout of
/// `mizuchi_evidence::stream::Encoded`) to `out`: how a batch reaches a rule,
/// in the sandbox and natively alike.
pub(crate) fn decode_into<E: Encoded>(bytes: &[u8], out: &mut Vec<E>) -> Result<(), SourceError> {
    out.reserve(bytes.len() / E::SIZE);
    for chunk in bytes.chunks_exact(E::SIZE) {
        let entry =
            E::decode(chunk).ok_or_else(|| SourceError::Unreadable("a damaged event".into()))?;
        out.push(entry);
    }
    Ok(())
}

/// Where evidence comes from: the host in the sandbox, files or values
/// natively ([`crate::testing::Evidence`], whose module shows it in use).
/// Rules never call it; [`Ctx`] does.
///
/// Rule authors do not implement this; the SDK provides the sources.
pub trait EvidenceSource {
    /// The bundle being assessed ([`Ctx::bundle`]; in findings, rarely needed:
    /// the signed result names the bundle already).
    fn bundle_info(&mut self) -> BundleInfo;
    /// The section's document, checked and encoded with
    /// `mizuchi_evidence::Document::encode` (the encoding this crate was
    /// built with); `None` if the bundle has no such section.
    fn document(&mut self, section: SectionKind) -> Result<Option<Vec<u8>>, SourceError>;
    /// The extension section `section` as JSON text (checked by the host
    /// against its pack's schema); `None` if the bundle has no such section.
    fn extension_json(&mut self, section: &str) -> Result<Option<String>, SourceError>;
    /// The authentication events, `None` if the bundle holds none.
    fn auth_events(&mut self) -> Result<Option<Box<dyn Batches<AuthEntry>>>, SourceError>;
    /// The door events, `None` if the bundle holds none.
    fn door_events(&mut self) -> Result<Option<Box<dyn Batches<DoorEntry>>>, SourceError>;
}

/// How many entries a stream asks for at a time.
const BATCH: u32 = 4096;

/// A stream of log entries. Holds one batch at a time; the symbol table grows
/// with the distinct strings seen, not with the number of entries.
pub struct Events<E> {
    section: SectionKind,
    source: Box<dyn Batches<E>>,
    symbols: Symbols,
    batch: Vec<E>,
    pos: usize,
    more: bool,
}

impl<E> std::fmt::Debug for Events<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("section", &self.section)
            .field("symbols", &self.symbols.len())
            .finish_non_exhaustive()
    }
}

impl<E: Copy> Events<E> {
    fn new(section: SectionKind, source: Box<dyn Batches<E>>) -> Self {
        Events {
            section,
            source,
            symbols: Symbols::new(),
            batch: Vec::new(),
            pos: 0,
            more: true,
        }
    }

    /// The next entry, `None` at the end of the log. Example: [`Ctx`].
    #[inline]
    pub fn next_entry(&mut self) -> Result<Option<E>, RuleError> {
        // Called for every event of a log: the common case is one index.
        if let Some(&entry) = self.batch.get(self.pos) {
            self.pos += 1;
            return Ok(Some(entry));
        }
        self.next_batch()
    }

    /// Fetches batches until one holds an entry, and returns it.
    #[cold]
    #[inline(never)]
    fn next_batch(&mut self) -> Result<Option<E>, RuleError> {
        while self.pos == self.batch.len() {
            if !self.more {
                return Ok(None);
            }
            self.batch.clear();
            self.pos = 0;
            self.more = self
                .source
                .next_batch(BATCH, &mut self.symbols, &mut self.batch)
                .map_err(|e| source_error(self.section, e))?;
        }
        let entry = self.batch[self.pos];
        self.pos += 1;
        Ok(Some(entry))
    }

    /// The strings behind the symbols of the entries read so far
    /// (`symbols().name(entry.account)`; example at [`Ctx`]).
    pub fn symbols(&self) -> &Symbols {
        &self.symbols
    }

    /// The section this stream reads.
    pub fn section(&self) -> SectionKind {
        self.section
    }
}

fn source_error(section: SectionKind, e: SourceError) -> RuleError {
    match e {
        SourceError::NotDeclared => RuleError::NotDeclared(section.as_str().to_owned()),
        SourceError::Unreadable(reason) => RuleError::Unreadable {
            section: section.as_str().to_owned(),
            reason,
        },
    }
}

/// The evaluation context of one rule: the assessment date, the parameters
/// in force and the evidence the rule declared.
///
/// A rule that reads a parameter, streams a log one entry at a time, keeps
/// a count per account in a [`PerSymbol`](crate::collections::PerSymbol)
/// table and gives one finding per account; then the same rule run
/// natively, as `cargo test` runs it:
///
/// ```
/// use mizuchi_sdk::collections::PerSymbol;
/// use mizuchi_sdk::prelude::*;
/// use mizuchi_sdk::testing::{Evidence, evaluate};
///
/// const RULE: Rule = Rule {
///     id: "ACME-FAIL-01",
///     version: "1.0.0",
///     title: StaticText { ja: "ログオン失敗の多いアカウント", en: "Accounts with many failed logons" },
///     section: "5.4.2",
///     force: Force::Recommended,
///     needs: &[Need::v2(SectionKind::AuthEvents)],
///     params: &[ParamSpec {
///         key: "max_failures",
///         default: ParamDefault::Integer(3),
///         description: StaticText { ja: "失敗回数の上限", en: "Most failed logons allowed" },
///     }],
///     eval: failures,
/// };
///
/// fn failures(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
///     let max = ctx.int("max_failures")?;
///     let Some(mut events) = ctx.auth_events()? else {
///         // Absent is "not recorded", never a pass.
///         return Ok(vec![Finding::insufficient(
///             Subject::organisation(),
///             text!(ja: "認証ログがありません", en: "there is no authentication log"),
///         )]);
///     };
///     let mut counts: PerSymbol<i64> = PerSymbol::new();
///     while let Some(e) = events.next_entry()? {
///         let n = counts.get_or_insert_with(e.account, || 0);
///         if e.kind == AuthKind::LogonFailure {
///             *n += 1;
///         }
///     }
///     Ok(counts
///         .iter()
///         .map(|(account, n)| {
///             let subject = Subject::new("account", events.symbols().name(account));
///             let message = text!(ja: "失敗 {} 回", n; en: "{} failed logons", n);
///             if *n > max {
///                 Finding::fail(subject, message)
///             } else {
///                 Finding::pass(subject, message)
///             }
///         })
///         .collect())
/// }
///
/// let event = |account: &str, kind: &str| -> AuthEvent {
///     serde_json::from_value(serde_json::json!({
///         "time": "2026-11-20T01:00:00Z", "kind": kind, "system": "hmi-01", "account": account,
///     }))
///     .unwrap()
/// };
/// let mut log = vec![event("op1", "logon-success")];
/// log.extend((0..4).map(|_| event("op2", "logon-failure")));
/// let evidence = Evidence::new().with_auth_events(&log);
/// let as_of = jiff::civil::date(2026, 11, 27);
///
/// let findings = evaluate(&RULE, &evidence, as_of, &[]).unwrap();
/// let decided: Vec<(&str, Status)> =
///     findings.iter().map(|f| (f.subject.id.as_str(), f.status)).collect();
/// assert_eq!(decided, [("op1", Status::Pass), ("op2", Status::Fail)]);
///
/// // A utility may tailor the parameter; the value used is in the signed result.
/// let tailored = evaluate(&RULE, &evidence, as_of, &[("max_failures", ParamValue::Integer(5))]).unwrap();
/// assert_eq!(tailored[1].status, Status::Pass);
/// ```
pub struct Ctx<'a> {
    rule: &'a Rule,
    as_of: Date,
    params: Params,
    source: &'a mut dyn EvidenceSource,
}

impl std::fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("rule", &self.rule.id)
            .field("as_of", &self.as_of)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl<'a> Ctx<'a> {
    /// A context; the SDK builds it, in the sandbox and in [`crate::testing`].
    pub fn new(
        rule: &'a Rule,
        as_of: Date,
        params: Params,
        source: &'a mut dyn EvidenceSource,
    ) -> Self {
        Ctx {
            rule,
            as_of,
            params,
            source,
        }
    }

    /// The assessment date. Judge every date against it, never a clock
    /// (a rule has none). Example: the rule `mizuchi rule new` writes.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// The rule being evaluated.
    pub fn rule(&self) -> &Rule {
        self.rule
    }

    /// Every parameter in force.
    pub fn params(&self) -> &Params {
        &self.params
    }

    fn param(&self, key: &str) -> Result<&ParamValue, RuleError> {
        self.params
            .get(key)
            .ok_or_else(|| RuleError::UnknownParam(key.to_owned()))
    }

    /// An integer parameter, by the key its [`ParamSpec`](crate::ParamSpec)
    /// declares. Example: [`Ctx`].
    pub fn int(&self, key: &str) -> Result<i64, RuleError> {
        match self.param(key)? {
            ParamValue::Integer(v) => Ok(*v),
            _ => Err(RuleError::ParamType(key.to_owned())),
        }
    }

    /// A boolean parameter (see [`Ctx::int`] and the example at [`Ctx`]).
    pub fn flag(&self, key: &str) -> Result<bool, RuleError> {
        match self.param(key)? {
            ParamValue::Boolean(v) => Ok(*v),
            _ => Err(RuleError::ParamType(key.to_owned())),
        }
    }

    /// A text parameter (see [`Ctx::int`] and the example at [`Ctx`]).
    pub fn text(&self, key: &str) -> Result<&str, RuleError> {
        match self.param(key)? {
            ParamValue::Text(v) => Ok(v),
            _ => Err(RuleError::ParamType(key.to_owned())),
        }
    }

    /// A list parameter (see [`Ctx::int`] and the example at [`Ctx`]).
    pub fn list(&self, key: &str) -> Result<&[String], RuleError> {
        match self.param(key)? {
            ParamValue::TextList(v) => Ok(v),
            _ => Err(RuleError::ParamType(key.to_owned())),
        }
    }

    /// What bundle is being assessed.
    pub fn bundle(&mut self) -> BundleInfo {
        self.source.bundle_info()
    }

    fn check_declared(&self, section: SectionKind) -> Result<(), RuleError> {
        if self.rule.reads(section) {
            Ok(())
        } else {
            Err(RuleError::NotDeclared(section.as_str().to_owned()))
        }
    }

    /// A document section, `None` if the bundle does not hold it. The
    /// section must be declared in [`Rule::needs`](crate::Rule::needs).
    /// Example: the crate's front page.
    pub fn document<T: Document>(&mut self) -> Result<Option<T>, RuleError> {
        self.check_declared(T::KIND)?;
        let Some(bytes) = self
            .source
            .document(T::KIND)
            .map_err(|e| source_error(T::KIND, e))?
        else {
            return Ok(None);
        };
        mizuchi_evidence::decode_document(&bytes)
            .map(Some)
            .map_err(|e| RuleError::Unreadable {
                section: T::KIND.as_str().to_owned(),
                reason: e.to_string(),
            })
    }

    /// An extension section (`x-<publisher>.<name>`, defined with a JSON
    /// Schema by the rule's pack) as JSON text, `None` if the bundle does
    /// not hold it. The section must be declared with
    /// [`Need::extension`](crate::Need::extension). Example: [`Ctx::extension`].
    pub fn extension_json(&mut self, section: &str) -> Result<Option<String>, RuleError> {
        if !self.rule.reads_extension(section) {
            return Err(RuleError::NotDeclared(section.to_owned()));
        }
        self.source.extension_json(section).map_err(|e| match e {
            SourceError::NotDeclared => RuleError::NotDeclared(section.to_owned()),
            SourceError::Unreadable(reason) => RuleError::Unreadable {
                section: section.to_owned(),
                reason,
            },
        })
    }

    /// An extension section read into a type of the rule's own (any
    /// `serde` type that matches the pack's schema), `None` if the bundle
    /// does not hold it.
    ///
    /// ```
    /// use mizuchi_sdk::prelude::*;
    /// use mizuchi_sdk::testing::{Evidence, evaluate};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct ScreenLocks { hmis: Vec<Hmi> }
    /// #[derive(serde::Deserialize)]
    /// struct Hmi { asset: String, lock_after_minutes: Option<u32> }
    ///
    /// const RULE: Rule = Rule {
    ///     id: "ACME-LOCK-01",
    ///     version: "1.0.0",
    ///     title: StaticText { ja: "画面ロック", en: "Screen lock" },
    ///     section: "5.4.1",
    ///     force: Force::Recommended,
    ///     needs: &[Need::extension("x-acme.screen-lock")],
    ///     params: &[],
    ///     eval: screen_lock,
    /// };
    ///
    /// fn screen_lock(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    ///     let Some(locks) = ctx.extension::<ScreenLocks>("x-acme.screen-lock")? else {
    ///         return Ok(vec![Finding::new(Subject::organisation(), Status::InsufficientEvidence,
    ///             text!(ja: "記録がありません", en: "not recorded"))]);
    ///     };
    ///     Ok(locks.hmis.iter().map(|h| {
    ///         let ok = h.lock_after_minutes.is_some_and(|m| m <= 15);
    ///         Finding::new(Subject::asset(&h.asset), if ok { Status::Pass } else { Status::Fail },
    ///             text!(ja: "画面ロック", en: "screen lock"))
    ///     }).collect())
    /// }
    ///
    /// let evidence = Evidence::new().with_extension(
    ///     "x-acme.screen-lock",
    ///     r#"{"hmis": [{"asset": "HMI-1", "lock_after_minutes": 10}]}"#,
    /// );
    /// let findings = evaluate(&RULE, &evidence, jiff::civil::date(2026, 4, 1), &[]).unwrap();
    /// assert_eq!(findings[0].status, Status::Pass);
    /// ```
    pub fn extension<T: serde::de::DeserializeOwned>(
        &mut self,
        section: &str,
    ) -> Result<Option<T>, RuleError> {
        let Some(json) = self.extension_json(section)? else {
            return Ok(None);
        };
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| RuleError::Unreadable {
                section: section.to_owned(),
                reason: e.to_string(),
            })
    }

    /// The authentication events, `None` if the bundle holds none: a
    /// stream in time order, one batch in memory at a time. Example: [`Ctx`].
    pub fn auth_events(&mut self) -> Result<Option<Events<AuthEntry>>, RuleError> {
        let section = SectionKind::AuthEvents;
        self.check_declared(section)?;
        let source = self
            .source
            .auth_events()
            .map_err(|e| source_error(section, e))?;
        Ok(source.map(|s| Events::new(section, s)))
    }

    /// The door-entry events, `None` if the bundle holds none; read as
    /// [`Ctx::auth_events`] (example at [`Ctx`]).
    pub fn door_events(&mut self) -> Result<Option<Events<DoorEntry>>, RuleError> {
        let section = SectionKind::DoorEvents;
        self.check_declared(section)?;
        let source = self
            .source
            .door_events()
            .map_err(|e| source_error(section, e))?;
        Ok(source.map(|s| Events::new(section, s)))
    }
}
