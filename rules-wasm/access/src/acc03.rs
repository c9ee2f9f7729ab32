//! MLIT-ACC-03: internet-facing assets expose no exploitable services (5.4.6).

use mizuchi_sdk::prelude::*;
use mlit_common::missing_section;
use mlit_common::scope::asset_locator;

pub const RULE: Rule = Rule {
    id: "MLIT-ACC-03",
    version: "1.0.0",
    title: StaticText {
        ja: "インターネットに公開する機器で悪用されやすいサービスを公開しないこと",
        en: "Internet-facing assets expose no exploitable services",
    },
    section: "5.4.6",
    force: Force::Recommended,
    needs: &[Need::v2(SectionKind::Inventory)],
    params: &[ParamSpec {
        key: "forbidden_services",
        default: ParamDefault::TextList(&["rdp", "ssh", "smb"]),
        description: StaticText {
            ja: "インターネットに公開してはならないサービス",
            en: "Services that must not face the internet",
        },
    }],
    eval: evaluate,
};

/// Well-known ports of the services, so that `port 3389` is caught however it is named.
const PORTS: &[(&str, &[u16])] = &[
    ("rdp", &[3389]),
    ("ssh", &[22]),
    ("smb", &[445, 139]),
    ("telnet", &[23]),
    ("vnc", &[5900]),
];

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let forbidden: Vec<String> = ctx
        .list("forbidden_services")?
        .iter()
        .map(|s| s.to_lowercase())
        .collect();
    let Some(inv) = ctx.document::<Inventory>()? else {
        return Ok(vec![missing_section(SectionKind::Inventory)]);
    };
    let mut findings = Vec::new();
    for a in &inv.assets {
        let public: Vec<&ExposedService> = a
            .exposed_services
            .iter()
            .filter(|s| s.exposure == Exposure::Internet)
            .collect();
        if public.is_empty() {
            continue;
        }
        let bad: Vec<String> = public
            .iter()
            .filter(|s| {
                forbidden.contains(&s.service)
                    || PORTS.iter().any(|(name, ports)| {
                        forbidden.iter().any(|f| f == name) && ports.contains(&s.port)
                    })
            })
            .map(|s| format!("{}/{}", s.service, s.port))
            .collect();
        let id = &a.id;
        let listed: Vec<String> = public
            .iter()
            .map(|s| format!("{}/{}", s.service, s.port))
            .collect();
        let f = if bad.is_empty() {
            Finding::pass(
                Subject::asset(id),
                text!(ja: "{id} がインターネットに公開するサービス（{}）に禁止対象はありません。", listed.join(", ");
                      en: "{id} faces the internet with {} only, none of them forbidden", listed.join(", ")),
            )
        } else {
            Finding::fail(
                Subject::asset(id),
                text!(ja: "{id} は {} をインターネットに公開しています。VPN等の内側に移してください。", bad.join(", ");
                      en: "{id} exposes {} to the internet; move it behind a VPN or close it", bad.join(", ")),
            )
        };
        findings.push(f.because(SectionKind::Inventory, asset_locator(a, "exposed_services")));
    }
    if findings.is_empty() {
        findings.push(Finding::not_applicable(
            Subject::organisation(),
            text!(ja: "インターネットにサービスを公開している資産はありません。"; en: "no asset offers a service to the internet"),
        )
        .because(SectionKind::Inventory, "assets[*].exposed_services"));
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build;

    fn run(services: Vec<(&str, u16, Exposure)>, params: &[(&str, ParamValue)]) -> Vec<Status> {
        let mut a = build::asset("WEB");
        a.exposed_services = services
            .into_iter()
            .map(|(s, p, e)| ExposedService {
                service: s.into(),
                port: p,
                exposure: e,
            })
            .collect();
        let inv = Inventory {
            assets: vec![a],
            ..Default::default()
        };
        evaluate(
            &RULE,
            &Evidence::new().with(&inv),
            date(2026, 11, 27),
            params,
        )
        .unwrap()
        .iter()
        .map(|f| f.status)
        .collect()
    }

    #[test]
    fn rdp_ssh_or_smb_facing_the_internet_fails() {
        assert_eq!(
            run(
                vec![
                    ("https", 443, Exposure::Internet),
                    ("ssh", 22, Exposure::Internet)
                ],
                &[]
            ),
            [Status::Fail]
        );
        assert_eq!(
            run(vec![("remote-desktop", 3389, Exposure::Internet)], &[]),
            [Status::Fail]
        );
        assert_eq!(
            run(vec![("https", 443, Exposure::Internet)], &[]),
            [Status::Pass]
        );
        assert_eq!(
            run(vec![("smb", 445, Exposure::Internal)], &[]),
            [Status::NotApplicable]
        );
    }

    #[test]
    fn no_inventory_is_insufficient_evidence() {
        assert_eq!(
            evaluate(&RULE, &Evidence::new(), date(2026, 11, 27), &[]).unwrap()[0].status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn the_forbidden_list_is_a_parameter() {
        let only_rdp = [(
            "forbidden_services",
            ParamValue::TextList(vec!["rdp".into()]),
        )];
        assert_eq!(
            run(vec![("ssh", 22, Exposure::Internet)], &only_rdp),
            [Status::Pass]
        );
    }
}
