//! 村务公开 / My village: choose a township and a village, then see its books month by month
//! (with every voucher of a chosen month), collective contracts and leases, projects with their
//! bids, decisions with their votes and the steps of 四议两公开, the subsidy rosters with names
//! and ID numbers masked, the officials in office, and the disclosure history with gaps shown.

pub mod matter;

use super::failure;
use crate::page::Page;
use crate::Shared;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use qingfeng_domain::{mask_name, IdNumber, Money};
use qingfeng_store::{Division, VillageRecords, VoucherLine};
use std::collections::BTreeMap;

pub use texts::VillageTexts;

/// How many months of the disclosure history are listed (the count of gaps covers all).
const HISTORY_MONTHS: usize = 24;

struct Township {
    name: String,
    villages: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "village_list.html")]
struct ListPage<'a> {
    page: &'a Page,
    v: &'static VillageTexts,
    county: String,
    townships: Vec<Township>,
}

pub async fn choose(State(state): State<Shared>, uri: Uri, headers: HeaderMap) -> Response {
    let page = Page::new(&uri, &headers);
    let divisions = match state.store.divisions().await {
        Ok(d) => d,
        Err(e) => return failure(&page, e),
    };
    let county = divisions
        .iter()
        .filter(|d| d.level == "county")
        .map(|d| d.name.clone())
        .collect::<Vec<_>>()
        .join("、");
    let townships = divisions
        .iter()
        .filter(|d| d.level == "township")
        .map(|t| Township {
            name: t.name.clone(),
            villages: divisions
                .iter()
                .filter(|v| v.level == "village" && v.parent_code.as_deref() == Some(&t.code))
                .map(|v| (v.code.clone(), v.name.clone()))
                .collect(),
        })
        .collect();
    page.render(
        StatusCode::OK,
        &ListPage {
            page: &page,
            v: VillageTexts::of(page.lang),
            county,
            townships,
        },
    )
}

#[derive(serde::Deserialize, Default)]
pub struct VillageQuery {
    #[serde(default)]
    month: String,
}

struct MonthRow {
    month: String,
    income: String,
    expense: String,
    /// (category label, amount) of each direction.
    income_lines: Vec<(String, String)>,
    expense_lines: Vec<(String, String)>,
}

struct Voucher {
    date: String,
    direction: String,
    category: String,
    amount: String,
    counterparty: String,
    description: String,
    links: String,
}

struct ContractRow {
    contract_id: String,
    kind: String,
    counterparty: String,
    area: String,
    rent: String,
    term: String,
    signed_on: String,
    publicity: String,
    decision: String,
}

struct BidRow {
    bidder: String,
    amount: String,
    status: String,
    winner: bool,
}

struct ProjectRow {
    name: String,
    budget: String,
    method: String,
    notice_on: String,
    awarded_on: String,
    winner: String,
    award: String,
    final_amount: String,
    decision: String,
    bids: Vec<BidRow>,
}

struct Step {
    label: &'static str,
    date: Option<String>,
    detail: String,
}

struct DecisionRow {
    decision_id: String,
    subject: String,
    amount: String,
    steps: Vec<Step>,
    passed: bool,
    /// Why the decision is not valid, in the reader's language.
    defect: String,
}

struct RosterGroup {
    program: String,
    period: String,
    lines: Vec<(String, String, String)>,
    total: String,
}

struct DisclosureMonth {
    month: String,
    published: Option<String>,
}

/// A major expense and where its disclosure stands.
struct MajorRow {
    date: String,
    amount: String,
    payee: String,
    description: String,
    /// `in-time`, `late`, `due` or `short` (overdue and unpublished).
    class: &'static str,
    state: String,
}

#[derive(Template)]
#[template(path = "village.html")]
struct VillagePage<'a> {
    page: &'a Page,
    v: &'static VillageTexts,
    code: String,
    name: String,
    township: String,
    month: Option<String>,
    b: Body,
    /// The village's matters (uses of its powers) and where each stands.
    matters: Vec<crate::workspace::matters::MatterRow>,
    own: OwnBooks,
}

/// The village books' own registers: assets, debts, the latest balance.
struct OwnBooks {
    /// (card, name, class, location, value, status, contract).
    assets: Vec<[String; 7]>,
    /// (kind, counterparty, amount, incurred, due, settled or "outstanding", purpose, decision).
    debts: Vec<[String; 8]>,
    /// (day, cash on hand, bank balance, cash above the limit).
    balance: Option<(String, String, String, bool)>,
}

/// A coded value of the village books' registers in the page's language: the contract's
/// Chinese spelling, or the code in words.
fn code_label(table: &str, column: &str, code: &str, lang: crate::i18n::Lang) -> String {
    let choices = qingfeng_domain::contract::table(table)
        .and_then(|t| t.column(column))
        .and_then(|c| match c.kind {
            qingfeng_domain::contract::Kind::Enum(choices) => Some(choices),
            _ => None,
        });
    match (
        lang,
        choices.and_then(|cs| cs.iter().find(|c| c.code == code)),
    ) {
        (crate::i18n::Lang::Zh, Some(c)) => c.spellings.first().unwrap_or(&c.code).to_string(),
        _ => code.replace('_', " "),
    }
}

fn own_books(
    books: &qingfeng_store::village_books::PublicBooks,
    v: &VillageTexts,
    lang: crate::i18n::Lang,
) -> OwnBooks {
    OwnBooks {
        assets: books
            .assets
            .iter()
            .map(|a| {
                [
                    a.asset_id.clone(),
                    a.name.clone(),
                    code_label("assets", "category", &a.category, lang),
                    a.location.clone().unwrap_or_default(),
                    yuan(a.value),
                    code_label("assets", "status", &a.status, lang),
                    a.contract_id.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        debts: books
            .debts
            .iter()
            .map(|d| {
                [
                    code_label("debts", "direction", &d.direction, lang),
                    counterparty(Some(&d.counterparty_name), d.counterparty_id.as_deref()),
                    yuan(d.amount),
                    d.incurred_on.clone(),
                    d.due_on.clone().unwrap_or_default(),
                    d.settled_on
                        .clone()
                        .unwrap_or_else(|| v.outstanding.to_string()),
                    d.purpose.clone().unwrap_or_default(),
                    d.decision_id.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        balance: books.balance.as_ref().map(|(day, cash, bank)| {
            (
                day.clone(),
                yuan(*cash),
                bank.map(yuan).unwrap_or_default(),
                // The limit of FUN-CASH-ON-HAND's default (domain.md: commonly 5,000 yuan).
                *cash > 500_000,
            )
        }),
    }
}

/// What the page shows of the village's records.
struct Body {
    months: Vec<MonthRow>,
    vouchers: Vec<Voucher>,
    contracts: Vec<ContractRow>,
    projects: Vec<ProjectRow>,
    decisions: Vec<DecisionRow>,
    rosters: Vec<RosterGroup>,
    officials: Vec<(String, String, String)>,
    history: Vec<DisclosureMonth>,
    missing_months: usize,
    majors: Vec<MajorRow>,
    majors_overdue: usize,
    other_disclosures: Vec<(String, String, String, String)>,
}

/// Major expenses listed on the page (the newest).
const MAJOR_ITEMS: i64 = 50;

fn yuan(fen: i64) -> String {
    Money::from_fen(fen).to_string()
}

fn or_dash(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "—".to_string())
}

/// A counterparty as the public may see it: organisations by name, persons masked.
fn counterparty(name: Option<&str>, id: Option<&str>) -> String {
    let name = name.unwrap_or("");
    match id {
        Some(id) if IdNumber::parse(id).is_ok() => mask_name(name),
        _ => name.to_string(),
    }
}

fn masked_id(id: &str) -> String {
    IdNumber::parse(id)
        .map(|i| i.masked_public())
        .unwrap_or_else(|_| "****".to_string())
}

pub async fn show(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<VillageQuery>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let v = VillageTexts::of(page.lang);
    let today = chrono::Utc::now().date_naive().to_string();
    let month = Some(q.month.trim())
        .filter(|m| m.len() == 7 && qingfeng_domain::Period::parse(m).is_ok())
        .map(str::to_string);
    let loaded = async {
        let divisions = state.store.divisions().await?;
        let Some(village) = divisions
            .iter()
            .find(|d| d.code == code && d.level == "village")
            .cloned()
        else {
            return anyhow::Ok(None);
        };
        let records = state.store.village_records(&code, &today).await?;
        let vouchers = match &month {
            Some(m) => state.store.village_vouchers(&code, m).await?,
            None => Vec::new(),
        };
        let majors = state
            .store
            .village_major_expenses(&code, state.finance_schedule.major_from_fen, MAJOR_ITEMS)
            .await?;
        let matters = state.matter_desk().public(&code).await?;
        let books = state.store.village_books(&code).await?;
        Ok(Some((
            village,
            divisions,
            records,
            (vouchers, majors, matters, books),
        )))
    }
    .await;
    let (village, divisions, records, (vouchers, majors, matters, books)) = match loaded {
        Ok(Some(x)) => x,
        Ok(None) => return crate::page::error(&page, StatusCode::NOT_FOUND, page.t.not_found),
        Err(e) => return failure(&page, e),
    };
    let township = divisions
        .iter()
        .find(|d: &&Division| Some(&d.code) == village.parent_code.as_ref())
        .map(|d| d.name.clone())
        .unwrap_or_default();
    page.render(
        StatusCode::OK,
        &VillagePage {
            page: &page,
            v,
            code: village.code,
            name: village.name,
            township,
            month,
            b: build(
                v,
                page.lang,
                state.finance_schedule,
                &records,
                &vouchers,
                &majors,
            ),
            matters: matters
                .iter()
                .map(|m| {
                    crate::workspace::matters::matter_row(m, page.lang == crate::i18n::Lang::Zh)
                })
                .collect(),
            own: own_books(&books, v, page.lang),
        },
    )
}

/// The page's content from the records.
fn build(
    v: &'static VillageTexts,
    lang: crate::i18n::Lang,
    schedule: qingfeng_domain::disclosure::FinanceSchedule,
    r: &VillageRecords,
    vouchers: &[VoucherLine],
    majors: &[VoucherLine],
) -> Body {
    let label = |list: &'static [(&'static str, &'static str)], code: &str| -> String {
        list.iter()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| (*l).to_string())
            .unwrap_or_else(|| code.to_string())
    };
    // Books by month.
    let mut by_month: BTreeMap<&str, MonthRow> = BTreeMap::new();
    let mut sums: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    for t in &r.months {
        let row = by_month.entry(&t.month).or_insert_with(|| MonthRow {
            month: t.month.clone(),
            income: String::new(),
            expense: String::new(),
            income_lines: Vec::new(),
            expense_lines: Vec::new(),
        });
        let line = (label(v.voucher_categories, &t.category), yuan(t.amount));
        if t.direction == "income" {
            row.income_lines.push(line);
        } else {
            row.expense_lines.push(line);
        }
        *sums.entry((&t.month, &t.direction)).or_default() += t.amount;
    }
    let months: Vec<MonthRow> = by_month
        .into_values()
        .rev()
        .map(|mut m| {
            m.income = yuan(
                sums.get(&(m.month.as_str(), "income"))
                    .copied()
                    .unwrap_or(0),
            );
            m.expense = yuan(
                sums.get(&(m.month.as_str(), "expense"))
                    .copied()
                    .unwrap_or(0),
            );
            m
        })
        .collect();
    let vouchers = vouchers
        .iter()
        .map(|x| Voucher {
            date: x.date.clone(),
            direction: label(v.directions, &x.direction),
            category: label(v.voucher_categories, &x.category),
            amount: yuan(x.amount),
            counterparty: counterparty(
                x.counterparty_name.as_deref(),
                x.counterparty_id.as_deref(),
            ),
            description: x.description.clone().unwrap_or_default(),
            links: [&x.contract_id, &x.project_id, &x.decision_id]
                .iter()
                .filter_map(|l| l.as_deref())
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect();
    let contracts = r
        .contracts
        .iter()
        .map(|c| ContractRow {
            contract_id: c.contract_id.clone(),
            kind: label(v.contract_kinds, &c.kind),
            counterparty: counterparty(Some(&c.counterparty_name), Some(&c.counterparty_id)),
            area: c.area_mu.map(|a| format!("{a:.1}")).unwrap_or_default(),
            rent: yuan(c.annual_rent),
            term: format!("{} – {}", c.start_date, c.end_date),
            signed_on: c.signed_on.clone(),
            publicity: match (&c.publicity_start, &c.publicity_end) {
                (Some(s), Some(e)) => format!("{s} – {e}"),
                _ => v.not_recorded.to_string(),
            },
            decision: or_dash(&c.decision_id),
        })
        .collect();
    let projects = r
        .projects
        .iter()
        .map(|p| ProjectRow {
            name: p.name.clone(),
            budget: yuan(p.budget),
            method: label(v.procurement_methods, &p.method),
            notice_on: p
                .notice_on
                .clone()
                .unwrap_or_else(|| v.not_recorded.to_string()),
            awarded_on: p.awarded_on.clone(),
            winner: mask_name(&p.winner_name),
            award: yuan(p.award_amount),
            final_amount: p.final_amount.map(yuan).unwrap_or_default(),
            decision: or_dash(&p.decision_id),
            bids: p
                .bids
                .iter()
                .map(|b| BidRow {
                    bidder: mask_name(&b.bidder_name),
                    amount: yuan(b.amount),
                    status: label(v.bid_statuses, &b.status),
                    winner: b.bidder_name == p.winner_name,
                })
                .collect(),
        })
        .collect();
    let decisions = r
        .decisions
        .iter()
        .map(|d| {
            let votes = |present: Option<i64>, approve: Option<i64>, total: Option<i64>| match (
                present, approve, total,
            ) {
                (Some(p), Some(a), Some(t)) => {
                    format!("{}{t}{}{p}{}{a}", v.of_total, v.present, v.approve)
                }
                _ => String::new(),
            };
            DecisionRow {
                decision_id: d.decision_id.clone(),
                subject: d.subject.clone(),
                amount: d.amount.map(yuan).unwrap_or_default(),
                passed: d.defect.is_none(),
                defect: d
                    .defect
                    .as_deref()
                    .map(|code| v.defect(code).to_string())
                    .unwrap_or_default(),
                steps: vec![
                    Step {
                        label: v.step_proposed,
                        date: d.proposed_on.clone(),
                        detail: String::new(),
                    },
                    Step {
                        label: v.step_committees,
                        date: d.committees_on.clone(),
                        detail: String::new(),
                    },
                    Step {
                        label: v.step_party,
                        date: d.party_meeting_on.clone(),
                        detail: votes(
                            d.party_members_present,
                            d.party_members_approve,
                            d.party_members_total,
                        ),
                    },
                    Step {
                        label: if d.meeting_kind == "representatives" {
                            v.step_representatives
                        } else {
                            v.step_villagers
                        },
                        date: Some(d.villager_meeting_on.clone()),
                        detail: votes(
                            Some(d.voters_present),
                            Some(d.voters_approve),
                            Some(d.voters_total),
                        ),
                    },
                    Step {
                        label: v.step_resolution_published,
                        date: d.resolution_published_on.clone(),
                        detail: String::new(),
                    },
                    Step {
                        label: v.step_result_published,
                        date: d.result_published_on.clone(),
                        detail: String::new(),
                    },
                ],
            }
        })
        .collect();
    let mut rosters: Vec<RosterGroup> = Vec::new();
    for l in &r.roster {
        if rosters.last().is_none_or(|g| g.program != program_label(l)) {
            rosters.push(RosterGroup {
                program: program_label(l),
                period: l.period.clone(),
                lines: Vec::new(),
                total: String::new(),
            });
        }
        let g = rosters.last_mut().expect("just pushed");
        g.lines.push((
            mask_name(&l.beneficiary_name),
            masked_id(&l.beneficiary_id_number),
            yuan(l.amount),
        ));
    }
    for g in &mut rosters {
        let fen: i64 = r
            .roster
            .iter()
            .filter(|l| program_label(l) == g.program)
            .map(|l| l.amount)
            .sum();
        g.total = yuan(fen);
    }
    // Finance disclosures as the county's schedule wants them: quarterly, monthly in a quarter
    // with frequent bookings (`qingfeng_domain::disclosure`).
    let mut booked: BTreeMap<qingfeng_domain::Period, u32> = BTreeMap::new();
    for m in &r.months {
        if let Ok(p) = qingfeng_domain::Period::parse(&m.month) {
            *booked.entry(p).or_default() += u32::try_from(m.vouchers).unwrap_or(u32::MAX);
        }
    }
    let published: BTreeMap<qingfeng_domain::Period, String> = r
        .disclosures
        .iter()
        .filter(|d| d.category == "finance")
        .filter_map(|d| {
            let p = qingfeng_domain::Period::parse(&d.period).ok()?;
            Some((p, d.published_on.clone()))
        })
        .collect();
    let due = qingfeng_domain::disclosure::finance_due(schedule, &booked, &published);
    let missing_months = due.iter().filter(|(_, on)| on.is_none()).count();
    // Major items at once: the finance disclosure of the payment's month, within the days the
    // county allows after the payment.
    let today = chrono::Utc::now().date_naive();
    let majors: Vec<MajorRow> = majors
        .iter()
        .filter_map(|m| {
            use qingfeng_domain::disclosure::{major_item, MajorDisclosure};
            let paid_on = chrono::NaiveDate::parse_from_str(&m.date, "%Y-%m-%d").ok()?;
            let month = qingfeng_domain::Period::parse(m.date.get(..7)?).ok()?;
            let published_on = published
                .get(&month)
                .and_then(|on| chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").ok());
            let (class, state) = match major_item(schedule, paid_on, published_on, today) {
                MajorDisclosure::InTime(on) => ("in-time", format!("{} {on}", v.major_in_time)),
                MajorDisclosure::Late(on) => ("late", format!("{} {on}", v.major_late)),
                MajorDisclosure::Due(by) => ("due", format!("{} {by}", v.major_due)),
                MajorDisclosure::Missing(by) => ("short", format!("{} {by}", v.major_missing)),
            };
            Some(MajorRow {
                date: m.date.clone(),
                amount: yuan(m.amount),
                payee: counterparty(m.counterparty_name.as_deref(), m.counterparty_id.as_deref()),
                description: m.description.clone().unwrap_or_default(),
                class,
                state,
            })
        })
        .collect();
    let majors_overdue = majors
        .iter()
        .filter(|m| matches!(m.class, "late" | "short"))
        .count();
    let history = due
        .into_iter()
        .rev()
        .take(HISTORY_MONTHS)
        .map(|(period, on)| DisclosureMonth {
            month: match lang {
                crate::i18n::Lang::Zh => period.label_zh(),
                crate::i18n::Lang::En => period.label_en(),
            },
            published: on,
        })
        .collect();
    let other_disclosures = r
        .disclosures
        .iter()
        .filter(|d| d.category != "finance")
        .map(|d| {
            (
                d.period.clone(),
                label(v.disclosure_categories, &d.category),
                d.title.clone(),
                d.published_on.clone(),
            )
        })
        .collect();
    Body {
        months,
        vouchers,
        contracts,
        projects,
        decisions,
        rosters,
        officials: r
            .officials
            .iter()
            .map(|o| {
                (
                    o.name.clone(),
                    format!("{} {}", o.org_name, o.position),
                    o.start_date.clone(),
                )
            })
            .collect(),
        history,
        missing_months,
        majors,
        majors_overdue,
        other_disclosures,
    }
}

fn program_label(l: &qingfeng_store::RosterLine) -> String {
    match &l.program_name {
        Some(n) => format!("{n} ({})", l.program_code),
        None => l.program_code.clone(),
    }
}

mod texts;
