//! The governance module of the official MLIT water rule pack (guideline 第3章,
//! 第4章).
//!
//! | rule | requirement |
//! | --- | --- |
//! | MLIT-GOV-01 | a CISO and a cybersecurity officer are appointed |
//! | MLIT-GOV-02 | duties are separated |
//! | MLIT-GOV-03 | a CSIRT is ready |
//! | MLIT-GOV-04 | everyone is trained yearly |
//! | MLIT-GOV-05 | audits and self-inspections are done and followed up |
//! | MLIT-GOV-06 | business continuity is planned and exercised |
//! | MLIT-GOV-07 | risks are assessed and a response plan is kept |
//! | MLIT-GOV-08 | the policy covers cybersecurity and the service level to keep |

use std::collections::HashMap;

use mizuchi_sdk::prelude::*;
use mlit_common::{days_between, missing_section};

const GOV: Need = Need::v2(SectionKind::Governance);
const PEOPLE: Need = Need::v2(SectionKind::People);

const fn max_age(key: &'static str, ja: &'static str, en: &'static str) -> ParamSpec {
    ParamSpec {
        key,
        default: ParamDefault::Integer(365),
        description: StaticText { ja, en },
    }
}

pub const GOV_01: Rule = Rule {
    id: "MLIT-GOV-01",
    version: "2.0.0",
    title: StaticText {
        ja: "CISO及びサイバーセキュリティ責任者の任命",
        en: "A CISO and a cybersecurity officer are appointed",
    },
    section: "3.4.1, 3.4.2",
    force: Force::Recommended,
    needs: &[GOV, PEOPLE],
    params: &[],
    eval: gov_01,
};

pub const GOV_02: Rule = Rule {
    id: "MLIT-GOV-02",
    version: "2.0.0",
    title: StaticText {
        ja: "役割の分離",
        en: "Duties are separated",
    },
    section: "3.4.3",
    force: Force::Recommended,
    needs: &[GOV],
    params: &[],
    eval: gov_02,
};

pub const GOV_03: Rule = Rule {
    id: "MLIT-GOV-03",
    version: "2.0.0",
    title: StaticText {
        ja: "CSIRT等の整備",
        en: "A CSIRT is ready",
    },
    section: "4.7",
    force: Force::Recommended,
    needs: &[GOV, PEOPLE],
    params: &[],
    eval: gov_03,
};

pub const GOV_04: Rule = Rule {
    id: "MLIT-GOV-04",
    version: "2.0.0",
    title: StaticText {
        ja: "全職員の年次セキュリティ教育",
        en: "Everyone is trained yearly",
    },
    section: "4.6, 5.2.1",
    force: Force::Recommended,
    needs: &[PEOPLE, Need::v2(SectionKind::Training)],
    params: &[max_age(
        "training_max_age_days",
        "最新の教育受講からの日数の上限",
        "Most days since a person's last security training",
    )],
    eval: gov_04,
};

pub const GOV_05: Rule = Rule {
    id: "MLIT-GOV-05",
    version: "2.0.0",
    title: StaticText {
        ja: "監査と自己点検",
        en: "Audits and self-inspections are done and followed up",
    },
    section: "3.6, 4.11.2, 4.11.3",
    force: Force::Recommended,
    needs: &[GOV],
    params: &[max_age(
        "audit_max_age_days",
        "最新の監査・自己点検からの日数の上限",
        "Most days since the last internal audit and self-inspection",
    )],
    eval: gov_05,
};

pub const GOV_06: Rule = Rule {
    id: "MLIT-GOV-06",
    version: "2.0.0",
    title: StaticText {
        ja: "事業継続計画（IT-BCP）の整備と訓練",
        en: "Business continuity is planned and exercised",
    },
    section: "4.5.1, 4.10",
    force: Force::Recommended,
    needs: &[GOV],
    params: &[max_age(
        "bcp_max_age_days",
        "計画の見直し・訓練からの日数の上限",
        "Most days since the plan was reviewed and since it was exercised",
    )],
    eval: gov_06,
};

pub const GOV_07: Rule = Rule {
    id: "MLIT-GOV-07",
    version: "2.0.0",
    title: StaticText {
        ja: "リスクアセスメントとリスク対応計画",
        en: "Risks are assessed and a response plan is kept",
    },
    section: "4.2, 4.3.3",
    force: Force::Recommended,
    needs: &[GOV],
    params: &[max_age(
        "risk_assessment_max_age_days",
        "最新のリスクアセスメントからの日数の上限",
        "Most days since the last risk assessment",
    )],
    eval: gov_07,
};

pub const GOV_08: Rule = Rule {
    id: "MLIT-GOV-08",
    version: "2.0.0",
    title: StaticText {
        ja: "組織方針におけるサイバーセキュリティと維持すべきサービス水準",
        en: "The policy covers cybersecurity and the service level to keep",
    },
    section: "3.1",
    force: Force::Recommended,
    needs: &[GOV],
    params: &[],
    eval: gov_08,
};

fn governance(ctx: &mut Ctx<'_>) -> Result<Result<Governance, Vec<Finding>>, RuleError> {
    Ok(ctx
        .document::<Governance>()?
        .ok_or_else(|| vec![missing_section(SectionKind::Governance)]))
}

macro_rules! take {
    ($e:expr) => {
        match $e? {
            Ok(v) => v,
            Err(findings) => return Ok(findings),
        }
    };
}

/// Runs `judge`, then notes on its findings the records of `section` dated
/// after the assessment date, which it ignored: `dated` lists them.
fn noting_future<T: Document>(
    ctx: &mut Ctx<'_>,
    judge: fn(&mut Ctx<'_>) -> Result<Vec<Finding>, RuleError>,
    dated: fn(&T, &mut mlit_common::Future),
) -> Result<Vec<Finding>, RuleError> {
    let findings = judge(ctx)?;
    let mut future = mlit_common::Future::new(ctx.as_of());
    if let Some(doc) = ctx.document::<T>()? {
        dated(&doc, &mut future);
    }
    Ok(future.annotate_all(findings))
}

fn gov_01(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    noting_future(ctx, gov_01_judged, |g: &Governance, f| {
        for a in &g.appointments {
            f.admit(a.appointed_on, || format!("appointment of {}", a.person));
        }
    })
}

fn gov_04(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    noting_future(ctx, gov_04_judged, |t: &Training, f| {
        for r in &t.records {
            f.admit_for(Some(&r.person), r.completed_on, || {
                format!("training \"{}\"", r.course)
            });
        }
    })
}

fn gov_05(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    noting_future(ctx, gov_05_judged, |g: &Governance, f| {
        for a in &g.audits {
            f.admit(a.date, || format!("audit {}", a.id));
        }
    })
}

fn gov_06(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    noting_future(ctx, gov_06_judged, |g: &Governance, f| {
        for p in &g.continuity_plans {
            f.admit_for(Some(&p.title), p.adopted_on, || {
                format!("adoption of \"{}\"", p.title)
            });
            if let Some(r) = p.reviewed_on {
                f.admit_for(Some(&p.title), r, || format!("review of \"{}\"", p.title));
            }
            for d in &p.exercised_on {
                f.admit_for(Some(&p.title), *d, || {
                    format!("exercise of \"{}\"", p.title)
                });
            }
        }
    })
}

fn gov_07(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    noting_future(ctx, gov_07_judged, |g: &Governance, f| {
        for r in &g.risk_assessments {
            f.admit(r.date, || format!("risk assessment {}", r.id));
            for e in &r.plan {
                if let Some(c) = e.completed_on {
                    f.admit_for(Some(&e.id), c, || format!("completion of {}", e.id));
                }
                for i in &e.improvement_instructions {
                    f.admit_for(Some(&e.id), i.given_on, || {
                        format!("improvement instruction for {}", e.id)
                    });
                }
            }
        }
    })
}

fn gov_08(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    noting_future(ctx, gov_08_judged, |g: &Governance, f| {
        if let Some(p) = &g.policy {
            f.admit(p.adopted_on, || format!("adoption of \"{}\"", p.title));
            if let Some(r) = p.reviewed_on {
                f.admit(r, || format!("review of \"{}\"", p.title));
            }
        }
    })
}

fn org() -> Subject {
    Subject::organisation()
}

fn gov_01_judged(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let as_of = ctx.as_of();
    let gov = take!(governance(ctx));
    let people: Option<People> = ctx.document()?;
    let persons: HashMap<&str, &Person> = people
        .iter()
        .flat_map(|p| &p.people)
        .map(|p| (p.id.as_str(), p))
        .collect();
    // Subjects are named by the evidence format's codes, the same in every
    // language; the messages name the roles in words.
    let roles = [
        (
            Role::Ciso,
            "ciso",
            "CISO（最高情報セキュリティ責任者）",
            "CISO",
        ),
        (
            Role::CybersecurityOfficer,
            "cybersecurity-officer",
            "サイバーセキュリティ責任者",
            "cybersecurity officer",
        ),
    ];
    Ok(roles
        .into_iter()
        .map(|(role, code, ja, en)| {
            let subject = Subject::new("role", code);
            let holders: Vec<&Appointment> = gov.holders_on(role, as_of).collect();
            let f = match holders.first() {
                None => Finding::fail(subject, text!(ja: "{ja}が任命されていません。", en: "no {en} is appointed")),
                Some(a) if a.by_management == Some(false) => Finding::fail(
                    subject,
                    text!(ja: "{ja}（{}）は経営層による任命ではありません。", a.person; en: "the {en} ({}) was not appointed by management", a.person),
                ),
                Some(a) if a.by_management.is_none() => Finding::insufficient(
                    subject,
                    text!(ja: "{ja}（{}）が経営層による任命かどうかが記録されていません。", a.person; en: "whether the {en} ({}) was appointed by management is not recorded", a.person),
                ),
                Some(a) if people.is_none() => Finding::insufficient(
                    subject,
                    text!(ja: "{ja}（{}）が在籍者か職員名簿がなく確認できません。", a.person; en: "whether the {en} ({}) still works here cannot be checked without a people section", a.person),
                ),
                Some(a) => match persons.get(a.person.as_str()) {
                    Some(p) if p.is_active_on(as_of) => Finding::pass(
                        subject,
                        text!(ja: "{ja}として{}（{}）が{}に経営層により任命されています。", p.name, p.id, a.appointed_on; en: "{} ({}) was appointed {en} by management on {}", p.name, p.id, a.appointed_on),
                    ),
                    _ => Finding::fail(subject, text!(ja: "{ja}（{}）は在籍していません。", a.person; en: "the {en} ({}) no longer works here", a.person)),
                },
            };
            f.because(SectionKind::Governance, "appointments")
        })
        .collect())
}

fn gov_02(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let as_of = ctx.as_of();
    let gov = take!(governance(ctx));
    let mut future = mlit_common::Future::new(as_of);
    let approvals: Vec<&Approval> = gov
        .approvals
        .iter()
        .filter(|a| future.admit(a.date, || format!("approval {}", a.id)))
        .collect();
    let audits: Vec<&Audit> = gov
        .audits
        .iter()
        .filter(|a| future.admit(a.date, || format!("audit {}", a.id)))
        .collect();
    if approvals.is_empty() && audits.is_empty() {
        return Ok(vec![future.annotate(Finding::not_applicable(org(), text!(ja: "承認・監査の記録はありません。", en: "there are no approvals or audits on record"))).because(SectionKind::Governance, "approvals")]);
    }
    let mut findings = Vec::new();
    for a in approvals.iter().filter(|a| a.requested_by == a.approved_by) {
        findings.push(
            Finding::fail(
                Subject::new("approval", &a.id),
                text!(ja: "承認 {}（{}）は申請者 {} 自身が承認しています。", a.id, a.subject, a.requested_by; en: "approval {} ({}) was approved by its own requester {}", a.id, a.subject, a.requested_by),
            )
            .because(SectionKind::Governance, format!("approvals[id={}]", a.id)),
        );
    }
    for a in audits.iter().filter(|a| a.auditor == a.auditee) {
        findings.push(
            Finding::fail(
                Subject::new("audit", &a.id),
                text!(ja: "監査 {} は監査人 {} が自らを監査しています。", a.id, a.auditor; en: "audit {} was performed by its own auditee {}", a.id, a.auditor),
            )
            .because(SectionKind::Governance, format!("audits[id={}]", a.id)),
        );
    }
    if findings.is_empty() {
        findings.push(
            future.annotate(Finding::pass(
                org(),
                text!(ja: "承認{}件・監査{}件で、申請者と承認者、監査人と被監査者は分離されています。", approvals.len(), audits.len();
                      en: "in {} approvals and {} audits, requester and approver, auditor and auditee are different people", approvals.len(), audits.len()),
            ))
            .because(SectionKind::Governance, "approvals")
            .because(SectionKind::Governance, "audits"),
        );
    }
    Ok(findings)
}

fn gov_03(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let as_of = ctx.as_of();
    let gov = take!(governance(ctx));
    let people: Option<People> = ctx.document()?;
    let Some(c) = &gov.csirt else {
        return Ok(vec![Finding::fail(org(), text!(ja: "CSIRT（又は同等の体制）の記録がありません。", en: "no CSIRT or equivalent team is on record")).because(SectionKind::Governance, "csirt")]);
    };
    let mut missing: Vec<(&str, &str)> = Vec::new();
    match c.lead.as_deref() {
        None => missing.push(("責任者", "a responsible person")),
        Some(l) => {
            let active = people
                .iter()
                .flat_map(|p| &p.people)
                .any(|p| p.id == l && p.is_active_on(as_of));
            if people.is_some() && !active {
                missing.push((
                    "在籍する責任者",
                    "a responsible person who still works here",
                ));
            }
        }
    }
    if !c
        .contacts
        .iter()
        .any(|x| x.party == ContactParty::Regulator)
    {
        missing.push((
            "水道行政（国土交通省等）への連絡先",
            "a contact at the water-supply regulator",
        ));
    }
    if !c.contacts.iter().any(|x| x.party == ContactParty::Ceptoar) {
        missing.push((
            "水道セプター事務局への連絡先",
            "a contact at the water-sector CEPTOAR secretariat",
        ));
    }
    let name = &c.name;
    let f = if missing.is_empty() {
        Finding::pass(
            org(),
            text!(ja: "{name} に責任者と報告先（水道行政・水道セプター）が定められています。", en: "{name} has a responsible person and reporting contacts for the regulator and the CEPTOAR"),
        )
    } else {
        let ja: Vec<&str> = missing.iter().map(|m| m.0).collect();
        let en: Vec<&str> = missing.iter().map(|m| m.1).collect();
        Finding::fail(
            org(),
            text!(ja: "{name} に不足があります: {}。", ja.join("、"); en: "{name} lacks {}", en.join(", ")),
        )
    };
    Ok(vec![f.because(SectionKind::Governance, "csirt")])
}

fn gov_04_judged(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let max = ctx.int("training_max_age_days")?;
    let as_of = ctx.as_of();
    let Some(people) = ctx.document::<People>()? else {
        return Ok(vec![missing_section(SectionKind::People)]);
    };
    let Some(training) = ctx.document::<Training>()? else {
        return Ok(vec![missing_section(SectionKind::Training)]);
    };
    // The last security course per person, and the last course that does
    // not record whether it covers security.
    let mut last: HashMap<&str, Date> = HashMap::new();
    let mut unsure: HashMap<&str, (Date, &str)> = HashMap::new();
    for r in training.records.iter().filter(|r| r.completed_on <= as_of) {
        match r.security {
            Some(true) => {
                let slot = last.entry(r.person.as_str()).or_insert(r.completed_on);
                *slot = (*slot).max(r.completed_on);
            }
            None => {
                let slot = unsure
                    .entry(r.person.as_str())
                    .or_insert((r.completed_on, r.course.as_str()));
                if r.completed_on > slot.0 {
                    *slot = (r.completed_on, r.course.as_str());
                }
            }
            Some(false) => {}
        }
    }
    let active: Vec<&Person> = people
        .people
        .iter()
        .filter(|p| p.is_active_on(as_of))
        .collect();
    if active.is_empty() {
        return Ok(vec![
            Finding::not_applicable(
                org(),
                text!(ja: "在籍者がいません。", en: "nobody works here on the assessment date"),
            )
            .because(SectionKind::People, "people"),
        ]);
    }
    Ok(active
        .into_iter()
        .map(|p| {
            let id = &p.id;
            let recent_unsure = unsure
                .get(id.as_str())
                .filter(|(d, _)| days_between(*d, as_of) <= max);
            let f = match (last.get(id.as_str()), recent_unsure) {
                (Some(&d), _) if days_between(d, as_of) <= max => {
                    Finding::pass(Subject::person(id), text!(ja: "{id} は{d}にセキュリティ教育を受講しています。", en: "{id} completed security training on {d}"))
                }
                (_, Some((d, course))) => Finding::insufficient(
                    Subject::person(id),
                    text!(ja: "{id} は{d}に「{course}」を受講していますが、情報セキュリティを扱う研修かどうかが記録されていません。"; en: "{id} completed \"{course}\" on {d}, but whether it covers information security is not recorded"),
                ),
                (Some(&d), None) => Finding::fail(
                    Subject::person(id),
                    text!(ja: "{id} の最新のセキュリティ教育は{d}で、{}日経過しています（上限{max}日）。", days_between(d, as_of); en: "{id} last completed security training on {d}, {} days ago (limit {max})", days_between(d, as_of)),
                ),
                (None, None) => Finding::fail(Subject::person(id), text!(ja: "{id} のセキュリティ教育の受講記録がありません。", en: "{id} has no security training on record")),
            };
            f.because(SectionKind::People, format!("people[id={id}]"))
        })
        .collect())
}

fn gov_05_judged(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let max = ctx.int("audit_max_age_days")?;
    let as_of = ctx.as_of();
    let gov = take!(governance(ctx));
    let mut findings = Vec::new();
    for (kind, code, ja, en) in [
        (
            AuditKind::InternalAudit,
            "internal-audit",
            "内部監査",
            "internal audit",
        ),
        (
            AuditKind::SelfInspection,
            "self-inspection",
            "自己点検",
            "self-inspection",
        ),
    ] {
        let latest = gov
            .audits
            .iter()
            .filter(|a| a.kind == kind && a.date <= as_of)
            .max_by_key(|a| a.date);
        let subject = Subject::new("audit-kind", code);
        let f = match latest {
            Some(a) if days_between(a.date, as_of) <= max => Finding::pass(subject, text!(ja: "{ja}を{}に実施しています。", a.date; en: "the last {en} was on {}", a.date))
                .because(SectionKind::Governance, format!("audits[id={}]", a.id)),
            Some(a) => Finding::fail(subject, text!(ja: "最新の{ja}は{}で、{}日経過しています（上限{max}日）。", a.date, days_between(a.date, as_of); en: "the last {en} was on {}, {} days ago (limit {max})", a.date, days_between(a.date, as_of)))
                .because(SectionKind::Governance, format!("audits[id={}]", a.id)),
            None => Finding::fail(subject, text!(ja: "{ja}の記録がありません。", en: "no {en} is on record")).because(SectionKind::Governance, "audits"),
        };
        findings.push(f);
    }
    for a in &gov.audits {
        for f in a.findings.iter().filter(|f| {
            f.improvement_action
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
        }) {
            findings.push(
                Finding::fail(
                    Subject::new("audit-finding", format!("{}/{}", a.id, f.id)),
                    text!(ja: "監査 {} の指摘 {}（{}）に改善措置が定められていません。", a.id, f.id, f.description; en: "finding {} of audit {} ({}) has no improvement action", f.id, a.id, f.description),
                )
                .because(SectionKind::Governance, format!("audits[id={}].findings[id={}]", a.id, f.id)),
            );
        }
    }
    Ok(findings)
}

fn gov_06_judged(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let max = ctx.int("bcp_max_age_days")?;
    let as_of = ctx.as_of();
    let gov = take!(governance(ctx));
    let plans: Vec<&ContinuityPlan> = gov
        .continuity_plans
        .iter()
        .filter(|p| matches!(p.kind, PlanKind::ItBcp | PlanKind::Contingency))
        .filter(|p| p.adopted_on <= as_of)
        .collect();
    if plans.is_empty() {
        return Ok(vec![Finding::fail(org(), text!(ja: "IT-BCP・コンティンジェンシープランの記録がありません。", en: "no IT business-continuity or contingency plan is on record")).because(SectionKind::Governance, "continuity_plans")]);
    }
    Ok(plans
        .into_iter()
        .map(|p| {
            let reviewed = p
                .reviewed_on
                .filter(|r| *r <= as_of)
                .unwrap_or(p.adopted_on)
                .max(p.adopted_on);
            let exercised = p.exercised_on.iter().copied().filter(|d| *d <= as_of).max();
            let mut gaps: Vec<Text> = Vec::new();
            if days_between(reviewed, as_of) > max {
                gaps.push(text!(ja: "見直しが{reviewed}以降ありません", en: "not reviewed since {reviewed}"));
            }
            match exercised {
                None => gaps.push(text!(ja: "訓練の記録がありません", en: "never exercised")),
                Some(d) if days_between(d, as_of) > max => gaps.push(text!(ja: "訓練が{d}以降ありません", en: "not exercised since {d}")),
                Some(_) => {}
            }
            let title = &p.title;
            let subject = Subject::new("plan", title);
            let f = if gaps.is_empty() {
                Finding::pass(subject, text!(ja: "「{title}」は{max}日以内に見直され、訓練されています。", en: "\"{title}\" was reviewed and exercised within {max} days"))
            } else {
                Finding::fail(subject, text!(ja: "「{title}」: {}。", gaps.iter().map(|g| g.ja.as_str()).collect::<Vec<_>>().join("、"); en: "\"{title}\": {}", gaps.iter().map(|g| g.en.as_str()).collect::<Vec<_>>().join(", ")))
            };
            f.because(SectionKind::Governance, "continuity_plans")
        })
        .collect())
}

fn gov_07_judged(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let max = ctx.int("risk_assessment_max_age_days")?;
    let as_of = ctx.as_of();
    let gov = take!(governance(ctx));
    let Some(ra) = gov
        .risk_assessments
        .iter()
        .filter(|r| r.date <= as_of)
        .max_by_key(|r| r.date)
    else {
        return Ok(vec![Finding::fail(org(), text!(ja: "リスクアセスメントの記録がありません。", en: "no risk assessment is on record")).because(SectionKind::Governance, "risk_assessments")]);
    };
    let at = format!("risk_assessments[id={}]", ra.id);
    let mut findings = Vec::new();
    let age = days_between(ra.date, as_of);
    let f = if age > max {
        Finding::fail(
            org(),
            text!(ja: "最新のリスクアセスメントは{}で、{age}日経過しています（上限{max}日）。", ra.date; en: "the last risk assessment was on {}, {age} days ago (limit {max})", ra.date),
        )
    } else if ra.covers_control_systems == Some(false) {
        Finding::fail(
            org(),
            text!(ja: "{}のリスクアセスメントは制御系システムを対象としていません。", ra.date; en: "the risk assessment of {} does not cover the control systems", ra.date),
        )
    } else if ra.covers_control_systems.is_none() {
        Finding::insufficient(
            org(),
            text!(ja: "{}のリスクアセスメントが制御系システムを対象とするかが記録されていません。", ra.date; en: "the risk assessment of {} does not record whether it covers the control systems", ra.date),
        )
    } else {
        Finding::pass(
            org(),
            text!(ja: "{}に制御系システムを含むリスクアセスメントを実施しています。", ra.date; en: "a risk assessment covering the control systems was made on {}", ra.date),
        )
    };
    findings.push(f.because(SectionKind::Governance, at.clone()));
    for e in &ra.plan {
        let mut missing = Vec::new();
        for (v, ja, en) in [
            (e.target_state.is_some(), "目標とする状態", "target state"),
            (e.actions.is_some(), "対策", "actions"),
            (e.resources.is_some(), "資源", "resources"),
            (e.owner.is_some(), "責任者", "owner"),
            (e.deadline.is_some(), "期限", "deadline"),
            (
                e.evaluation_method.is_some(),
                "評価方法",
                "evaluation method",
            ),
        ] {
            if !v {
                missing.push((ja, en));
            }
        }
        let subject = Subject::new("risk-plan-entry", &e.id);
        let loc = format!("{at}.plan[id={}]", e.id);
        if !missing.is_empty() {
            let ja: Vec<&str> = missing.iter().map(|m| m.0).collect();
            let en: Vec<&str> = missing.iter().map(|m| m.1).collect();
            findings.push(Finding::fail(subject.clone(), text!(ja: "対応計画 {}（{}）に{}がありません。", e.id, e.risk, ja.join("・"); en: "response-plan entry {} ({}) has no {}", e.id, e.risk, en.join(", "))).because(SectionKind::Governance, loc.clone()));
        }
        let done = e.completed_on.filter(|c| *c <= as_of);
        let instruction = e
            .improvement_instructions
            .iter()
            .filter(|i| i.given_on <= as_of)
            .max_by_key(|i| i.given_on);
        if let Some(d) = e.deadline
            && done.is_none()
            && d < as_of
        {
            // 「目標未達や進捗遅延…改善指示を行う」: an overdue entry under a
            // recorded improvement instruction is followed up, not failed.
            match instruction {
                Some(i) => findings.push(Finding::warn(subject, text!(ja: "対応計画 {}（{}）は期限{d}を過ぎていますが、経営層が{}に改善を指示しています（{}）。", e.id, e.risk, i.given_on, i.instruction; en: "response-plan entry {} ({}) is overdue since {d}, under management's improvement instruction of {} ({})", e.id, e.risk, i.given_on, i.instruction)).because(SectionKind::Governance, format!("{loc}.improvement_instructions"))),
                None => findings.push(Finding::fail(subject, text!(ja: "対応計画 {}（{}）は期限{d}を過ぎても完了しておらず、経営層の改善指示も記録されていません。", e.id, e.risk; en: "response-plan entry {} ({}) is overdue since {d}, with no improvement instruction from management recorded", e.id, e.risk)).because(SectionKind::Governance, loc)),
            }
        } else if missing.is_empty() {
            findings.push(Finding::pass(subject, text!(ja: "対応計画 {} は必要事項がそろい、期限内です。", e.id; en: "response-plan entry {} is complete and on time", e.id)).because(SectionKind::Governance, loc));
        }
    }
    Ok(findings)
}

fn gov_08_judged(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let gov = take!(governance(ctx));
    let Some(p) = &gov.policy else {
        return Ok(vec![Finding::fail(org(), text!(ja: "組織方針の記録がありません。", en: "no organisational policy is on record")).because(SectionKind::Governance, "policy")]);
    };
    let title = &p.title;
    let f = match (p.covers_cybersecurity, &p.service_level) {
        (Some(false), _) => Finding::fail(
            org(),
            text!(ja: "「{title}」はサイバーセキュリティを扱っていません。", en: "\"{title}\" does not address cybersecurity"),
        ),
        (_, Some(ServiceLevel::None)) => Finding::fail(
            org(),
            text!(ja: "「{title}」に維持すべきサービス水準（復旧目標等）が定められていません。", en: "\"{title}\" sets no service level to keep (such as hours to restore service)"),
        ),
        (Some(true), Some(ServiceLevel::Target(level))) => Finding::pass(
            org(),
            text!(ja: "「{title}」はサイバーセキュリティを含み、維持すべきサービス水準（{level}）を定めています。", en: "\"{title}\" covers cybersecurity and sets the service level to keep ({level})"),
        ),
        (None, _) => Finding::insufficient(
            org(),
            text!(ja: "「{title}」がサイバーセキュリティを含むかが記録されていません。", en: "whether \"{title}\" covers cybersecurity is not recorded"),
        ),
        (Some(true), None) => Finding::insufficient(
            org(),
            text!(ja: "「{title}」の維持すべきサービス水準が記録されていません（定めがないなら「なし」と記録してください）。", en: "the service level \"{title}\" sets is not recorded (record `none` if it sets none)"),
        ),
    };
    Ok(vec![f.because(SectionKind::Governance, "policy")])
}

mizuchi_sdk::export_rules!(
    GOV_01, GOV_02, GOV_03, GOV_04, GOV_05, GOV_06, GOV_07, GOV_08
);

#[cfg(test)]
mod tests;
