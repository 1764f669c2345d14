//! Before the money moves: the rules that audit the books, run on a spending request as the
//! voucher it would become, over its village's own registers. What a rule would flag afterwards
//! is refused beforehand, by the same SQL and the same thresholds (the catalogue as configured).

use crate::catalogue::Catalogue;
use crate::load::{days_from_iso, new_context, read_rows, register_views, schema_of, Registers};
use crate::run::{run_one, RuleStatus};
use anyhow::{bail, Context, Result};
use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::datasource::MemTable;
use qingfeng_domain::contract::{table, TABLES};
use qingfeng_domain::spending::{Flag, VoucherDraft};
use qingfeng_store::Store;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The rules about a voucher itself: a decision where one is needed, cash above the limit, a
/// split below the decision threshold, a payee who is an official of the village or one's own.
pub const VOUCHER_RULES: &[&str] = &[
    "FUN-NO-DECISION",
    "FUN-CASH-LIMIT",
    "FUN-SPLIT",
    "FUN-SELF-DEALING",
];

/// The rules about the contract a payment is made under (its publicity, its decision).
pub const CONTRACT_RULES: &[&str] = &["RES-SHORT-PUBLICITY", "RES-NO-DECISION"];

/// What the rules would flag about `draft` once booked: flags of the voucher rules whose clue
/// names the draft, and of the contract rules whose clue names the draft's contract.
pub async fn precheck(
    store: &Store,
    catalogue: &Catalogue,
    draft: &VoucherDraft,
) -> Result<Vec<Flag>> {
    let village = &draft.village_code;
    // The values are written into the filters below: only a division code gets there.
    if village.len() != 12 || !village.bytes().all(|b| b.is_ascii_digit()) {
        bail!("not a village code: {village}");
    }
    let township = format!("{}000", &village[..9]);
    let serving = format!(
        "SELECT id_number FROM officials WHERE division_code IN ('{village}', '{township}')"
    );
    let filters: BTreeMap<&str, String> = BTreeMap::from([
        ("divisions", format!("code IN ('{village}', '{township}')")),
        ("vouchers", format!("village_code = '{village}'")),
        ("decisions", format!("village_code = '{village}'")),
        (
            "collective_contracts",
            format!("village_code = '{village}'"),
        ),
        (
            "officials",
            format!("division_code IN ('{village}', '{township}')"),
        ),
        // The households of those serving, for the circle of FUN-SELF-DEALING.
        (
            "persons",
            format!(
                "household_id IN (SELECT household_id FROM persons WHERE id_number IN ({serving}))"
            ),
        ),
        (
            "declared_relations",
            format!("official_id_number IN ({serving}) OR relative_id_number IN ({serving})"),
        ),
    ]);
    let mut rules: Vec<String> = VOUCHER_RULES.iter().map(|r| r.to_string()).collect();
    if draft.contract_id.is_some() {
        rules.extend(CONTRACT_RULES.iter().map(|r| r.to_string()));
    }
    let mut needed: BTreeSet<&str> = BTreeSet::from(["divisions"]);
    for id in &rules {
        let rule = catalogue
            .get(id)
            .with_context(|| format!("the catalogue has no rule {id}"))?;
        for input in &rule.inputs {
            needed.insert(
                TABLES
                    .iter()
                    .find(|t| t.name == input)
                    .map(|t| t.name)
                    .with_context(|| format!("{id} reads {input}, which is not a register"))?,
            );
        }
    }
    let ctx = new_context();
    let mut counts = BTreeMap::new();
    for name in needed {
        let t = table(name).expect("a register");
        let filter = filters
            .get(name)
            .with_context(|| format!("no village filter for {name}"))?;
        let mut batches = read_rows(store, t, Some(filter)).await?;
        if name == "vouchers" {
            batches.push(draft_batch(draft)?);
        }
        ctx.register_table(
            name,
            Arc::new(MemTable::try_new(schema_of(t), vec![batches])?),
        )?;
        // Computable as in the county's check: a register cut down to one village may be
        // empty without the county's being so.
        counts.insert(name, 1);
    }
    register_views(&ctx).await?;
    let regs = Registers {
        ctx,
        counts,
        state: "precheck".into(),
        from_snapshot: false,
    };
    let mut flags = Vec::new();
    // One after another: a handful of rules over one village's rows (and a future that can
    // cross threads, which a stream of borrowed rules is not).
    for id in &rules {
        let o = run_one(
            &regs,
            catalogue,
            catalogue.get(id).expect("looked up above"),
        )
        .await;
        if let RuleStatus::Failed { message } = &o.status {
            bail!("{} failed before payment: {message}", o.rule_id);
        }
        let rule = catalogue.get(&o.rule_id).expect("run from the catalogue");
        let names = |c: &crate::Clue, id: &str| c.record_ids.split(';').any(|r| r == id);
        for c in &o.clues {
            let about_draft = names(c, &draft.voucher_id);
            let about_contract = CONTRACT_RULES.contains(&o.rule_id.as_str())
                && draft.contract_id.as_deref().is_some_and(|k| names(c, k));
            if about_draft || about_contract {
                flags.push(Flag {
                    rule_id: o.rule_id.clone(),
                    title_zh: rule.title_zh.clone(),
                    title_en: rule.title_en.clone(),
                    explanation_zh: c.explanation_zh.clone(),
                    explanation_en: c.explanation_en.clone(),
                });
            }
        }
    }
    Ok(flags)
}

/// The draft as one row of the vouchers register.
fn draft_batch(d: &VoucherDraft) -> Result<RecordBatch> {
    let t = table("vouchers").expect("a register");
    let schema = schema_of(t);
    let text = |v: Option<&str>| -> ArrayRef { Arc::new(StringArray::from(vec![v])) };
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for c in t.columns {
        let a = match c.name {
            "voucher_id" => text(Some(&d.voucher_id)),
            "village_code" => text(Some(&d.village_code)),
            "date" => Arc::new(Date32Array::from(vec![days_from_iso(&d.date)])) as ArrayRef,
            "direction" => text(Some("expense")),
            "category" => text(Some(&d.category)),
            "amount" => Arc::new(Int64Array::from(vec![d.amount_fen])),
            "method" => text(Some(&d.method)),
            "counterparty_name" => text(Some(&d.counterparty_name)),
            "counterparty_id" => text(d.counterparty_id.as_deref()),
            "contract_id" => text(d.contract_id.as_deref()),
            "project_id" => text(d.project_id.as_deref()),
            "decision_id" => text(d.decision_id.as_deref()),
            "description" => text(Some(&d.description)),
            "approved_by" => text(d.approved_by.as_deref()),
            "supervisor_signed" => Arc::new(BooleanArray::from(vec![d.supervisor_signed])),
            other => bail!("the voucher draft has no value for the column {other}"),
        };
        arrays.push(a);
    }
    Ok(RecordBatch::try_new(schema, arrays)?)
}
