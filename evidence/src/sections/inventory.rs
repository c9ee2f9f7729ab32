//! The asset inventory (資産台帳, guideline 5.1.1): systems and the computers
//! that make them up.

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Date;

/// `inventory.json`.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// When the inventory was last reviewed as a whole.
    #[serde(default)]
    pub reviewed_on: Option<Date>,
    /// Information and control systems.
    #[serde(default)]
    pub systems: Vec<System>,
    /// Computers: servers, terminals, controllers, network devices and peripherals.
    #[serde(default)]
    pub assets: Vec<Asset>,
}

/// A system, such as 浄水場の監視制御システム or 検針・水道料金システム.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct System {
    /// The system's id (unique).
    pub id: String,
    /// The system's name.
    pub name: String,
    /// The department that owns the system; people transferred away from it
    /// lose their access.
    #[serde(default)]
    pub department: Option<String>,
    /// The system runs or manages water facilities (purification-plant
    /// monitoring and control, pump-station operation, water distribution):
    /// the scope of the ordinance. Absent: not recorded.
    #[serde(default)]
    pub control_system: Option<bool>,
    /// The system is needed to keep the service running; it must be backed
    /// up. Absent: not recorded.
    #[serde(default)]
    pub needed_for_operations: Option<bool>,
    /// The site where the system's primary data lives.
    #[serde(default)]
    pub site: Option<String>,
}

/// One computer or device.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Asset {
    /// The asset's id (unique), e.g. its asset-register number.
    pub id: String,
    /// The asset's name.
    pub name: String,
    /// What kind of device it is.
    pub kind: AssetKind,
    /// The system the asset belongs to.
    #[serde(default)]
    pub system: Option<String>,
    /// The asset runs or manages water facilities (in the ordinance's
    /// scope). Absent: not recorded (the asset's system may say).
    #[serde(default)]
    pub control_system: Option<bool>,
    /// Host names the asset appears under in logs.
    #[serde(default)]
    pub hostnames: Vec<String>,
    /// IP addresses the asset uses.
    #[serde(default)]
    pub addresses: Vec<String>,
    #[serde(default)]
    /// Its operating system or firmware.
    pub os: Option<OperatingSystem>,
    /// How users are authenticated on the asset.
    #[serde(default)]
    pub authentication: Option<Authentication>,
    #[serde(default)]
    /// Anti-malware software on the asset.
    pub anti_malware: Option<AntiMalware>,
    /// How USB memory and other removable media are controlled.
    #[serde(default)]
    pub removable_media: Option<RemovableMedia>,
    /// Where a fixed asset stands.
    #[serde(default)]
    pub location: Option<Location>,
    /// A portable computer (laptop, tablet, handheld terminal). Absent: not
    /// recorded (a laptop or tablet is portable whatever this says).
    #[serde(default)]
    pub portable: Option<bool>,
    /// How a portable asset is kept when not in use.
    #[serde(default)]
    pub storage: Option<PortableStorage>,
    /// The networks the asset attaches to. `None`: not recorded; an empty list:
    /// a standalone machine.
    #[serde(default)]
    pub networks: Option<Vec<String>>,
    /// Services the asset offers to other machines.
    #[serde(default)]
    pub exposed_services: Vec<ExposedService>,
    /// Documented measures that replace anti-malware or OS support.
    #[serde(default)]
    pub alternative_measures: Vec<AlternativeMeasure>,
    /// Paid extended security support for the OS.
    #[serde(default)]
    pub extended_support: Option<ExtendedSupport>,
    /// The vendor's statement of how long it supports the device's OS or
    /// firmware: what decides a device whose OS is not in the lifecycle
    /// table (a controller, an appliance).
    #[serde(default)]
    pub vendor_support: Option<VendorSupport>,
}

/// The key a host name or address is matched by: names without case and
/// without a domain suffix (`HMI-01.plant.local` → `hmi-01`), addresses as
/// written. Logs name hosts loosely; the validator and the rules match them
/// to assets with this one definition.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
pub fn host_key(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    if lower.parse::<std::net::IpAddr>().is_ok() {
        return lower;
    }
    lower.split('.').next().unwrap_or("").to_owned()
}

impl Inventory {
    /// Whether `asset` is part of the control systems: what the asset
    /// records, else what its system records; `None` when neither says (not
    /// recorded, which is never "no"). An asset recorded as not part of them
    /// stays out even when its system is a control system.
    pub fn control_system(&self, asset: &Asset) -> Option<bool> {
        asset.control_system.or_else(|| {
            let id = asset.system.as_deref()?;
            self.systems
                .iter()
                .find(|s| s.id == id)
                .and_then(|s| s.control_system)
        })
    }
}

impl Asset {
    /// Every name and address the asset goes by: its id, host names and
    /// addresses.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str())
            .chain(self.hostnames.iter().map(String::as_str))
            .chain(self.addresses.iter().map(String::as_str))
    }
}

/// What kind of device an asset is.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AssetKind {
    /// A server.
    Server,
    /// A desktop computer.
    Workstation,
    /// Operator terminal of a control system (監視操作端末).
    Hmi,
    /// Programmable logic controller or other field controller.
    Plc,
    /// Remote terminal unit or telemeter (テレメータ).
    Rtu,
    /// A router, switch, firewall or UTM.
    NetworkDevice,
    /// A laptop computer.
    Laptop,
    /// A tablet.
    Tablet,
    /// A printer, scanner or other peripheral.
    Peripheral,
    /// Another kind of device.
    Other,
}

/// The operating system of an asset, as precise as the inventory records it.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OperatingSystem {
    /// The product as commonly named: `Windows 10`, `Windows Server 2019`,
    /// `Windows Embedded Standard 7`, `Red Hat Enterprise Linux 8`, `Ubuntu 22.04`.
    pub product: String,
    /// The edition (`Enterprise LTSC 2019`, `Pro`, `IoT Enterprise LTSC 2021`).
    /// Several releases share a build number, so without it the support end
    /// date may be ambiguous.
    #[serde(default)]
    pub edition: Option<String>,
    /// The feature update or release (`1809`, `22H2`, `SP1`, `9`).
    #[serde(default)]
    pub version: Option<String>,
    /// The build number (`17763`, `6.1.7601`).
    #[serde(default)]
    pub build: Option<String>,
}

/// How a computer authenticates whoever uses it (主体認証).
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Authentication {
    /// The means of authentication.
    pub method: AuthMethod,
    /// The machine logs a user on automatically at start-up. Absent: not
    /// recorded.
    #[serde(default)]
    pub auto_logon: Option<bool>,
    /// An account can log on with an empty password. Absent: not recorded.
    #[serde(default)]
    pub blank_password: Option<bool>,
    /// A vendor's default password was left unchanged. Absent: not recorded.
    #[serde(default)]
    pub default_password: Option<bool>,
}

/// Means of authentication.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AuthMethod {
    /// No authentication at all.
    None,
    /// A password.
    Password,
    /// A smart card or IC card.
    SmartCard,
    /// A biometric (fingerprint, vein, face).
    Biometric,
    /// Two or more factors.
    MultiFactor,
}

/// Anti-malware software on an asset.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AntiMalware {
    /// Anti-malware software is installed.
    pub installed: bool,
    #[serde(default)]
    /// The product's name.
    pub product: Option<String>,
    /// When the definitions were last updated.
    #[serde(default)]
    pub definitions_updated_on: Option<Date>,
    /// Automatic (real-time or scheduled) scanning is on.
    #[serde(default)]
    pub automatic_scan: Option<bool>,
}

/// Control of removable media (USB memory and the like).
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RemovableMedia {
    /// What removable media may do.
    pub control: MediaControl,
    /// How the control is enforced; a notice alone is `procedural`.
    pub enforcement: Enforcement,
    #[serde(default)]
    /// How the control is set up.
    pub description: Option<String>,
}

/// What removable media may do on the asset.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum MediaControl {
    /// Ports disabled or removed: no medium can be used.
    Blocked,
    /// The device has no port a medium could be plugged into.
    NoPorts,
    /// Only registered, scanned media can be used.
    AllowListed,
    /// Any medium can be used.
    Unrestricted,
}

/// How a control is enforced.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Enforcement {
    /// By software or firmware: device control, group policy, BIOS settings.
    Technical,
    /// By hardware: port locks, removed or sealed ports.
    Physical,
    /// By rules and notices only; a medium plugged in would still work.
    Procedural,
    /// Not enforced at all.
    None,
}

/// Where a fixed asset stands.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// The site (see the sites section).
    pub site: String,
    /// The area within the site (see the sites section).
    #[serde(default)]
    pub area: Option<String>,
}

/// How a portable asset is kept safe from theft.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PortableStorage {
    /// Kept in lockable storage when not in use. Absent: not recorded.
    #[serde(default)]
    pub lockable_storage: Option<bool>,
    /// Always carried by its user. Absent: not recorded.
    #[serde(default)]
    pub always_carried: Option<bool>,
}

/// A service an asset offers on the network.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExposedService {
    /// Service name in lower case: `rdp`, `ssh`, `smb`, `https`, `vnc`, `modbus`.
    pub service: String,
    /// The TCP or UDP port.
    pub port: u16,
    /// Who can reach it.
    pub exposure: Exposure,
}

/// Reach of an exposed service.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Exposure {
    /// Reachable from the internet.
    Internet,
    /// Reachable only from inside.
    Internal,
}

/// A documented measure that prevents malware intrusion in place of
/// anti-malware software or a supported OS.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AlternativeMeasure {
    /// What kind of measure it is.
    pub kind: MeasureKind,
    /// What the measure is.
    pub description: String,
    /// The person who approved it (a person id).
    #[serde(default)]
    pub approved_by: Option<String>,
    #[serde(default)]
    /// The day it was approved.
    pub approved_on: Option<Date>,
}

/// Kinds of alternative measure.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum MeasureKind {
    /// Only allow-listed programs can run.
    ApplicationAllowListing,
    /// The machine boots a read-only image that discards changes.
    WriteProtectedImage,
    /// Another measure, described.
    Other,
}

/// Paid extended security support for an asset's OS.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtendedSupport {
    /// The contract that buys it (see the contracts section).
    pub contract: String,
    /// Last day of the extended support.
    pub ends_on: Date,
}

/// A vendor's support of a device's OS or firmware.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct VendorSupport {
    /// Last day the vendor supports it (security fixes).
    pub until: Date,
    /// Where the vendor says so (a notice, a letter, a web page).
    #[serde(default)]
    pub reference: Option<String>,
}
