//! 问题线索 / The clue queue, a clue's page with its evidence and the people concerned, the
//! decision on a clue, and handing clues to a township (交办).
//!
//! Every clue comes out of the store through the official's scope: a clue outside it is "not
//! found", exactly like one that does not exist.

use super::texts::label;
use super::{when, yuan, Official, WorkPage};
use crate::page::Page;
use crate::Shared;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use qingfeng_domain::{IdNumber, Money};
use qingfeng_store::{ClueFilter, ClueSort, Division, PersonRecord, QueueClue};
use std::collections::BTreeMap;

const PAGE_SIZE: u32 = 50;

#[derive(serde::Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    rule: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    village: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    sort: String,
    /// Smallest amount at risk, in yuan.
    #[serde(default)]
    min_amount: String,
    #[serde(default)]
    page: u32,
    #[serde(default)]
    assigned: Option<u32>,
    #[serde(default)]
    problem: String,
}

struct Row {
    fingerprint: String,
    rule_id: String,
    rule_title: String,
    severity: String,
    severity_label: String,
    village: String,
    subject: String,
    amount: String,
    status_label: String,
    assigned: Option<String>,
    explanation: String,
}

#[derive(Template)]
#[template(path = "work/queue.html")]
struct QueuePage<'a> {
    wp: &'a WorkPage<'a>,
    q: &'a QueueQuery,
    rows: Vec<Row>,
    total: i64,
    first: u64,
    last: u64,
    prev_href: Option<String>,
    next_href: Option<String>,
    rules: Vec<(String, String)>,
    villages: Vec<(String, String)>,
    townships: Vec<(String, String)>,
    can_assign: bool,
    notice: Option<String>,
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn sort_of(s: &str) -> ClueSort {
    match s {
        "amount_asc" => ClueSort::AmountAsc,
        "severity" => ClueSort::Severity,
        "rule" => ClueSort::Rule,
        "village" => ClueSort::Village,
        _ => ClueSort::AmountDesc,
    }
}

/// The query string of the queue with `page` replaced.
fn queue_href(q: &QueueQuery, page: u32) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("rule", &q.rule),
        ("severity", &q.severity),
        ("village", &q.village),
        ("status", &q.status),
        ("state", &q.state),
        ("sort", &q.sort),
        ("min_amount", &q.min_amount),
    ] {
        if !v.is_empty() {
            out.append_pair(k, v);
        }
    }
    out.append_pair("page", &page.to_string());
    format!("/work/clues?{}", out.finish())
}

fn can_assign(official: &Official) -> bool {
    super::access::policy("POST", "/work/clues/assign").is_some_and(|a| a.allows(official.role))
}

fn in_scope_divisions(
    official: &Official,
    divisions: &[Division],
    level: &str,
) -> Vec<(String, String)> {
    divisions
        .iter()
        .filter(|d| d.level == level)
        .filter(|d| level == "township" || official.scope.covers(Some(&d.code), None))
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect()
}

pub async fn queue(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<QueueQuery>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let filter = ClueFilter {
        rule_id: some(&q.rule),
        severity: some(&q.severity),
        village_code: some(&q.village),
        review_status: some(&q.status),
        data_state: some(&q.state),
        assigned_township: None,
        min_amount_fen: optional_fen(&q.min_amount).ok().flatten(),
        sort: sort_of(&q.sort),
        limit: PAGE_SIZE,
        offset: q.page.saturating_mul(PAGE_SIZE),
    };
    let loaded = async {
        let (clues, total) = state.store.clue_queue(&official.scope, &filter).await?;
        let divisions = state.store.divisions().await?;
        anyhow::Ok((clues, total, divisions))
    }
    .await;
    let (clues, total, divisions) = match loaded {
        Ok(x) => x,
        Err(e) => return wp.failure(e),
    };
    let township_name = |code: &str| {
        divisions
            .iter()
            .find(|d| d.code == code)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let rows = clues
        .iter()
        .map(|c| Row {
            fingerprint: c.fingerprint.clone(),
            rule_id: c.rule_id.clone(),
            rule_title: state.rule_title(&c.rule_id, page.lang),
            severity: c.severity.clone(),
            severity_label: label(wp.w.severities, &c.severity).to_string(),
            village: c
                .village_name
                .clone()
                .or_else(|| c.village_code.clone())
                .unwrap_or_default(),
            // Masked in the list: the full number is on the clue's page, whose views are logged.
            subject: c
                .subject_id
                .as_deref()
                .map(|s| {
                    IdNumber::parse(s)
                        .map(|i| i.masked())
                        .unwrap_or_else(|_| s.to_string())
                })
                .unwrap_or_default(),
            amount: yuan(c.amount_at_risk_fen),
            status_label: label(wp.w.review_statuses, &c.review_status).to_string(),
            assigned: c.assigned_township.as_deref().map(township_name),
            explanation: if wp.is_zh() {
                c.explanation_zh.clone()
            } else {
                c.explanation_en.clone()
            },
        })
        .collect::<Vec<_>>();
    let first = u64::from(filter.offset) + 1;
    let last = u64::from(filter.offset) + rows.len() as u64;
    let prev_href = (q.page > 0).then(|| queue_href(&q, q.page - 1));
    let next_href = ((last as i64) < total).then(|| queue_href(&q, q.page + 1));
    let notice = match (q.assigned, q.problem.as_str()) {
        (Some(n), _) => Some(format!("{n} {}", wp.w.assigned_n)),
        (None, "none") => Some(wp.w.nothing_selected.to_string()),
        (None, "township") => Some(wp.w.no_such_township.to_string()),
        _ => None,
    };
    let mut rules: Vec<(String, String)> = state
        .rule_ids()
        .into_iter()
        .map(|id| {
            let title = state.rule_title(&id, page.lang);
            (id, title)
        })
        .collect();
    rules.sort();
    page.render(
        StatusCode::OK,
        &QueuePage {
            wp: &wp,
            q: &q,
            rows,
            total,
            first,
            last,
            prev_href,
            next_href,
            rules,
            villages: in_scope_divisions(&official, &divisions, "village"),
            townships: in_scope_divisions(&official, &divisions, "township"),
            can_assign: can_assign(&official),
            notice,
        },
    )
}

/// 交办: hands the selected clues to a township. The form repeats `fingerprint`, which is why
/// the body is parsed here rather than by `Form`.
pub async fn assign(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let mut fingerprints = Vec::new();
    let mut township = String::new();
    let mut back = String::from("/work/clues");
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "fingerprint" => fingerprints.push(v.into_owned()),
            "township" => township = v.into_owned(),
            "back" if v.starts_with("/work/clues") => back = v.into_owned(),
            _ => {}
        }
    }
    let sep = if back.contains('?') { '&' } else { '?' };
    if fingerprints.is_empty() {
        return Redirect::to(&format!("{back}{sep}problem=none")).into_response();
    }
    let checked = async {
        let divisions = state.store.divisions().await?;
        let is_township = divisions
            .iter()
            .any(|d| d.code == township && d.level == "township");
        // Every clue must exist and be in the official's scope; otherwise nothing is handed over.
        for fp in &fingerprints {
            if clue_for(&state, &official, fp).await?.is_none() {
                return anyhow::Ok(Err(StatusCode::NOT_FOUND));
            }
        }
        Ok(Ok(is_township))
    }
    .await;
    match checked {
        Err(e) => return wp.failure(e),
        Ok(Err(status)) => return wp.error(status, page.t.not_found),
        Ok(Ok(false)) => {
            return Redirect::to(&format!("{back}{sep}problem=township")).into_response()
        }
        Ok(Ok(true)) => {}
    }
    match state
        .store
        .assign_clues(&fingerprints, &township, &official.user.username)
        .await
    {
        Ok(n) => Redirect::to(&format!("{back}{sep}assigned={n}")).into_response(),
        Err(e) => wp.failure(e),
    }
}

struct Person {
    id_number: String,
    found: Option<PersonRecord>,
    /// Posts in the officials register.
    posts: Vec<String>,
    /// The other members of the household: (name, relation to the head).
    household: Vec<(String, String)>,
    /// Sanctions still in effect ("kind (until …)").
    sanctions: Vec<String>,
}

struct HistoryRow {
    when: String,
    who: String,
    action: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "work/clue.html")]
struct CluePage<'a> {
    wp: &'a WorkPage<'a>,
    c: &'a QueueClue,
    rule_title: String,
    severity_label: &'a str,
    status_label: &'a str,
    state_label: &'a str,
    explanation: &'a str,
    amount: String,
    first_found: String,
    evidence: Vec<(String, String)>,
    records: Vec<String>,
    people: Vec<Person>,
    history: Vec<HistoryRow>,
    townships: Vec<(String, String)>,
    can_review: bool,
    can_assign: bool,
    message: Option<&'a str>,
    form: ReviewForm,
}

#[derive(serde::Deserialize, Default)]
pub struct ClueQuery {
    #[serde(default)]
    saved: Option<u8>,
}

/// A clue as `official` may see it: in their scope, and not naming them, a member of their
/// household or a declared relative, nor in a village where they hold a post (issue 13). To an
/// excluded official the clue does not exist: "not found", like one outside their scope.
pub async fn clue_for(
    state: &Shared,
    official: &Official,
    fingerprint: &str,
) -> anyhow::Result<Option<qingfeng_store::QueueClue>> {
    let Some(c) = state
        .store
        .clue_in_scope(&official.scope, fingerprint)
        .await?
    else {
        return Ok(None);
    };
    let Some(me) = super::cases::as_candidate(state, official).await? else {
        return Ok(None);
    };
    let (allowed, _) = state
        .store
        .exclude_related_to_clue(
            vec![me],
            c.village_code.as_deref(),
            &c.persons_named(),
            &crate::intake::today().to_string(),
        )
        .await?;
    Ok((!allowed.is_empty()).then_some(c))
}

pub async fn clue(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(fingerprint): Path<String>,
    Query(cq): Query<ClueQuery>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let message = cq.saved.map(|_| wp.w.review_saved);
    show_clue(
        &state,
        &official,
        &wp,
        &fingerprint,
        StatusCode::OK,
        message,
        ReviewForm::default(),
    )
    .await
}

async fn show_clue(
    state: &Shared,
    official: &Official,
    wp: &WorkPage<'_>,
    fingerprint: &str,
    status: StatusCode,
    message: Option<&str>,
    form: ReviewForm,
) -> Response {
    let c = match clue_for(state, official, fingerprint).await {
        Ok(Some(c)) => c,
        Ok(None) => return wp.error(StatusCode::NOT_FOUND, wp.page.t.not_found),
        Err(e) => return wp.failure(e),
    };
    let evidence: BTreeMap<String, String> = serde_json::from_str(&c.evidence).unwrap_or_default();
    // The people a clue is about: its subject and every ID number in its evidence.
    let ids = c.persons_named();
    let loaded = async {
        state
            .store
            .log_access(
                &official.user,
                "view_clue",
                "clue",
                &c.fingerprint,
                Some(&c.rule_id),
            )
            .await?;
        let mut people = Vec::new();
        for id in ids.iter().filter(|id| IdNumber::parse(id).is_ok()) {
            let found = state.store.person_in_scope(&official.scope, id).await?;
            let mut household = Vec::new();
            let mut posts = Vec::new();
            let mut sanctions = Vec::new();
            if let Some(p) = &found {
                sanctions = super::cases::sanctions_in_effect(state, id, wp.is_zh()).await?;
                state
                    .store
                    .log_access(
                        &official.user,
                        "view_person",
                        "person",
                        id,
                        Some(&c.fingerprint),
                    )
                    .await?;
                posts = state.store.posts_of(id).await?;
                household = state
                    .store
                    .household_members(&official.scope, &p.household_id)
                    .await?
                    .into_iter()
                    .filter(|m| m.id_number != p.id_number)
                    .map(|m| (m.name, m.relation_to_head))
                    .collect();
            }
            people.push(Person {
                id_number: id.clone(),
                found,
                posts,
                household,
                sanctions,
            });
        }
        let reviews = state.store.clue_reviews(&c.fingerprint).await?;
        let assignments = state.store.clue_assignments(&c.fingerprint).await?;
        let divisions = state.store.divisions().await?;
        anyhow::Ok((people, reviews, assignments, divisions))
    }
    .await;
    let (people, reviews, assignments, divisions) = match loaded {
        Ok(x) => x,
        Err(e) => return wp.failure(e),
    };
    let w = wp.w;
    let mut history: Vec<HistoryRow> = reviews
        .iter()
        .map(|r| {
            let mut reason = r.reason.clone().unwrap_or_default();
            if let Some(fen) = r.corrected_amount_fen {
                reason = format!("{reason} {}: {}", w.corrected_amount, yuan(fen));
            }
            if let Some(fen) = r.recovered_fen {
                reason = format!("{reason} {}: {}", w.recovered_amount, yuan(fen));
            }
            HistoryRow {
                when: when(&r.reviewed_at),
                who: r.reviewer.clone(),
                action: label(w.review_statuses, &r.action).to_string(),
                reason: reason.trim().to_string(),
            }
        })
        .collect();
    history.extend(assignments.iter().map(|a| HistoryRow {
        when: when(&a.assigned_at),
        who: a.assigned_by.clone(),
        action: format!(
            "{} {}",
            w.assign,
            a.township_name.clone().unwrap_or_else(|| a.township_code.clone())
        ),
        reason: String::new(),
    }));
    history.sort_by(|a, b| a.when.cmp(&b.when));
    let can_review = super::access::policy("POST", "/work/clues/{fingerprint}/review")
        .is_some_and(|a| a.allows(official.role));
    wp.page.render(
        status,
        &CluePage {
            wp,
            c: &c,
            rule_title: state.rule_title(&c.rule_id, wp.page.lang),
            severity_label: label(w.severities, &c.severity),
            status_label: label(w.review_statuses, &c.review_status),
            state_label: label(w.data_states, &c.data_state),
            explanation: if wp.is_zh() {
                &c.explanation_zh
            } else {
                &c.explanation_en
            },
            amount: yuan(c.amount_at_risk_fen),
            first_found: c.first_found_at.as_deref().map(when).unwrap_or_default(),
            evidence: evidence.into_iter().collect(),
            records: c.record_ids.split(';').map(str::to_string).collect(),
            people,
            history,
            townships: in_scope_divisions(official, &divisions, "township"),
            can_review,
            can_assign: can_assign(official),
            message,
            form,
        },
    )
}

#[derive(serde::Deserialize, Default)]
pub struct ReviewForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    corrected_amount: String,
    #[serde(default)]
    recovered_amount: String,
}

fn optional_fen(s: &str) -> Result<Option<i64>, ()> {
    let s = s.trim().replace(',', "");
    if s.is_empty() {
        return Ok(None);
    }
    Money::parse_yuan(&s, false)
        .map(|m| Some(m.fen()))
        .map_err(|_| ())
}

pub async fn review(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(fingerprint): Path<String>,
    axum::Form(form): axum::Form<ReviewForm>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let w = wp.w;
    match clue_for(&state, &official, &fingerprint).await {
        Ok(Some(_)) => {}
        Ok(None) => return wp.error(StatusCode::NOT_FOUND, page.t.not_found),
        Err(e) => return wp.failure(e),
    }
    let reason = some(&form.reason);
    let amounts = (
        optional_fen(&form.corrected_amount),
        optional_fen(&form.recovered_amount),
    );
    let problem = match (&amounts, form.action.as_str()) {
        ((Err(()), _), _) | ((_, Err(())), _) => Some(w.bad_amount),
        (_, "dismissed") if reason.is_none() => Some(w.reason_required),
        ((Ok(None), _), "corrected") => Some(w.bad_amount),
        (_, "confirmed" | "dismissed" | "corrected") => None,
        _ => Some(page.t.server_error),
    };
    if let Some(message) = problem {
        return show_clue(
            &state,
            &official,
            &wp,
            &fingerprint,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(message),
            form,
        )
        .await;
    }
    let (Ok(corrected), Ok(recovered)) = amounts else {
        unreachable!("amount errors are answered above")
    };
    match state
        .store
        .review_clue(
            &fingerprint,
            &form.action,
            reason.as_deref(),
            corrected,
            recovered,
            &official.user.username,
        )
        .await
    {
        Ok(()) => Redirect::to(&format!(
            "/work/clues/{}?saved=1",
            form_urlencoded::byte_serialize(fingerprint.as_bytes()).collect::<String>()
        ))
        .into_response(),
        Err(e) => wp.failure(e),
    }
}
