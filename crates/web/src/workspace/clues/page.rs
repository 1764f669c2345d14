//! A clue's page: its evidence, the people it names (each view logged), its history, the
//! collective decision under way, its hand-overs, and the forms the official's role allows.

use super::{can_assign, ct, in_scope_divisions, ClueTexts};
use crate::workspace::request::{Failure, Work};
use crate::workspace::texts::label;
use crate::workspace::{when, yuan, WorkPage};
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use qingfeng_domain::IdNumber;
use qingfeng_store::clue_procedure::ClueProposal;
use qingfeng_store::{Assignment, PersonRecord, QueueClue};
use std::collections::BTreeMap;

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
    /// No collective decision has ended the clue: one may be proposed.
    can_propose: bool,
    /// A hand-over to the official's own township waits for its feedback.
    can_answer: bool,
    proposals: Vec<ProposalView>,
    hand_overs: Vec<HandOverView>,
    message: Option<&'a str>,
    form: ClueForms,
    t: &'static ClueTexts,
}

/// A proposal to end the clue as shown: what, when, why, who signed, and whether the official
/// may still sign it.
struct ProposalView {
    proposal_id: i64,
    ending: String,
    meeting_on: String,
    reason: String,
    proposed_by: String,
    state: String,
    open: bool,
    /// (who, agrees, remark, when)
    votes: Vec<(String, bool, String, String)>,
    may_sign: bool,
}

struct HandOverView {
    township: String,
    by: String,
    at: String,
    due_on: String,
    overdue: bool,
    feedback: Option<String>,
    feedback_by: String,
    feedback_at: String,
}

/// What the forms of the page hold: empty, or what the official entered when a form was
/// refused, so that nothing typed is lost.
#[derive(serde::Deserialize, Default)]
pub struct ClueForms {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub corrected_amount: String,
    #[serde(default)]
    pub recovered_amount: String,
    #[serde(default)]
    pub ending: String,
    #[serde(default)]
    pub meeting_on: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub feedback: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ClueQuery {
    /// What was just done: `saved`, `proposed`, `signed` or `answered`.
    #[serde(default)]
    done: String,
}

fn proposal_view(p: &ClueProposal, me: &str, t: &ClueTexts) -> ProposalView {
    ProposalView {
        proposal_id: p.proposal_id,
        ending: label(t.endings, &p.outcome).to_string(),
        meeting_on: p.meeting_on.clone(),
        reason: p.reason.clone(),
        proposed_by: p.proposed_by.clone(),
        state: label(t.proposal_states, &p.state).to_string(),
        open: p.state == "open",
        votes: p
            .votes
            .iter()
            .map(|v| {
                (
                    v.username.clone(),
                    v.agrees,
                    v.remark.clone(),
                    when(&v.voted_at),
                )
            })
            .collect(),
        may_sign: p.state == "open" && !p.votes.iter().any(|v| v.username == me),
    }
}

fn hand_over_view(a: &Assignment, today: &str) -> HandOverView {
    HandOverView {
        township: a
            .township_name
            .clone()
            .unwrap_or_else(|| a.township_code.clone()),
        by: a.assigned_by.clone(),
        at: when(&a.assigned_at),
        due_on: a.due_on.clone().unwrap_or_default(),
        overdue: a.feedback.is_none() && a.due_on.as_deref().is_some_and(|d| d < today),
        feedback: a.feedback.clone(),
        feedback_by: a.feedback_by.clone().unwrap_or_default(),
        feedback_at: a.feedback_at.as_deref().map(when).unwrap_or_default(),
    }
}

pub async fn clue(
    work: Work,
    Path(fingerprint): Path<String>,
    Query(cq): Query<ClueQuery>,
) -> Result<Response, Failure> {
    let wp = work.wp();
    let t = ct(&wp);
    let message = match cq.done.as_str() {
        "saved" => Some(wp.w.review_saved),
        "proposed" => Some(t.proposed),
        "signed" => Some(t.signed),
        "answered" => Some(t.feedback_saved),
        _ => None,
    };
    show_clue(
        &work,
        &fingerprint,
        StatusCode::OK,
        message,
        ClueForms::default(),
    )
    .await
}

pub(super) async fn show_clue(
    work: &Work,
    fingerprint: &str,
    status: StatusCode,
    message: Option<&str>,
    mut form: ClueForms,
) -> Result<Response, Failure> {
    let (state, official) = (&work.state, &work.official);
    let wp = &work.wp();
    let c = super::clue_for(state, official, fingerprint)
        .await?
        .ok_or(Failure::NotFound)?;
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
                sanctions =
                    crate::workspace::cases::sanctions_in_effect(state, id, wp.is_zh()).await?;
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
        let proposals = state.store.clue_proposals(&c.fingerprint).await?;
        anyhow::Ok((people, reviews, assignments, divisions, proposals))
    }
    .await?;
    let (people, reviews, assignments, divisions, proposals) = loaded;
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
    let t = ct(wp);
    let today = state.today().to_string();
    let can_review = super::allowed(official, "POST", "/work/clues/{fingerprint}/review");
    let can_answer = super::allowed(official, "POST", "/work/clues/{fingerprint}/feedback")
        && assignments.last().is_some_and(|a| {
            a.feedback.is_none()
                && matches!(&official.scope, qingfeng_store::Scope::Township(t) if *t == a.township_code)
        });
    if form.meeting_on.is_empty() {
        form.meeting_on = today.clone();
    }
    Ok(wp.page.render(
        status,
        &CluePage {
            wp,
            c: &c,
            rule_title: state.rule_title(&c.rule_id, wp.page.lang),
            severity_label: label(w.severities, c.severity.as_str()),
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
            can_propose: can_review && !["dismissed", "closed"].contains(&c.review_status.as_str()),
            can_answer,
            proposals: proposals
                .iter()
                .rev()
                .map(|p| proposal_view(p, &official.user.username, t))
                .collect(),
            hand_overs: assignments
                .iter()
                .rev()
                .map(|a| hand_over_view(a, &today))
                .collect(),
            message,
            form,
            t,
        },
    ))
}
