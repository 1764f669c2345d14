//! Who is acting: an official's account as the procedure needs it.

use crate::Role;
use qingfeng_store::{Scope, User};

/// A signed-in official: account, role, the part of the county their jurisdiction covers, and
/// the person their account is linked to (for the conflict-of-interest policy).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub scope: Scope,
    pub id_number: Option<String>,
}

impl Actor {
    /// The actor of a signed-in account whose scope the caller has derived from its role and
    /// jurisdiction ([`Role::scope`]).
    pub fn of(user: &User, scope: Scope) -> Actor {
        Actor {
            user_id: user.user_id,
            username: user.username.clone(),
            role: user.role,
            scope,
            id_number: user.id_number.clone(),
        }
    }

    /// Whether the actor's role is one of `roles`.
    pub fn is(&self, roles: &[Role]) -> bool {
        roles.contains(&self.role)
    }
}
