//! Governance records (guideline 第3章, 第4章): policy, appointments, CSIRT,
//! business continuity, audits, approvals, risk management and recorded risk
//! acceptances.

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Date;

/// `governance.json`.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Governance {
    /// The organisation's policy (組織方針 / サイバーセキュリティ方針).
    #[serde(default)]
    pub policy: Option<Policy>,
    /// Appointments to security roles.
    #[serde(default)]
    pub appointments: Vec<Appointment>,
    #[serde(default)]
    /// The CSIRT (or equivalent team).
    pub csirt: Option<Csirt>,
    /// IT-BCP and contingency plans.
    #[serde(default)]
    pub continuity_plans: Vec<ContinuityPlan>,
    /// Internal audits, self-inspections and external audits.
    #[serde(default)]
    pub audits: Vec<Audit>,
    /// Approvals of changes, accounts, remote access and the like.
    #[serde(default)]
    pub approvals: Vec<Approval>,
    #[serde(default)]
    /// Risk assessments and their response plans.
    pub risk_assessments: Vec<RiskAssessment>,
    /// Recorded acceptances of a risk, which turn a failed finding into a waived one.
    #[serde(default)]
    pub risk_acceptances: Vec<RiskAcceptance>,
}

/// The organisation's policy.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The policy's title.
    pub title: String,
    /// When the policy was adopted.
    pub adopted_on: Date,
    #[serde(default)]
    /// When the policy was last reviewed.
    pub reviewed_on: Option<Date>,
    /// The policy addresses cybersecurity. Absent: not recorded.
    #[serde(default)]
    pub covers_cybersecurity: Option<bool>,
    /// The service level to keep in an incident. Absent: not recorded;
    /// `"none"`: the policy sets none.
    #[serde(default)]
    pub service_level: Option<ServiceLevel>,
}

/// The service level a policy sets, or that it sets none.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ServiceLevel {
    /// The policy sets no service level.
    None,
    /// The target, e.g. "restore supply control within 24 hours".
    Target(String),
}

/// A person appointed to a role.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Appointment {
    /// The role.
    pub role: Role,
    /// The person appointed (a person id).
    pub person: String,
    /// When the appointment took effect.
    pub appointed_on: Date,
    /// Who made the appointment (a person id; management for CISO and officer).
    #[serde(default)]
    pub appointed_by: Option<String>,
    /// The appointment was made by management (経営層). Absent: not
    /// recorded.
    #[serde(default)]
    pub by_management: Option<bool>,
    /// Last day of the appointment, if it ended.
    #[serde(default)]
    pub until: Option<Date>,
}

/// Security roles.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Role {
    /// 最高情報セキュリティ責任者.
    Ciso,
    /// サイバーセキュリティ責任者.
    CybersecurityOfficer,
    /// System administrator for a system.
    SystemAdministrator,
    /// Another role.
    Other,
}

/// The CSIRT or equivalent team.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Csirt {
    /// The team's name.
    pub name: String,
    /// The person responsible (a person id).
    #[serde(default)]
    pub lead: Option<String>,
    #[serde(default)]
    /// Its members (person ids).
    pub members: Vec<String>,
    /// Who the CSIRT reports to.
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

/// An external contact for incident reporting.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Who the contact is.
    pub party: ContactParty,
    /// The contact's name.
    pub name: String,
    /// Phone number, e-mail address or portal.
    pub channel: String,
}

/// Parties the CSIRT reports to.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ContactParty {
    /// The water-supply regulator (MLIT or the prefecture).
    Regulator,
    /// The water-sector CEPTOAR secretariat.
    Ceptoar,
    /// The police.
    Police,
    /// A vendor or contractor.
    Vendor,
    /// Another party.
    Other,
}

/// A business-continuity or contingency plan.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContinuityPlan {
    /// What kind of plan it is.
    pub kind: PlanKind,
    /// The plan's title.
    pub title: String,
    /// When the plan was adopted.
    pub adopted_on: Date,
    #[serde(default)]
    /// When the plan was last reviewed.
    pub reviewed_on: Option<Date>,
    /// Days the plan was exercised.
    #[serde(default)]
    pub exercised_on: Vec<Date>,
}

/// Kinds of continuity plan.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PlanKind {
    /// An IT business continuity plan (IT-BCP).
    ItBcp,
    /// A contingency plan (コンティンジェンシープラン).
    Contingency,
    /// The utility's business continuity plan (BCP).
    Bcp,
}

/// An audit or inspection.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Audit {
    /// The audit's id (unique).
    pub id: String,
    /// What kind of audit it was.
    pub kind: AuditKind,
    /// The day it was done (or its report dated).
    pub date: Date,
    /// Who audited (a person id, or an outside firm's name).
    pub auditor: String,
    /// Who was audited (a person id or a department).
    pub auditee: String,
    #[serde(default)]
    /// What it found.
    pub findings: Vec<AuditFinding>,
}

/// Kinds of audit.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AuditKind {
    /// An internal audit (内部監査).
    InternalAudit,
    /// A self-inspection (自己点検).
    SelfInspection,
    /// An audit by an outside party.
    ExternalAudit,
}

/// A finding of an audit.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AuditFinding {
    /// The finding's id (unique within the audit).
    pub id: String,
    /// What was found.
    pub description: String,
    /// What will be done about it.
    #[serde(default)]
    pub improvement_action: Option<String>,
}

/// An approval of a request.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The approval's id (unique).
    pub id: String,
    /// What was approved.
    pub subject: String,
    /// A person id.
    pub requested_by: String,
    /// A person id.
    pub approved_by: String,
    /// The day of the approval.
    pub date: Date,
}

/// A risk assessment and the plan that responds to it.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RiskAssessment {
    /// The assessment's id (unique).
    pub id: String,
    /// The day the assessment was made.
    pub date: Date,
    /// The assessment covers the control systems (guideline 4.2.2). Absent:
    /// not recorded.
    #[serde(default)]
    pub covers_control_systems: Option<bool>,
    /// The risk response plan (リスク対応計画).
    #[serde(default)]
    pub plan: Vec<RiskPlanEntry>,
}

/// An entry of a risk response plan (guideline 4.3.3).
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RiskPlanEntry {
    /// The entry's id (unique within the plan).
    pub id: String,
    /// The risk it responds to.
    pub risk: String,
    #[serde(default)]
    /// The state to reach (目標とする状態).
    pub target_state: Option<String>,
    #[serde(default)]
    /// The actions to take (実施する対策).
    pub actions: Option<String>,
    #[serde(default)]
    /// The resources committed (必要な資源).
    pub resources: Option<String>,
    /// A person id.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    /// When the entry is due.
    pub deadline: Option<Date>,
    #[serde(default)]
    /// How its result is evaluated (評価方法).
    pub evaluation_method: Option<String>,
    /// The day the entry was completed.
    #[serde(default)]
    pub completed_on: Option<Date>,
    /// Management's instructions to improve the entry when it fell behind
    /// (「目標未達や進捗遅延…改善指示を行う」).
    #[serde(default)]
    pub improvement_instructions: Vec<ImprovementInstruction>,
}

/// An instruction by management to improve a plan entry that fell behind.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ImprovementInstruction {
    /// The day it was given.
    pub given_on: Date,
    /// Who gave it (a person id).
    pub given_by: String,
    /// What it says, e.g. a new deadline.
    pub instruction: String,
}

/// A recorded acceptance of a risk: management knowingly accepts that a rule
/// fails for a subject until a date.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RiskAcceptance {
    /// The rule id, e.g. `MLIT-BAK-02`.
    pub rule: String,
    /// The subject id the acceptance covers; `None` covers every subject of the rule.
    #[serde(default)]
    pub subject: Option<String>,
    /// A person id.
    pub approved_by: String,
    /// The day the acceptance was approved.
    pub approved_on: Date,
    /// Why the risk is accepted.
    pub reason: String,
    /// Last day the acceptance holds.
    pub expires_on: Date,
}

impl Governance {
    /// The people holding `role` on `date`.
    pub fn holders_on(&self, role: Role, date: Date) -> impl Iterator<Item = &Appointment> {
        self.appointments.iter().filter(move |a| {
            a.role == role && a.appointed_on <= date && a.until.is_none_or(|u| date <= u)
        })
    }
}
