//! The official rules run natively through the SDK's own path
//! (`mizuchi_sdk::testing`): the same Rust function as in the sandbox, reading
//! the bundle's files directly, with no sandbox, no host and no verification.

use std::path::Path;

use mizuchi_sdk::testing::{Evidence, evaluate};
use mizuchi_sdk::{Finding, Rule};

/// Every official rule that can run natively here.
fn rules() -> impl Iterator<Item = &'static Rule> {
    mlit_access::RULES
        .iter()
        .chain(mlit_assets::RULES)
        .chain(mlit_ordinance::RULES)
        .chain(mlit_physical::RULES)
}

/// The rule `id`.
pub(crate) fn rule(id: &str) -> &'static Rule {
    rules()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no native rule {id}"))
}

/// Runs rule `id` over the bundle at `dir` as of its assessment date.
pub(crate) fn run(id: &str, dir: &Path) -> Vec<Finding> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("read the manifest");
    let manifest: mizuchi_evidence::Manifest =
        serde_json::from_str(&text).expect("a valid manifest");
    let evidence = Evidence::open(dir).expect("open the bundle natively");
    evaluate(rule(id), &evidence, manifest.assessment_date, &[]).expect("the rule runs")
}
