//! The roles of the officials' workspace, their jurisdictions, and which roles take part in
//! which step of the procedure. The web's route table grants routes from these same lists.

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
    /// 上级纪委监委复查复核人员: the higher commission's account for the county it supervises;
    /// decides reviews (复查) and second reviews (复核) of the county's replies, and sees only the
    /// reports under review.
    Reviewer,
}

pub const ALL_ROLES: &[Role] = &[
    Role::Leader,
    Role::Admin,
    Role::Investigator,
    Role::TownshipSecretary,
    Role::TownshipBookkeeper,
    Role::VillageSupervisor,
    Role::Auditor,
    Role::Reviewer,
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
            Role::Reviewer => "reviewer",
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
            Role::Reviewer => "上级纪委监委复查复核人员",
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
            Role::Reviewer => "Higher commission reviewer",
        }
    }

    /// The level of division a jurisdiction of this role is.
    pub fn level(self) -> DivisionLevel {
        match self {
            Role::Leader | Role::Admin | Role::Investigator | Role::Auditor | Role::Reviewer => {
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

use Role::*;

/// Decide on a clue alone (confirm, correct) and take part in the collective decision that
/// dismisses or closes one.
pub const CLUE_REVIEWERS: &[Role] = &[Leader, Admin, Investigator, TownshipSecretary];
/// Hand clues to a township (交办).
pub const CLUE_ASSIGNERS: &[Role] = &[Leader, Admin, Investigator];
/// Answer a hand-over for their township.
pub const HAND_OVER_ANSWERERS: &[Role] = &[TownshipSecretary];
/// Receive a copy of a report's key when it comes in (unless excluded). Township and village
/// roles get one only when a case is assigned to them (交叉办案); auditors and administrators
/// never.
pub const REPORT_KEY_HOLDERS: &[Role] = &[Leader, Investigator];
/// Decide a reporter's review (复查) and second review (复核): the body one level up, never the
/// county that replied (《信访工作条例》 art. 35). They receive a copy of each report's key for
/// that purpose at filing, unless excluded, and see a report only once a review is asked for.
pub const REVIEWERS: &[Role] = &[Reviewer];
/// Approve opening a reporter's identity (and so hold that key, behind the server's approval
/// key).
pub const IDENTITY_APPROVERS: &[Role] = &[Leader];
/// Dispose of a clue or report (the four ways, or filing a case) and assign cases: the county
/// commission's collective work.
pub const DISPOSERS: &[Role] = &[Leader, Investigator];
/// Read cases: county roles those they are not excluded from, township secretaries those
/// assigned to them (checked per case); auditors read.
pub const CASE_READERS: &[Role] = &[Leader, Investigator, TownshipSecretary, Auditor];
/// Work a case they may see: move its stages, record its discussions, sanctions and remedies.
pub const CASE_HANDLERS: &[Role] = &[Leader, Investigator, TownshipSecretary];
/// Roles that see every case of the county they are not excluded from (the others see only
/// the cases assigned to them).
pub const COUNTY_CASE_READERS: &[Role] = &[Leader, Investigator, Auditor];

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
}
