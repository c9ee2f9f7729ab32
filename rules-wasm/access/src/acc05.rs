//! MLIT-ACC-05: remote access is controlled (5.2.2).
//!
//! Each remote-access path (telework, vendor maintenance) has an approval,
//! encrypted transport, logging of authentication and multi-factor
//! authentication; mobile devices used over it can be wiped remotely.

use mizuchi_sdk::prelude::*;
use mlit_common::missing_section;

pub const RULE: Rule = Rule {
    id: "MLIT-ACC-05",
    version: "1.0.0",
    title: StaticText {
        ja: "リモートアクセスの管理",
        en: "Remote access is controlled",
    },
    section: "5.2.2",
    force: Force::Recommended,
    needs: &[Need::v1(SectionKind::Networks)],
    params: &[],
    eval: evaluate,
};

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
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
            let mut missing: Vec<(&str, &str)> = Vec::new();
            if r.approved_by.is_none() || r.approved_on.is_none() {
                missing.push(("承認記録", "an approval record"));
            }
            if !r.encrypted {
                missing.push(("通信の暗号化", "encrypted transport"));
            }
            if !r.auth_logging {
                missing.push(("認証ログの取得", "logging of authentication"));
            }
            if !r.mfa {
                missing.push(("多要素認証", "multi-factor authentication"));
            }
            let unwipeable: Vec<&str> = r.devices.iter().filter(|d| d.mobile && !d.remote_wipe).map(|d| d.id.as_str()).collect();
            let wipe;
            if !unwipeable.is_empty() {
                wipe = (format!("遠隔消去できない端末（{}）", unwipeable.join(", ")), format!("remote wipe of mobile devices ({})", unwipeable.join(", ")));
                missing.push((&wipe.0, &wipe.1));
            }
            let id = &r.id;
            let f = if missing.is_empty() {
                Finding::pass(
                    Subject::new("remote-access", id),
                    text!(ja: "リモートアクセス {id} は承認・暗号化・認証ログ・多要素認証がそろっています。";
                          en: "remote access {id} is approved, encrypted, logged and protected by multi-factor authentication"),
                )
            } else {
                let ja: Vec<&str> = missing.iter().map(|m| m.0).collect();
                let en: Vec<&str> = missing.iter().map(|m| m.1).collect();
                Finding::fail(
                    Subject::new("remote-access", id),
                    text!(ja: "リモートアクセス {id} に不足があります: {}。", ja.join("、"); en: "remote access {id} lacks {}", en.join(", ")),
                )
            };
            f.because(SectionKind::Networks, format!("remote_access[id={id}]"))
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
            encrypted: true,
            auth_logging: true,
            mfa: true,
            devices: vec![RemoteDevice {
                id: "PHONE".into(),
                mobile: true,
                remote_wipe: true,
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
        p.mfa = false;
        p.devices[0].remote_wipe = false;
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
}
