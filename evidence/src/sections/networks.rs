//! Networks, the links between them, and remote-access paths (guideline 第2章,
//! 5.2.2, 5.4.4).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Date;

/// `networks.json`.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Networks {
    #[serde(default)]
    /// Every network.
    pub networks: Vec<Network>,
    /// Connections between two networks. The internet is a network of kind
    /// `internet`; a link to it is an internet contact point.
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    /// Paths by which people reach the networks from outside.
    pub remote_access: Vec<RemoteAccess>,
}

/// A network segment.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// The network's id (unique).
    pub id: String,
    /// The network's name.
    pub name: String,
    /// What kind of network it is.
    pub kind: NetworkKind,
    /// The site the segment is at, if it is at one.
    #[serde(default)]
    pub site: Option<String>,
    /// The utility regards this network as closed (閉域網). Absent: not
    /// recorded.
    #[serde(default)]
    pub declared_closed: Option<bool>,
}

/// What a network is for.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum NetworkKind {
    /// Control systems (制御系).
    Control,
    /// Office and business systems (情報系).
    Office,
    /// A demilitarised zone between networks.
    Dmz,
    /// A contractor's or vendor's network.
    Vendor,
    /// A carrier's closed service (wide-area Ethernet, IP-VPN) modelled as a network.
    Carrier,
    /// A cloud service's network.
    Cloud,
    /// The internet itself.
    Internet,
    /// Another kind of network.
    Other,
}

/// A connection between two networks.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// The link's id (unique).
    pub id: String,
    /// One end (a network id).
    pub a: String,
    /// The other end (a network id).
    pub b: String,
    /// What carries the link.
    pub medium: LinkMedium,
    /// Traffic on the link is encrypted. Absent: not recorded.
    #[serde(default)]
    pub encrypted: Option<bool>,
    /// The ends authenticate each other. Absent: not recorded.
    #[serde(default)]
    pub authenticated: Option<bool>,
    /// The link carries control-system traffic between sites. Absent: not
    /// recorded.
    #[serde(default)]
    pub carries_control_traffic: Option<bool>,
    #[serde(default)]
    /// The link, described.
    pub description: Option<String>,
}

/// How a link is made. Dedicated lines, wide-area Ethernet, IP-VPN and entry
/// VPN are carrier services isolated from the internet; a firewall or router
/// joins networks without isolating them; an internet VPN runs over the internet.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum LinkMedium {
    /// 専用線.
    DedicatedLine,
    /// 広域イーサネット.
    WideAreaEthernet,
    /// A carrier's IP-VPN (closed).
    IpVpn,
    /// エントリーVPN (a closed carrier VPN over a shared access line).
    EntryVpn,
    /// SSL-VPN or IPsec over the internet.
    InternetVpn,
    /// A firewall between the two networks (it does not isolate them).
    Firewall,
    /// A router between the two networks (it does not isolate them).
    Router,
    /// Same segment or a plain cable.
    Direct,
    /// A wireless link.
    Wireless,
}

impl LinkMedium {
    /// A carrier service physically isolated from the internet.
    pub fn is_closed_carrier(self) -> bool {
        matches!(
            self,
            LinkMedium::DedicatedLine
                | LinkMedium::WideAreaEthernet
                | LinkMedium::IpVpn
                | LinkMedium::EntryVpn
        )
    }

    /// The link itself travels over the internet.
    pub fn crosses_internet(self) -> bool {
        matches!(self, LinkMedium::InternetVpn)
    }
}

/// A way into the utility's networks from outside: telework or vendor maintenance.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RemoteAccess {
    /// The path's id (unique).
    pub id: String,
    /// What the path is for.
    pub purpose: RemoteAccessPurpose,
    /// The network reached.
    pub network: String,
    /// Who approved the path (a person id) and when.
    #[serde(default)]
    pub approved_by: Option<String>,
    #[serde(default)]
    /// The day the path was approved.
    pub approved_on: Option<Date>,
    /// Traffic on the path is encrypted. Absent: not recorded.
    #[serde(default)]
    pub encrypted: Option<bool>,
    /// Logons over the path are logged. Absent: not recorded.
    #[serde(default)]
    pub auth_logging: Option<bool>,
    /// Users of the path authenticate with more than one factor. Absent: not
    /// recorded.
    #[serde(default)]
    pub mfa: Option<bool>,
    /// Devices used over the path.
    #[serde(default)]
    pub devices: Vec<RemoteDevice>,
}

/// Why a remote-access path exists.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RemoteAccessPurpose {
    /// Staff working from elsewhere (テレワーク).
    Telework,
    /// A vendor maintaining systems (保守ベンダのリモート保守).
    VendorMaintenance,
    /// Another purpose.
    Other,
}

/// A device used for remote access.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RemoteDevice {
    /// The device's id (unique), e.g. an asset id.
    pub id: String,
    /// A smartphone, tablet or laptop that leaves the premises. Absent: not
    /// recorded.
    #[serde(default)]
    pub mobile: Option<bool>,
    /// The device can be wiped remotely if lost. Absent: not recorded.
    #[serde(default)]
    pub remote_wipe: Option<bool>,
}
