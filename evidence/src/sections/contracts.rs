//! Contracts with contractors (業務委託, guideline 5.6).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Date;

/// `contracts.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Contracts {
    #[serde(default)]
    /// Every contract with an outside party.
    pub contracts: Vec<Contract>,
}

/// A contract.
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
    /// The contractor is entrusted with personal data (個人情報).
    #[serde(default)]
    pub personal_data: bool,
    /// First day of the contract.
    pub starts_on: Date,
    /// Last day of the contract, if it has one.
    #[serde(default)]
    pub ends_on: Option<Date>,
    /// The security clauses the contract includes.
    #[serde(default)]
    pub clauses: Vec<Clause>,
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

/// Security clauses of a contract (guideline 5.6.1–5.6.3, 別紙1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Clause {
    /// Security measures for the work.
    SecurityMeasures,
    /// Confidentiality: no use beyond the purpose.
    Confidentiality,
    /// Return or destruction of information at the end.
    ReturnOrDestruction,
    /// Incident handling and reporting.
    IncidentReporting,
    /// Remedy when the measures fall short.
    Remedy,
    /// Control of subcontracting.
    SubcontractingControl,
    /// Acceptance of audits and inspections.
    AuditAcceptance,
    /// Prevention of unintended changes to systems.
    ChangePrevention,
    /// Disclosure of capital, officers and work location.
    CompanyDisclosure,
    /// Disclosure of the staff: affiliation, qualifications, nationality.
    StaffDisclosure,
    /// Personal data: safe management measures.
    PersonalDataSafeManagement,
    /// Personal data: no processing or copying beyond the contract.
    PersonalDataNoProcessingBeyondContract,
    /// Personal data: report before subcontracting.
    PersonalDataSubcontractingReport,
    /// Personal data: content and frequency of reporting.
    PersonalDataReporting,
    /// Personal data: report breaches.
    PersonalDataBreachReporting,
    /// Personal data: scope of responsibility.
    PersonalDataResponsibility,
    /// Personal data: return or deletion at the end.
    PersonalDataReturnOrDeletion,
}

/// Proof that entrusted data was returned or destroyed.
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
