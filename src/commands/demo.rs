use anyhow::Result;
use qingfeng_domain::Money;
use qingfeng_ingest::Status;
use qingfeng_store::Store;
use qingfeng_workflow::accounts::{generate_password, AccountDesk, NewAccount};
use qingfeng_workflow::Role;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// How many clues the demo prints (the biggest amounts at risk).
const TOP_CLUES: usize = 10;

/// The main job on the embedded default: make a county, import it, check it, show the clues
/// and scores, then serve the portal over it (unless `serve` is false).
pub async fn run(database: &str, out: &Path, serve: Option<&str>) -> Result<ExitCode> {
    let opts = qingfeng_synth::Options {
        out: out.to_path_buf(),
        ..Default::default()
    };
    let started = Instant::now();
    let summary = qingfeng_synth::generate(&opts)?;
    super::generate::print_summary(&summary, out, started.elapsed().as_secs_f64());
    println!();
    let (store, keys) = super::open_store(database).await?;
    let outcome = super::import::import_into(&store, database, out, Path::new(out)).await?;
    if outcome.status == Status::Rejected {
        store.close().await;
        anyhow::bail!("the generated county was rejected by the importer; see the report above");
    }
    println!();
    println!("数据库内容 / in the database:");
    for t in qingfeng_domain::contract::TABLES {
        println!(
            "  {:<22} {:<16} {:>10}",
            t.name,
            t.zh,
            store.count_rows(t.name).await?
        );
    }
    println!();
    let args = super::check::Args::default();
    let failed = super::check::run_on(&store, database, &args, 5).await?;
    println!();
    print_top_clues(&store).await?;
    if failed {
        store.close().await;
        return Ok(ExitCode::from(1));
    }
    println!();
    demo_logins(&store).await?;
    match serve {
        Some(listen) => {
            println!();
            // The demo is this machine's own: on a loopback address it is plain HTTP.
            let loopback = listen
                .parse::<std::net::SocketAddr>()
                .is_ok_and(|a| a.ip().is_loopback());
            let opts = qingfeng_web::Options {
                keys: Some(keys),
                plain_http: loopback,
                ..Default::default()
            };
            super::serve::serve_store(store, database, listen, opts).await?;
        }
        None => store.close().await,
    }
    Ok(ExitCode::SUCCESS)
}

/// One account per role of the workspace over the demo county, with fresh random passwords
/// (printed once; an account left from an earlier demo gets a new password).
async fn demo_logins(store: &Store) -> Result<()> {
    let divisions = store.divisions().await?;
    let of_level = |level: &str| {
        divisions
            .iter()
            .filter(|d| d.level == level)
            .map(|d| d.code.clone())
            .collect::<Vec<_>>()
    };
    let (counties, townships, villages) = (
        of_level("county"),
        of_level("township"),
        of_level("village"),
    );
    let (Some(county), Some(township)) = (counties.first(), townships.first()) else {
        anyhow::bail!("the demo county has no county or township division");
    };
    let other_township = townships.get(1).unwrap_or(township);
    let village = villages
        .iter()
        .find(|v| v.get(..9) == township.get(..9))
        .unwrap_or(township);
    let accounts = [
        ("leader", Role::Leader, county, "分管领导 Leader"),
        ("admin", Role::Admin, county, "管理员 Admin"),
        (
            "investigator",
            Role::Investigator,
            county,
            "调查员 Investigator",
        ),
        (
            "secretary1",
            Role::TownshipSecretary,
            township,
            "乡镇纪委书记一 Secretary 1",
        ),
        (
            "secretary2",
            Role::TownshipSecretary,
            other_township,
            "乡镇纪委书记二 Secretary 2",
        ),
        (
            "bookkeeper1",
            Role::TownshipBookkeeper,
            township,
            "乡镇会计 Bookkeeper",
        ),
        (
            "supervisor1",
            Role::VillageSupervisor,
            village,
            "村务监督委员 Supervisor",
        ),
        ("auditor", Role::Auditor, county, "审计 Auditor"),
        (
            "cun1",
            Role::VillageOfficial,
            village,
            "村干部 Village official",
        ),
        (
            "cashier1",
            Role::VillageCashier,
            village,
            "村报账员 Cashier",
        ),
        (
            "xiang1",
            Role::TownshipOfficial,
            township,
            "乡镇工作人员 Township official",
        ),
    ];
    println!("演示账户 / demo logins (密码只显示一次 / passwords shown once):");
    for (username, role, jurisdiction, display_name) in accounts {
        let password = generate_password();
        // A demo run again: the same accounts, with new passwords.
        let desk = AccountDesk { store, by: "demo" };
        // The supervision committee acts only through an account linked to a person: a
        // villager of its village with no tie to an official.
        let id_number = if role == Role::VillageSupervisor {
            store
                .villagers_without_ties(jurisdiction, 1)
                .await?
                .into_iter()
                .next()
        } else {
            None
        };
        let outcome = if store.user_by_name(username).await?.is_some() {
            desk.reset_password(username, &password).await?
        } else {
            desk.open(&NewAccount {
                username,
                display_name: Some(display_name),
                role,
                jurisdiction,
                id_number: id_number.as_deref(),
                password: &password,
            })
            .await?
            .map(|_| ())
        };
        if let Some(refusal) = outcome.refusal() {
            anyhow::bail!("demo account {username}: {refusal}");
        }
        println!(
            "  {username:<13} {password}  {} / {} {jurisdiction}",
            role.label_zh(),
            role.label_en()
        );
    }
    Ok(())
}

async fn print_top_clues(store: &Store) -> Result<()> {
    let mut clues = store.clues(false).await?;
    clues.sort_by(|a, b| {
        b.clue
            .amount_at_risk_fen
            .cmp(&a.clue.amount_at_risk_fen)
            .then_with(|| a.clue.fingerprint.cmp(&b.clue.fingerprint))
    });
    println!(
        "金额最大的线索 / top clues by amount at risk ({} of {}):",
        TOP_CLUES.min(clues.len()),
        clues.len()
    );
    for c in clues.iter().take(TOP_CLUES) {
        println!(
            "  [{}] {} {} yuan",
            c.clue.severity.as_str(),
            c.clue.rule_id,
            Money::from_fen(c.clue.amount_at_risk_fen)
        );
        println!("      {}", c.clue.explanation_zh);
        println!("      {}", c.clue.explanation_en);
    }
    Ok(())
}
