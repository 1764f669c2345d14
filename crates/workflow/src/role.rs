//! The roles of the officials' workspace, their jurisdictions, and which roles take part in
//! which step of the procedure. The web's route table grants routes from these same lists; what a
//! role is (its code, labels and jurisdiction) is the domain's.

use qingfeng_domain::power::Post;
pub use qingfeng_domain::role::{Role, ALL_ROLES};

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
/// See how many reports for the level above wait to be handed upward (and the nearest due
/// date): the leader answers for the hand-over, the administrator keeps the queue moving.
pub const UPWARD_WATCHERS: &[Role] = &[Leader, Admin];
/// Open a matter (a use of a power of the list) in their village.
pub const MATTER_OPENERS: &[Role] = &[VillageOfficial];
/// Answer a villager's objection to a step within its days: the village's officials.
pub const OBJECTION_ANSWERERS: &[Role] = &[VillageOfficial];
/// Answer an objection the village left unanswered past its days: the township's officials and
/// its discipline secretary.
pub const ESCALATION_ANSWERERS: &[Role] = &[TownshipOfficial, TownshipSecretary];
/// Do some step of a matter ([`acts_for`] says which).
pub const MATTER_ACTORS: &[Role] = &[
    VillageOfficial,
    VillageCashier,
    VillageSupervisor,
    TownshipBookkeeper,
    TownshipOfficial,
];
/// Object to a step in the supervision committee's name (in the workspace; villagers object on
/// the portal, anonymously).
pub const COMMITTEE_OBJECTORS: &[Role] = &[VillageSupervisor];
/// Read what the supervision committee handed to the township discipline secretary: the
/// secretary, the county's commission, the auditors and the committee itself — not the village's
/// or the township's officials whose work it may question.
pub const REFERRAL_READERS: &[Role] = &[
    TownshipSecretary,
    Leader,
    Investigator,
    Auditor,
    VillageSupervisor,
];
/// Refuse a step with a reason: those who sign (the supervision committee) and pay (the
/// township agency's bookkeeper) check the work of others.
pub const MATTER_REFUSERS: &[Role] = &[VillageSupervisor, TownshipBookkeeper];
/// See the matters of the villages in their jurisdiction: those who act in them, and those who
/// supervise (the higher commission's reviewer has no part in a county's village matters).
pub const MATTER_READERS: &[Role] = &[
    Leader,
    Admin,
    Investigator,
    TownshipSecretary,
    TownshipBookkeeper,
    VillageSupervisor,
    Auditor,
    VillageOfficial,
    VillageCashier,
    TownshipOfficial,
];

/// The accounts that do a step of `post`: the village's posts by its officials (who also record
/// what an applicant hands in and what a meeting resolved), the cashier's by the cashier, the
/// supervision committee's by its members; the township agency's by the township's bookkeeper,
/// the government's and the trading platform's by the township's officials.
pub fn acts_for(post: Post) -> &'static [Role] {
    match post {
        Post::Applicant
        | Post::Handler
        | Post::PartyBranch
        | Post::JointCommittees
        | Post::PartyMembersMeeting
        | Post::VillagersMeeting
        | Post::VillageCommittee
        | Post::VillageHead => &[VillageOfficial],
        Post::VillageCashier => &[VillageCashier],
        Post::SupervisionCommittee => &[VillageSupervisor],
        Post::TownshipAgency => &[TownshipBookkeeper],
        Post::TownshipTrading | Post::TownshipGovernment => &[TownshipOfficial],
    }
}

/// See clues at all (in their jurisdiction, less what the conflict-of-interest policy keeps
/// from them): the county's and township's supervisors and the village supervision committee.
/// The officials who use the village's powers are the supervised, and see none.
pub const CLUE_SEERS: &[Role] = &[
    Leader,
    Admin,
    Investigator,
    TownshipSecretary,
    TownshipBookkeeper,
    VillageSupervisor,
    Auditor,
    Reviewer,
];
/// Roles that see every case of the county they are not excluded from (the others see only
/// the cases assigned to them).
pub const COUNTY_CASE_READERS: &[Role] = &[Leader, Investigator, Auditor];
