//! 保护举报人: who reported stays sealed. An official who needs to know asks, with a reason; a
//! senior official other than the asker decides; only an approved request gives the asker the
//! identity key.
//!
//! The rules:
//! - only an official holding the report's key asks, and only with a reason; the reason is
//!   sealed to the report's key like the report (why someone wants to know who reported often
//!   says what was reported); one open request per official and report;
//! - only a senior ([`IDENTITY_APPROVERS`]) decides, never on their own request, and only while
//!   holding the identity key: their copy opens only together with the server's approval key,
//!   used here and nowhere else, so no senior opens an identity alone, even with the database;
//! - a request is decided once.

use crate::outcome::require;
use crate::role::{IDENTITY_APPROVERS, REPORT_KEY_HOLDERS};
use crate::{Actor, Outcome};
use anyhow::Result;
use qingfeng_store::reports::WrappedKey;
use qingfeng_store::Store;
use qingfeng_vault::KeyPair;

/// Identity requests over one store and the server's approval key.
pub struct IdentityDesk<'a> {
    pub store: &'a Store,
    pub approval_key: &'a KeyPair,
}

impl IdentityDesk<'_> {
    /// Asks to know who filed `report_id`; `own` is the asker's key of this session. Returns
    /// the request's id.
    pub async fn ask(
        &self,
        actor: &Actor,
        report_id: i64,
        reason: &str,
        own: &KeyPair,
    ) -> Result<Outcome<i64>> {
        let Some(envelope) = self.store.report_for(actor.user_id, report_id).await? else {
            return Ok(Outcome::NotFound);
        };
        let reason = reason.trim();
        require!(
            !reason.is_empty(),
            "请写明理由",
            "a request states its reason",
        );
        if self
            .store
            .identity_requests(report_id)
            .await?
            .iter()
            .any(|q| q.requested_by == actor.user_id && q.decided_at.is_none())
        {
            return Ok(Outcome::already_done(
                "您对本举报已有待批的申请",
                "you have a request on this report waiting already",
            ));
        }
        let report_key = KeyPair::unwrap(&envelope.content_key, own)?;
        let sealed = report_key.seal(reason.as_bytes())?;
        let id = self
            .store
            .request_identity(report_id, actor.user_id, &actor.username, &sealed)
            .await?;
        Ok(Outcome::Changed(id))
    }

    /// Decides request `request_id` on `report_id`; approving wraps the identity key, which
    /// only the approver's own key opens together with the server's approval key, to the
    /// requester.
    pub async fn decide(
        &self,
        actor: &Actor,
        report_id: i64,
        request_id: i64,
        approve: bool,
        own: &KeyPair,
    ) -> Result<Outcome> {
        let Some(envelope) = self.store.report_for(actor.user_id, report_id).await? else {
            return Ok(Outcome::NotFound);
        };
        let Some(request) = self
            .store
            .identity_requests(report_id)
            .await?
            .into_iter()
            .find(|q| q.request_id == request_id)
        else {
            return Ok(Outcome::NotFound);
        };
        if request.decided_at.is_some() {
            return Ok(Outcome::already_done(
                "该申请已经决定",
                "this request has been decided already",
            ));
        }
        require!(
            actor.is(IDENTITY_APPROVERS),
            "只有县纪委监委主要负责人可以批准",
            "only a senior official decides",
        );
        require!(
            request.requested_by != actor.user_id,
            "不能批准自己的申请",
            "you cannot decide your own request",
        );
        require!(
            envelope.reporter_escrow.is_some() || envelope.reporter_key.is_some(),
            "您没有本举报的身份密钥, 不能批准",
            "you do not hold this report's identity key and cannot approve",
        );
        let key = if approve {
            // A report filed before issue 12 has plain copies; later ones open only with the
            // server's approval key as well.
            let identity_key = match (&envelope.reporter_escrow, &envelope.reporter_key) {
                (Some(escrow), _) => KeyPair::unwrap_behind(escrow, own, self.approval_key)?,
                (None, Some(plain)) => KeyPair::unwrap(plain, own)?,
                (None, None) => unreachable!("required above"),
            };
            let Some(public) = self
                .store
                .candidates(REPORT_KEY_HOLDERS)
                .await?
                .into_iter()
                .find(|c| c.user_id == request.requested_by)
                .and_then(|c| c.public_key)
            else {
                return Ok(Outcome::refused(
                    "申请人没有可用的密钥(账户已停用或未登录过)",
                    "the requester has no usable key (account disabled or never signed in)",
                ));
            };
            Some(WrappedKey {
                user_id: request.requested_by,
                purpose: "reporter",
                wrapped: identity_key.wrap_for(&public)?,
            })
        } else {
            None
        };
        let decided = self
            .store
            .decide_identity_request(request_id, actor.user_id, &actor.username, key.as_ref())
            .await?;
        Ok(if decided {
            Outcome::Changed(())
        } else {
            Outcome::already_done(
                "该申请刚被他人决定",
                "someone decided this request meanwhile",
            )
        })
    }
}
