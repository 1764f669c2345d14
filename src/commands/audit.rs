//! `qingfeng audit`: walks the audit trail's and the access log's hash chains, checks each row's
//! MAC under the server's audit key, and prints the trail's head, so that the head can be written
//! down outside the system. `--head HASH` checks that a head written down earlier is still in the
//! trail: removing or rewriting the newest rows passes the chain check, not this one.

use anyhow::Result;
use qingfeng_store::AuditCheck;
use std::process::ExitCode;

fn say(name: &str, check: &AuditCheck) -> bool {
    let legacy = if check.legacy_rows > 0 {
        format!(
            " ({} rows from before the key, without MAC / 密钥启用前 {} 条无 MAC)",
            check.legacy_rows, check.legacy_rows
        )
    } else {
        String::new()
    };
    match &check.broken {
        None => {
            println!(
                "{name}完整 / intact: {} rows, head {}{legacy}",
                check.rows, check.head
            );
            true
        }
        Some((seq, problem)) => {
            eprintln!(
                "{name}被改动 / broken at row {seq}: {problem} ({} rows)",
                check.rows
            );
            false
        }
    }
}

pub async fn verify(database: &str, head: Option<&str>) -> Result<ExitCode> {
    let (store, _keys) = super::open_store(database).await?;
    let checked = async {
        let trail = store.verify_audit().await?;
        let access = store.verify_access_log().await?;
        let found = match head {
            Some(h) => Some(store.audit_head_found(h).await?),
            None => None,
        };
        anyhow::Ok((trail, access, found))
    }
    .await;
    store.close().await;
    let (trail, access, found) = checked?;
    let mut ok = say("审计记录 / audit trail ", &trail);
    ok &= say("访问日志 / access log ", &access);
    match (head, found) {
        (Some(h), Some(Some(seq))) => println!(
            "记下的链头仍在第 {seq} 条 / the head written down is row {seq} of the trail: {h}"
        ),
        (Some(h), Some(None)) => {
            eprintln!(
                "记下的链头已不在审计记录中: 其后或其前的记录被删除或改写 / the head written down is not in the trail: rows were removed or rewritten: {h}"
            );
            ok = false;
        }
        _ => {}
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
