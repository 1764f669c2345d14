//! 我的补贴 / My money: a villager's every roster line and payment, with the gaps shown.
//!
//! The look-up is a POST, so that ID numbers never appear in addresses, histories or logs; the
//! answer is the same whether an ID number is unknown or its name does not match.

use super::failure;
use crate::i18n::{policy_basis, Lang};
use crate::page::Page;
use crate::Shared;
use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::Form;
use qingfeng_domain::Money;
use qingfeng_store::PersonMoney;
use std::collections::BTreeMap;
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "money.html")]
struct MoneyPage<'a> {
    page: &'a Page,
    id_number: &'a str,
    name: &'a str,
    message: Option<&'a str>,
    rows: Option<Vec<Row>>,
    total_approved: String,
    total_paid: String,
    total_gap: String,
}

/// One program and period: what was approved and what was paid.
struct Row {
    program_name: String,
    period: String,
    on_roster: bool,
    approved: String,
    paid: String,
    gap: String,
    /// Less was paid than approved.
    short: bool,
    paid_on: String,
    accounts: String,
    basis: &'static str,
    report_href: String,
}

#[derive(serde::Deserialize)]
pub struct LookUp {
    id_number: String,
    name: String,
}

pub async fn form(uri: Uri, headers: HeaderMap) -> Response {
    let page = Page::new(&uri, &headers);
    page.render(StatusCode::OK, &empty(&page, "", "", None))
}

fn empty<'a>(
    page: &'a Page,
    id: &'a str,
    name: &'a str,
    message: Option<&'a str>,
) -> MoneyPage<'a> {
    MoneyPage {
        page,
        id_number: id,
        name,
        message,
        rows: None,
        total_approved: String::new(),
        total_paid: String::new(),
        total_gap: String::new(),
    }
}

pub async fn look_up(
    State(state): State<Shared>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    Form(form): Form<LookUp>,
) -> Response {
    let page = Page::new(&uri, &headers);
    // Typed on a phone with a Chinese input method: full-width digits, spaces inside the name.
    let name_folded = qingfeng_domain::clean::person_name(&form.name);
    let name: &str = &name_folded.text;
    if !state.lookups.allow(state.client_ip(client, &headers)) {
        return page.render(
            StatusCode::TOO_MANY_REQUESTS,
            &empty(&page, "", name, Some(page.t.too_many)),
        );
    }
    let Ok(id) = qingfeng_domain::clean::id_number(&form.id_number) else {
        return page.render(
            StatusCode::OK,
            &empty(
                &page,
                form.id_number.trim(),
                name,
                Some(page.t.money_bad_id),
            ),
        );
    };
    // Per person looked up, whatever the client: someone guessing the birth date and sequence
    // of one person's ID number keeps the name and the region and birth year the same.
    let target = format!("{name}\u{1f}{}", &id.as_str()[..10]);
    if !state.lookups_per_person.allow_key(target.as_bytes()) {
        return page.render(
            StatusCode::TOO_MANY_REQUESTS,
            &empty(&page, "", name, Some(page.t.too_many)),
        );
    }
    let money = match state.store.money_of(id.as_str(), name).await {
        Ok(m) => m,
        Err(e) => return failure(&page, e),
    };
    let Some(money) = money else {
        // The ID number is not echoed back: the page looks the same for a number that exists
        // with another name and for one that does not exist.
        return page.render(
            StatusCode::OK,
            &empty(&page, "", name, Some(page.t.money_not_found)),
        );
    };
    let (rows, approved, paid) = rows_of(&money, page.lang);
    let view = MoneyPage {
        rows: Some(rows),
        total_approved: Money::from_fen(approved).to_string(),
        total_paid: Money::from_fen(paid).to_string(),
        total_gap: Money::from_fen(approved - paid).to_string(),
        ..empty(&page, id.as_str(), name, None)
    };
    page.render(StatusCode::OK, &view)
}

/// Shows only the last four digits of an account.
fn mask_account(account: &str) -> String {
    let chars: Vec<char> = account.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("****{tail}")
}

#[derive(Default)]
struct Group {
    program_name: String,
    approved: i64,
    on_roster: bool,
    paid: i64,
    dates: Vec<String>,
    accounts: Vec<String>,
    first_payment: Option<String>,
}

/// Rows by program and period (newest period first), with the totals approved and paid.
fn rows_of(money: &PersonMoney, lang: Lang) -> (Vec<Row>, i64, i64) {
    let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
    for o in &money.owed {
        let g = groups
            .entry((o.period.clone(), o.program_code.clone()))
            .or_default();
        g.program_name = o.program_name.clone();
        g.approved += o.amount_fen;
        g.on_roster = true;
    }
    for p in &money.paid {
        let g = groups
            .entry((p.period.clone(), p.program_code.clone()))
            .or_default();
        g.program_name = p.program_name.clone();
        g.paid += p.amount_fen;
        g.dates.push(p.paid_on.clone());
        let masked = mask_account(&p.account_number);
        if !g.accounts.contains(&masked) {
            g.accounts.push(masked);
        }
        g.first_payment.get_or_insert_with(|| p.payment_id.clone());
    }
    let (mut approved, mut paid) = (0, 0);
    let mut rows: Vec<Row> = groups
        .into_iter()
        .map(|((period, _), g)| {
            approved += g.approved;
            paid += g.paid;
            let report_href = match &g.first_payment {
                Some(id) => format!("/report?category=subsidy&payment={id}"),
                None => "/report?category=subsidy".to_string(),
            };
            Row {
                basis: policy_basis(&g.program_name, lang),
                short: g.on_roster && g.paid < g.approved,
                gap: if g.on_roster {
                    Money::from_fen(g.approved - g.paid).to_string()
                } else {
                    String::new()
                },
                approved: Money::from_fen(g.approved).to_string(),
                paid: Money::from_fen(g.paid).to_string(),
                on_roster: g.on_roster,
                paid_on: g.dates.join(", "),
                accounts: g.accounts.join(", "),
                program_name: g.program_name,
                period,
                report_href,
            }
        })
        .collect();
    rows.reverse();
    (rows, approved, paid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use qingfeng_store::{OwedLine, PaidLine};

    fn owed(period: &str, fen: i64) -> OwedLine {
        OwedLine {
            entitlement_id: format!("E-{period}"),
            program_code: "DB".into(),
            program_name: "农村最低生活保障金".into(),
            period: period.into(),
            amount_fen: fen,
            approved_on: "2024-01-05".into(),
        }
    }

    fn paid(period: &str, fen: i64) -> PaidLine {
        PaidLine {
            payment_id: format!("P-{period}"),
            entitlement_id: Some(format!("E-{period}")),
            program_code: "DB".into(),
            program_name: "农村最低生活保障金".into(),
            period: period.into(),
            amount_fen: fen,
            paid_on: format!("{period}-15"),
            account_number: "6217000012345678".into(),
        }
    }

    #[test]
    fn a_short_payment_is_a_highlighted_gap_and_accounts_are_masked() {
        let money = PersonMoney {
            owed: vec![owed("2024-01", 65_000), owed("2024-02", 65_000)],
            paid: vec![paid("2024-01", 65_000), paid("2024-02", 45_000)],
        };
        let (rows, approved, paid) = rows_of(&money, Lang::Zh);
        assert_eq!((approved, paid), (130_000, 110_000));
        assert_eq!(rows[0].period, "2024-02");
        assert!(rows[0].short);
        assert_eq!(rows[0].gap, Money::from_fen(20_000).to_string());
        assert!(!rows[1].short);
        assert_eq!(rows[0].accounts, "****5678");
        assert!(rows[0].basis.contains("社会救助暂行办法"));
        assert_eq!(
            rows[0].report_href,
            "/report?category=subsidy&payment=P-2024-02"
        );
    }

    #[test]
    fn a_payment_without_a_roster_line_is_shown_as_such() {
        let money = PersonMoney {
            owed: vec![],
            paid: vec![paid("2024-03", 65_000)],
        };
        let (rows, _, _) = rows_of(&money, Lang::En);
        assert!(!rows[0].on_roster);
        assert!(!rows[0].short);
        assert_eq!(rows[0].gap, "");
    }
}
