//! References between sections: an asset's network exists, an account's
//! person exists, an event's area exists... Broken references between
//! documents are errors. From event logs, an unknown area is an error, while
//! an unknown host or account is a warning: logs record what really happened,
//! including hosts missing from the inventory (MLIT-AST-01 reports those) and
//! attackers guessing account names.

use std::collections::{BTreeMap, HashSet};

use mizuchi_evidence::{
    Accounts, AreaAccess, AuthEvent, AuthKind, Backups, Contracts, Document, DoorEvent, Governance,
    Inventory, Networks, People, SectionKind, Sites, Text, Training, host_key,
};

use super::DocumentFile;
use super::problem::Problems;

/// The typed document sections of a bundle, each with its file.
#[derive(Debug, Default)]
pub(crate) struct Documents {
    /// Sections the manifest lists, loaded or not.
    listed: std::collections::BTreeSet<SectionKind>,
    inventory: Option<(String, Inventory)>,
    networks: Option<(String, Networks)>,
    sites: Option<(String, Sites)>,
    people: Option<(String, People)>,
    accounts: Option<(String, Accounts)>,
    area_access: Option<(String, AreaAccess)>,
    contracts: Option<(String, Contracts)>,
    backups: Option<(String, Backups)>,
    training: Option<(String, Training)>,
    governance: Option<(String, Governance)>,
}

/// Parses a checked document's text into its type and encodes it for rules;
/// the encoded form, or `None` with the problem reported.
fn load<T: Document>(
    out: &mut Problems,
    file: &str,
    text: &str,
    slot: &mut Option<(String, T)>,
) -> Option<Vec<u8>> {
    let value = super::validate::typed::<T>(out, file, None, text)?;
    match value.encode() {
        Ok(bytes) => {
            *slot = Some((file.to_owned(), value));
            Some(bytes)
        }
        Err(e) => {
            out.error(
                file,
                None,
                None,
                Text::new(
                    format!("ルールに渡す形に変換できません: {e}"),
                    format!("cannot be encoded for the rules: {e}"),
                ),
            );
            None
        }
    }
}

/// Ids of one list, with the section they live in.
struct Ids<'a> {
    section: SectionKind,
    /// The section is listed in the manifest.
    listed: bool,
    /// Its ids, if it could be read.
    set: Option<HashSet<&'a str>>,
}

impl<'a> Ids<'a> {
    fn of<T>(
        listed: &std::collections::BTreeSet<SectionKind>,
        section: SectionKind,
        doc: &'a Option<(String, T)>,
        ids: impl Fn(&'a T) -> Vec<&'a str>,
    ) -> Self {
        Ids {
            section,
            listed: listed.contains(&section),
            set: doc.as_ref().map(|(_, d)| ids(d).into_iter().collect()),
        }
    }
}

/// Checks references and reports each missing target once per place.
struct Checker<'o> {
    out: &'o mut Problems,
    absent_reported: HashSet<(String, SectionKind)>,
}

impl Checker<'_> {
    fn check(
        &mut self,
        file: &str,
        path: String,
        id: &str,
        ids: &Ids<'_>,
        what_ja: &str,
        what_en: &str,
    ) {
        let Some(set) = &ids.set else {
            // A section that is listed but unreadable has its own error already.
            if ids.listed {
                return;
            }
            if self.absent_reported.insert((file.to_owned(), ids.section)) {
                let title = ids.section.title();
                self.out.warning(file, None, Some(path), Text::new(
                    format!("{what_ja}を参照していますが、バンドルに「{}」がないため確認できません", title.ja),
                    format!("refers to {what_en}s but the bundle has no {} section to check them against", title.en),
                ));
            }
            return;
        };
        if !set.contains(id) {
            let title = ids.section.title();
            self.out.error(
                file,
                None,
                Some(path),
                Text::new(
                    format!("{what_ja} `{id}` は「{}」にありません", title.ja),
                    format!("{what_en} `{id}` is not in the {} section", title.en),
                ),
            );
        }
    }

    fn unique<'a>(&mut self, file: &str, list: &str, ids: impl IntoIterator<Item = &'a str>) {
        let mut seen = BTreeMap::new();
        for (i, id) in ids.into_iter().enumerate() {
            if let Some(first) = seen.insert(id, i) {
                self.out.error(
                    file,
                    None,
                    Some(format!("$.{list}[{i}].id")),
                    Text::new(
                        format!("ID `{id}` が重複しています（{list}[{first}] と同じ）"),
                        format!("id `{id}` is used twice (also {list}[{first}])"),
                    ),
                );
            }
        }
    }
}

impl Documents {
    /// Notes that the manifest lists a section, whether or not it can be read.
    pub(crate) fn listed(&mut self, kind: SectionKind) {
        self.listed.insert(kind);
    }

    /// Parses a checked document's text into its type, keeps it for the
    /// reference checks, and returns the encoded form rules read; `None` when
    /// it cannot be read (the problem is reported) or is not a document.
    pub(crate) fn load(
        &mut self,
        out: &mut Problems,
        file: &str,
        kind: SectionKind,
        text: &str,
    ) -> Option<Vec<u8>> {
        match kind {
            SectionKind::Inventory => load(out, file, text, &mut self.inventory),
            SectionKind::Networks => load(out, file, text, &mut self.networks),
            SectionKind::Sites => load(out, file, text, &mut self.sites),
            SectionKind::People => load(out, file, text, &mut self.people),
            SectionKind::Accounts => load(out, file, text, &mut self.accounts),
            SectionKind::AreaAccess => load(out, file, text, &mut self.area_access),
            SectionKind::Contracts => load(out, file, text, &mut self.contracts),
            SectionKind::Backups => load(out, file, text, &mut self.backups),
            SectionKind::Training => load(out, file, text, &mut self.training),
            SectionKind::Governance => load(out, file, text, &mut self.governance),
            _ => None,
        }
    }

    /// Takes the sections another set loaded (each document is loaded into a
    /// set of its own, on the thread that checked it).
    pub(crate) fn absorb(&mut self, other: Documents) {
        fn take<T>(mine: &mut Option<T>, theirs: Option<T>) {
            if mine.is_none() {
                *mine = theirs;
            }
        }
        self.listed.extend(other.listed);
        take(&mut self.inventory, other.inventory);
        take(&mut self.networks, other.networks);
        take(&mut self.sites, other.sites);
        take(&mut self.people, other.people);
        take(&mut self.accounts, other.accounts);
        take(&mut self.area_access, other.area_access);
        take(&mut self.contracts, other.contracts);
        take(&mut self.backups, other.backups);
        take(&mut self.training, other.training);
        take(&mut self.governance, other.governance);
    }

    fn people_ids(&self) -> Ids<'_> {
        Ids::of(
            &self.listed,
            SectionKind::People,
            &self.people,
            |p: &People| p.people.iter().map(|p| p.id.as_str()).collect(),
        )
    }

    fn area_ids(&self) -> Ids<'_> {
        Ids::of(
            &self.listed,
            SectionKind::Sites,
            &self.sites,
            |s: &Sites| s.areas.iter().map(|a| a.id.as_str()).collect(),
        )
    }

    /// Checks references between documents and ids that must be unique.
    pub(crate) fn check_references(
        &self,
        out: &mut Problems,
        _files: &BTreeMap<SectionKind, DocumentFile>,
    ) {
        let people = self.people_ids();
        let areas = self.area_ids();
        let sites = Ids::of(
            &self.listed,
            SectionKind::Sites,
            &self.sites,
            |s: &Sites| s.sites.iter().map(|s| s.id.as_str()).collect(),
        );
        let networks = Ids::of(
            &self.listed,
            SectionKind::Networks,
            &self.networks,
            |n: &Networks| n.networks.iter().map(|n| n.id.as_str()).collect(),
        );
        let systems = Ids::of(
            &self.listed,
            SectionKind::Inventory,
            &self.inventory,
            |i: &Inventory| i.systems.iter().map(|s| s.id.as_str()).collect(),
        );
        let assets = Ids::of(
            &self.listed,
            SectionKind::Inventory,
            &self.inventory,
            |i: &Inventory| i.assets.iter().map(|a| a.id.as_str()).collect(),
        );
        let systems_or_assets = Ids::of(
            &self.listed,
            SectionKind::Inventory,
            &self.inventory,
            |i: &Inventory| {
                i.systems
                    .iter()
                    .map(|s| s.id.as_str())
                    .chain(i.assets.iter().map(|a| a.id.as_str()))
                    .collect()
            },
        );
        let contracts = Ids::of(
            &self.listed,
            SectionKind::Contracts,
            &self.contracts,
            |c: &Contracts| c.contracts.iter().map(|c| c.id.as_str()).collect(),
        );
        let mut c = Checker {
            out,
            absent_reported: HashSet::new(),
        };

        if let Some((f, inv)) = &self.inventory {
            c.unique(f, "systems", inv.systems.iter().map(|s| s.id.as_str()));
            c.unique(f, "assets", inv.assets.iter().map(|a| a.id.as_str()));
            for (i, s) in inv.systems.iter().enumerate() {
                if let Some(site) = &s.site {
                    c.check(
                        f,
                        format!("$.systems[{i}].site"),
                        site,
                        &sites,
                        "拠点",
                        "site",
                    );
                }
            }
            for (i, a) in inv.assets.iter().enumerate() {
                if let Some(s) = &a.system {
                    c.check(
                        f,
                        format!("$.assets[{i}].system"),
                        s,
                        &systems,
                        "システム",
                        "system",
                    );
                }
                for (j, n) in a.networks.iter().flatten().enumerate() {
                    c.check(
                        f,
                        format!("$.assets[{i}].networks[{j}]"),
                        n,
                        &networks,
                        "ネットワーク",
                        "network",
                    );
                }
                if let Some(l) = &a.location {
                    c.check(
                        f,
                        format!("$.assets[{i}].location.site"),
                        &l.site,
                        &sites,
                        "拠点",
                        "site",
                    );
                    if let Some(area) = &l.area {
                        c.check(
                            f,
                            format!("$.assets[{i}].location.area"),
                            area,
                            &areas,
                            "区域",
                            "area",
                        );
                    }
                }
                for (j, m) in a.alternative_measures.iter().enumerate() {
                    if let Some(p) = &m.approved_by {
                        c.check(
                            f,
                            format!("$.assets[{i}].alternative_measures[{j}].approved_by"),
                            p,
                            &people,
                            "人員",
                            "person",
                        );
                    }
                }
                if let Some(es) = &a.extended_support {
                    c.check(
                        f,
                        format!("$.assets[{i}].extended_support.contract"),
                        &es.contract,
                        &contracts,
                        "契約",
                        "contract",
                    );
                }
            }
        }
        if let Some((f, n)) = &self.networks {
            c.unique(f, "networks", n.networks.iter().map(|n| n.id.as_str()));
            c.unique(f, "links", n.links.iter().map(|l| l.id.as_str()));
            c.unique(
                f,
                "remote_access",
                n.remote_access.iter().map(|r| r.id.as_str()),
            );
            for (i, net) in n.networks.iter().enumerate() {
                if let Some(site) = &net.site {
                    c.check(
                        f,
                        format!("$.networks[{i}].site"),
                        site,
                        &sites,
                        "拠点",
                        "site",
                    );
                }
            }
            for (i, l) in n.links.iter().enumerate() {
                c.check(
                    f,
                    format!("$.links[{i}].a"),
                    &l.a,
                    &networks,
                    "ネットワーク",
                    "network",
                );
                c.check(
                    f,
                    format!("$.links[{i}].b"),
                    &l.b,
                    &networks,
                    "ネットワーク",
                    "network",
                );
            }
            for (i, r) in n.remote_access.iter().enumerate() {
                c.check(
                    f,
                    format!("$.remote_access[{i}].network"),
                    &r.network,
                    &networks,
                    "ネットワーク",
                    "network",
                );
                if let Some(p) = &r.approved_by {
                    c.check(
                        f,
                        format!("$.remote_access[{i}].approved_by"),
                        p,
                        &people,
                        "人員",
                        "person",
                    );
                }
            }
        }
        if let Some((f, s)) = &self.sites {
            c.unique(f, "sites", s.sites.iter().map(|s| s.id.as_str()));
            c.unique(f, "areas", s.areas.iter().map(|a| a.id.as_str()));
            for (i, a) in s.areas.iter().enumerate() {
                c.check(
                    f,
                    format!("$.areas[{i}].site"),
                    &a.site,
                    &sites,
                    "拠点",
                    "site",
                );
            }
        }
        if let Some((f, p)) = &self.people {
            c.unique(f, "people", p.people.iter().map(|p| p.id.as_str()));
        }
        if let Some((f, a)) = &self.accounts {
            c.unique(f, "accounts", a.accounts.iter().map(|a| a.id.as_str()));
            for (i, acc) in a.accounts.iter().enumerate() {
                c.check(
                    f,
                    format!("$.accounts[{i}].system"),
                    &acc.system,
                    &systems_or_assets,
                    "システム又は資産",
                    "system or asset",
                );
                if let Some(p) = &acc.person {
                    c.check(
                        f,
                        format!("$.accounts[{i}].person"),
                        p,
                        &people,
                        "人員",
                        "person",
                    );
                }
            }
        }
        if let Some((f, a)) = &self.area_access {
            c.unique(f, "visitors", a.visitors.iter().map(|v| v.id.as_str()));
            for (i, au) in a.authorisations.iter().enumerate() {
                c.check(
                    f,
                    format!("$.authorisations[{i}].person"),
                    &au.person,
                    &people,
                    "人員",
                    "person",
                );
                c.check(
                    f,
                    format!("$.authorisations[{i}].area"),
                    &au.area,
                    &areas,
                    "区域",
                    "area",
                );
            }
            for (i, v) in a.visitors.iter().enumerate() {
                c.check(
                    f,
                    format!("$.visitors[{i}].area"),
                    &v.area,
                    &areas,
                    "区域",
                    "area",
                );
                if let Some(e) = &v.escort {
                    c.check(
                        f,
                        format!("$.visitors[{i}].escort"),
                        e,
                        &people,
                        "人員",
                        "person",
                    );
                }
            }
        }
        if let Some((f, ct)) = &self.contracts {
            c.unique(f, "contracts", ct.contracts.iter().map(|c| c.id.as_str()));
            for (i, k) in ct.contracts.iter().enumerate() {
                for (j, a) in k.assets.iter().enumerate() {
                    c.check(
                        f,
                        format!("$.contracts[{i}].assets[{j}]"),
                        a,
                        &assets,
                        "資産",
                        "asset",
                    );
                }
            }
        }
        if let Some((f, b)) = &self.backups {
            for (i, r) in b.runs.iter().enumerate() {
                c.check(
                    f,
                    format!("$.runs[{i}].system"),
                    &r.system,
                    &systems,
                    "システム",
                    "system",
                );
                if let Some(s) = &r.destination.site {
                    c.check(
                        f,
                        format!("$.runs[{i}].destination.site"),
                        s,
                        &sites,
                        "拠点",
                        "site",
                    );
                }
            }
            for (i, r) in b.restore_tests.iter().enumerate() {
                c.check(
                    f,
                    format!("$.restore_tests[{i}].system"),
                    &r.system,
                    &systems,
                    "システム",
                    "system",
                );
            }
        }
        if let Some((f, t)) = &self.training {
            for (i, r) in t.records.iter().enumerate() {
                c.check(
                    f,
                    format!("$.records[{i}].person"),
                    &r.person,
                    &people,
                    "人員",
                    "person",
                );
            }
        }
        if let Some((f, g)) = &self.governance {
            for (i, a) in g.appointments.iter().enumerate() {
                c.check(
                    f,
                    format!("$.appointments[{i}].person"),
                    &a.person,
                    &people,
                    "人員",
                    "person",
                );
                if let Some(by) = &a.appointed_by {
                    c.check(
                        f,
                        format!("$.appointments[{i}].appointed_by"),
                        by,
                        &people,
                        "人員",
                        "person",
                    );
                }
            }
            if let Some(cs) = &g.csirt {
                if let Some(l) = &cs.lead {
                    c.check(f, "$.csirt.lead".into(), l, &people, "人員", "person");
                }
                for (i, m) in cs.members.iter().enumerate() {
                    c.check(
                        f,
                        format!("$.csirt.members[{i}]"),
                        m,
                        &people,
                        "人員",
                        "person",
                    );
                }
            }
            for (i, a) in g.approvals.iter().enumerate() {
                c.check(
                    f,
                    format!("$.approvals[{i}].requested_by"),
                    &a.requested_by,
                    &people,
                    "人員",
                    "person",
                );
                c.check(
                    f,
                    format!("$.approvals[{i}].approved_by"),
                    &a.approved_by,
                    &people,
                    "人員",
                    "person",
                );
            }
            for (i, r) in g.risk_assessments.iter().enumerate() {
                for (j, e) in r.plan.iter().enumerate() {
                    if let Some(o) = &e.owner {
                        c.check(
                            f,
                            format!("$.risk_assessments[{i}].plan[{j}].owner"),
                            o,
                            &people,
                            "人員",
                            "person",
                        );
                    }
                }
            }
            for (i, a) in g.risk_acceptances.iter().enumerate() {
                c.check(
                    f,
                    format!("$.risk_acceptances[{i}].approved_by"),
                    &a.approved_by,
                    &people,
                    "人員",
                    "person",
                );
            }
        }
    }
}

/// At most this many distinct unknown names are listed per log file.
const UNKNOWN_LISTED: usize = 20;

/// References from one log file, checked line by line in bounded memory.
pub(crate) struct LogRefs<'d> {
    docs: &'d Documents,
    hosts: Option<HashSet<String>>,
    accounts: Option<HashSet<String>>,
    areas: Option<HashSet<&'d str>>,
    people: Option<HashSet<&'d str>>,
    unknown_hosts: BTreeMap<String, u64>,
    unknown_accounts: BTreeMap<String, u64>,
    more_hosts: u64,
    more_accounts: u64,
}

impl<'d> LogRefs<'d> {
    pub(crate) fn new(docs: &'d Documents, kind: SectionKind) -> Self {
        let auth = kind == SectionKind::AuthEvents;
        let hosts = docs.inventory.as_ref().filter(|_| auth).map(|(_, inv)| {
            inv.assets
                .iter()
                .flat_map(|a| a.names())
                .map(host_key)
                .collect()
        });
        let accounts = docs
            .accounts
            .as_ref()
            .filter(|_| auth)
            .map(|(_, a)| a.accounts.iter().map(|a| a.name.to_lowercase()).collect());
        let areas = docs
            .sites
            .as_ref()
            .map(|(_, s)| s.areas.iter().map(|a| a.id.as_str()).collect());
        let people = docs
            .people
            .as_ref()
            .map(|(_, p)| p.people.iter().map(|p| p.id.as_str()).collect());
        LogRefs {
            docs,
            hosts,
            accounts,
            areas,
            people,
            unknown_hosts: BTreeMap::new(),
            unknown_accounts: BTreeMap::new(),
            more_hosts: 0,
            more_accounts: 0,
        }
    }

    fn note(map: &mut BTreeMap<String, u64>, more: &mut u64, name: &str, line: u64) {
        if map.contains_key(name) {
            return;
        }
        if map.len() < UNKNOWN_LISTED {
            map.insert(name.to_owned(), line);
        } else {
            *more += 1;
        }
    }

    pub(crate) fn auth(&mut self, ev: &AuthEvent, line: u64) {
        if let Some(hosts) = &self.hosts
            && !hosts.contains(&host_key(&ev.system))
        {
            Self::note(
                &mut self.unknown_hosts,
                &mut self.more_hosts,
                &ev.system,
                line,
            );
        }
        if ev.kind == AuthKind::LogonSuccess
            && let Some(accounts) = &self.accounts
            && !accounts.contains(&ev.account.to_lowercase())
        {
            Self::note(
                &mut self.unknown_accounts,
                &mut self.more_accounts,
                &ev.account,
                line,
            );
        }
    }

    pub(crate) fn door(&mut self, out: &mut Problems, file: &str, ev: &DoorEvent, line: u64) {
        if let Some(areas) = &self.areas
            && !areas.contains(ev.area.as_str())
        {
            out.error(
                file,
                Some(line),
                Some("$.area".into()),
                Text::new(
                    format!("区域 `{}` は「拠点・管理区域」にありません", ev.area),
                    format!("area `{}` is not in the sites section", ev.area),
                ),
            );
        }
        if let (Some(people), Some(p)) = (&self.people, &ev.person)
            && !people.contains(p.as_str())
        {
            out.warning(
                file,
                Some(line),
                Some("$.person".into()),
                Text::new(
                    format!("人員 `{p}` は職員名簿にありません"),
                    format!("person `{p}` is not in the people section"),
                ),
            );
        }
        let _ = self.docs;
    }

    /// Reports the distinct unknown hosts and accounts of the file.
    pub(crate) fn report(&self, out: &mut Problems, file: &str) {
        for (name, line) in &self.unknown_hosts {
            out.warning(file, Some(*line), Some("$.system".into()), Text::new(
                format!("ホスト `{name}` は資産台帳にありません（以降の行にも出現する場合があります）"),
                format!("host `{name}` is not in the inventory (first seen here)"),
            ));
        }
        if self.more_hosts > 0 {
            out.warning(
                file,
                None,
                None,
                Text::new(
                    format!("他に{}個のホストが資産台帳にありません", self.more_hosts),
                    format!("{} more hosts are not in the inventory", self.more_hosts),
                ),
            );
        }
        for (name, line) in &self.unknown_accounts {
            out.warning(file, Some(*line), Some("$.account".into()), Text::new(
                format!("ログオンに成功したアカウント `{name}` がアカウント一覧にありません"),
                format!("account `{name}` logged on successfully but is not in the accounts section (first seen here)"),
            ));
        }
        if self.more_accounts > 0 {
            out.warning(
                file,
                None,
                None,
                Text::new(
                    format!(
                        "他に{}個のアカウントがアカウント一覧にありません",
                        self.more_accounts
                    ),
                    format!(
                        "{} more accounts are not in the accounts section",
                        self.more_accounts
                    ),
                ),
            );
        }
    }
}
