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

const CONTRACTS: &[Need] = &[Need::v1(SectionKind::Contracts)];

pub const CON_01: Rule = Rule {
    id: "MLIT-CON-01",
    version: "1.0.0",
    title: StaticText {
        ja: "委託契約に必要なセキュリティ条項",
        en: "Contracts carry the required security clauses",
    },
    section: "5.6.1, 5.6.2",
    force: Force::Recommended,
    needs: CONTRACTS,
    params: &[],
    eval: con_01,
};

pub const CON_02: Rule = Rule {
    id: "MLIT-CON-02",
    version: "1.0.0",
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
    version: "1.0.0",
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

/// The clauses every contract touching systems or information needs.
pub const SECURITY_CLAUSES: &[(Clause, &str, &str)] = &[
    (
        Clause::SecurityMeasures,
        "業務上のセキュリティ対策",
        "security measures for the work",
    ),
    (
        Clause::Confidentiality,
        "守秘義務・目的外利用の禁止",
        "confidentiality and no use beyond the purpose",
    ),
    (
        Clause::ReturnOrDestruction,
        "終了時の情報の返却・廃棄",
        "return or destruction of information at the end",
    ),
    (
        Clause::IncidentReporting,
        "事故時の対処と報告",
        "incident handling and reporting",
    ),
    (
        Clause::Remedy,
        "対策不備時の是正",
        "remedy when the measures fall short",
    ),
    (
        Clause::SubcontractingControl,
        "再委託の管理",
        "control of subcontracting",
    ),
    (
        Clause::AuditAcceptance,
        "監査の受入れ",
        "acceptance of audits",
    ),
    (
        Clause::ChangePrevention,
        "意図しない変更の防止",
        "prevention of unintended changes",
    ),
    (
        Clause::CompanyDisclosure,
        "資本関係・役員・作業場所の開示",
        "disclosure of capital, officers and work location",
    ),
    (
        Clause::StaffDisclosure,
        "要員の所属・資格・国籍の開示",
        "disclosure of staff affiliation, qualifications and nationality",
    ),
];

/// The extra clauses of a contract entrusting personal data.
pub const PERSONAL_DATA_CLAUSES: &[(Clause, &str, &str)] = &[
    (
        Clause::PersonalDataSafeManagement,
        "個人情報の安全管理",
        "safe management of personal data",
    ),
    (
        Clause::PersonalDataNoProcessingBeyondContract,
        "契約外の加工・複製の禁止",
        "no processing or copying beyond the contract",
    ),
    (
        Clause::PersonalDataSubcontractingReport,
        "再委託前の報告",
        "reporting before subcontracting",
    ),
    (
        Clause::PersonalDataReporting,
        "報告の内容と頻度",
        "content and frequency of reporting",
    ),
    (
        Clause::PersonalDataBreachReporting,
        "漏えい時の報告",
        "breach reporting",
    ),
    (
        Clause::PersonalDataResponsibility,
        "責任の範囲",
        "scope of responsibility",
    ),
    (
        Clause::PersonalDataReturnOrDeletion,
        "終了時の返却・削除",
        "return or deletion at the end",
    ),
];

fn touches_information(c: &Contract) -> bool {
    c.personal_data
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

/// One finding per missing clause, or a pass for a complete contract.
fn clauses(contracts: &[&Contract], required: &[(Clause, &str, &str)], none: Text) -> Vec<Finding> {
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
        let missing: Vec<&(Clause, &str, &str)> = required
            .iter()
            .filter(|(cl, _, _)| !c.clauses.contains(cl))
            .collect();
        if missing.is_empty() {
            findings.push(
                Finding::pass(Subject::contract(id), text!(ja: "契約 {id}（{who}）は必要な条項をすべて含みます。", en: "contract {id} with {who} has every required clause"))
                    .because(SectionKind::Contracts, contract_ref(c)),
            );
        }
        for (_, ja, en) in missing {
            findings.push(
                Finding::fail(Subject::contract(id), text!(ja: "契約 {id}（{who}）に「{ja}」の条項がありません。", en: "contract {id} with {who} has no clause on {en}"))
                    .because(SectionKind::Contracts, format!("{}.clauses", contract_ref(c))),
            );
        }
    }
    findings
}

fn con_01(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
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
        SECURITY_CLAUSES,
        text!(ja: "情報システム又は情報を扱う現行の委託契約はありません。", en: "no current contract touches information systems or information"),
    ))
}

fn con_02(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let as_of = ctx.as_of();
    let Some(all) = ctx.document::<Contracts>()? else {
        return Ok(vec![missing_section(SectionKind::Contracts)]);
    };
    let current: Vec<&Contract> = all
        .contracts
        .iter()
        .filter(|c| c.is_current_on(as_of) && c.personal_data)
        .collect();
    Ok(clauses(
        &current,
        PERSONAL_DATA_CLAUSES,
        text!(ja: "個人情報を委託している現行の契約はありません。", en: "no current contract entrusts personal data"),
    ))
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
            let first = c.data_disposition.iter().map(|d| d.confirmed_on).min();
            let f = match first {
                Some(on) if days_between(end, on) <= days => Finding::pass(
                    Subject::contract(id),
                    text!(ja: "契約 {id}（{who}、{end}終了）の情報の返却・廃棄を{on}に確認しています。", en: "contract {id} with {who} ended {end}; return or destruction was confirmed on {on}"),
                ),
                Some(on) => Finding::fail(
                    Subject::contract(id),
                    text!(ja: "契約 {id}（{who}、{end}終了）の返却・廃棄の確認は{on}で、期限{deadline}を過ぎています。", en: "contract {id} with {who} ended {end}; return or destruction was confirmed only on {on}, after the deadline {deadline}"),
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
        Contract {
            id: "C1".into(),
            contractor: "Vendor KK".into(),
            title: "SCADA maintenance".into(),
            scope: vec![ContractScope::InformationSystems],
            assets: vec![],
            personal_data: personal,
            starts_on: date(2020, 4, 1),
            ends_on: ends,
            clauses,
            data_disposition: vec![],
        }
    }

    fn all(list: &[(Clause, &str, &str)]) -> Vec<Clause> {
        list.iter().map(|c| c.0).collect()
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
                vec![contract(all(SECURITY_CLAUSES), false, None)],
                &[]
            )[0]
            .status,
            Status::Pass
        );
        let mut partial = all(SECURITY_CLAUSES);
        partial.retain(|c| *c != Clause::AuditAcceptance && *c != Clause::StaffDisclosure);
        let f = run(&CON_01, vec![contract(partial, false, None)], &[]);
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|f| f.status == Status::Fail));
        assert!(f[0].message.en.ends_with("acceptance of audits"));
    }

    #[test]
    fn personal_data_contracts_need_the_extra_clauses() {
        let f = run(
            &CON_02,
            vec![contract(all(SECURITY_CLAUSES), true, None)],
            &[],
        );
        assert_eq!(f.len(), PERSONAL_DATA_CLAUSES.len());
        let mut both = all(SECURITY_CLAUSES);
        both.extend(all(PERSONAL_DATA_CLAUSES));
        assert_eq!(
            run(&CON_02, vec![contract(both, true, None)], &[])[0].status,
            Status::Pass
        );
        assert_eq!(
            run(&CON_02, vec![contract(vec![], false, None)], &[])[0].status,
            Status::NotApplicable
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
        assert_eq!(
            run(
                &CON_03,
                vec![c.clone()],
                &[("return_confirmation_days", ParamValue::Integer(29))]
            )[0]
            .status,
            Status::Fail
        );
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
