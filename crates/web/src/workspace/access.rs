//! Who may use which route: the roles of the officials' workspace, their jurisdictions, and the
//! one table that grants routes to roles.
//!
//! The table is enforced by one middleware (`gate`) for every route, from the route's matched
//! path; a route that is not in the table is refused to everybody, and registering it panics (see
//! `Routes`), so a new route cannot ship without a rule. What is inside a jurisdiction is decided
//! by the store's queries (`Scope`), not here.

use qingfeng_domain::division::{DivisionCode, DivisionLevel};
use qingfeng_store::Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// 县纪委监委分管领导: county-wide; everything an investigator does, and approves opening a
    /// reporter's identity.
    Leader,
    /// 县纪委监委管理员: county-wide, manages data and reads the access log.
    Admin,
    /// 县纪委监委调查人员: county-wide, reviews and hands over clues.
    Investigator,
    /// 乡镇纪委书记: one township; reviews its clues.
    TownshipSecretary,
    /// 乡镇会计 (三资代理): one township; the dashboard of its township, no clues.
    TownshipBookkeeper,
    /// 村务监督委员会成员: one village; reads its clues.
    VillageSupervisor,
    /// 审计人员: county-wide, read-only.
    Auditor,
}

pub const ALL_ROLES: &[Role] = &[
    Role::Leader,
    Role::Admin,
    Role::Investigator,
    Role::TownshipSecretary,
    Role::TownshipBookkeeper,
    Role::VillageSupervisor,
    Role::Auditor,
];

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Admin => "admin",
            Role::Investigator => "investigator",
            Role::TownshipSecretary => "township_secretary",
            Role::TownshipBookkeeper => "township_bookkeeper",
            Role::VillageSupervisor => "village_supervisor",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        ALL_ROLES.iter().copied().find(|r| r.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Leader => "县纪委监委分管领导",
            Role::Admin => "县纪委监委管理员",
            Role::Investigator => "县纪委监委调查人员",
            Role::TownshipSecretary => "乡镇纪委书记",
            Role::TownshipBookkeeper => "乡镇会计",
            Role::VillageSupervisor => "村务监督委员会成员",
            Role::Auditor => "审计人员（只读）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Leader => "County commission leader",
            Role::Admin => "County commission administrator",
            Role::Investigator => "County investigator",
            Role::TownshipSecretary => "Township discipline secretary",
            Role::TownshipBookkeeper => "Township bookkeeper",
            Role::VillageSupervisor => "Village supervision committee member",
            Role::Auditor => "Auditor (read-only)",
        }
    }

    /// The level of division a jurisdiction of this role is.
    pub fn level(self) -> DivisionLevel {
        match self {
            Role::Leader | Role::Admin | Role::Investigator | Role::Auditor => {
                DivisionLevel::County
            }
            Role::TownshipSecretary | Role::TownshipBookkeeper => DivisionLevel::Township,
            Role::VillageSupervisor => DivisionLevel::Village,
        }
    }

    /// The scope of an account of this role over `jurisdiction`, or an error saying what is wrong
    /// with the pair (used when accounts are made, and again on every request).
    pub fn scope(self, jurisdiction: &str) -> Result<Scope, String> {
        let code = DivisionCode::parse(jurisdiction).map_err(|e| e.to_string())?;
        if code.level() != self.level() {
            return Err(format!(
                "a {} account needs a {} code, {} is a {} / {}账户须对应{}级区划代码",
                self.code(),
                self.level().as_str(),
                jurisdiction,
                code.level().as_str(),
                self.label_zh(),
                match self.level() {
                    DivisionLevel::County => "县",
                    DivisionLevel::Township => "乡镇",
                    DivisionLevel::Village => "村",
                }
            ));
        }
        Ok(match self.level() {
            DivisionLevel::County => Scope::County,
            DivisionLevel::Township => Scope::Township(jurisdiction.to_string()),
            DivisionLevel::Village => Scope::Village(jurisdiction.to_string()),
        })
    }
}

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
const CLUE_REVIEWERS: Access = Access::Roles(&[Leader, Admin, Investigator, TownshipSecretary]);
const CLUE_ASSIGNERS: Access = Access::Roles(&[Leader, Admin, Investigator]);
const ADMINS: Access = Access::Roles(&[Admin]);
// Imports are county-wide (a register file covers the county), so only county roles see them.
const DATA_READERS: Access = Access::Roles(&[Leader, Admin, Investigator, Auditor]);
const CHECK_RUNNERS: Access = Access::Roles(&[Leader, Admin, Investigator]);
// Reports: the roles that may be given a report's key. Whether a given report is visible is
// decided by the key copies (conflict-of-interest exclusion), not by the role.
const REPORT_HANDLERS: Access = Access::Roles(&[Leader, Investigator, TownshipSecretary]);
// Staff enter reports received by letter, visit or the 12388 hotline.
const REPORT_INTAKE: Access = Access::Roles(&[Leader, Investigator, TownshipSecretary]);
const SENIORS: Access = Access::Roles(&[Leader]);
// Disposal of clues and reports, and assigning cases, is the county commission's collective work.
const DISPOSERS: Access = Access::Roles(&[Leader, Investigator]);
// Cases: county roles see those they are not excluded from, township secretaries those assigned
// to them (checked per case); auditors read.
const CASE_READERS: Access = Access::Roles(&[Leader, Investigator, TownshipSecretary, Auditor]);
const CASE_HANDLERS: Access = Access::Roles(&[Leader, Investigator, TownshipSecretary]);
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
    ("GET", "/work/clues", CLUE_READERS),
    ("POST", "/work/clues/assign", CLUE_ASSIGNERS),
    ("GET", "/work/clues/{fingerprint}", CLUE_READERS),
    ("POST", "/work/clues/{fingerprint}/review", CLUE_REVIEWERS),
    ("GET", "/work/access-log", ADMINS),
    ("GET", "/work/data", DATA_READERS),
    ("POST", "/work/data/upload", ADMINS),
    ("POST", "/work/checks/run", CHECK_RUNNERS),
    ("GET", "/work/reports", REPORT_HANDLERS),
    ("GET", "/work/reports/new", REPORT_INTAKE),
    ("POST", "/work/reports/new", REPORT_INTAKE),
    ("GET", "/work/reports/{id}", REPORT_HANDLERS),
    ("GET", "/work/reports/{id}/attachments/{n}", REPORT_HANDLERS),
    ("POST", "/work/reports/{id}/accept", REPORT_HANDLERS),
    ("POST", "/work/reports/{id}/extend", REPORT_HANDLERS),
    ("POST", "/work/reports/{id}/conclude", REPORT_HANDLERS),
    (
        "POST",
        "/work/reports/{id}/reviews/{review}",
        REPORT_HANDLERS,
    ),
    ("POST", "/work/reports/{id}/identity", REPORT_HANDLERS),
    ("POST", "/work/reports/{id}/identity/{request}", SENIORS),
    ("GET", "/work/audit", AUDIT_READERS),
    ("GET", "/work/statistics", STATISTICS_READERS),
    ("GET", "/work/statistics.xlsx", STATISTICS_READERS),
    ("GET", "/work/dispose", DISPOSERS),
    ("POST", "/work/dispose", DISPOSERS),
    ("GET", "/work/cases", CASE_READERS),
    ("GET", "/work/cases/{id}", CASE_READERS),
    ("POST", "/work/cases/{id}/move", CASE_HANDLERS),
    ("POST", "/work/cases/{id}/checklist", CASE_HANDLERS),
    ("POST", "/work/cases/{id}/assign", DISPOSERS),
    ("POST", "/work/cases/{id}/discussions", CASE_HANDLERS),
    ("POST", "/work/cases/{id}/sanctions", CASE_HANDLERS),
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
    fn roles_round_trip_through_their_codes() {
        for r in ALL_ROLES {
            assert_eq!(Role::parse(r.code()), Some(*r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn a_jurisdiction_must_be_of_the_role_level() {
        let county = "410522000000";
        let township = "410522100000";
        let village = "410522100201";
        assert_eq!(Role::Admin.scope(county), Ok(Scope::County));
        assert!(Role::Admin.scope(township).is_err());
        assert_eq!(
            Role::TownshipSecretary.scope(township),
            Ok(Scope::Township(township.into()))
        );
        assert!(Role::TownshipSecretary.scope(village).is_err());
        assert_eq!(
            Role::VillageSupervisor.scope(village),
            Ok(Scope::Village(village.into()))
        );
        assert!(Role::VillageSupervisor.scope("12345").is_err());
    }

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
