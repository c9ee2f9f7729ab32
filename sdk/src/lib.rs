//! Write Mizuchi rules in Rust.
//!
//! A rule is a plain function from a [`Ctx`] (the assessment date, the
//! parameters in force and typed evidence) to a list of [`Finding`]s, declared
//! together with its metadata as a [`Rule`] constant. [`export_rules!`] turns a
//! crate of rules into a WebAssembly component that the Mizuchi host loads
//! (build it with `cargo build --target wasm32-wasip2`). The same functions run
//! natively under `cargo test` through [`testing`].
//!
//! ```
//! use mizuchi_sdk::prelude::*;
//!
//! pub const RULE: Rule = Rule {
//!     id: "ACME-01",
//!     version: "1.0.0",
//!     title: StaticText { ja: "…", en: "…" },
//!     section: "5.1.1",
//!     force: Force::Recommended,
//!     needs: &[Need::v2(SectionKind::Inventory)],
//!     params: &[],
//!     eval: evaluate,
//! };
//!
//! fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
//!     let inventory: Option<Inventory> = ctx.document()?;
//!     Ok(vec![Finding::pass(Subject::organisation(), text!(ja: "台帳あり", en: "inventory kept"))])
//! }
//!
//! mizuchi_sdk::export_rules!(RULE);
//! ```
//!
//! What a rule can see is only what it declared in [`Rule::needs`]; it has no
//! files, network, environment, clock or entropy, so the same evidence always
//! gives the same findings.

mod ctx;
mod finding;
mod rule;

#[cfg(not(target_arch = "wasm32"))]
pub mod testing;

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod guest;

pub use ctx::{Batches, BundleInfo, Ctx, Events, EvidenceSource, RuleError, SourceError};
pub use finding::{EvidenceRef, Finding, Status, Subject, english_number};
pub use rule::{
    EvalFn, Force, Need, ParamDefault, ParamSpec, ParamValue, Params, Rule, SectionName, StaticText,
};

// The README's rule example compiles: its `rust` block is a doc test here.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExample;

/// The evidence model, for rule authors.
pub use mizuchi_evidence as evidence;
pub use mizuchi_evidence::Text;

pub mod collections;

/// Everything a rule module usually needs.
pub mod prelude {
    pub use crate::collections::{FastMap, FastSet, PerSymbol};
    pub use crate::evidence::stream::{AuthEntry, DoorEntry, Symbol, Symbols};
    pub use crate::evidence::*;
    pub use crate::{
        Ctx, Events, Finding, Force, Need, ParamDefault, ParamSpec, ParamValue, Rule, RuleError,
        StaticText, Status, Subject, text,
    };
}

/// Implementation details used by [`export_rules!`]; not part of the API.
#[doc(hidden)]
pub mod __private {
    #[cfg(target_arch = "wasm32")]
    pub use crate::guest::{Exports, Module, bindings};
}

/// Exports rules as the module's `rules` interface.
///
/// Defines `pub const RULES: &[Rule]` in the calling crate, in the order given,
/// and, when compiling for WebAssembly, the component exports. Example: the
/// crate's front page (and the crate `mizuchi rule new` writes).
#[macro_export]
macro_rules! export_rules {
    ($($rule:path),+ $(,)?) => {
        /// The rules this module provides, in the order the host lists them.
        pub const RULES: &[$crate::Rule] = &[$($rule),+];

        #[cfg(target_arch = "wasm32")]
        #[allow(unreachable_pub, missing_debug_implementations)]
        mod __mizuchi_export {
            pub struct Module;
            impl $crate::__private::Module for Module {
                fn rules() -> &'static [$crate::Rule] {
                    super::RULES
                }
            }
            type Exports = $crate::__private::Exports<Module>;
            $crate::__private::bindings::__export_rule_module!(Exports with_types_in $crate::__private::bindings);
        }
    };
}
