//! Sites and the areas within them (guideline 5.3.1).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `sites.json`.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
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
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
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
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
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
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
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
    /// The entrances lock. Absent: not recorded.
    #[serde(default)]
    pub locked: Option<bool>,
    /// How entry is managed.
    pub entry_control: EntryControl,
    /// How entry is managed, described; needed for `other` separation or
    /// entry control.
    #[serde(default)]
    pub note: Option<String>,
    /// Entries are authorised per person (a controlled area, 管理区域).
    /// Absent: not recorded.
    #[serde(default)]
    pub controlled: Option<bool>,
    /// The department whose work needs the area; someone transferred away
    /// from it no longer needs to enter (「異動…により入室が不要となった者」).
    #[serde(default)]
    pub department: Option<String>,
}

/// Physical separation of an area.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
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
    /// Another barrier, described in the area's note.
    Other,
    /// Open space.
    None,
}

/// How entry to an area is managed.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
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
    /// Another means that records who enters, described in the area's note.
    OtherRecorded,
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
                | EntryControl::OtherRecorded
        )
    }
}
