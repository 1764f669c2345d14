//! The village books' registers kept in the workspace (村账乡管): the collective's asset cards,
//! its debts and borrowing, its cash and bank balances, its contracts and the rent they bring,
//! entered row by row by the township agency's bookkeeper (any village of the township) or the
//! village's cashier (its own), each cell cleaned and checked exactly as a file's cell is; and
//! what the registers remind of before it is missed: rent not yet booked as a contract year
//! ends, contracts ending (re-letting needs a decision and publicity first), debts falling due.
//!
//! Money out is not entered here: an expense is paid through the approval chain (a spending
//! matter) and becomes its voucher there; the workspace books only income (rent received).

use crate::outcome::Refusal;
use crate::{Actor, Clock, Role};
use anyhow::Result;
use chrono::{Datelike, Days, NaiveDate};
use qingfeng_domain::contract::{self, Cell, Table};
use qingfeng_store::village_books::ShownRow;
use qingfeng_store::Store;
use std::collections::BTreeMap;

/// The registers the workspace enters rows into.
pub const ENTERABLE: &[&str] = &[
    "assets",
    "debts",
    "cash_balances",
    "collective_contracts",
    "vouchers",
];
/// Who enters them: the agency that keeps the villages' books, and the village's cashier.
pub const BOOK_KEEPERS: &[Role] = &[Role::TownshipBookkeeper, Role::VillageCashier];
/// Rent not booked is named this many days before its contract year ends.
pub const RENT_NOTICE_DAYS: u64 = 60;
/// A contract is named this many days before it ends: re-letting needs a 四议两公开 decision
/// and the publicity before the new contract is signed.
pub const EXPIRY_NOTICE_DAYS: u64 = 90;
/// A debt is named this many days before it falls due (and while overdue).
pub const DEBT_NOTICE_DAYS: u64 = 30;
/// Rows of a register on one page.
pub const PAGE_ROWS: i64 = 100;

/// Columns whose day cannot be after the day of entry: what happened, not what is planned.
const PAST_DAYS: &[&str] = &[
    "date",
    "acquired_on",
    "incurred_on",
    "settled_on",
    "disposed_on",
    "signed_on",
];
/// Pairs of days in order: the first may not be after the second.
const DAYS_IN_ORDER: &[(&str, &str)] = &[
    ("start_date", "end_date"),
    ("incurred_on", "due_on"),
    ("incurred_on", "settled_on"),
    ("publicity_start", "publicity_end"),
    ("acquired_on", "disposed_on"),
];

/// What is wrong with one field of an entered row: the same report a file's cell gets (its
/// column, the value typed, the reason), without a file and a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub column: &'static str,
    pub column_zh: &'static str,
    pub value: String,
    pub zh: String,
    pub en: String,
}

/// What entering a row did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Stored, with its key as shown.
    Entered(String),
    /// Not for this account (role, register, jurisdiction).
    Refused(Refusal),
    /// Fields to correct; nothing was stored.
    Invalid(Vec<FieldProblem>),
}

/// Rent of a contract year not (fully) booked as the year draws to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentDue {
    pub contract_id: String,
    pub village_code: String,
    pub counterparty_name: String,
    pub annual_rent: i64,
    pub booked: i64,
    /// The last day of the contract year: after it, FUN-RENT-MISSING judges the year.
    pub due_by: NaiveDate,
    pub days_left: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    pub contract_id: String,
    pub village_code: String,
    pub counterparty_name: String,
    pub end_date: NaiveDate,
    pub days_left: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtDue {
    pub debt_id: String,
    pub village_code: String,
    /// `payable` (the village owes) or `receivable` (it is owed).
    pub direction: String,
    pub counterparty_name: String,
    pub amount: i64,
    pub due_on: NaiveDate,
    /// Negative when overdue.
    pub days_left: i64,
}

/// What the registers remind an account of, in its jurisdiction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reminders {
    pub rent: Vec<RentDue>,
    pub ending: Vec<Ending>,
    pub debts: Vec<DebtDue>,
}

impl Reminders {
    pub fn count(&self) -> usize {
        self.rent.len() + self.ending.len() + self.debts.len()
    }
}

pub struct BooksDesk<'a> {
    pub store: &'a Store,
    pub clock: &'a dyn Clock,
}

/// The day a contract year that starts on `start`'s anniversary in `year` begins (a 29 February
/// start has its anniversaries on 28 February in common years), as FUN-RENT-MISSING counts.
fn anniversary(start: NaiveDate, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, start.month(), start.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .expect("28 February exists every year")
}

/// The contract year of a contract running from `start` to `end` that holds `today`:
/// its first and last day.
pub fn contract_year(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let mut first = anniversary(start, today.year());
    if first > today {
        first = anniversary(start, today.year() - 1);
    }
    let first = first.max(start);
    let next = anniversary(start, first.year() + 1);
    let last = (next - Days::new(1)).min(end);
    (first, last)
}

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

impl BooksDesk<'_> {
    /// Whether `actor` enters rows at all (the page's form is shown to them).
    pub fn keeps_books(actor: &Actor) -> bool {
        actor.is(BOOK_KEEPERS)
    }

    /// Enters one row of `register` from the fields of a form (column name → text as typed).
    pub async fn enter(
        &self,
        actor: &Actor,
        register: &str,
        fields: &BTreeMap<String, String>,
    ) -> Result<Entry> {
        if !actor.is(BOOK_KEEPERS) {
            return Ok(Entry::Refused(Refusal::new(
                "只有乡镇代理记账员和本村报账员可以登记村级台账",
                "only the township agency's bookkeeper and the village cashier enter the village's books",
            )));
        }
        let Some(table) = ENTERABLE
            .contains(&register)
            .then(|| contract::table(register))
            .flatten()
        else {
            return Ok(Entry::Refused(Refusal::new(
                "工作台不能登记这一台账",
                "this register is not entered in the workspace",
            )));
        };
        let today = self.clock.today();
        let mut problems = Vec::new();
        let mut cells = Vec::with_capacity(table.columns.len());
        for c in table.columns {
            let raw = fields.get(c.name).map(String::as_str).unwrap_or("");
            let problem = |zh: String, en: String| FieldProblem {
                column: c.name,
                column_zh: c.zh[0],
                value: raw.to_string(),
                zh,
                en,
            };
            if qingfeng_domain::clean::trim(raw).is_empty() {
                match (c.default, c.required) {
                    (Some(d), _) => cells.push(contract::parse_cell(c.kind, d)?.cell),
                    (None, true) => {
                        problems.push(problem("必填".into(), "required".into()));
                        cells.push(Cell::Null);
                    }
                    (None, false) => cells.push(Cell::Null),
                }
                continue;
            }
            match contract::parse_cell(c.kind, raw) {
                Ok(parsed) => {
                    // A number kept "as recorded" with a warning belongs to a file of the
                    // past; what is typed now must be right.
                    if let Some(w) = parsed.warning {
                        problems.push(problem(w.zh, w.en));
                    }
                    cells.push(parsed.cell);
                }
                Err(why) => {
                    problems.push(problem(why.zh, why.en));
                    cells.push(Cell::Null);
                }
            }
        }
        let text = |name: &str| -> Option<String> {
            let i = table.columns.iter().position(|c| c.name == name)?;
            match &cells[i] {
                Cell::Text(t) => Some(t.clone()),
                _ => None,
            }
        };
        let column = |name: &str| table.column(name).expect("a column of the table");
        let mut refuse = |name: &str, zh: String, en: String| {
            let c = column(name);
            problems.push(FieldProblem {
                column: c.name,
                column_zh: c.zh[0],
                value: fields.get(name).cloned().unwrap_or_default(),
                zh,
                en,
            });
        };
        if let Some(village) = text("village_code") {
            if village.len() != 12 || village.ends_with("000") {
                refuse(
                    "village_code",
                    "须为村(社区)的12位代码".into(),
                    "must be the 12-digit code of a village".into(),
                );
            } else if !actor.scope.covers(Some(&village), None) {
                refuse(
                    "village_code",
                    "不在您的辖区".into(),
                    "is outside your jurisdiction".into(),
                );
            }
        }
        for name in PAST_DAYS {
            if let Some(d) = text(name).as_deref().and_then(day) {
                if d > today {
                    refuse(
                        name,
                        format!("日期{d}晚于今天({today})"),
                        format!("the day {d} is after today ({today})"),
                    );
                }
            }
        }
        for (first, second) in DAYS_IN_ORDER {
            if let (Some(a), Some(b)) = (
                text(first).as_deref().and_then(day),
                text(second).as_deref().and_then(day),
            ) {
                if a > b {
                    let c = column(first);
                    refuse(
                        second,
                        format!("{b}早于{}({a})", c.zh[0]),
                        format!("{b} is before {} ({a})", c.name),
                    );
                }
            }
        }
        if table.name == "vouchers" && text("direction").as_deref() == Some("expense") {
            refuse(
                "direction",
                "支出须经审批链支付(发起报销事项), 不能直接登记".into(),
                "money goes out only through the approval chain (a reimbursement matter), never entered directly".into(),
            );
        }
        self.check_references(table, &cells, fields, &mut problems)
            .await?;
        if !problems.is_empty() {
            return Ok(Entry::Invalid(problems));
        }
        let key: Vec<String> = table
            .key
            .iter()
            .map(|k| text(k).unwrap_or_default())
            .collect();
        if self.store.register_key_taken(table, &key).await? {
            let k = column(table.key[table.key.len() - 1]);
            return Ok(Entry::Invalid(vec![FieldProblem {
                column: k.name,
                column_zh: k.zh[0],
                value: key.join(" / "),
                zh: format!("{}已登记过", key.join(" / ")),
                en: format!("{} is already in the register", key.join(" / ")),
            }]));
        }
        self.store
            .enter_register_row(table, &cells, &actor.username)
            .await?;
        Ok(Entry::Entered(key.join(" / ")))
    }

    /// Each reference must name a row that exists, of the same village where the target has one.
    async fn check_references(
        &self,
        table: &Table,
        cells: &[Cell],
        fields: &BTreeMap<String, String>,
        problems: &mut Vec<FieldProblem>,
    ) -> Result<()> {
        let village = table
            .columns
            .iter()
            .position(|c| c.name == "village_code")
            .and_then(|i| match &cells[i] {
                Cell::Text(t) => Some(t.clone()),
                _ => None,
            });
        for r in table.references {
            let i = table
                .columns
                .iter()
                .position(|c| c.name == r.column)
                .expect("references name columns");
            let Cell::Text(value) = &cells[i] else {
                continue;
            };
            let target = contract::table(r.target_table).expect("references name tables");
            let found = self
                .store
                .register_villages_of(target, r.target_column, value)
                .await?;
            let c = &table.columns[i];
            let problem = |zh: String, en: String| FieldProblem {
                column: c.name,
                column_zh: c.zh[0],
                value: fields.get(c.name).cloned().unwrap_or_default(),
                zh,
                en,
            };
            if found.is_empty() {
                problems.push(problem(
                    format!("{}中没有“{value}”", target.zh),
                    format!("\"{value}\" is not in {}", target.name),
                ));
            } else if !found
                .iter()
                .any(|v| v.is_none() || v.as_deref() == village.as_deref())
            {
                problems.push(problem(
                    format!("“{value}”属于其他村"),
                    format!("\"{value}\" belongs to another village"),
                ));
            }
        }
        Ok(())
    }

    /// A page of `register`'s rows in the actor's jurisdiction, and how many there are.
    pub async fn rows(
        &self,
        actor: &Actor,
        register: &str,
        page: i64,
    ) -> Result<Option<(&'static Table, Vec<ShownRow>, i64)>> {
        let Some(table) = ENTERABLE
            .contains(&register)
            .then(|| contract::table(register))
            .flatten()
        else {
            return Ok(None);
        };
        let (rows, total) = self
            .store
            .register_rows(table, &actor.scope, PAGE_ROWS, page.max(0) * PAGE_ROWS)
            .await?;
        Ok(Some((table, rows, total)))
    }

    /// What the registers remind the actor of today, in their jurisdiction.
    pub async fn reminders(&self, actor: &Actor) -> Result<Reminders> {
        let today = self.clock.today();
        let until = today + Days::new(EXPIRY_NOTICE_DAYS);
        let contracts = self
            .store
            .contracts_in_force(&actor.scope, &today.to_string(), &until.to_string())
            .await?;
        // A contract year is at most a year long: what was booked since a year ago covers it.
        let since = today - Days::new(366);
        let mut booked: BTreeMap<String, Vec<(NaiveDate, i64)>> = BTreeMap::new();
        for (contract, date, amount) in self
            .store
            .rent_booked_since(&actor.scope, &since.to_string())
            .await?
        {
            if let Some(d) = day(&date) {
                booked.entry(contract).or_default().push((d, amount));
            }
        }
        let mut out = Reminders::default();
        for c in contracts {
            let (Some(start), Some(end)) = (day(&c.start_date), day(&c.end_date)) else {
                continue;
            };
            let (first, last) = contract_year(start, end, today);
            let days_left = (last - today).num_days();
            let paid: i64 = booked
                .get(&c.contract_id)
                .into_iter()
                .flatten()
                .filter(|(d, _)| *d >= first && *d <= last)
                .map(|(_, a)| a)
                .sum();
            if paid < c.annual_rent && days_left <= RENT_NOTICE_DAYS as i64 {
                out.rent.push(RentDue {
                    contract_id: c.contract_id.clone(),
                    village_code: c.village_code.clone(),
                    counterparty_name: c.counterparty_name.clone(),
                    annual_rent: c.annual_rent,
                    booked: paid,
                    due_by: last,
                    days_left,
                });
            }
            if end <= until {
                out.ending.push(Ending {
                    contract_id: c.contract_id,
                    village_code: c.village_code,
                    counterparty_name: c.counterparty_name,
                    end_date: end,
                    days_left: (end - today).num_days(),
                });
            }
        }
        out.rent.sort_by_key(|r| (r.due_by, r.contract_id.clone()));
        let debts_until = today + Days::new(DEBT_NOTICE_DAYS);
        for d in self
            .store
            .debts_falling_due(&actor.scope, &debts_until.to_string())
            .await?
        {
            let Some(due_on) = day(&d.due_on) else {
                continue;
            };
            out.debts.push(DebtDue {
                debt_id: d.debt_id,
                village_code: d.village_code,
                direction: d.direction,
                counterparty_name: d.counterparty_name,
                amount: d.amount,
                due_on,
                days_left: (due_on - today).num_days(),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        day(s).unwrap()
    }

    #[test]
    fn a_contract_year_runs_from_one_anniversary_to_the_day_before_the_next() {
        let (start, end) = (d("2023-03-01"), d("2028-02-29"));
        assert_eq!(
            contract_year(start, end, d("2025-03-03")),
            (d("2025-03-01"), d("2026-02-28"))
        );
        assert_eq!(
            contract_year(start, end, d("2025-02-28")),
            (d("2024-03-01"), d("2025-02-28"))
        );
        // The last year ends with the contract.
        assert_eq!(
            contract_year(start, d("2027-12-31"), d("2027-06-01")),
            (d("2027-03-01"), d("2027-12-31"))
        );
        // A 29 February start: its anniversary is 28 February in a common year.
        assert_eq!(
            contract_year(d("2024-02-29"), d("2030-01-01"), d("2025-03-01")),
            (d("2025-02-28"), d("2026-02-27"))
        );
    }
}
