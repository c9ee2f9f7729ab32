//! The guideline chapters rules are grouped by in reports.
//!
//! A rule names the guideline sections it derives from (`5.4.2`,
//! `第2章 閉域網`, `コラム2 ①`, `4.5, 5.4.5`); its chapter is the one of the
//! first section named.

use mizuchi_evidence::Text;

/// A chapter of the MLIT guideline (or the ordinance's column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Chapter {
    /// Column 2: the ordinance on the technical standards of water facilities.
    Ordinance,
    /// Chapter 2: the guideline's overview (closed networks).
    Overview,
    /// Chapter 3: cybersecurity in governance.
    Governance,
    /// Chapter 4: risk management and crisis management.
    RiskManagement,
    /// Chapter 5: security measures.
    Measures,
    /// An appendix or a section no chapter is known for.
    Other,
}

impl Chapter {
    /// Every chapter, in the order reports show them.
    pub const ALL: [Chapter; 6] = [
        Chapter::Ordinance,
        Chapter::Overview,
        Chapter::Governance,
        Chapter::RiskManagement,
        Chapter::Measures,
        Chapter::Other,
    ];

    /// The chapter of a rule's `section` field.
    pub fn of(section: Option<&str>) -> Chapter {
        let Some(first) = section.and_then(|s| s.split(',').next()).map(str::trim) else {
            return Chapter::Other;
        };
        if first.starts_with("コラム2") {
            return Chapter::Ordinance;
        }
        let number = first
            .strip_prefix('第')
            .and_then(|s| s.split('章').next())
            .unwrap_or_else(|| first.split('.').next().unwrap_or(first));
        match number {
            "2" => Chapter::Overview,
            "3" => Chapter::Governance,
            "4" => Chapter::RiskManagement,
            "5" => Chapter::Measures,
            _ => Chapter::Other,
        }
    }

    /// The chapter's heading.
    pub fn title(self) -> Text {
        match self {
            Chapter::Ordinance => Text::new(
                "省令 (コラム2: 水道施設の技術的基準)",
                "Ordinance (column 2: technical standards of water facilities)",
            ),
            Chapter::Overview => Text::new(
                "第2章 閉域網とシステムの保護",
                "Chapter 2: closed networks and system protection",
            ),
            Chapter::Governance => Text::new(
                "第3章 組織統治におけるサイバーセキュリティ",
                "Chapter 3: cybersecurity in governance",
            ),
            Chapter::RiskManagement => Text::new(
                "第4章 リスクマネジメントの活用と危機管理",
                "Chapter 4: risk management and crisis management",
            ),
            Chapter::Measures => Text::new("第5章 対策項目", "Chapter 5: security measures"),
            Chapter::Other => Text::new("その他", "Other"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_of_every_form_find_their_chapter() {
        for (section, chapter) in [
            ("5.4.2", Chapter::Measures),
            ("4.5, 5.4.5", Chapter::RiskManagement),
            ("3.4.1, 3.4.2", Chapter::Governance),
            ("第2章 閉域網", Chapter::Overview),
            ("第2章 通信経路の保護, 5.4.4", Chapter::Overview),
            ("コラム2 ①", Chapter::Ordinance),
            ("別紙1", Chapter::Other),
        ] {
            assert_eq!(Chapter::of(Some(section)), chapter, "{section}");
        }
        assert_eq!(Chapter::of(None), Chapter::Other);
    }
}
