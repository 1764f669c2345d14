//! Who works in the officials' workspace: the roles, the level of division each is bound to, and
//! the part of the county an account of a role sees ([`Scope`]). Which role takes part in which
//! step of the procedure is the workflow's concern; what a role *is* belongs to every layer (the
//! store reads it, the web grants routes by it, the CLI opens accounts with it).

use crate::division::{DivisionCode, DivisionLevel};

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
    /// 村干部: one village; uses the village's powers (opens matters, records their steps). The
    /// supervised, not a supervisor: sees no clue, report or case.
    VillageOfficial,
    /// 村报账员: one village; the cashier's steps of the village's matters.
    VillageCashier,
    /// 乡镇工作人员: one township; the township government's and trading platform's steps of its
    /// villages' matters. Sees no clue, report or case.
    TownshipOfficial,
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
    Role::VillageOfficial,
    Role::VillageCashier,
    Role::TownshipOfficial,
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
            Role::VillageOfficial => "village_official",
            Role::VillageCashier => "village_cashier",
            Role::TownshipOfficial => "township_official",
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
            Role::VillageOfficial => "村干部",
            Role::VillageCashier => "村报账员",
            Role::TownshipOfficial => "乡镇工作人员",
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
            Role::VillageOfficial => "Village official",
            Role::VillageCashier => "Village cashier",
            Role::TownshipOfficial => "Township official",
        }
    }

    /// The level of division a jurisdiction of this role is.
    pub fn level(self) -> DivisionLevel {
        match self {
            Role::Leader | Role::Admin | Role::Investigator | Role::Auditor | Role::Reviewer => {
                DivisionLevel::County
            }
            Role::TownshipSecretary | Role::TownshipBookkeeper | Role::TownshipOfficial => {
                DivisionLevel::Township
            }
            Role::VillageSupervisor | Role::VillageOfficial | Role::VillageCashier => {
                DivisionLevel::Village
            }
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

/// The part of the county an official may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    County,
    /// A 12-digit township code: its villages' records, and clues handed to it.
    Township(String),
    /// A 12-digit village code.
    Village(String),
}

impl Scope {
    /// Whether a record of `village_code` (and, for clues, handed to `assigned_township`) is in
    /// scope. The same test as store's SQL condition, for records already in hand.
    pub fn covers(&self, village_code: Option<&str>, assigned_township: Option<&str>) -> bool {
        match self {
            Scope::County => true,
            Scope::Township(t) => {
                village_code.is_some_and(|v| v.get(..9) == t.get(..9))
                    || assigned_township == Some(t.as_str())
            }
            Scope::Village(v) => village_code == Some(v.as_str()),
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
    fn a_township_scope_covers_its_villages_and_what_is_handed_to_it() {
        let t = Scope::Township("410522100000".into());
        assert!(t.covers(Some("410522100201"), None));
        assert!(!t.covers(Some("410522101201"), None));
        assert!(t.covers(Some("410522101201"), Some("410522100000")));
        assert!(!Scope::Village("410522100201".into()).covers(Some("410522100202"), None));
        assert!(Scope::County.covers(None, None));
    }
}
