//! A module of the current rule ABI that reads evidence in encoding 3.0.0,
//! which this host does not serve: the host must refuse it before
//! instantiation and name both encoding versions.

#[cfg(target_arch = "wasm32")]
#[allow(
    unsafe_code,
    unreachable_pub,
    missing_debug_implementations,
    clippy::all
)]
mod guest {
    wit_bindgen::generate!({ path: "wit", world: "rule-module", generate_all });

    use exports::mizuchi::rule::rules::Guest;
    use mizuchi::encoding::read;
    use mizuchi::rule::types::{
        Context, EvidenceNeed, Finding, Force, RuleInfo, Status, Subject, Text,
    };

    struct V3;

    impl Guest for V3 {
        fn list_rules() -> Vec<RuleInfo> {
            vec![RuleInfo {
                id: "FUTURE-ENC-01".into(),
                version: "1.0.0".into(),
                title: Text {
                    ja: "将来の符号化".into(),
                    en: "A future encoding".into(),
                },
                section: "5.1.1".into(),
                force: Force::Recommended,
                needs: vec![EvidenceNeed {
                    section: "inventory".into(),
                    format: "^2.0".into(),
                }],
                params: vec![],
            }]
        }

        fn evaluate(_ctx: Context) -> Result<Vec<Finding>, String> {
            // Reading in encoding 3.0.0 keeps the import in the component.
            let bytes = read::document("inventory").map_err(|_| "unreadable".to_string())?;
            Ok(vec![Finding {
                subject: Subject {
                    kind: "organisation".into(),
                    id: "utility".into(),
                },
                status: Status::Pass,
                message: Text {
                    ja: format!("{} バイト", bytes.len()),
                    en: format!("{} bytes", bytes.len()),
                },
                refs: vec![],
            }])
        }
    }

    export!(V3);
}
