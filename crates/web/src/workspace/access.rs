//! Who may use which route: the roles of the officials' workspace, their jurisdictions, and the
//! one table that grants routes to roles.
//!
//! The table is enforced by one middleware (`gate`) for every route, from the route's matched
//! path; a route that is not in the table is refused to everybody, and registering it panics (see
//! `Routes`), so a new route cannot ship without a rule. What is inside a jurisdiction is decided
//! by the store's queries (`Scope`), not here.

pub use qingfeng_workflow::role::{Role, ALL_ROLES};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (the portal, the login form, the stylesheet).
    Public,
    /// Signed-in officials of these roles.
    Roles(&'static [Role]),
}

use Role::*;

const SIGNED_IN: Access = Access::Roles(ALL_ROLES);
const CLUE_READERS: Access = Access::Roles(&[
    Leader,
    Admin,
    Investigator,
    TownshipSecretary,
    VillageSupervisor,
    Auditor,
]);
const CLUE_REVIEWERS: Access = Access::Roles(qingfeng_workflow::role::CLUE_REVIEWERS);
const CLUE_ASSIGNERS: Access = Access::Roles(qingfeng_workflow::role::CLUE_ASSIGNERS);
const HAND_OVER_ANSWERERS: Access = Access::Roles(qingfeng_workflow::role::HAND_OVER_ANSWERERS);
const ADMINS: Access = Access::Roles(&[Admin]);
// Imports are county-wide (a register file covers the county), so only county roles see them.
const DATA_READERS: Access = Access::Roles(&[Leader, Admin, Investigator, Auditor]);
const CHECK_RUNNERS: Access = Access::Roles(&[Leader, Admin, Investigator]);
// Reports: the roles that may be given a report's key. Whether a given report is visible is
// decided by the key copies (conflict-of-interest exclusion), not by the role.
const REPORT_HANDLERS: Access = Access::Roles(&[Leader, Investigator, TownshipSecretary]);
// Reading a report: its handlers, and the higher commission's reviewers (only reports under
// review, decided per report by their key copy).
const REPORT_READERS: Access = Access::Roles(&[Leader, Investigator, TownshipSecretary, Reviewer]);
// Reviews (复查, 复核) are decided one level up.
const REVIEWERS: Access = Access::Roles(qingfeng_workflow::role::REVIEWERS);
// Staff enter reports received by letter, visit or the 12388 hotline.
const REPORT_INTAKE: Access = Access::Roles(&[Leader, Investigator, TownshipSecretary]);
const SENIORS: Access = Access::Roles(&[Leader]);
const DISPOSERS: Access = Access::Roles(qingfeng_workflow::role::DISPOSERS);
const CASE_READERS: Access = Access::Roles(qingfeng_workflow::role::CASE_READERS);
const CASE_HANDLERS: Access = Access::Roles(qingfeng_workflow::role::CASE_HANDLERS);
// Matters: everyone who sees village records (in their jurisdiction); opened by village
// officials; steps done by the posts' accounts (which step is whose: the workflow).
const MATTER_READERS: Access = Access::Roles(qingfeng_workflow::role::MATTER_READERS);
const MATTER_OPENERS: Access = Access::Roles(qingfeng_workflow::role::MATTER_OPENERS);
const MATTER_ACTORS: Access = Access::Roles(qingfeng_workflow::role::MATTER_ACTORS);
const MATTER_REFUSERS: Access = Access::Roles(qingfeng_workflow::role::MATTER_REFUSERS);
const COMMITTEE_OBJECTORS: Access = Access::Roles(qingfeng_workflow::role::COMMITTEE_OBJECTORS);
// The village books: read by those who see village records, entered by the township agency's
// bookkeeper and the village's cashier.
const BOOK_KEEPERS: Access = Access::Roles(qingfeng_workflow::village_books::BOOK_KEEPERS);
const OBJECTION_ANSWERERS: Access =
    Access::Roles(&[VillageOfficial, TownshipOfficial, TownshipSecretary]);
// Quarterly figures upward: the commission and the auditors.
const STATISTICS_READERS: Access = Access::Roles(&[Leader, Admin, Investigator, Auditor]);
// The audit trail's check: the administrator and the auditors.
const AUDIT_READERS: Access = Access::Roles(&[Admin, Auditor]);

/// Every route of the application: method, path as registered, and who may use it.
pub const POLICY: &[(&str, &str, Access)] = &[
    ("GET", "/", Access::Public),
    ("GET", "/money", Access::Public),
    ("POST", "/money", Access::Public),
    ("GET", "/village", Access::Public),
    ("GET", "/village/{code}", Access::Public),
    ("GET", "/village/{code}/matters/{id}", Access::Public),
    (
        "POST",
        "/village/{code}/matters/{id}/objections",
        Access::Public,
    ),
    ("GET", "/powers", Access::Public),
    ("GET", "/powers/{id}", Access::Public),
    ("GET", "/powers/{id}/flowchart.svg", Access::Public),
    ("GET", "/report", Access::Public),
    ("POST", "/report", Access::Public),
    ("GET", "/report/follow", Access::Public),
    ("POST", "/report/follow", Access::Public),
    ("POST", "/report/review", Access::Public),
    ("GET", "/assets/site.css", Access::Public),
    ("GET", "/work/login", Access::Public),
    ("POST", "/work/login", Access::Public),
    ("POST", "/work/logout", SIGNED_IN),
    ("GET", "/work", SIGNED_IN),
    ("GET", "/work/books", MATTER_READERS),
    ("GET", "/work/books/{register}", MATTER_READERS),
    ("POST", "/work/books/{register}", BOOK_KEEPERS),
    ("GET", "/work/matters", MATTER_READERS),
    ("POST", "/work/matters", MATTER_OPENERS),
    ("GET", "/work/matters/{id}", MATTER_READERS),
    ("POST", "/work/matters/{id}/steps", MATTER_ACTORS),
    ("POST", "/work/matters/{id}/papers", MATTER_ACTORS),
    ("GET", "/work/matters/{id}/papers/{paper}", MATTER_READERS),
    ("POST", "/work/matters/{id}/refusal", MATTER_REFUSERS),
    ("POST", "/work/matters/{id}/objections", COMMITTEE_OBJECTORS),
    (
        "POST",
        "/work/matters/{id}/objections/{objection}/answer",
        OBJECTION_ANSWERERS,
    ),
    ("GET", "/work/clues", CLUE_READERS),
    ("POST", "/work/clues/assign", CLUE_ASSIGNERS),
    ("GET", "/work/clues/{fingerprint}", CLUE_READERS),
    ("POST", "/work/clues/{fingerprint}/review", CLUE_REVIEWERS),
    ("POST", "/work/clues/{fingerprint}/propose", CLUE_REVIEWERS),
    (
        "POST",
        "/work/clues/{fingerprint}/proposals/{proposal}/sign",
        CLUE_REVIEWERS,
    ),
    (
        "POST",
        "/work/clues/{fingerprint}/feedback",
        HAND_OVER_ANSWERERS,
    ),
    ("GET", "/work/access-log", ADMINS),
    ("GET", "/work/data", DATA_READERS),
    ("POST", "/work/data/upload", ADMINS),
    ("POST", "/work/checks/run", CHECK_RUNNERS),
    ("GET", "/work/reports", REPORT_READERS),
    ("GET", "/work/reports/new", REPORT_INTAKE),
    ("POST", "/work/reports/new", REPORT_INTAKE),
    ("GET", "/work/reports/{id}", REPORT_READERS),
    ("GET", "/work/reports/{id}/attachments/{n}", REPORT_READERS),
    ("POST", "/work/reports/{id}/accept", REPORT_HANDLERS),
    ("POST", "/work/reports/{id}/transfer", REPORT_HANDLERS),
    ("POST", "/work/reports/{id}/extend", REPORT_HANDLERS),
    ("POST", "/work/reports/{id}/conclude", REPORT_HANDLERS),
    ("POST", "/work/reports/{id}/result-notice", REPORT_HANDLERS),
    ("POST", "/work/reports/{id}/reviews/{review}", REVIEWERS),
    ("POST", "/work/reports/{id}/identity", REPORT_HANDLERS),
    ("POST", "/work/reports/{id}/identity/{request}", SENIORS),
    ("GET", "/work/audit", AUDIT_READERS),
    ("GET", "/work/statistics", STATISTICS_READERS),
    ("GET", "/work/statistics.xlsx", STATISTICS_READERS),
    ("GET", "/work/dispose", DISPOSERS),
    ("POST", "/work/dispose", DISPOSERS),
    ("POST", "/work/dispositions/{id}/inquiry", DISPOSERS),
    ("GET", "/work/cases", CASE_READERS),
    ("GET", "/work/cases/{id}", CASE_READERS),
    ("POST", "/work/cases/{id}/move", CASE_HANDLERS),
    ("POST", "/work/cases/{id}/checklist", CASE_HANDLERS),
    ("POST", "/work/cases/{id}/assign", DISPOSERS),
    ("POST", "/work/cases/{id}/discussions", CASE_HANDLERS),
    ("POST", "/work/cases/{id}/sanctions", CASE_HANDLERS),
    ("POST", "/work/cases/{id}/appeals", CASE_HANDLERS),
    ("POST", "/work/cases/{id}/appeals/{appeal}", CASE_HANDLERS),
    ("POST", "/work/cases/{id}/remedies", CASE_HANDLERS),
    ("POST", "/work/cases/{id}/remedies/{remedy}", CASE_HANDLERS),
];

/// The rule of a route, if it has one.
pub fn policy(method: &str, path: &str) -> Option<Access> {
    POLICY
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, a)| *a)
}

impl Access {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public => true,
            Access::Roles(roles) => roles.contains(&role),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_route_is_listed_twice() {
        for (i, (m, p, _)) in POLICY.iter().enumerate() {
            assert!(
                !POLICY[i + 1..].iter().any(|(m2, p2, _)| m2 == m && p2 == p),
                "{m} {p} is listed twice"
            );
        }
    }
}
