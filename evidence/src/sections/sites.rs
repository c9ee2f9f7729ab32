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
    pub sites: Vec<Site>,
    #[serde(default)]
    pub areas: Vec<Area>,
}

/// A place the utility operates: a plant, a pump station, an office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: String,
    pub name: String,
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
    PurificationPlant,
    PumpStation,
    DistributionReservoir,
    Office,
    DataCenter,
    Other,
}

/// A room or zone within a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: String,
    pub site: String,
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
    Biometric,
    /// A key whose use is recorded in a ledger.
    KeyWithLedger,
    /// A staffed reception that records entries.
    Guard,
    /// A key with no record of who used it.
    Key,
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
