//! Is a network truly closed? The closed-network analysis of guideline 第2章.
//!
//! A closed network (閉域網) has no path to the internet through the networks
//! connected to it. Links through carrier services isolated from the internet
//! (dedicated line, wide-area Ethernet, IP-VPN, entry VPN) connect networks
//! without touching the internet. A firewall or a router connects networks but
//! does not isolate them: whatever is reachable beyond it counts. An internet
//! VPN anywhere in the connected networks runs over the internet and breaks
//! closure, and so does a single internet contact point in any connected
//! network.
//!
//! The analysis is a breadth-first search over the graph of networks and
//! links, so the path it reports is a shortest one, and among those the one
//! through the links listed first: the same evidence always gives the same path.
//!
//! Each network's search is guided by every network's distance to the
//! nearest way out (an internet network, or a network with an internet VPN),
//! found once for the graph: a network with no way out is closed at once, and
//! a search visits only the networks on a shortest way out. The first way out
//! it reaches, and the path to it, are those the full search would find (a
//! network on a shortest way out is always first reached from another one),
//! but the work no longer grows with the square of the networks.

use std::collections::{HashMap, VecDeque};

use mizuchi_sdk::prelude::*;

/// One step of a path: the network reached and the link that reached it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The link taken to reach this step (`None` for the start).
    pub link: Option<String>,
    pub medium: Option<LinkMedium>,
    /// The network reached; `None` when the link itself is the internet (an internet VPN).
    pub network: Option<String>,
}

/// A path from a network to the internet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternetPath {
    pub hops: Vec<Hop>,
}

/// What the analysis says about one network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// No path to the internet.
    Closed,
    /// A path to the internet exists.
    Open(InternetPath),
    /// The network id is not in the networks section.
    UnknownNetwork,
}

/// The graph of networks and links, built once per evaluation.
#[derive(Debug)]
pub struct Graph<'a> {
    networks: &'a Networks,
    index: HashMap<&'a str, usize>,
    /// For each network, the links that touch it: (link index, other end).
    adjacent: Vec<Vec<(usize, Option<usize>)>>,
    /// For each network, the fewest links to a way out (`u32::MAX`: none).
    exit: Vec<u32>,
}

impl<'a> Graph<'a> {
    pub fn new(networks: &'a Networks) -> Self {
        let index: HashMap<&str, usize> = networks
            .networks
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut adjacent = vec![Vec::new(); networks.networks.len()];
        for (li, link) in networks.links.iter().enumerate() {
            let a = index.get(link.a.as_str()).copied();
            let b = index.get(link.b.as_str()).copied();
            if let Some(a) = a {
                adjacent[a].push((li, b));
            }
            if let Some(b) = b
                && a != Some(b)
            {
                adjacent[b].push((li, a));
            }
        }
        let exit = exit_distances(networks, &adjacent);
        Graph {
            networks,
            index,
            adjacent,
            exit,
        }
    }

    /// The network with this id.
    pub fn network(&self, id: &str) -> Option<&'a Network> {
        self.index.get(id).map(|&i| &self.networks.networks[i])
    }

    /// Whether the network can reach the internet, and the path if it can.
    pub fn reach(&self, id: &str) -> Reach {
        let Some(&start) = self.index.get(id) else {
            return Reach::UnknownNetwork;
        };
        let nets = &self.networks.networks;
        if self.exit[start] == u32::MAX {
            return Reach::Closed;
        }
        // came_from[n] = (previous network, link index)
        let mut came_from: Vec<Option<(usize, usize)>> = vec![None; nets.len()];
        let mut seen = vec![false; nets.len()];
        let mut queue = VecDeque::from([start]);
        seen[start] = true;
        while let Some(n) = queue.pop_front() {
            if nets[n].kind == NetworkKind::Internet {
                return Reach::Open(self.path(start, n, &came_from, None));
            }
            for &(li, other) in &self.adjacent[n] {
                let link = &self.networks.links[li];
                if link.medium.crosses_internet() {
                    return Reach::Open(self.path(start, n, &came_from, Some(li)));
                }
                // Only one link nearer a way out: the networks off every
                // shortest way out cannot change which one is found first.
                if let Some(o) = other
                    && !seen[o]
                    && self.exit[o].saturating_add(1) == self.exit[n]
                {
                    seen[o] = true;
                    came_from[o] = Some((n, li));
                    queue.push_back(o);
                }
            }
        }
        Reach::Closed
    }

    fn path(
        &self,
        start: usize,
        end: usize,
        came_from: &[Option<(usize, usize)>],
        through_vpn: Option<usize>,
    ) -> InternetPath {
        let nets = &self.networks.networks;
        let links = &self.networks.links;
        let mut hops = Vec::new();
        let mut n = end;
        while n != start {
            let Some((prev, li)) = came_from[n] else {
                break;
            };
            hops.push(Hop {
                link: Some(links[li].id.clone()),
                medium: Some(links[li].medium),
                network: Some(nets[n].id.clone()),
            });
            n = prev;
        }
        hops.push(Hop {
            link: None,
            medium: None,
            network: Some(nets[start].id.clone()),
        });
        hops.reverse();
        if let Some(li) = through_vpn {
            hops.push(Hop {
                link: Some(links[li].id.clone()),
                medium: Some(links[li].medium),
                network: None,
            });
        }
        InternetPath { hops }
    }

    /// The path in words, e.g. `制御LAN → ファイアウォール(FW-1) → 事務LAN → ルータ(RT-1) → インターネット`.
    pub fn describe(&self, path: &InternetPath) -> Text {
        let mut ja = Vec::new();
        let mut en = Vec::new();
        for hop in &path.hops {
            if let (Some(link), Some(medium)) = (&hop.link, hop.medium) {
                let m = medium_name(medium);
                ja.push(format!("{}({link})", m.ja));
                en.push(format!("{} ({link})", m.en));
            }
            match &hop.network {
                Some(id) => {
                    let (nja, nen) = match self.network(id) {
                        Some(n) if n.kind == NetworkKind::Internet => {
                            ("インターネット".to_owned(), "internet".to_owned())
                        }
                        Some(n) => (n.name.clone(), n.name.clone()),
                        None => (id.clone(), id.clone()),
                    };
                    ja.push(nja);
                    en.push(nen);
                }
                None => {
                    ja.push("インターネット".to_owned());
                    en.push("internet".to_owned());
                }
            }
        }
        Text::new(ja.join(" → "), en.join(" → "))
    }

    /// The links a path takes, as evidence references.
    pub fn refs(&self, path: &InternetPath) -> Vec<String> {
        path.hops
            .iter()
            .filter_map(|h| h.link.as_ref().map(|l| format!("links[id={l}]")))
            .collect()
    }
}

/// For each network, the fewest links to a way out: a network that is the
/// internet, or that an internet VPN touches, is one itself (0). One
/// breadth-first search from all of them at once, over the links a search
/// may cross (an internet VPN leads out, not on).
fn exit_distances(networks: &Networks, adjacent: &[Vec<(usize, Option<usize>)>]) -> Vec<u32> {
    let mut exit = vec![u32::MAX; networks.networks.len()];
    let mut queue = VecDeque::new();
    for (n, net) in networks.networks.iter().enumerate() {
        let out = net.kind == NetworkKind::Internet
            || adjacent[n]
                .iter()
                .any(|&(li, _)| networks.links[li].medium.crosses_internet());
        if out {
            exit[n] = 0;
            queue.push_back(n);
        }
    }
    while let Some(n) = queue.pop_front() {
        for &(li, other) in &adjacent[n] {
            if networks.links[li].medium.crosses_internet() {
                continue;
            }
            if let Some(o) = other
                && exit[o] == u32::MAX
            {
                exit[o] = exit[n] + 1;
                queue.push_back(o);
            }
        }
    }
    exit
}

/// The name of a link medium in both languages.
pub fn medium_name(medium: LinkMedium) -> Text {
    let (ja, en) = match medium {
        LinkMedium::DedicatedLine => ("専用線", "dedicated line"),
        LinkMedium::WideAreaEthernet => ("広域イーサネット", "wide-area Ethernet"),
        LinkMedium::IpVpn => ("IP-VPN", "IP-VPN"),
        LinkMedium::EntryVpn => ("エントリーVPN", "entry VPN"),
        LinkMedium::InternetVpn => ("インターネットVPN", "internet VPN"),
        LinkMedium::Firewall => ("ファイアウォール", "firewall"),
        LinkMedium::Router => ("ルータ", "router"),
        LinkMedium::Direct => ("直結", "direct"),
        LinkMedium::Wireless => ("無線", "wireless"),
        _ => ("その他", "other"),
    };
    Text::new(ja, en)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{link, network};

    /// The search as it was before it was guided: from `id` over every
    /// network, with no distances. The guided one must find the same.
    fn unguided(g: &Graph<'_>, id: &str) -> Reach {
        let Some(&start) = g.index.get(id) else {
            return Reach::UnknownNetwork;
        };
        let nets = &g.networks.networks;
        let mut came_from: Vec<Option<(usize, usize)>> = vec![None; nets.len()];
        let mut seen = vec![false; nets.len()];
        let mut queue = VecDeque::from([start]);
        seen[start] = true;
        while let Some(n) = queue.pop_front() {
            if nets[n].kind == NetworkKind::Internet {
                return Reach::Open(g.path(start, n, &came_from, None));
            }
            for &(li, other) in &g.adjacent[n] {
                if g.networks.links[li].medium.crosses_internet() {
                    return Reach::Open(g.path(start, n, &came_from, Some(li)));
                }
                if let Some(o) = other
                    && !seen[o]
                {
                    seen[o] = true;
                    came_from[o] = Some((n, li));
                    queue.push_back(o);
                }
            }
        }
        Reach::Closed
    }

    #[test]
    fn the_guided_search_finds_the_very_path_of_the_full_one() {
        // Many graphs, dense and sparse, with ties between equally short
        // ways out, internet networks and internet VPNs, links to networks
        // not listed: every network's answer must be the same.
        let media = [
            LinkMedium::Firewall,
            LinkMedium::Router,
            LinkMedium::WideAreaEthernet,
            LinkMedium::InternetVpn,
            LinkMedium::IpVpn,
            LinkMedium::Direct,
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        for _ in 0..300 {
            let n = 2 + next(14) as usize;
            let networks = (0..n)
                .map(|i| {
                    let kind = if next(9) == 0 {
                        NetworkKind::Internet
                    } else {
                        NetworkKind::Control
                    };
                    network(&format!("n{i}"), &format!("net {i}"), kind, true)
                })
                .collect();
            let links = (0..next(3 * n as u64) as usize)
                .map(|l| {
                    let a = format!("n{}", next(n as u64));
                    // Now and then a link to a network that is not listed.
                    let b = format!("n{}", next(n as u64 + 1));
                    let medium = media[next(media.len() as u64) as usize];
                    let medium = if medium == LinkMedium::InternetVpn && next(3) != 0 {
                        LinkMedium::Firewall
                    } else {
                        medium
                    };
                    link(&format!("L{l}"), &a, &b, medium)
                })
                .collect();
            let nets = Networks {
                networks,
                links,
                remote_access: vec![],
            };
            let g = Graph::new(&nets);
            for net in &nets.networks {
                assert_eq!(
                    g.reach(&net.id),
                    unguided(&g, &net.id),
                    "{nets:?} from {}",
                    net.id
                );
            }
        }
    }

    fn open_path(g: &Graph<'_>, id: &str) -> String {
        match g.reach(id) {
            Reach::Open(p) => g.describe(&p).en,
            other => panic!("expected a path, got {other:?}"),
        }
    }

    #[test]
    fn a_firewall_is_not_isolation() {
        let nets = Networks {
            networks: vec![
                network("ctl", "control LAN", NetworkKind::Control, true),
                network("ofc", "office LAN", NetworkKind::Office, false),
                network("inet", "internet", NetworkKind::Internet, false),
            ],
            links: vec![
                link("FW-1", "ctl", "ofc", LinkMedium::Firewall),
                link("RT-1", "ofc", "inet", LinkMedium::Router),
            ],
            remote_access: vec![],
        };
        let g = Graph::new(&nets);
        assert_eq!(
            open_path(&g, "ctl"),
            "control LAN → firewall (FW-1) → office LAN → router (RT-1) → internet"
        );
    }

    #[test]
    fn an_internet_vpn_two_networks_away_breaks_closure() {
        let nets = Networks {
            networks: vec![
                network("ctl", "plant control", NetworkKind::Control, true),
                network("wan", "carrier WAN", NetworkKind::Carrier, true),
                network("pump", "pump station", NetworkKind::Control, true),
            ],
            links: vec![
                link("L1", "ctl", "wan", LinkMedium::WideAreaEthernet),
                link("L2", "wan", "pump", LinkMedium::IpVpn),
                link("VPN-9", "pump", "pump", LinkMedium::InternetVpn),
            ],
            remote_access: vec![],
        };
        let g = Graph::new(&nets);
        assert_eq!(
            open_path(&g, "ctl"),
            "plant control → wide-area Ethernet (L1) → carrier WAN → IP-VPN (L2) → pump station → internet VPN (VPN-9) → internet"
        );
    }

    #[test]
    fn carrier_links_alone_keep_a_network_closed() {
        let nets = Networks {
            networks: vec![
                network("a", "plant A", NetworkKind::Control, true),
                network("b", "plant B", NetworkKind::Control, true),
            ],
            links: vec![link("L1", "a", "b", LinkMedium::DedicatedLine)],
            remote_access: vec![],
        };
        let g = Graph::new(&nets);
        assert_eq!(g.reach("a"), Reach::Closed);
        assert_eq!(g.reach("nope"), Reach::UnknownNetwork);
    }

    #[test]
    fn the_shortest_path_is_reported() {
        let nets = Networks {
            networks: vec![
                network("a", "A", NetworkKind::Control, true),
                network("b", "B", NetworkKind::Office, false),
                network("c", "C", NetworkKind::Office, false),
                network("i", "internet", NetworkKind::Internet, false),
            ],
            links: vec![
                link("ab", "a", "b", LinkMedium::Router),
                link("bc", "b", "c", LinkMedium::Router),
                link("ci", "c", "i", LinkMedium::Router),
                link("ai", "a", "i", LinkMedium::Wireless),
            ],
            remote_access: vec![],
        };
        let g = Graph::new(&nets);
        assert_eq!(open_path(&g, "a"), "A → wireless (ai) → internet");
    }
}
