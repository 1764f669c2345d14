//! What the villagers' portal reads and writes: a person's own money, and reports filed
//! through the portal.

use crate::{on_pool, Store};
use anyhow::{Context, Result};

/// One roster line (应发) of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwedLine {
    pub entitlement_id: String,
    pub program_code: String,
    pub program_name: String,
    pub period: String,
    pub amount_fen: i64,
    pub approved_on: String,
}

/// One bank payment (实发) to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidLine {
    pub payment_id: String,
    pub entitlement_id: Option<String>,
    pub program_code: String,
    pub program_name: String,
    pub period: String,
    pub amount_fen: i64,
    pub paid_on: String,
    pub account_number: String,
}

/// Everything a person is owed and was paid.
#[derive(Debug, Clone, Default)]
pub struct PersonMoney {
    pub owed: Vec<OwedLine>,
    pub paid: Vec<PaidLine>,
}

/// What a reporter sees through the receipt code.
#[derive(Debug, Clone)]
pub struct ReportStatus {
    pub report_id: i64,
    pub filed_at: String,
    pub category: String,
    pub status: String,
    /// The procedure's dates and deadlines (ISO dates), as far as they are set.
    pub received_on: Option<String>,
    pub transfer_due: Option<String>,
    pub handle_due: Option<String>,
    pub acceptance_notice_due: Option<String>,
    /// For a report that belongs to the level above: the day it is to be sent up by.
    pub upward_due: Option<String>,
    pub accepted_on: Option<String>,
    pub closed_on: Option<String>,
    /// 1 for a new matter, 2 when the same matter had been reported once before, …
    pub repeat_number: i64,
    pub replies: Vec<ReportReply>,
}

#[derive(Debug, Clone)]
pub struct ReportReply {
    pub replied_at: String,
    pub status: String,
    pub message_zh: String,
    pub message_en: String,
}

impl Store {
    /// The money of the person with this ID number, **only if** `name` is that person's name
    /// (in the household register or on a roster); `None` otherwise, whether the ID number
    /// exists or not, so the answer never tells a stranger that a number is known.
    pub async fn money_of(&self, id_number: &str, name: &str) -> Result<Option<PersonMoney>> {
        let known: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM persons WHERE id_number = $1 AND name = $2) \
                  + (SELECT COUNT(*) FROM entitlements WHERE beneficiary_id_number = $1 AND beneficiary_name = $2)",
        )
        .bind(id_number)
        .bind(name)
        .fetch_one(pool)
        .await)
        .context("looking up a person")?;
        if known == 0 {
            return Ok(None);
        }
        let owed: Vec<(String, String, Option<String>, String, i64, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT e.entitlement_id, e.program_code, g.name, e.period, e.amount, e.approved_on \
             FROM entitlements e LEFT JOIN programs g ON g.program_code = e.program_code \
             WHERE e.beneficiary_id_number = $1 \
             ORDER BY e.period DESC, e.program_code, e.entitlement_id",
        )
        .bind(id_number)
        .fetch_all(pool)
        .await)?;
        type PaidRow = (
            String,
            Option<String>,
            String,
            Option<String>,
            String,
            i64,
            String,
            String,
        );
        let paid: Vec<PaidRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT p.payment_id, p.entitlement_id, p.program_code, g.name, p.period, p.amount, p.paid_on, p.account_number \
             FROM payments p LEFT JOIN programs g ON g.program_code = p.program_code \
             WHERE p.beneficiary_id_number = $1 \
             ORDER BY p.period DESC, p.program_code, p.paid_on, p.payment_id",
        )
        .bind(id_number)
        .fetch_all(pool)
        .await)?;
        Ok(Some(PersonMoney {
            owed: owed
                .into_iter()
                .map(
                    |(
                        entitlement_id,
                        program_code,
                        program_name,
                        period,
                        amount_fen,
                        approved_on,
                    )| OwedLine {
                        program_name: program_name.unwrap_or_else(|| program_code.clone()),
                        entitlement_id,
                        program_code,
                        period,
                        amount_fen,
                        approved_on,
                    },
                )
                .collect(),
            paid: paid
                .into_iter()
                .map(
                    |(
                        payment_id,
                        entitlement_id,
                        program_code,
                        program_name,
                        period,
                        amount_fen,
                        paid_on,
                        account_number,
                    )| PaidLine {
                        program_name: program_name.unwrap_or_else(|| program_code.clone()),
                        payment_id,
                        entitlement_id,
                        program_code,
                        period,
                        amount_fen,
                        paid_on,
                        account_number,
                    },
                )
                .collect(),
        }))
    }

    /// A value kept for the life of the installation, created (by `make`) on first use.
    pub async fn installation_secret(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String> {
        let existing: Option<String> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT value FROM installation_secrets WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await)?;
        if let Some(v) = existing {
            return Ok(v);
        }
        let value = make();
        // Two processes starting at once: the first insert wins, both read it back.
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO installation_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(&value)
        .execute(pool)
        .await
        .map(|_| ()))?;
        let stored: String = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT value FROM installation_secrets WHERE name = $1",
        )
        .bind(name)
        .fetch_one(pool)
        .await)?;
        Ok(stored)
    }

    /// A stored installation secret, if there is one (without making it).
    pub async fn installation_secret_if_any(&self, name: &str) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT value FROM installation_secrets WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await)?)
    }

    /// Deletes an installation secret that has moved out of the database.
    pub async fn forget_installation_secret(&self, name: &str) -> Result<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM installation_secrets WHERE name = $1")
            .bind(name)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The status of the report whose receipt hashes to `receipt_hash`.
    pub async fn report_status(&self, receipt_hash: &str) -> Result<Option<ReportStatus>> {
        type Row = (
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            i64,
        );
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT report_id, filed_at, category, status, received_on, transfer_due, handle_due, \
             acceptance_notice_due, upward_due, accepted_on, closed_on, repeat_number FROM reports WHERE receipt_hash = $1",
        )
        .bind(receipt_hash)
        .fetch_optional(pool)
        .await)?;
        let Some((
            report_id,
            filed_at,
            category,
            status,
            received_on,
            transfer_due,
            handle_due,
            acceptance_notice_due,
            upward_due,
            accepted_on,
            closed_on,
            repeat_number,
        )) = row
        else {
            return Ok(None);
        };
        let replies: Vec<(String, String, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT replied_at, status, message_zh, message_en FROM report_replies \
             WHERE report_id = $1 ORDER BY replied_at",
        )
        .bind(report_id)
        .fetch_all(pool)
        .await)?;
        Ok(Some(ReportStatus {
            report_id,
            filed_at,
            category,
            status,
            received_on,
            transfer_due,
            handle_due,
            acceptance_notice_due,
            upward_due,
            accepted_on,
            closed_on,
            repeat_number,
            replies: replies
                .into_iter()
                .map(|(replied_at, status, message_zh, message_en)| ReportReply {
                    replied_at,
                    status,
                    message_zh,
                    message_en,
                })
                .collect(),
        }))
    }
}
