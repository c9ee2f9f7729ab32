//! The closed-network module of the official MLIT water rule pack (guideline
//! 第2章 and 5.4.4).
//!
//! | rule | requirement |
//! | --- | --- |
//! | MLIT-NET-01 | a network declared closed really is |
//! | MLIT-NET-02 | control systems have no internet contact point |
//! | MLIT-NET-03 | communication paths are protected |
//!
//! NET-01 and NET-02 use [`mlit_common::closure`], the same analysis the
//! ordinance rules rely on for their alternative measure.

use mizuchi_sdk::prelude::*;
use mlit_common::closure::{Graph, Reach, medium_name};
use mlit_common::missing_section;

const NETWORKS: &[Need] = &[Need::v2(SectionKind::Networks)];

pub const NET_01: Rule = Rule {
    id: "MLIT-NET-01",
    version: "2.0.0",
    title: StaticText {
        ja: "閉域網とされるネットワークが真に閉域であること",
        en: "A network declared closed really is closed",
    },
    section: "第2章 閉域網",
    force: Force::Recommended,
    needs: NETWORKS,
    params: &[],
    eval: net_01,
};

pub const NET_02: Rule = Rule {
    id: "MLIT-NET-02",
    version: "2.0.0",
    title: StaticText {
        ja: "制御系システムにインターネットとの接点がないこと",
        en: "Control systems have no internet contact point",
    },
    section: "第2章 閉域網の利用によるシステムの保護",
    force: Force::Recommended,
    needs: &[
        Need::v2(SectionKind::Networks),
        Need::v2(SectionKind::Inventory),
    ],
    params: &[],
    eval: net_02,
};

pub const NET_03: Rule = Rule {
    id: "MLIT-NET-03",
    version: "2.0.0",
    title: StaticText {
        ja: "通信経路の保護",
        en: "Communication paths are protected",
    },
    section: "第2章 通信経路の保護, 5.4.4",
    force: Force::Recommended,
    needs: NETWORKS,
    params: &[],
    eval: net_03,
};

fn network_ref(id: &str) -> String {
    format!("networks[id={id}]")
}

/// The finding about one network's reach to the internet.
fn reach_finding(graph: &Graph<'_>, net: &Network, open_ja: &str, open_en: &str) -> Finding {
    let subject = Subject::network(&net.id);
    let name = &net.name;
    match graph.reach(&net.id) {
        Reach::Closed => Finding::pass(
            subject,
            text!(ja: "「{name}」から接続先をたどってもインターネットに到達しません。";
                  en: "\"{name}\" reaches no internet through any connected network"),
        )
        .because(SectionKind::Networks, network_ref(&net.id)),
        Reach::Open(path) => {
            let p = graph.describe(&path);
            let mut f = Finding::fail(
                subject,
                text!(ja: "「{name}」は{open_ja}: {}", p.ja; en: "\"{name}\" {open_en}: {}", p.en),
            )
            .because(SectionKind::Networks, network_ref(&net.id));
            for r in graph.refs(&path) {
                f = f.because(SectionKind::Networks, r);
            }
            f
        }
        Reach::UnknownNetwork => Finding::insufficient(
            subject,
            text!(ja: "「{name}」を判定できません。", en: "\"{name}\" cannot be judged"),
        ),
    }
}

fn net_01(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let Some(nets) = ctx.document::<Networks>()? else {
        return Ok(vec![missing_section(SectionKind::Networks)]);
    };
    let graph = Graph::new(&nets);
    let declared: Vec<&Network> = nets
        .networks
        .iter()
        .filter(|n| n.declared_closed == Some(true) && n.kind != NetworkKind::Internet)
        .collect();
    if declared.is_empty() {
        return Ok(vec![Finding::not_applicable(
            Subject::organisation(),
            text!(ja: "閉域網とされるネットワークはありません。", en: "no network is declared closed"),
        )
        .because(SectionKind::Networks, "networks")]);
    }
    Ok(declared
        .into_iter()
        .map(|n| {
            reach_finding(
                &graph,
                n,
                "閉域網とされていますが、インターネットへの経路があります（ファイアウォールやルータは物理的な隔離になりません）",
                "is declared closed but has a path to the internet (a firewall or router does not isolate)",
            )
        })
        .collect())
}

fn net_02(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let Some(nets) = ctx.document::<Networks>()? else {
        return Ok(vec![missing_section(SectionKind::Networks)]);
    };
    let inventory: Option<Inventory> = ctx.document()?;
    let graph = Graph::new(&nets);
    // Control networks: those of kind control, and any other network a
    // control-system computer attaches to (with the computers that make it one).
    let mut ids: Vec<(&str, Vec<&str>)> = nets
        .networks
        .iter()
        .filter(|n| n.kind == NetworkKind::Control)
        .map(|n| (n.id.as_str(), Vec::new()))
        .collect();
    if let Some(inv) = &inventory {
        for a in mlit_common::scope::control_assets(inv).assets {
            for n in a.networks.iter().flatten() {
                let Some(net) = graph.network(n) else {
                    continue;
                };
                if net.kind == NetworkKind::Control {
                    continue;
                }
                match ids.iter_mut().find(|(id, _)| *id == n.as_str()) {
                    Some((_, assets)) => assets.push(&a.id),
                    None => ids.push((n, vec![&a.id])),
                }
            }
        }
    }
    if ids.is_empty() {
        return Ok(vec![Finding::not_applicable(
            Subject::organisation(),
            text!(ja: "制御系のネットワークがありません。", en: "there is no control-system network"),
        )
        .because(SectionKind::Networks, "networks")]);
    }
    Ok(ids
        .into_iter()
        .filter_map(|(id, assets)| graph.network(id).map(|n| (n, assets)))
        .map(|(n, assets)| {
            if assets.is_empty() {
                reach_finding(
                    &graph,
                    n,
                    "制御系のネットワークですが、インターネットとの接点があります（経路上の機器を問いません）",
                    "is a control-system network with a path to the internet, whatever devices stand on it",
                )
            } else {
                let list = assets.join(", ");
                reach_finding(
                    &graph,
                    n,
                    &format!("制御系の電子計算機（{list}）が接続するネットワークですが、インターネットとの接点があります"),
                    &format!("carries control-system computers ({list}) but has a path to the internet"),
                )
            }
        })
        .collect())
}

fn net_03(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let Some(nets) = ctx.document::<Networks>()? else {
        return Ok(vec![missing_section(SectionKind::Networks)]);
    };
    let control_end = |l: &Link| {
        [&l.a, &l.b].iter().any(|id| {
            nets.networks
                .iter()
                .any(|n| &&n.id == id && n.kind == NetworkKind::Control)
        })
    };
    // Links recorded as carrying control traffic, and links touching a
    // control network that do not record whether they do.
    let links: Vec<&Link> = nets
        .links
        .iter()
        .filter(|l| match l.carries_control_traffic {
            Some(c) => c,
            None => control_end(l),
        })
        .collect();
    if links.is_empty() {
        return Ok(vec![Finding::not_applicable(
            Subject::organisation(),
            text!(ja: "制御系の通信を運ぶ拠点間の経路はありません。", en: "no link carries control-system traffic between sites"),
        )
        .because(SectionKind::Networks, "links")]);
    }
    Ok(links
        .into_iter()
        .map(|l| {
            let subject = Subject::new("link", &l.id);
            let m = medium_name(l.medium);
            let id = &l.id;
            let f = if l.carries_control_traffic.is_none() {
                Finding::insufficient(
                    subject,
                    text!(ja: "経路 {id}（{}）は制御系ネットワークにつながりますが、拠点間の制御通信を運ぶかが記録されていません。", m.ja;
                          en: "link {id} ({}) touches a control network but does not record whether it carries control traffic between sites", m.en),
                )
            } else if l.medium.is_closed_carrier() {
                Finding::pass(
                    subject,
                    text!(ja: "経路 {id} は専用の通信網（{}）です。", m.ja; en: "link {id} uses a dedicated network ({})", m.en),
                )
            } else {
                match (l.encrypted, l.authenticated) {
                    (Some(true), Some(true)) => Finding::pass(
                        subject,
                        text!(ja: "経路 {id}（{}）は暗号化と認証で保護されています。", m.ja;
                              en: "link {id} ({}) is encrypted and authenticated", m.en),
                    ),
                    (Some(false), _) | (_, Some(false)) => {
                        let missing = match (l.encrypted, l.authenticated) {
                            (Some(false), Some(false)) => ("暗号化も認証もされていません", "neither encrypted nor authenticated"),
                            (Some(false), _) => ("暗号化されていません", "not encrypted"),
                            _ => ("認証されていません", "not authenticated"),
                        };
                        Finding::fail(
                            subject,
                            text!(ja: "制御系の通信を運ぶ経路 {id}（{}）は専用網ではなく、{}。", m.ja, missing.0;
                                  en: "link {id} ({}) carries control traffic over no dedicated network and is {}", m.en, missing.1),
                        )
                    }
                    _ => Finding::insufficient(
                        subject,
                        text!(ja: "制御系の通信を運ぶ経路 {id}（{}）は専用網ではなく、暗号化と認証の有無が記録されていません。", m.ja;
                              en: "link {id} ({}) carries control traffic over no dedicated network and does not record whether it is encrypted and authenticated", m.en),
                    ),
                }
            };
            f.because(SectionKind::Networks, format!("links[id={id}]"))
        })
        .collect())
}

mizuchi_sdk::export_rules!(NET_01, NET_02, NET_03);

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build::{link, network};

    fn run(rule: &Rule, nets: &Networks) -> Vec<Finding> {
        evaluate(rule, &Evidence::new().with(nets), date(2026, 11, 27), &[]).unwrap()
    }

    fn statuses(f: &[Finding]) -> Vec<(String, Status)> {
        f.iter().map(|f| (f.subject.id.clone(), f.status)).collect()
    }

    fn plant() -> Networks {
        Networks {
            networks: vec![
                network("ctl", "control LAN", NetworkKind::Control, true),
                network("wan", "carrier WAN", NetworkKind::Carrier, true),
                network("pump", "pump LAN", NetworkKind::Control, true),
                network("ofc", "office LAN", NetworkKind::Office, false),
                network("inet", "internet", NetworkKind::Internet, false),
            ],
            links: vec![
                link("L1", "ctl", "wan", LinkMedium::WideAreaEthernet),
                link("L2", "pump", "wan", LinkMedium::IpVpn),
                link("RT", "ofc", "inet", LinkMedium::Router),
            ],
            remote_access: vec![],
        }
    }

    #[test]
    fn networks_joined_by_carrier_services_stay_closed() {
        let f = run(&NET_01, &plant());
        assert_eq!(
            statuses(&f),
            [
                ("ctl".into(), Status::Pass),
                ("wan".into(), Status::Pass),
                ("pump".into(), Status::Pass)
            ]
        );
    }

    #[test]
    fn a_firewall_is_not_isolation() {
        let mut n = plant();
        n.links
            .push(link("FW", "pump", "ofc", LinkMedium::Firewall));
        let f = run(&NET_01, &n);
        assert!(f.iter().all(|f| f.status == Status::Fail), "{f:?}");
        let ctl = &f[0];
        assert_eq!(
            ctl.message.en,
            "\"control LAN\" is declared closed but has a path to the internet (a firewall or router does not isolate): control LAN → wide-area Ethernet (L1) → carrier WAN → IP-VPN (L2) → pump LAN → firewall (FW) → office LAN → router (RT) → internet"
        );
        assert!(ctl.refs.iter().any(|r| r.locator == "links[id=FW]"));
    }

    #[test]
    fn an_internet_vpn_two_networks_away_breaks_closure() {
        let mut n = plant();
        n.links
            .push(link("VPN", "pump", "pump", LinkMedium::InternetVpn));
        let f = run(&NET_01, &n);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message
                .en
                .ends_with("pump LAN → internet VPN (VPN) → internet"),
            "{}",
            f[0].message.en
        );
    }

    #[test]
    fn no_declared_closed_network_is_not_applicable() {
        let mut n = plant();
        for net in &mut n.networks {
            net.declared_closed = Some(false);
        }
        assert_eq!(run(&NET_01, &n)[0].status, Status::NotApplicable);
        assert_eq!(
            evaluate(&NET_01, &Evidence::new(), date(2026, 11, 27), &[]).unwrap()[0].status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn control_networks_with_any_internet_path_fail_whatever_is_declared() {
        let mut n = plant();
        n.networks[2].declared_closed = Some(false);
        n.links
            .push(link("FW", "pump", "ofc", LinkMedium::Firewall));
        let f = run(&NET_02, &n);
        assert_eq!(
            statuses(&f),
            [("ctl".into(), Status::Fail), ("pump".into(), Status::Fail)]
        );
        let f = run(&NET_02, &plant());
        assert_eq!(
            statuses(&f),
            [("ctl".into(), Status::Pass), ("pump".into(), Status::Pass)]
        );
    }

    #[test]
    fn an_office_network_carrying_a_control_computer_counts_as_control() {
        let mut tablet = mlit_common::build::asset("TAB-01");
        tablet.networks = Some(vec!["ofc".into()]);
        let inv = Inventory {
            assets: vec![tablet],
            ..Default::default()
        };
        let f = evaluate(
            &NET_02,
            &Evidence::new().with(&plant()).with(&inv),
            date(2026, 11, 27),
            &[],
        )
        .unwrap();
        assert_eq!(
            statuses(&f),
            [
                ("ctl".into(), Status::Pass),
                ("pump".into(), Status::Pass),
                ("ofc".into(), Status::Fail)
            ]
        );
        assert!(f[2].message.en.starts_with("\"office LAN\" carries control-system computers (TAB-01) but has a path to the internet"), "{}", f[2].message.en);
        assert!(
            f[2].message.ja.starts_with(
                "「office LAN」は制御系の電子計算機（TAB-01）が接続するネットワークですが"
            ),
            "{}",
            f[2].message.ja
        );
    }

    #[test]
    fn without_control_networks_or_without_evidence() {
        let mut n = plant();
        n.networks.retain(|x| x.kind != NetworkKind::Control);
        assert_eq!(run(&NET_02, &n)[0].status, Status::NotApplicable);
        for rule in [&NET_01, &NET_02, &NET_03] {
            let f = evaluate(rule, &Evidence::new(), date(2026, 11, 27), &[]).unwrap();
            assert_eq!(f[0].status, Status::InsufficientEvidence, "{}", rule.id);
        }
    }

    #[test]
    fn control_traffic_needs_a_dedicated_network_or_encryption_and_authentication() {
        let mut n = plant();
        for l in &mut n.links {
            l.carries_control_traffic = Some(true);
        }
        n.links[2].encrypted = Some(true);
        let f = run(&NET_03, &n);
        assert_eq!(
            statuses(&f),
            [
                ("L1".into(), Status::Pass),
                ("L2".into(), Status::Pass),
                ("RT".into(), Status::Fail)
            ]
        );
        assert!(f[2].message.en.ends_with("not authenticated"));
        n.links[2].authenticated = Some(true);
        assert_eq!(run(&NET_03, &n)[2].status, Status::Pass);
        n.links
            .iter_mut()
            .for_each(|l| l.carries_control_traffic = Some(false));
        assert_eq!(run(&NET_03, &n)[0].status, Status::NotApplicable);
    }

    #[test]
    fn what_a_link_does_not_record_is_insufficient_evidence() {
        let mut n = plant();
        for l in &mut n.links {
            l.carries_control_traffic = Some(true);
        }
        n.links[2].encrypted = None;
        n.links[2].authenticated = None;
        let f = run(&NET_03, &n);
        assert_eq!(f[2].status, Status::InsufficientEvidence);
        assert!(
            f[2].message
                .en
                .contains("does not record whether it is encrypted")
        );
        // A link touching a control network that does not say whether it
        // carries control traffic is not waved through.
        for l in &mut n.links {
            l.carries_control_traffic = None;
        }
        let f = run(&NET_03, &n);
        assert!(
            f.iter().any(|f| f.status == Status::InsufficientEvidence),
            "{f:?}"
        );
    }
}
