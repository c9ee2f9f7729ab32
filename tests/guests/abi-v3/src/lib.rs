//! A module built against rule ABI 3.0.0, a major version this host does
//! not implement: the host must refuse it before
//! instantiation and name both versions.

#[cfg(target_arch = "wasm32")]
#[allow(
    unsafe_code,
    unreachable_pub,
    missing_debug_implementations,
    clippy::all
)]
mod guest {
    wit_bindgen::generate!({ path: "wit", world: "rule-module" });

    use exports::mizuchi::rule::rules::{Guest, RuleId};

    struct V3;

    impl Guest for V3 {
        fn list_rules() -> Vec<RuleId> {
            vec![RuleId {
                id: "FUTURE-01".into(),
                version: "3.0.0".into(),
            }]
        }
        fn evaluate(_rule_id: String) -> Result<String, String> {
            Ok("pass".into())
        }
    }

    export!(V3);
}
