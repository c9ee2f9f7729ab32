//! Operating-system support end dates, and the lookup that refuses to guess.
//!
//! The table is `os-lifecycle.md` of the guideline folder (from the
//! endoflife.date project, snapshot of 2026-08-22), shipped with the pack so
//! that a result depends only on the pack, never on a network service. When
//! the data changes, [`DATA_VERSION`] and MLIT-ORD-03's version change with it.
//!
//! One build number can belong to releases with very different end dates
//! (17763: Windows 10 1809 Pro, ended 2020-11-10; Enterprise LTSC 2019, until
//! 2029-01-09). Where the inventory does not say enough to tell them apart,
//! [`lookup`] answers [`Lookup::Ambiguous`] and the rule reports insufficient
//! evidence.

use jiff::civil::{Date, date};
use mizuchi_sdk::evidence::OperatingSystem;

/// The snapshot of the lifecycle data.
pub const DATA_VERSION: &str = "endoflife.date 2026-08-22";

/// A release and its support dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    /// Normalised product name (lower case, single spaces).
    product: &'static str,
    /// Normalised editions this entry covers; empty for every edition.
    editions: &'static [&'static str],
    /// Feature update, service pack or release number.
    version: Option<&'static str>,
    build: Option<&'static str>,
    /// Display name.
    pub name: &'static str,
    /// Last day of free security updates.
    pub ends: Date,
    /// Last day of paid extended support, if sold.
    pub extended: Option<Date>,
}

impl Release {
    /// The normalised product name (lower case, single spaces).
    pub fn product(&self) -> &'static str {
        self.product
    }

    /// The normalised editions the entry covers; empty for every edition.
    pub fn editions(&self) -> &'static [&'static str] {
        self.editions
    }

    /// The feature update, service pack or release number, if the entry names one.
    pub fn version(&self) -> Option<&'static str> {
        self.version
    }

    /// The build, if the entry names one.
    pub fn build(&self) -> Option<&'static str> {
        self.build
    }
}

const ENT: &[&str] = &["enterprise", "education", "iot enterprise"];
const PRO: &[&str] = &["pro", "home", "pro education", "pro for workstations"];

macro_rules! rel {
    ($product:literal, $editions:expr, $version:expr, $build:expr, $name:literal, $ends:expr) => {
        rel!($product, $editions, $version, $build, $name, $ends, None)
    };
    ($product:literal, $editions:expr, $version:expr, $build:expr, $name:literal, $ends:expr, $ext:expr) => {
        Release {
            product: $product,
            editions: $editions,
            version: $version,
            build: $build,
            name: $name,
            ends: $ends,
            extended: $ext,
        }
    };
}

/// The table.
#[rustfmt::skip]
pub static RELEASES: &[Release] = &[
    // Windows client
    rel!("windows xp", &[], Some("sp3"), Some("5.1.2600"), "Windows XP SP3", date(2014, 4, 8)),
    rel!("windows vista", &[], Some("sp2"), Some("6.0.6002"), "Windows Vista SP2", date(2017, 4, 11)),
    rel!("windows 7", &[], Some("sp1"), Some("6.1.7601"), "Windows 7 SP1", date(2020, 1, 14), Some(date(2023, 1, 10))),
    rel!("windows 8", &[], None, Some("6.2.9200"), "Windows 8", date(2016, 1, 12)),
    rel!("windows 8.1", &[], None, Some("6.3.9600"), "Windows 8.1", date(2023, 1, 10)),
    rel!("windows 10", &["enterprise ltsb 2015", "enterprise ltsb"], Some("1507"), Some("10240"), "Windows 10 Enterprise LTSB 2015", date(2025, 10, 14)),
    rel!("windows 10", &["enterprise ltsb 2016", "enterprise ltsb"], Some("1607"), Some("14393"), "Windows 10 Enterprise LTSB 2016", date(2026, 10, 13)),
    rel!("windows 10", &["enterprise ltsc 2019", "iot enterprise ltsc 2019"], Some("1809"), Some("17763"), "Windows 10 Enterprise LTSC 2019", date(2029, 1, 9)),
    rel!("windows 10", ENT, Some("1809"), Some("17763"), "Windows 10 1809 Enterprise", date(2021, 5, 11)),
    rel!("windows 10", PRO, Some("1809"), Some("17763"), "Windows 10 1809 Pro", date(2020, 11, 10)),
    rel!("windows 10", &["enterprise ltsc 2021"], Some("21h2"), Some("19044"), "Windows 10 Enterprise LTSC 2021", date(2027, 1, 12)),
    rel!("windows 10", &["iot enterprise ltsc 2021"], Some("21h2"), Some("19044"), "Windows 10 IoT Enterprise LTSC 2021", date(2032, 1, 13)),
    rel!("windows 10", ENT, Some("21h2"), Some("19044"), "Windows 10 21H2 Enterprise", date(2024, 6, 11)),
    rel!("windows 10", PRO, Some("21h2"), Some("19044"), "Windows 10 21H2 Pro", date(2023, 6, 13)),
    rel!("windows 10", &[], Some("22h2"), Some("19045"), "Windows 10 22H2", date(2025, 10, 14), Some(date(2028, 10, 10))),
    rel!("windows 11", ENT, Some("21h2"), Some("22000"), "Windows 11 21H2 Enterprise", date(2024, 10, 8)),
    rel!("windows 11", PRO, Some("21h2"), Some("22000"), "Windows 11 21H2 Pro", date(2023, 10, 10)),
    rel!("windows 11", ENT, Some("22h2"), Some("22621"), "Windows 11 22H2 Enterprise", date(2025, 10, 14)),
    rel!("windows 11", PRO, Some("22h2"), Some("22621"), "Windows 11 22H2 Pro", date(2024, 10, 8)),
    rel!("windows 11", ENT, Some("23h2"), Some("22631"), "Windows 11 23H2 Enterprise", date(2026, 11, 10)),
    rel!("windows 11", PRO, Some("23h2"), Some("22631"), "Windows 11 23H2 Pro", date(2025, 11, 11)),
    rel!("windows 11", ENT, Some("24h2"), Some("26100"), "Windows 11 24H2 Enterprise", date(2027, 10, 12)),
    rel!("windows 11", PRO, Some("24h2"), Some("26100"), "Windows 11 24H2 Pro", date(2026, 10, 13)),
    rel!("windows 11", &["enterprise ltsc 2024"], Some("24h2"), Some("26100"), "Windows 11 Enterprise LTSC 2024", date(2029, 10, 9)),
    rel!("windows 11", &["iot enterprise ltsc 2024"], Some("24h2"), Some("26100"), "Windows 11 IoT Enterprise LTSC 2024", date(2034, 10, 10)),
    rel!("windows 11", ENT, Some("25h2"), Some("26200"), "Windows 11 25H2 Enterprise", date(2028, 10, 10)),
    rel!("windows 11", PRO, Some("25h2"), Some("26200"), "Windows 11 25H2 Pro", date(2027, 10, 12)),
    // Windows Embedded
    rel!("windows embedded standard 7", &[], None, None, "Windows Embedded Standard 7 SP1", date(2020, 10, 13)),
    rel!("windows embedded compact 7", &[], None, None, "Windows Embedded Compact 7", date(2021, 4, 13)),
    rel!("windows embedded posready 7", &[], None, None, "Windows Embedded POSReady 7", date(2021, 10, 12)),
    rel!("windows embedded 8.1 pro", &[], None, None, "Windows Embedded 8.1 Pro", date(2023, 1, 10)),
    rel!("windows embedded 8.1 industry", &[], None, None, "Windows Embedded 8.1 Industry", date(2023, 7, 11)),
    rel!("windows embedded compact 2013", &[], None, None, "Windows Embedded Compact 2013", date(2023, 10, 10)),
    // Windows Server
    rel!("windows server 2003", &[], None, Some("5.2.3790"), "Windows Server 2003 SP2", date(2015, 7, 14)),
    rel!("windows server 2008", &[], None, Some("6.0.6003"), "Windows Server 2008 SP2", date(2020, 1, 14), Some(date(2023, 1, 10))),
    rel!("windows server 2008 r2", &[], None, Some("6.1.7601"), "Windows Server 2008 R2 SP1", date(2020, 1, 14), Some(date(2023, 1, 10))),
    rel!("windows server 2012", &[], None, Some("6.2.9200"), "Windows Server 2012", date(2023, 10, 10), Some(date(2026, 10, 13))),
    rel!("windows server 2012 r2", &[], None, Some("6.3.9600"), "Windows Server 2012 R2", date(2023, 10, 10), Some(date(2026, 10, 13))),
    rel!("windows server 2016", &[], None, Some("14393"), "Windows Server 2016", date(2027, 1, 12)),
    rel!("windows server 2019", &[], None, Some("17763"), "Windows Server 2019", date(2029, 1, 9)),
    rel!("windows server 2022", &[], None, Some("20348"), "Windows Server 2022", date(2031, 10, 14)),
    rel!("windows server 2025", &[], None, Some("26100"), "Windows Server 2025", date(2034, 11, 14)),
    // Linux
    rel!("red hat enterprise linux", &[], Some("6"), None, "RHEL 6", date(2020, 11, 30), Some(date(2024, 6, 30))),
    rel!("red hat enterprise linux", &[], Some("7"), None, "RHEL 7", date(2024, 6, 30), Some(date(2029, 5, 31))),
    rel!("red hat enterprise linux", &[], Some("8"), None, "RHEL 8", date(2029, 5, 31), Some(date(2033, 5, 31))),
    rel!("red hat enterprise linux", &[], Some("9"), None, "RHEL 9", date(2032, 5, 31), Some(date(2036, 5, 31))),
    rel!("red hat enterprise linux", &[], Some("10"), None, "RHEL 10", date(2035, 5, 31), Some(date(2039, 5, 31))),
    rel!("centos", &[], Some("6"), None, "CentOS 6", date(2020, 11, 30)),
    rel!("centos", &[], Some("7"), None, "CentOS 7", date(2024, 6, 30)),
    rel!("centos", &[], Some("8"), None, "CentOS 8", date(2021, 12, 31)),
    rel!("rocky linux", &[], Some("8"), None, "Rocky Linux 8", date(2029, 5, 31)),
    rel!("rocky linux", &[], Some("9"), None, "Rocky Linux 9", date(2032, 5, 31)),
    rel!("rocky linux", &[], Some("10"), None, "Rocky Linux 10", date(2035, 5, 31)),
    rel!("almalinux", &[], Some("8"), None, "AlmaLinux 8", date(2029, 5, 31)),
    rel!("almalinux", &[], Some("9"), None, "AlmaLinux 9", date(2032, 5, 31)),
    rel!("almalinux", &[], Some("10"), None, "AlmaLinux 10", date(2035, 5, 31)),
    rel!("ubuntu", &[], Some("14.04"), None, "Ubuntu 14.04 LTS", date(2019, 4, 2), Some(date(2024, 4, 2))),
    rel!("ubuntu", &[], Some("16.04"), None, "Ubuntu 16.04 LTS", date(2021, 4, 2), Some(date(2026, 4, 2))),
    rel!("ubuntu", &[], Some("18.04"), None, "Ubuntu 18.04 LTS", date(2023, 5, 31), Some(date(2028, 4, 1))),
    rel!("ubuntu", &[], Some("20.04"), None, "Ubuntu 20.04 LTS", date(2025, 5, 31), Some(date(2030, 4, 2))),
    rel!("ubuntu", &[], Some("22.04"), None, "Ubuntu 22.04 LTS", date(2027, 4, 1), Some(date(2032, 4, 9))),
    rel!("ubuntu", &[], Some("24.04"), None, "Ubuntu 24.04 LTS", date(2029, 5, 31), Some(date(2036, 5, 31))),
    rel!("debian", &[], Some("9"), None, "Debian 9", date(2020, 7, 18), Some(date(2022, 7, 1))),
    rel!("debian", &[], Some("10"), None, "Debian 10", date(2022, 9, 10), Some(date(2024, 6, 30))),
    rel!("debian", &[], Some("11"), None, "Debian 11", date(2024, 8, 14), Some(date(2026, 8, 31))),
    rel!("debian", &[], Some("12"), None, "Debian 12", date(2026, 7, 11), Some(date(2028, 6, 30))),
    rel!("debian", &[], Some("13"), None, "Debian 13", date(2028, 8, 9), Some(date(2030, 6, 30))),
    rel!("suse linux enterprise server", &[], Some("12 sp5"), None, "SLES 12 SP5", date(2024, 10, 31), Some(date(2027, 10, 31))),
    rel!("suse linux enterprise server", &[], Some("15 sp7"), None, "SLES 15 SP7", date(2031, 7, 31), Some(date(2034, 7, 31))),
];

/// Other names utilities write for the same products: `(alias, product)`.
pub const ALIASES: &[(&str, &str)] = &[
    ("rhel", "red hat enterprise linux"),
    ("redhat enterprise linux", "red hat enterprise linux"),
    ("sles", "suse linux enterprise server"),
    ("suse linux enterprise", "suse linux enterprise server"),
    ("alma linux", "almalinux"),
    ("rocky", "rocky linux"),
    ("windows 2008 r2", "windows server 2008 r2"),
    ("windows 2012 r2", "windows server 2012 r2"),
    (
        "windows embedded standard 7 sp1",
        "windows embedded standard 7",
    ),
    (
        "windows embedded posready 7 sp1",
        "windows embedded posready 7",
    ),
];

/// What the table says about an operating system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// One set of dates applies.
    Known(&'static Release),
    /// Several releases match and their dates differ: the edition, version or
    /// build would tell them apart.
    Ambiguous(Vec<&'static Release>),
    /// No release in the table matches.
    Unknown,
}

fn normalise(s: &str) -> String {
    let lower = s.to_lowercase().replace(['（', '）'], " ");
    let words: Vec<&str> = lower
        .split_whitespace()
        .filter(|w| *w != "microsoft" && *w != "(r)" && *w != "®")
        .collect();
    words.join(" ")
}

/// Splits `Ubuntu 22.04` into the product and a trailing version when the
/// product alone is in the table.
fn product_and_version(os: &OperatingSystem) -> (String, Option<String>) {
    let mut product = normalise(&os.product);
    let known = |p: &str| {
        RELEASES
            .iter()
            .any(|r| r.product == p || p.starts_with(&format!("{} ", r.product)))
    };
    if !known(&product)
        && let Some((alias, canonical)) = ALIASES
            .iter()
            .find(|(alias, _)| product == *alias || product.starts_with(&format!("{alias} ")))
    {
        product = product.replacen(alias, canonical, 1);
    }
    let version = os.version.as_deref().map(normalise);
    if RELEASES.iter().any(|r| r.product == product) {
        return (product, version);
    }
    // "ubuntu 22.04", "rhel 8", "centos 7", "windows server 2012 r2" …
    if let Some((head, tail)) = product.rsplit_once(' ')
        && RELEASES.iter().any(|r| r.product == head)
        && version.is_none()
    {
        return (head.to_owned(), Some(tail.to_owned()));
    }
    (product, version)
}

fn build_matches(release_build: &str, build: &str) -> bool {
    let want: Vec<&str> = release_build.split('.').collect();
    let have: Vec<&str> = build.split(['.', ' ']).collect();
    have.windows(want.len()).any(|w| w == want.as_slice())
}

fn version_matches(release_version: &str, version: &str) -> bool {
    version == release_version
        || version.starts_with(&format!("{release_version}."))
        || version.replace(' ', "") == release_version.replace(' ', "")
}

fn edition_matches(release: &Release, edition: &str) -> bool {
    let edition = edition
        .strip_prefix(release.product)
        .map(str::trim)
        .unwrap_or(edition);
    // An LTSC or LTSB edition names one release; "every edition" entries are
    // the general-availability channel and do not cover it.
    let names_a_release = edition.contains("ltsc") || edition.contains("ltsb");
    if release.editions.is_empty() {
        !names_a_release
    } else {
        release.editions.contains(&edition)
    }
}

/// Looks an operating system up as precisely as the inventory allows.
pub fn lookup(os: &OperatingSystem) -> Lookup {
    let (product, version) = product_and_version(os);
    let edition = os.edition.as_deref().map(normalise);
    let build = os.build.as_deref().map(normalise);
    let candidates: Vec<&'static Release> = RELEASES
        .iter()
        .filter(|r| r.product == product)
        .filter(|r| match (&version, r.version) {
            (Some(v), Some(rv)) => version_matches(rv, v),
            _ => true,
        })
        .filter(|r| match (&build, r.build) {
            (Some(b), Some(rb)) => build_matches(rb, b),
            _ => true,
        })
        .filter(|r| edition.as_deref().is_none_or(|e| edition_matches(r, e)))
        .collect();
    match candidates.as_slice() {
        [] => Lookup::Unknown,
        [first, rest @ ..] => {
            if rest
                .iter()
                .all(|r| r.ends == first.ends && r.extended == first.extended)
            {
                Lookup::Known(first)
            } else {
                Lookup::Ambiguous(candidates)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(
        product: &str,
        edition: Option<&str>,
        version: Option<&str>,
        build: Option<&str>,
    ) -> OperatingSystem {
        OperatingSystem {
            product: product.into(),
            edition: edition.map(Into::into),
            version: version.map(Into::into),
            build: build.map(Into::into),
        }
    }

    fn known(o: &OperatingSystem) -> &'static Release {
        match lookup(o) {
            Lookup::Known(r) => r,
            other => panic!("{o:?}: expected one release, got {other:?}"),
        }
    }

    #[test]
    fn windows_10_build_17763_without_an_edition_is_ambiguous() {
        let Lookup::Ambiguous(c) = lookup(&os("Windows 10", None, None, Some("17763"))) else {
            panic!("expected ambiguity");
        };
        let ends: Vec<_> = c.iter().map(|r| r.ends.to_string()).collect();
        assert_eq!(ends, ["2029-01-09", "2021-05-11", "2020-11-10"]);
    }

    #[test]
    fn the_edition_settles_build_17763() {
        let r = known(&os(
            "Windows 10",
            Some("Enterprise LTSC 2019"),
            None,
            Some("10.0.17763.5696"),
        ));
        assert_eq!(r.ends, date(2029, 1, 9));
        let r = known(&os("Microsoft Windows 10", Some("Pro"), Some("1809"), None));
        assert_eq!(r.ends, date(2020, 11, 10));
        let r = known(&os(
            "Windows 10",
            Some("Windows 10 IoT Enterprise LTSC 2019"),
            None,
            None,
        ));
        assert_eq!(r.name, "Windows 10 Enterprise LTSC 2019");
    }

    #[test]
    fn releases_for_every_edition_need_no_edition() {
        let r = known(&os("Windows 10", None, Some("22H2"), None));
        assert_eq!(
            (r.ends, r.extended),
            (date(2025, 10, 14), Some(date(2028, 10, 10)))
        );
        assert_eq!(
            known(&os("Windows Server 2019", None, None, Some("17763"))).ends,
            date(2029, 1, 9)
        );
    }

    #[test]
    fn linux_versions_match_by_release_and_aliases() {
        assert_eq!(known(&os("RHEL", None, Some("8.10"), None)).name, "RHEL 8");
        assert_eq!(
            known(&os("Ubuntu 22.04", None, None, None)).name,
            "Ubuntu 22.04 LTS"
        );
        assert_eq!(
            known(&os("CentOS 7", None, None, None)).ends,
            date(2024, 6, 30)
        );
        assert_eq!(
            known(&os(
                "SUSE Linux Enterprise Server",
                None,
                Some("12 SP5"),
                None
            ))
            .name,
            "SLES 12 SP5"
        );
        assert_eq!(
            known(&os("Windows 2012 R2", None, None, None)).name,
            "Windows Server 2012 R2"
        );
    }

    #[test]
    fn unknown_products_and_editions_are_unknown() {
        assert_eq!(
            lookup(&os("VxWorks", None, Some("6.9"), None)),
            Lookup::Unknown
        );
        assert_eq!(
            lookup(&os("Windows 11", Some("SE"), None, Some("22000"))),
            Lookup::Unknown
        );
    }
}
