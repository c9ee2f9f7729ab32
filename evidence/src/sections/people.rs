//! The roster of people who work for the utility (guideline 5.2.1).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Date;

/// `people.json`.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct People {
    #[serde(default)]
    /// Everyone who works for the utility or on its systems.
    pub people: Vec<Person>,
}

/// A member of staff, a contractor's worker or a temporary worker.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The person's id (unique), e.g. a staff number.
    pub id: String,
    /// The person's name.
    pub name: String,
    /// How the person works for the utility.
    pub kind: PersonKind,
    /// The department the person belongs to now (or last, if they left).
    #[serde(default)]
    pub department: Option<String>,
    /// Job roles, free text (`operator`, `system administrator`).
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    /// The first working day.
    pub joined_on: Option<Date>,
    /// The day the person left; from this day on their access must be gone.
    #[serde(default)]
    pub left_on: Option<Date>,
    /// Moves between departments, oldest first.
    #[serde(default)]
    pub transfers: Vec<Transfer>,
}

/// Kinds of worker.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PersonKind {
    /// A member of staff.
    Staff,
    /// A contractor's employee.
    Contractor,
    /// A temporary worker.
    Temporary,
}

/// A move from one department to another.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// The first day in the new department.
    pub on: Date,
    /// The department left.
    pub from: String,
    /// The department joined.
    pub to: String,
}

impl Person {
    /// The person still works for the utility on `date`.
    pub fn is_active_on(&self, date: Date) -> bool {
        self.joined_on.is_none_or(|j| j <= date) && self.left_on.is_none_or(|l| l > date)
    }

    /// The department the person belonged to on `date`, from the transfers.
    pub fn department_on(&self, date: Date) -> Option<&str> {
        let mut dept = self
            .transfers
            .first()
            .map(|t| t.from.as_str())
            .or(self.department.as_deref());
        for t in &self.transfers {
            if t.on <= date {
                dept = Some(t.to.as_str());
            }
        }
        dept
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn person() -> Person {
        Person {
            id: "P1".into(),
            name: "Sato".into(),
            kind: PersonKind::Staff,
            department: Some("Billing".into()),
            roles: vec![],
            joined_on: Some(date(2015, 4, 1)),
            left_on: Some(date(2026, 3, 31)),
            transfers: vec![Transfer {
                on: date(2024, 4, 1),
                from: "Plant".into(),
                to: "Billing".into(),
            }],
        }
    }

    #[test]
    fn activity_ends_on_the_day_of_leaving() {
        let p = person();
        assert!(p.is_active_on(date(2026, 3, 30)));
        assert!(!p.is_active_on(date(2026, 3, 31)));
        assert!(!p.is_active_on(date(2015, 3, 31)));
    }

    #[test]
    fn department_follows_transfers() {
        let p = person();
        assert_eq!(p.department_on(date(2023, 1, 1)), Some("Plant"));
        assert_eq!(p.department_on(date(2024, 4, 1)), Some("Billing"));
    }
}
