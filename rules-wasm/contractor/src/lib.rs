//! The contractor module of the official MLIT water rule pack (guideline 5.6,
//! 別紙1).
//!
//! | rule | requirement |
//! | --- | --- |
//! | MLIT-CON-01 | contracts carry the required security clauses |
//! | MLIT-CON-02 | contracts entrusting personal data carry the extra clauses |
//! | MLIT-CON-03 | ended contracts prove data was returned or destroyed |

use mizuchi_sdk::prelude::*;
use mlit_common::{days_between, missing_section};

const CONTRACTS: &[Need] = &[Need::v2(SectionKind::Contracts)];

pub const CON_01: Rule = Rule {
    id: "MLIT-CON-01",
    version: "2.0.0",
    title: StaticText {
        ja: "委託契約に必要なセキュリティ条項",
        en: "Contracts carry the required security clauses",
    },
    section: "5.6.1, 5.6.2",
    force: Force::Recommended,
    needs: CONTRACTS,
    params: &[ParamSpec {
        key: "require_audit_clause",
        default: ParamDefault::Boolean(true),
        description: StaticText {
            ja: "監査・検査の受入れ条項を求める (監査が必要な場合)",
            en: "Require the clause accepting audits and inspections (where the utility needs audits)",
        },
    }],
    eval: con_01,
};

pub const CON_02: Rule = Rule {
    id: "MLIT-CON-02",
    version: "2.0.0",
    title: StaticText {
        ja: "個人情報を取り扱う委託契約の追加条項",
        en: "Contracts entrusting personal data carry the extra clauses",
    },
    section: "5.6.1, 別紙1",
    force: Force::Recommended,
    needs: CONTRACTS,
    params: &[],
    eval: con_02,
};

pub const CON_03: Rule = Rule {
    id: "MLIT-CON-03",
    version: "2.0.0",
    title: StaticText {
        ja: "契約終了後の情報の返却・廃棄の確認",
        en: "Ended contracts prove data was returned or destroyed",
    },
    section: "5.6.1, 別紙1",
    force: Force::Recommended,
    needs: CONTRACTS,
    params: &[ParamSpec {
        key: "return_confirmation_days",
        default: ParamDefault::Integer(30),
        description: StaticText {
            ja: "契約終了から返却・廃棄の確認までの期限（日）",
            en: "Days after the end by which return or destruction must be confirmed",
        },
    }],
    eval: con_03,
};

/// The clauses every contract touching systems or information needs
/// (guideline 5.6.1–5.6.2); the audit clause only when the utility needs
/// audits (`require_audit_clause`).
pub fn security_clauses(audit: bool) -> Vec<Clause> {
    Clause::ALL
        .iter()
        .copied()
        .filter(|c| !c.is_personal_data())
        .filter(|c| audit || *c != Clause::AuditAcceptance)
        .collect()
}

/// The extra clauses of a contract entrusting personal data (別紙1).
pub fn personal_data_clauses() -> Vec<Clause> {
    Clause::ALL
        .iter()
        .copied()
        .filter(|c| c.is_personal_data())
        .collect()
}

fn touches_information(c: &Contract) -> bool {
    c.personal_data == Some(true)
        || c.scope.iter().any(|s| {
            matches!(
                s,
                ContractScope::InformationSystems | ContractScope::Information
            )
        })
}

fn contract_ref(c: &Contract) -> String {
    format!("contracts[id={}]", c.id)
}

/// One failure per clause the contract is recorded not to include, one
/// insufficient-evidence finding for the clauses it does not record, or a
/// pass for a complete contract.
fn clauses(contracts: &[&Contract], required: &[Clause], none: Text) -> Vec<Finding> {
    if contracts.is_empty() {
        return vec![
            Finding::not_applicable(Subject::organisation(), none)
                .because(SectionKind::Contracts, "contracts"),
        ];
    }
    let mut findings = Vec::new();
    for c in contracts {
        let id = &c.id;
        let who = &c.contractor;
        let missing: Vec<Clause> = required
            .iter()
            .copied()
            .filter(|cl| c.clauses.get(*cl) == Some(false))
            .collect();
        let unknown: Vec<Clause> = required
            .iter()
            .copied()
            .filter(|cl| c.clauses.get(*cl).is_none())
            .collect();
        for cl in &missing {
            let name = cl.name();
            findings.push(
                Finding::fail(Subject::contract(id), text!(ja: "契約 {id}（{who}）に「{}」の条項がありません。", name.ja; en: "contract {id} with {who} has no clause on {}", name.en))
                    .because(SectionKind::Contracts, format!("{}.clauses.{}", contract_ref(c), cl.key())),
            );
        }
        if !unknown.is_empty() {
            let ja: Vec<String> = unknown.iter().map(|c| c.name().ja).collect();
            let en: Vec<String> = unknown.iter().map(|c| c.name().en).collect();
            findings.push(
                Finding::insufficient(Subject::contract(id), text!(ja: "契約 {id}（{who}）について、次の条項の有無が記録されていません: {}。", ja.join("、"); en: "contract {id} with {who} does not record whether it has these clauses: {}", en.join("; ")))
                    .because(SectionKind::Contracts, format!("{}.clauses", contract_ref(c))),
            );
        }
        if missing.is_empty() && unknown.is_empty() {
            findings.push(
                Finding::pass(Subject::contract(id), text!(ja: "契約 {id}（{who}）は必要な条項をすべて含みます。", en: "contract {id} with {who} has every required clause"))
                    .because(SectionKind::Contracts, contract_ref(c)),
            );
        }
    }
    findings
}

fn con_01(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let audit = ctx.flag("require_audit_clause")?;
    let as_of = ctx.as_of();
    let Some(all) = ctx.document::<Contracts>()? else {
        return Ok(vec![missing_section(SectionKind::Contracts)]);
    };
    let current: Vec<&Contract> = all
        .contracts
        .iter()
        .filter(|c| c.is_current_on(as_of) && touches_information(c))
        .collect();
    Ok(clauses(
        &current,
        &security_clauses(audit),
        text!(ja: "情報システム又は情報を扱う現行の委託契約はありません。", en: "no current contract touches information systems or information"),
    ))
}

fn con_02(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let as_of = ctx.as_of();
    let Some(all) = ctx.document::<Contracts>()? else {
        return Ok(vec![missing_section(SectionKind::Contracts)]);
    };
    let in_force = |c: &&Contract| c.is_current_on(as_of);
    let current: Vec<&Contract> = all
        .contracts
        .iter()
        .filter(in_force)
        .filter(|c| c.personal_data == Some(true))
        .collect();
    // Contracts touching information that do not say whether they entrust
    // personal data cannot be judged.
    let unrecorded: Vec<Finding> = all
        .contracts
        .iter()
        .filter(in_force)
        .filter(|c| c.personal_data.is_none() && touches_information(c))
        .map(|c| {
            let (id, who) = (&c.id, &c.contractor);
            Finding::insufficient(Subject::contract(id), text!(ja: "契約 {id}（{who}）は個人情報を預けるかどうかが記録されていません。", en: "contract {id} with {who} does not record whether it entrusts personal data"))
                .because(SectionKind::Contracts, format!("{}.personal_data", contract_ref(c)))
        })
        .collect();
    if current.is_empty() && !unrecorded.is_empty() {
        return Ok(unrecorded);
    }
    let mut out = clauses(
        &current,
        &personal_data_clauses(),
        text!(ja: "評価日に有効な、個人情報を委託している契約はありません。", en: "no contract in force on the assessment date entrusts personal data"),
    );
    out.extend(unrecorded);
    Ok(out)
}

fn con_03(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let days = ctx.int("return_confirmation_days")?;
    let as_of = ctx.as_of();
    let Some(all) = ctx.document::<Contracts>()? else {
        return Ok(vec![missing_section(SectionKind::Contracts)]);
    };
    let ended: Vec<&Contract> = all
        .contracts
        .iter()
        .filter(|c| c.ends_on.is_some_and(|e| e < as_of) && touches_information(c))
        .collect();
    if ended.is_empty() {
        return Ok(vec![Finding::not_applicable(
            Subject::organisation(),
            text!(ja: "情報を扱う終了済みの委託契約はありません。", en: "no ended contract handled information"),
        )
        .because(SectionKind::Contracts, "contracts")]);
    }
    Ok(ended
        .into_iter()
        .map(|c| {
            let id = &c.id;
            let who = &c.contractor;
            let end = c.ends_on.unwrap_or(as_of);
            let deadline = end.saturating_add(jiff::Span::new().days(days));
            let first = c
                .data_disposition
                .iter()
                .map(|d| d.confirmed_on)
                .filter(|on| *on <= as_of)
                .min();
            let f = match first {
                Some(on) if days_between(end, on) <= days => Finding::pass(
                    Subject::contract(id),
                    text!(ja: "契約 {id}（{who}、{end}終了）の情報の返却・廃棄を{on}に確認しています。", en: "contract {id} with {who} ended {end}; return or destruction was confirmed on {on}"),
                ),
                // The guideline asks utilities to confirm again
                // (「委託業者に改めて確認する」): a late confirmation cures.
                Some(on) => Finding::warn(
                    Subject::contract(id),
                    text!(ja: "契約 {id}（{who}、{end}終了）の返却・廃棄は{on}に確認しましたが、期限{deadline}より後です。", en: "contract {id} with {who} ended {end}; return or destruction was confirmed on {on}, after the deadline {deadline}"),
                ),
                None if as_of <= deadline => Finding::warn(
                    Subject::contract(id),
                    text!(ja: "契約 {id}（{who}）は{end}に終了しました。{deadline}までに返却・廃棄を確認してください。", en: "contract {id} with {who} ended {end}; confirm return or destruction by {deadline}"),
                ),
                None => {
                    let years = days_between(end, as_of) / 365;
                    let ago = if years >= 1 { format!(" ({years} years ago)") } else { String::new() };
                    Finding::fail(
                        Subject::contract(id),
                        text!(ja: "契約 {id}（{who}）は{end}に終了しましたが、情報の返却・廃棄の確認がありません。委託先が今も情報を保有しているおそれがあります。", en: "contract {id} with {who} ended {end}{ago} with no confirmation that its data was returned or destroyed; the contractor may still hold it"),
                    )
                }
            };
            f.because(SectionKind::Contracts, contract_ref(c))
        })
        .collect())
}

mizuchi_sdk::export_rules!(CON_01, CON_02, CON_03);

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};

    fn contract(clauses: Vec<Clause>, personal: bool, ends: Option<Date>) -> Contract {
        let mut recorded = Clauses::default();
        for c in Clause::ALL {
            recorded.set(*c, clauses.contains(c));
        }
        Contract {
            id: "C1".into(),
            contractor: "Vendor KK".into(),
            title: "SCADA maintenance".into(),
            scope: vec![ContractScope::InformationSystems],
            assets: vec![],
            personal_data: Some(personal),
            starts_on: date(2020, 4, 1),
            ends_on: ends,
            clauses: recorded,
            data_disposition: vec![],
        }
    }

    fn run(rule: &Rule, c: Vec<Contract>, params: &[(&str, ParamValue)]) -> Vec<Finding> {
        evaluate(
            rule,
            &Evidence::new().with(&Contracts { contracts: c }),
            date(2026, 11, 27),
            params,
        )
        .unwrap()
    }

    #[test]
    fn each_missing_security_clause_is_a_failure() {
        assert_eq!(
            run(
                &CON_01,
                vec![contract(security_clauses(true), false, None)],
                &[]
            )[0]
            .status,
            Status::Pass
        );
        let mut partial = security_clauses(true);
        partial.retain(|c| *c != Clause::AuditAcceptance && *c != Clause::StaffDisclosure);
        let f = run(&CON_01, vec![contract(partial.clone(), false, None)], &[]);
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|f| f.status == Status::Fail));
        assert!(
            f[0].message
                .en
                .ends_with("acceptance of audits and inspections"),
            "{}",
            f[0].message.en
        );
        // The audit clause is a parameter.
        let f = run(
            &CON_01,
            vec![contract(partial, false, None)],
            &[("require_audit_clause", ParamValue::Boolean(false))],
        );
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn the_second_edition_asks_for_the_split_of_responsibilities_and_confirmation_of_performance() {
        let mut old = security_clauses(true);
        old.retain(|c| *c != Clause::ResponsibilitySplit && *c != Clause::PerformanceConfirmation);
        let f = run(&CON_01, vec![contract(old, false, None)], &[]);
        let msgs: Vec<&str> = f.iter().map(|f| f.message.en.as_str()).collect();
        assert_eq!(f.len(), 2, "{msgs:?}");
        assert!(msgs[0].ends_with("the split of responsibilities"));
        assert!(msgs[1].ends_with("how performance of the measures is confirmed"));
    }

    #[test]
    fn a_clause_not_recorded_is_insufficient_evidence_not_a_failure() {
        let mut c = contract(security_clauses(true), false, None);
        c.clauses.remedy = None;
        let f = run(&CON_01, vec![c], &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::InsufficientEvidence);
        assert!(
            f[0].message
                .en
                .contains("remedy when the measures fall short")
        );
    }

    #[test]
    fn personal_data_contracts_need_the_extra_clauses() {
        let f = run(
            &CON_02,
            vec![contract(security_clauses(true), true, None)],
            &[],
        );
        assert_eq!(f.len(), personal_data_clauses().len());
        assert_eq!(f.len(), 12, "the second edition's twelve");
        let mut both = security_clauses(true);
        both.extend(personal_data_clauses());
        assert_eq!(
            run(&CON_02, vec![contract(both, true, None)], &[])[0].status,
            Status::Pass
        );
        assert_eq!(
            run(&CON_02, vec![contract(vec![], false, None)], &[])[0].status,
            Status::NotApplicable
        );
        // In force on the as-of only: an ended contract is CON-03's.
        assert_eq!(
            run(
                &CON_02,
                vec![contract(vec![], true, Some(date(2026, 3, 31)))],
                &[]
            )[0]
            .status,
            Status::NotApplicable
        );
        let mut unknown = contract(vec![], false, None);
        unknown.personal_data = None;
        assert_eq!(
            run(&CON_02, vec![unknown], &[])[0].status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn ended_contracts_need_a_timely_confirmation_even_years_later() {
        let mut c = contract(vec![], true, Some(date(2021, 3, 31)));
        let f = run(&CON_03, vec![c.clone()], &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message.en.contains("(5 years ago)"),
            "{}",
            f[0].message.en
        );
        c.data_disposition.push(DataDisposition {
            kind: DispositionKind::Destroyed,
            confirmed_on: date(2021, 4, 30),
            document: None,
        });
        assert_eq!(run(&CON_03, vec![c.clone()], &[])[0].status, Status::Pass);
        // One day later than allowed: the late confirmation cures, with a warning.
        let f = run(
            &CON_03,
            vec![c.clone()],
            &[("return_confirmation_days", ParamValue::Integer(29))],
        );
        assert_eq!(f[0].status, Status::Warn);
        assert!(
            f[0].message.en.contains("after the deadline 2021-04-29"),
            "{}",
            f[0].message.en
        );
        // A confirmation dated after the as-of does not exist yet.
        c.data_disposition[0].confirmed_on = date(2026, 12, 1);
        assert_eq!(run(&CON_03, vec![c], &[])[0].status, Status::Fail);
    }

    #[test]
    fn no_contract_in_scope_is_not_applicable_and_no_contracts_is_insufficient() {
        let mut construction = contract(vec![], false, None);
        construction.scope = vec![ContractScope::Other];
        assert_eq!(
            run(&CON_01, vec![construction.clone()], &[])[0].status,
            Status::NotApplicable
        );
        assert_eq!(
            run(&CON_03, vec![construction], &[])[0].status,
            Status::NotApplicable
        );
        for rule in [&CON_01, &CON_02, &CON_03] {
            assert_eq!(
                evaluate(rule, &Evidence::new(), date(2026, 11, 27), &[]).unwrap()[0].status,
                Status::InsufficientEvidence
            );
        }
    }

    #[test]
    fn a_confirmation_not_yet_due_is_a_warning() {
        let c = contract(vec![], false, Some(date(2026, 11, 10)));
        assert_eq!(run(&CON_03, vec![c], &[])[0].status, Status::Warn);
    }
}
