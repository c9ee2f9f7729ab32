//! MLIT-ACC-05: remote access is controlled (5.2.2, 4.4).
//!
//! Each remote-access path (telework, vendor maintenance) has an approval
//! record, encrypted transport and logging of authentication; mobile devices
//! used over it can be wiped remotely. Multi-factor authentication
//! (「なりすましを防ぐための多要素認証」, 4.4) is required for vendor
//! maintenance always and for telework by default (`telework_requires_mfa`).
//! What a path does not record is insufficient evidence; an approval dated
//! after the assessment date does not exist yet.

use mizuchi_sdk::prelude::*;
use mlit_common::missing_section;

pub const RULE: Rule = Rule {
    id: "MLIT-ACC-05",
    version: "2.0.0",
    title: StaticText {
        ja: "リモートアクセスの管理",
        en: "Remote access is controlled",
    },
    section: "5.2.2, 4.4",
    force: Force::Recommended,
    needs: &[Need::v2(SectionKind::Networks)],
    params: &[ParamSpec {
        key: "telework_requires_mfa",
        default: ParamDefault::Boolean(true),
        description: StaticText {
            ja: "テレワークの経路にも多要素認証を求める (保守ベンダの経路には常に求める)",
            en: "Telework paths need multi-factor authentication too (vendor maintenance paths always do)",
        },
    }],
    eval: evaluate,
};

/// One requirement of a path: met, not met, or not recorded.
fn check<'a>(
    value: Option<bool>,
    what: (&'a str, &'a str),
    missing: &mut Vec<(String, String)>,
    unknown: &mut Vec<(String, String)>,
) {
    match value {
        Some(true) => {}
        Some(false) => missing.push((what.0.to_owned(), what.1.to_owned())),
        None => unknown.push((what.0.to_owned(), what.1.to_owned())),
    }
}

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let telework_mfa = ctx.flag("telework_requires_mfa")?;
    let as_of = ctx.as_of();
    let Some(nets) = ctx.document::<Networks>()? else {
        return Ok(vec![missing_section(SectionKind::Networks)]);
    };
    if nets.remote_access.is_empty() {
        return Ok(vec![Finding::not_applicable(
            Subject::organisation(),
            text!(ja: "リモートアクセスの経路はありません。", en: "there is no remote-access path"),
        )
        .because(SectionKind::Networks, "remote_access")]);
    }
    Ok(nets
        .remote_access
        .iter()
        .map(|r| {
            let mut missing: Vec<(String, String)> = Vec::new();
            let mut unknown: Vec<(String, String)> = Vec::new();
            let mut future = mlit_common::Future::new(as_of);
            let approved = match (&r.approved_by, r.approved_on) {
                (Some(_), Some(on)) => future.admit(on, || format!("approval of {}", r.id)),
                _ => false,
            };
            if !approved {
                missing.push(("承認記録".into(), "an approval record".into()));
            }
            check(r.encrypted, ("通信の暗号化", "encrypted transport"), &mut missing, &mut unknown);
            check(r.auth_logging, ("認証ログの取得", "logging of authentication"), &mut missing, &mut unknown);
            let needs_mfa = match r.purpose {
                RemoteAccessPurpose::VendorMaintenance => true,
                RemoteAccessPurpose::Telework => telework_mfa,
                _ => false,
            };
            if needs_mfa {
                check(r.mfa, ("多要素認証", "multi-factor authentication"), &mut missing, &mut unknown);
            }
            let mut unwipeable = Vec::new();
            let mut unsure = Vec::new();
            for d in &r.devices {
                match (d.mobile, d.remote_wipe) {
                    (_, Some(true)) | (Some(false), _) => {}
                    (Some(true), Some(false)) => unwipeable.push(d.id.as_str()),
                    _ => unsure.push(d.id.as_str()),
                }
            }
            if !unwipeable.is_empty() {
                let list = unwipeable.join(", ");
                missing.push((format!("遠隔消去できない端末（{list}）"), format!("remote wipe of mobile devices ({list})")));
            }
            if !unsure.is_empty() {
                let list = unsure.join(", ");
                unknown.push((format!("端末の遠隔消去（{list}）"), format!("remote wipe of devices ({list})")));
            }
            let id = &r.id;
            let subject = Subject::new("remote-access", id);
            let join = |v: &[(String, String)]| {
                (
                    v.iter().map(|m| m.0.as_str()).collect::<Vec<_>>().join("、"),
                    v.iter().map(|m| m.1.as_str()).collect::<Vec<_>>().join(", "),
                )
            };
            let f = if !missing.is_empty() {
                let (ja, en) = join(&missing);
                Finding::fail(subject, text!(ja: "リモートアクセス {id} に不足があります: {ja}。"; en: "remote access {id} lacks {en}"))
            } else if !unknown.is_empty() {
                let (ja, en) = join(&unknown);
                Finding::insufficient(
                    subject,
                    text!(ja: "リモートアクセス {id} について、{ja} が記録されていません。"; en: "remote access {id} does not record {en}"),
                )
            } else if needs_mfa {
                Finding::pass(
                    subject,
                    text!(ja: "リモートアクセス {id} は承認・暗号化・認証ログ・多要素認証がそろっています。";
                          en: "remote access {id} is approved, encrypted, logged and protected by multi-factor authentication"),
                )
            } else {
                Finding::pass(
                    subject,
                    text!(ja: "リモートアクセス {id} は承認・暗号化・認証ログがそろっています（多要素認証は求めていません）。";
                          en: "remote access {id} is approved, encrypted and logged (multi-factor authentication is not required for it)"),
                )
            };
            future
                .annotate(f)
                .because(SectionKind::Networks, format!("remote_access[id={id}]"))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};

    fn path() -> RemoteAccess {
        RemoteAccess {
            id: "RA".into(),
            purpose: RemoteAccessPurpose::VendorMaintenance,
            network: "ctl".into(),
            approved_by: Some("P1".into()),
            approved_on: Some(date(2026, 4, 1)),
            encrypted: Some(true),
            auth_logging: Some(true),
            mfa: Some(true),
            devices: vec![RemoteDevice {
                id: "PHONE".into(),
                mobile: Some(true),
                remote_wipe: Some(true),
            }],
        }
    }

    fn run(r: Vec<RemoteAccess>) -> Vec<Finding> {
        let nets = Networks {
            remote_access: r,
            ..Default::default()
        };
        evaluate(&RULE, &Evidence::new().with(&nets), date(2026, 11, 27), &[]).unwrap()
    }

    #[test]
    fn no_networks_section_is_insufficient_evidence() {
        assert_eq!(
            evaluate(&RULE, &Evidence::new(), date(2026, 11, 27), &[]).unwrap()[0].status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn a_fully_controlled_path_passes_and_each_gap_fails() {
        assert_eq!(run(vec![path()])[0].status, Status::Pass);
        let mut p = path();
        p.mfa = Some(false);
        p.devices[0].remote_wipe = Some(false);
        let f = run(vec![p]);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].message.en,
            "remote access RA lacks multi-factor authentication, remote wipe of mobile devices (PHONE)"
        );
        let mut p = path();
        p.approved_by = None;
        assert!(run(vec![p])[0].message.en.contains("an approval record"));
        assert_eq!(run(vec![])[0].status, Status::NotApplicable);
    }

    #[test]
    fn mfa_is_always_needed_for_vendors_and_for_telework_by_default() {
        let mut p = path();
        p.purpose = RemoteAccessPurpose::Telework;
        p.mfa = Some(false);
        let nets = Networks {
            remote_access: vec![p],
            ..Default::default()
        };
        let ev = Evidence::new().with(&nets);
        assert_eq!(
            evaluate(&RULE, &ev, date(2026, 11, 27), &[]).unwrap()[0].status,
            Status::Fail
        );
        let f = evaluate(
            &RULE,
            &ev,
            date(2026, 11, 27),
            &[("telework_requires_mfa", ParamValue::Boolean(false))],
        )
        .unwrap();
        assert_eq!(f[0].status, Status::Pass);
        assert!(f[0].message.en.contains("not required"));
    }

    #[test]
    fn what_a_path_does_not_record_is_insufficient_and_a_future_approval_does_not_exist() {
        let mut p = path();
        p.auth_logging = None;
        let f = run(vec![p]);
        assert_eq!(f[0].status, Status::InsufficientEvidence);
        assert!(
            f[0].message
                .en
                .contains("does not record logging of authentication")
        );
        let mut p = path();
        p.approved_on = Some(date(2026, 12, 1));
        let f = run(vec![p]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message
                .en
                .contains("ignored, as dated after the assessment date"),
            "{}",
            f[0].message.en
        );
    }
}
