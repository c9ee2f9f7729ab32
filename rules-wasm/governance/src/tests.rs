//! Native tests of the governance rules: each outcome, each parameter boundary.

use jiff::civil::date;
use mizuchi_sdk::testing::{Evidence, evaluate};
use mlit_common::build;

use super::*;

const AS_OF: Date = date(2026, 11, 27);

fn appoint(role: Role, person: &str, by_management: bool) -> Appointment {
    Appointment {
        role,
        person: person.into(),
        appointed_on: date(2025, 4, 1),
        appointed_by: None,
        by_management: Some(by_management),
        until: None,
    }
}

fn run(rule: &Rule, ev: &Evidence, params: &[(&str, ParamValue)]) -> Vec<(String, Status)> {
    evaluate(rule, ev, AS_OF, params)
        .unwrap()
        .into_iter()
        .map(|f| (f.subject.id, f.status))
        .collect()
}

fn people(ids: &[&str]) -> People {
    People {
        people: ids.iter().map(|i| build::person(i)).collect(),
    }
}

#[test]
fn gov_01_both_roles_appointed_by_management_pass() {
    let gov = Governance {
        appointments: vec![
            appoint(Role::Ciso, "P1", true),
            appoint(Role::CybersecurityOfficer, "P2", true),
        ],
        ..Default::default()
    };
    let ev = Evidence::new().with(&gov).with(&people(&["P1", "P2"]));
    assert_eq!(
        run(&GOV_01, &ev, &[]),
        [
            ("ciso".into(), Status::Pass),
            ("cybersecurity-officer".into(), Status::Pass)
        ]
    );
}

#[test]
fn gov_01_a_missing_role_a_departed_holder_or_no_management_fail() {
    let mut left = build::person("P2");
    left.left_on = Some(date(2026, 6, 30));
    let gov = Governance {
        appointments: vec![
            appoint(Role::Ciso, "P1", false),
            appoint(Role::CybersecurityOfficer, "P2", true),
        ],
        ..Default::default()
    };
    let ev = Evidence::new().with(&gov).with(&People {
        people: vec![build::person("P1"), left],
    });
    assert_eq!(
        run(&GOV_01, &ev, &[]),
        [
            ("ciso".into(), Status::Fail),
            ("cybersecurity-officer".into(), Status::Fail)
        ]
    );
    let ev = Evidence::new()
        .with(&Governance::default())
        .with(&people(&[]));
    assert!(
        run(&GOV_01, &ev, &[])
            .iter()
            .all(|(_, s)| *s == Status::Fail)
    );
    let gov = Governance {
        appointments: vec![appoint(Role::Ciso, "P1", true)],
        ..Default::default()
    };
    assert_eq!(
        run(&GOV_01, &Evidence::new().with(&gov), &[])[0].1,
        Status::InsufficientEvidence
    );
    assert_eq!(
        run(&GOV_01, &Evidence::new(), &[])[0].1,
        Status::InsufficientEvidence
    );
}

#[test]
fn gov_02_self_approval_and_self_audit_fail() {
    let approval = |id: &str, by: &str| Approval {
        id: id.into(),
        subject: "VPN".into(),
        requested_by: "P1".into(),
        approved_by: by.into(),
        date: date(2026, 5, 1),
    };
    let audit = |id: &str, auditee: &str| Audit {
        id: id.into(),
        kind: AuditKind::InternalAudit,
        date: date(2026, 5, 1),
        auditor: "P3".into(),
        auditee: auditee.into(),
        findings: vec![],
    };
    let gov = Governance {
        approvals: vec![approval("A1", "P2"), approval("A2", "P1")],
        audits: vec![audit("AU1", "P3"), audit("AU2", "情報課")],
        ..Default::default()
    };
    assert_eq!(
        run(&GOV_02, &Evidence::new().with(&gov), &[]),
        [("A2".into(), Status::Fail), ("AU1".into(), Status::Fail)]
    );
    let gov = Governance {
        approvals: vec![approval("A1", "P2")],
        ..Default::default()
    };
    assert_eq!(
        run(&GOV_02, &Evidence::new().with(&gov), &[]),
        [("utility".into(), Status::Pass)]
    );
    assert_eq!(
        run(&GOV_02, &Evidence::new().with(&Governance::default()), &[])[0].1,
        Status::NotApplicable
    );
}

fn csirt(contacts: Vec<ContactParty>) -> Governance {
    Governance {
        csirt: Some(Csirt {
            name: "MWB-CSIRT".into(),
            lead: Some("P1".into()),
            members: vec![],
            contacts: contacts
                .into_iter()
                .map(|party| Contact {
                    party,
                    name: "x".into(),
                    channel: "03-0000-0000".into(),
                })
                .collect(),
        }),
        ..Default::default()
    }
}

#[test]
fn gov_03_csirt_needs_a_lead_and_both_contacts() {
    let ev = Evidence::new()
        .with(&csirt(vec![ContactParty::Regulator, ContactParty::Ceptoar]))
        .with(&people(&["P1"]));
    assert_eq!(run(&GOV_03, &ev, &[])[0].1, Status::Pass);
    let ev = Evidence::new()
        .with(&csirt(vec![ContactParty::Regulator]))
        .with(&people(&["P1"]));
    let f = evaluate(&GOV_03, &ev, AS_OF, &[]).unwrap();
    assert_eq!(f[0].status, Status::Fail);
    assert!(
        f[0].message
            .en
            .ends_with("a contact at the water-sector CEPTOAR secretariat")
    );
    assert_eq!(
        run(&GOV_03, &Evidence::new().with(&Governance::default()), &[])[0].1,
        Status::Fail
    );
}

#[test]
fn gov_04_everyone_active_needs_training_within_a_year() {
    let rec = |p: &str, d| TrainingRecord {
        person: p.into(),
        course: "security".into(),
        security: Some(true),
        completed_on: d,
    };
    let mut gone = build::person("P3");
    gone.left_on = Some(date(2026, 1, 1));
    let ev = Evidence::new()
        .with(&People {
            people: vec![build::person("P1"), build::person("P2"), gone],
        })
        .with(&Training {
            records: vec![rec("P1", date(2025, 11, 27)), rec("P2", date(2025, 11, 26))],
        });
    assert_eq!(
        run(&GOV_04, &ev, &[]),
        [("P1".into(), Status::Pass), ("P2".into(), Status::Fail)]
    );
    assert_eq!(
        run(
            &GOV_04,
            &ev,
            &[("training_max_age_days", ParamValue::Integer(366))]
        ),
        [("P1".into(), Status::Pass), ("P2".into(), Status::Pass)]
    );
    assert_eq!(
        run(&GOV_04, &Evidence::new().with(&people(&["P1"])), &[])[0].1,
        Status::InsufficientEvidence
    );
    // A course that does not say whether it covers security is not counted
    // either way; a course dated after the as-of does not exist yet.
    let mut unsure = rec("P1", date(2026, 6, 1));
    unsure.security = None;
    let later = rec("P1", date(2026, 12, 1));
    let ev = Evidence::new().with(&people(&["P1"])).with(&Training {
        records: vec![unsure, later],
    });
    assert_eq!(run(&GOV_04, &ev, &[])[0].1, Status::InsufficientEvidence);
}

#[test]
fn gov_05_audits_within_a_year_with_improvement_actions() {
    let finding = |action: Option<&str>| AuditFinding {
        id: "F1".into(),
        description: "logs not reviewed".into(),
        improvement_action: action.map(Into::into),
    };
    let audit = |kind, d, f: Vec<AuditFinding>| Audit {
        id: format!("{kind:?}"),
        kind,
        date: d,
        auditor: "P9".into(),
        auditee: "P1".into(),
        findings: f,
    };
    let gov = Governance {
        audits: vec![
            audit(
                AuditKind::InternalAudit,
                date(2025, 11, 27),
                vec![finding(Some("monthly review"))],
            ),
            audit(
                AuditKind::SelfInspection,
                date(2025, 11, 26),
                vec![finding(None)],
            ),
        ],
        ..Default::default()
    };
    let r = run(&GOV_05, &Evidence::new().with(&gov), &[]);
    assert_eq!(
        r,
        [
            ("internal-audit".into(), Status::Pass),
            ("self-inspection".into(), Status::Fail),
            ("SelfInspection/F1".into(), Status::Fail)
        ]
    );
    let r = run(
        &GOV_05,
        &Evidence::new().with(&gov),
        &[("audit_max_age_days", ParamValue::Integer(366))],
    );
    assert_eq!(r[1].1, Status::Pass);
}

#[test]
fn gov_06_the_plan_must_be_reviewed_and_exercised() {
    let plan = |reviewed, exercised: Vec<Date>| ContinuityPlan {
        kind: PlanKind::ItBcp,
        title: "IT-BCP".into(),
        adopted_on: date(2020, 4, 1),
        reviewed_on: Some(reviewed),
        exercised_on: exercised,
    };
    let gov = |p| Governance {
        continuity_plans: vec![p],
        ..Default::default()
    };
    assert_eq!(
        run(
            &GOV_06,
            &Evidence::new().with(&gov(plan(date(2026, 4, 1), vec![date(2026, 10, 1)]))),
            &[]
        )[0]
        .1,
        Status::Pass
    );
    let f = evaluate(
        &GOV_06,
        &Evidence::new().with(&gov(plan(date(2024, 4, 1), vec![]))),
        AS_OF,
        &[],
    )
    .unwrap();
    assert_eq!(f[0].status, Status::Fail);
    assert_eq!(
        f[0].message.en,
        "\"IT-BCP\": not reviewed since 2024-04-01, never exercised"
    );
    assert_eq!(
        run(&GOV_06, &Evidence::new().with(&Governance::default()), &[])[0].1,
        Status::Fail
    );
}

#[test]
fn gov_07_assessment_scope_completeness_and_deadlines() {
    let entry = |id: &str, owner: Option<&str>, deadline, done| RiskPlanEntry {
        id: id.into(),
        risk: "ransomware".into(),
        target_state: Some("offline backups".into()),
        actions: Some("buy tapes".into()),
        resources: Some("1M yen".into()),
        owner: owner.map(Into::into),
        deadline: Some(deadline),
        evaluation_method: Some("restore test".into()),
        completed_on: done,
        improvement_instructions: vec![],
    };
    let ra = RiskAssessment {
        id: "RA1".into(),
        date: date(2026, 3, 1),
        covers_control_systems: Some(true),
        plan: vec![
            entry("E1", Some("P1"), date(2027, 3, 31), None),
            entry("E2", None, date(2026, 9, 30), None),
            entry("E3", Some("P1"), date(2026, 9, 30), Some(date(2026, 9, 1))),
        ],
    };
    let gov = Governance {
        risk_assessments: vec![ra.clone()],
        ..Default::default()
    };
    let r = run(&GOV_07, &Evidence::new().with(&gov), &[]);
    assert_eq!(
        r,
        [
            ("utility".into(), Status::Pass),
            ("E1".into(), Status::Pass),
            ("E2".into(), Status::Fail),
            ("E2".into(), Status::Fail),
            ("E3".into(), Status::Pass)
        ]
    );
    // An overdue entry under management's improvement instruction is a warning.
    let mut instructed = ra.clone();
    instructed.plan[1].owner = Some("P1".into());
    instructed.plan[1]
        .improvement_instructions
        .push(ImprovementInstruction {
            given_on: date(2026, 10, 15),
            given_by: "P0".into(),
            instruction: "deadline moved to 2027-03-31".into(),
        });
    let gov = Governance {
        risk_assessments: vec![instructed],
        ..Default::default()
    };
    let f = evaluate(&GOV_07, &Evidence::new().with(&gov), AS_OF, &[]).unwrap();
    assert_eq!(f[2].status, Status::Warn, "{f:?}");
    assert!(
        f[2].message
            .en
            .contains("under management's improvement instruction of 2026-10-15")
    );
    let mut narrow = ra;
    narrow.covers_control_systems = Some(false);
    let gov = Governance {
        risk_assessments: vec![narrow],
        ..Default::default()
    };
    assert_eq!(
        run(&GOV_07, &Evidence::new().with(&gov), &[])[0].1,
        Status::Fail
    );
    assert_eq!(
        run(
            &GOV_07,
            &Evidence::new().with(&gov),
            &[("risk_assessment_max_age_days", ParamValue::Integer(100))]
        )[0]
        .1,
        Status::Fail
    );
}

#[test]
fn gov_08_policy_needs_cybersecurity_and_a_service_level() {
    let policy = |cyber: Option<bool>, level: Option<ServiceLevel>| Governance {
        policy: Some(Policy {
            title: "基本方針".into(),
            adopted_on: date(2020, 4, 1),
            reviewed_on: None,
            covers_cybersecurity: cyber,
            service_level: level,
        }),
        ..Default::default()
    };
    let target = || Some(ServiceLevel::Target("24h".into()));
    let status = |g: Governance| run(&GOV_08, &Evidence::new().with(&g), &[])[0].1;
    assert_eq!(status(policy(Some(true), target())), Status::Pass);
    // A policy recorded with no service level fails; one whose service
    // level is not recorded is insufficient evidence.
    assert_eq!(
        status(policy(Some(true), Some(ServiceLevel::None))),
        Status::Fail
    );
    assert_eq!(
        status(policy(Some(true), None)),
        Status::InsufficientEvidence
    );
    assert_eq!(status(policy(Some(false), target())), Status::Fail);
    assert_eq!(status(policy(None, target())), Status::InsufficientEvidence);
    assert_eq!(
        run(&GOV_08, &Evidence::new(), &[])[0].1,
        Status::InsufficientEvidence
    );
}

/// The class sweep of "records dated after the as-of": every governance
/// rule that reads a dated record ignores it and its finding says so.
#[test]
fn records_dated_after_the_as_of_are_ignored_and_named_by_every_governance_rule() {
    let later = date(2026, 12, 15);
    let mut cso = appoint(Role::CybersecurityOfficer, "P2", true);
    cso.appointed_on = later;
    let gov = Governance {
        policy: Some(Policy {
            title: "方針".into(),
            adopted_on: later,
            reviewed_on: None,
            covers_cybersecurity: Some(true),
            service_level: None,
        }),
        appointments: vec![appoint(Role::Ciso, "P1", true), cso],
        continuity_plans: vec![ContinuityPlan {
            kind: PlanKind::ItBcp,
            title: "IT-BCP".into(),
            adopted_on: date(2025, 4, 1),
            reviewed_on: Some(date(2026, 4, 1)),
            exercised_on: vec![later],
        }],
        audits: vec![Audit {
            id: "A-9".into(),
            kind: AuditKind::InternalAudit,
            date: later,
            auditor: "P9".into(),
            auditee: "P1".into(),
            findings: vec![],
        }],
        risk_assessments: vec![RiskAssessment {
            id: "RA-9".into(),
            date: later,
            covers_control_systems: Some(true),
            plan: vec![],
        }],
        ..Default::default()
    };
    let training = Training {
        records: vec![TrainingRecord {
            person: "P1".into(),
            course: "研修".into(),
            security: Some(true),
            completed_on: later,
        }],
    };
    let ev = Evidence::new()
        .with(&gov)
        .with(&people(&["P1", "P2"]))
        .with(&training);
    for (rule, named) in [
        (&GOV_01, "appointment of P2 (2026-12-15)"),
        (&GOV_04, "training \"研修\" (2026-12-15)"),
        (&GOV_05, "audit A-9 (2026-12-15)"),
        (&GOV_06, "exercise of \"IT-BCP\" (2026-12-15)"),
        (&GOV_07, "risk assessment RA-9 (2026-12-15)"),
        (&GOV_08, "adoption of \"方針\" (2026-12-15)"),
    ] {
        let f = evaluate(rule, &ev, AS_OF, &[]).unwrap();
        let all: Vec<&str> = f.iter().map(|f| f.message.en.as_str()).collect();
        assert!(
            all.iter().any(|m| m
                .contains("ignored, as dated after the assessment date 2026-11-27")
                && m.contains(named)),
            "{}: {all:#?}",
            rule.id
        );
    }
}
