//! Contracts with contractors (業務委託, guideline 5.6).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Date;

/// `contracts.json`.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Contracts {
    #[serde(default)]
    /// Every contract with an outside party.
    pub contracts: Vec<Contract>,
}

/// A contract.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// The contract's id (unique).
    pub id: String,
    /// The contractor's name.
    pub contractor: String,
    /// What the contract is for.
    pub title: String,
    /// What the contract touches.
    #[serde(default)]
    pub scope: Vec<ContractScope>,
    /// Assets the contract covers (for maintenance and extended support).
    #[serde(default)]
    pub assets: Vec<String>,
    /// The contractor is entrusted with personal data (個人情報). Absent:
    /// not recorded.
    #[serde(default)]
    pub personal_data: Option<bool>,
    /// First day of the contract.
    pub starts_on: Date,
    /// Last day of the contract, if it has one.
    #[serde(default)]
    pub ends_on: Option<Date>,
    /// The security clauses the contract includes, or is recorded not to.
    #[serde(default)]
    pub clauses: Clauses,
    /// Confirmations that entrusted data was returned or destroyed.
    #[serde(default)]
    pub data_disposition: Vec<DataDisposition>,
}

impl Contract {
    /// The contract is in force on `date`.
    pub fn is_current_on(&self, date: Date) -> bool {
        self.starts_on <= date && self.ends_on.is_none_or(|e| date <= e)
    }
}

/// What a contract touches.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ContractScope {
    /// Development, operation or maintenance of information systems.
    InformationSystems,
    /// Handling of the utility's information.
    Information,
    /// Paid extended OS support.
    ExtendedSupport,
    /// Anything else (construction, cleaning, ...).
    Other,
}

/// Defines [`Clause`] (one variant per security clause, with its names) and
/// [`Clauses`] (one optional flag per clause), from one list.
macro_rules! clauses {
    ($( $(#[$doc:meta])* $variant:ident $field:ident $personal:literal $ja:literal $en:literal; )*) => {
        /// A security clause of a contract (guideline 5.6.1–5.6.3, 別紙1).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(JsonSchema))]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum Clause {
            $( $(#[$doc])* $variant, )*
        }

        impl Clause {
            /// Every clause, in the catalog's order.
            pub const ALL: &'static [Clause] = &[$( Clause::$variant, )*];

            /// The field of [`Clauses`] (and the JSON key) that records it.
            pub fn key(self) -> &'static str {
                match self { $( Clause::$variant => stringify!($field), )* }
            }

            /// The clause is one of those for contracts entrusting personal
            /// data (guideline 5.6.3).
            pub fn is_personal_data(self) -> bool {
                match self { $( Clause::$variant => $personal, )* }
            }

            /// The clause's name in Japanese and English.
            pub fn name(self) -> crate::Text {
                match self { $( Clause::$variant => crate::Text::new($ja, $en), )* }
            }
        }

        /// Which security clauses a contract includes. Each is `true`
        /// (included), `false` (recorded as not included) or absent (not
        /// recorded).
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(JsonSchema))]
        #[serde(deny_unknown_fields)]
        pub struct Clauses {
            $(
                $(#[$doc])*
                #[serde(default)]
                pub $field: Option<bool>,
            )*
        }

        impl Clauses {
            /// What the contract records about `clause`.
            pub fn get(&self, clause: Clause) -> Option<bool> {
                match clause { $( Clause::$variant => self.$field, )* }
            }

            /// Records `clause` as included or not.
            pub fn set(&mut self, clause: Clause, included: bool) {
                match clause { $( Clause::$variant => self.$field = Some(included), )* }
            }
        }
    };
}

clauses! {
    /// Security measures for the work.
    SecurityMeasures security_measures false "情報セキュリティ対策の実施" "security measures for the work";
    /// Confidentiality: no use beyond the purpose.
    Confidentiality confidentiality false "守秘義務・目的外利用の禁止" "confidentiality and no use beyond the purpose";
    /// Return or destruction of information at the end.
    ReturnOrDestruction return_or_destruction false "終了時の情報の返却・廃棄" "return or destruction of information at the end";
    /// Incident handling and reporting.
    IncidentReporting incident_reporting false "事故発生時の対応・報告" "incident handling and reporting";
    /// Remedy when the measures fall short.
    Remedy remedy false "対策が不十分な場合の措置" "remedy when the measures fall short";
    /// Control of subcontracting.
    SubcontractingControl subcontracting_control false "再委託の制限" "control of subcontracting";
    /// Acceptance of audits and inspections.
    AuditAcceptance audit_acceptance false "監査・検査の受入れ" "acceptance of audits and inspections";
    /// Prevention of unintended changes to systems and of vulnerabilities
    /// being introduced.
    ChangePrevention change_prevention false "意図しない変更・脆弱性の混入の防止" "prevention of unintended changes and of vulnerabilities being introduced";
    /// The split of responsibilities (責任分界点).
    ResponsibilitySplit responsibility_split false "責任分界点" "the split of responsibilities";
    /// How performance of the measures is confirmed.
    PerformanceConfirmation performance_confirmation false "対策の履行状況の確認方法" "how performance of the measures is confirmed";
    /// Disclosure of capital, officers, work location and track record.
    CompanyDisclosure company_disclosure false "資本関係・役員・作業場所・実績の開示" "disclosure of capital, officers, work location and track record";
    /// Disclosure of the staff: affiliation, qualifications, nationality.
    StaffDisclosure staff_disclosure false "要員の所属・専門性・国籍の開示" "disclosure of the staff's affiliation, qualifications and nationality";
    /// Personal data: safe management measures.
    PersonalDataSafeManagement personal_data_safe_management true "個人情報の安全管理措置" "safe management of personal data";
    /// Personal data: no processing or copying beyond the contract.
    PersonalDataNoProcessingBeyondContract personal_data_no_processing_beyond_contract true "契約範囲外の加工・複製の禁止" "no processing or copying beyond the contract";
    /// Personal data: report before subcontracting.
    PersonalDataSubcontractingReport personal_data_subcontracting_report true "再委託時の事前報告" "reporting before subcontracting";
    /// Personal data: content and frequency of reporting.
    PersonalDataReporting personal_data_reporting true "報告の内容・頻度" "content and frequency of reporting";
    /// Personal data: report breaches.
    PersonalDataBreachReporting personal_data_breach_reporting true "漏えい等の報告" "breach reporting";
    /// Personal data: scope of responsibility.
    PersonalDataResponsibility personal_data_responsibility true "責任の範囲" "scope of responsibility";
    /// Personal data: return or deletion at the end.
    PersonalDataReturnOrDeletion personal_data_return_or_deletion true "終了時の返却・削除" "return or deletion at the end";
    /// Personal data: the contract period.
    PersonalDataContractPeriod personal_data_contract_period true "契約期間" "the contract period";
    /// Personal data: confirmation that the clauses are kept.
    PersonalDataComplianceConfirmation personal_data_compliance_confirmation true "遵守状況の確認" "confirmation that the clauses are kept";
    /// Personal data: measures when the clauses are not kept.
    PersonalDataMeasuresOnBreach personal_data_measures_on_breach true "遵守されない場合の措置" "measures when the clauses are not kept";
    /// Personal data: non-disclosure.
    PersonalDataNonDisclosure personal_data_non_disclosure true "秘密保持" "non-disclosure";
    /// Personal data: prohibition of misappropriation.
    PersonalDataNoMisappropriation personal_data_no_misappropriation true "目的外利用の禁止" "prohibition of misappropriation";
}

/// Proof that entrusted data was returned or destroyed.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DataDisposition {
    /// What was done with the data.
    pub kind: DispositionKind,
    /// The day the utility received the confirmation.
    pub confirmed_on: Date,
    /// The document that confirms it (certificate number, file name).
    #[serde(default)]
    pub document: Option<String>,
}

/// Returned or destroyed.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DispositionKind {
    /// The data was handed back.
    Returned,
    /// The data was destroyed.
    Destroyed,
}
