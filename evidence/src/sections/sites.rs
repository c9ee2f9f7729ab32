//! Sites and the areas within them (guideline 5.3.1).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `sites.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Sites {
    #[serde(default)]
    /// Every site.
    pub sites: Vec<Site>,
    #[serde(default)]
    /// Areas within the sites.
    pub areas: Vec<Area>,
}

/// A place the utility operates: a plant, a pump station, an office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The site's id (unique).
    pub id: String,
    /// The site's name.
    pub name: String,
    /// What kind of site it is.
    pub kind: SiteKind,
    /// A region that fails together in a disaster (flood plain, prefecture).
    #[serde(default)]
    pub region: Option<String>,
}

/// Kinds of site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SiteKind {
    /// A purification plant (浄水場).
    PurificationPlant,
    /// A pump station (ポンプ場).
    PumpStation,
    /// A distribution reservoir (配水池).
    DistributionReservoir,
    /// An office.
    Office,
    /// A data centre.
    DataCenter,
    /// Another kind of site.
    Other,
}

/// A room or zone within a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// The area's id (unique).
    pub id: String,
    /// The site it is in (a site id).
    pub site: String,
    /// The area's name.
    pub name: String,
    /// How the area is separated from others.
    pub separation: Separation,
    /// The entrances lock.
    #[serde(default)]
    pub locked: bool,
    /// How entry is managed.
    pub entry_control: EntryControl,
    /// Entries are authorised per person (a controlled area, 管理区域).
    #[serde(default)]
    pub controlled: bool,
}

/// Physical separation of an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Separation {
    /// A room with walls and doors.
    Walls,
    /// A partition or cage within a larger room.
    Partition,
    /// A fenced enclosure.
    Fence,
    /// Open space.
    None,
}

/// How entry to an area is managed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EntryControl {
    /// IC card or badge reader that logs entries.
    Card,
    /// A biometric reader.
    Biometric,
    /// A key whose use is recorded in a ledger.
    KeyWithLedger,
    /// A staffed reception that records entries.
    Guard,
    /// A key with no record of who used it.
    Key,
    /// No entry control.
    None,
}

impl EntryControl {
    /// Entry is managed: who entered can be known.
    pub fn is_managed(self) -> bool {
        matches!(
            self,
            EntryControl::Card
                | EntryControl::Biometric
                | EntryControl::KeyWithLedger
                | EntryControl::Guard
        )
    }
}
