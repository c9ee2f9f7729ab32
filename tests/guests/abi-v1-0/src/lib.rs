//! A module built against rule ABI 1.0.0, whose WIT is frozen in `wit/`: it
//! reads a document as JSON and the authentication log through the typed
//! `next` of 1.0.0. A host of a newer 1.x must instantiate and run it.

#[cfg(target_arch = "wasm32")]
#[allow(
    unsafe_code,
    unreachable_pub,
    missing_debug_implementations,
    clippy::all
)]
mod guest {
    wit_bindgen::generate!({ path: "wit", world: "rule-module" });

    use exports::mizuchi::rule::rules::Guest;
    use mizuchi::rule::evidence;
    use mizuchi::rule::types::{
        Context, EvidenceNeed, Finding, Force, RuleInfo, Status, Subject, Text,
    };

    struct Old;

    impl Guest for Old {
        fn list_rules() -> Vec<RuleInfo> {
            let need = |section: &str| EvidenceNeed {
                section: section.into(),
                format: "^1.0".into(),
            };
            vec![RuleInfo {
                id: "OLD-01".into(),
                version: "1.0.0".into(),
                title: Text {
                    ja: "旧版ABIの規則".into(),
                    en: "a rule built against ABI 1.0.0".into(),
                },
                section: "test".into(),
                force: Force::Recommended,
                needs: vec![need("inventory"), need("auth-events")],
                params: vec![],
            }]
        }

        fn evaluate(_ctx: Context) -> Result<Vec<Finding>, String> {
            let inventory = evidence::document("inventory").map_err(|e| format!("{e:?}"))?;
            let assets = inventory.matches("\"kind\"").count();
            let cursor = evidence::open_auth_events().map_err(|e| format!("{e:?}"))?;
            let (mut events, mut symbols) = (0u64, 0usize);
            while let Some(batch) = cursor.next(1000).map_err(|e| format!("{e:?}"))? {
                events += batch.events.len() as u64;
                symbols += batch.symbols.len();
            }
            let summary = format!("assets={assets} auth={events} symbols={symbols}");
            Ok(vec![Finding {
                subject: Subject {
                    kind: "organisation".into(),
                    id: "utility".into(),
                },
                status: Status::Pass,
                message: Text {
                    ja: summary.clone(),
                    en: summary,
                },
                refs: vec![],
            }])
        }
    }

    export!(Old);
}
