//! The `qingfeng` binary as a user runs it: real processes, real files, both databases.

use qingfeng_test_support::{fixture, write_test_keys, Backend, TestDb, BACKENDS};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn qingfeng() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qingfeng"))
}

/// A programs file and a payments file large enough that importing it takes seconds.
fn write_large_payments(dir: &Path, rows: usize) {
    std::fs::copy(
        fixture("good").join("programs.csv"),
        dir.join("programs.csv"),
    )
    .unwrap();
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("payments.csv")).unwrap());
    writeln!(w, "payment_id,program_code,period,beneficiary_id_number,beneficiary_name,account_number,account_holder_id_number,account_holder_name,amount,paid_on").unwrap();
    for i in 0..rows {
        writeln!(
            w,
            "K{i:08},GAOLING,2024-{:02},500233194009091629,王桂兰,62170000{i:08},500233194009091629,王桂兰,100.00,2024-{:02}-15",
            i % 12 + 1,
            i % 12 + 1
        )
        .unwrap();
    }
}

/// Waits until the import process is visibly writing inside its transaction.
async fn wait_until_loading(db: &TestDb, backend: Backend, deadline: Instant) -> bool {
    while Instant::now() < deadline {
        let loading = match backend {
            // Uncommitted pages go to the write-ahead log.
            Backend::Sqlite => std::fs::metadata(format!("{}-wal", db.url))
                .map(|m| m.len() > 8 << 20)
                .unwrap_or(false),
            Backend::Postgres => {
                let n: i64 = qingfeng_store::on_pool!(&db.store, pool => sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY payments%'"
                ).fetch_one(pool).await).unwrap();
                n > 0
            }
        };
        if loading {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn killing_an_import_midway_leaves_the_database_as_it_was() {
    let big = tempfile::tempdir().unwrap();
    write_large_payments(big.path(), 1_500_000);
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let out = qingfeng()
            .args(["import", "--database", &db.url])
            .arg(fixture("good"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let before = db.snapshot().await;

        let reports = tempfile::tempdir().unwrap();
        let mut child = qingfeng()
            .args(["import", "--database", &db.url, "--report-dir"])
            .arg(reports.path())
            .arg(big.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let loading =
            wait_until_loading(&db, backend, Instant::now() + Duration::from_secs(120)).await;
        let still_running = child.try_wait().unwrap().is_none();
        child.kill().unwrap(); // SIGKILL: no destructor, no rollback by the process itself
        child.wait().unwrap();
        assert!(loading && still_running, "{backend:?}: the import was not caught mid-way (loading {loading}, running {still_running})");

        // A fresh connection sees exactly the state before the killed import.
        let reopened = qingfeng_store::Store::open(&db.url).await.unwrap();
        let mut after = Vec::new();
        for (table, _) in &before {
            after.push((table.clone(), reopened.count_rows(table).await.unwrap()));
        }
        assert_eq!(after, before, "{backend:?}: the killed import left a trace");
        reopened.close().await;

        // And the database still takes imports.
        let out = qingfeng()
            .args(["import", "--database", &db.url])
            .arg(fixture("good"))
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("unchanged"));
        db.drop_db().await;
    }
}

#[test]
fn a_rejected_import_exits_with_code_2_and_names_its_report() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("good")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    let deaths = dir.path().join("deaths.csv");
    let text = std::fs::read_to_string(&deaths)
        .unwrap()
        .replace("500233194009091629", "500233194009091620");
    std::fs::write(&deaths, text).unwrap();
    std::fs::write(dir.path().join("payment.csv"), "misnamed file\n").unwrap();
    let db = dir.path().join("q.sqlite");
    let out = qingfeng()
        .args(["import", "--database"])
        .arg(&db)
        .arg("--report-dir")
        .arg(dir.path())
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("REJECTED"), "{stdout}");
    assert!(stdout.contains("deaths.csv:2 [id_number]"), "{stdout}");
    assert!(stdout.contains("import-report.csv"), "{stdout}");
    let report = std::fs::read_to_string(dir.path().join("import-report.csv")).unwrap();
    assert!(
        report.contains("payment.csv") && report.contains("file_ignored"),
        "{report}"
    );
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn check_finds_the_planted_anomalies_and_keeps_clues_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let county = dir.path().join("county");
    let db = dir.path().join("q.sqlite");
    let db = db.to_str().unwrap();
    run_ok(
        qingfeng()
            .args([
                "generate",
                "--villages",
                "6",
                "--persons-per-village",
                "80",
                "--months",
                "12",
                "--seed",
                "3",
                "--out",
            ])
            .arg(&county),
    );
    run_ok(
        qingfeng()
            .args(["import", "--database", db, "--report-dir"])
            .arg(dir.path())
            .arg(&county),
    );

    let first = run_ok(qingfeng().args(["check", "--database", db]));
    assert!(
        first.contains("SUB-DECEASED") && first.contains("village risk"),
        "{first}"
    );
    let eval = run_ok(
        qingfeng()
            .args(["eval", "--database", db, "--truth"])
            .arg(county.join("truth.csv")),
    );
    assert!(
        eval.contains("every rule: recall ≥ 0.98 and precision ≥ 0.95"),
        "{eval}"
    );

    // A second check finds the same clues again: nothing new, nothing resolved.
    let second = run_ok(qingfeng().args(["check", "--database", db]));
    assert!(
        second.contains("new 0,") && second.contains("resolved by data 0"),
        "{second}"
    );
    assert!(second.contains("from snapshot"), "{second}");

    let csv = run_ok(qingfeng().args(["clues", "export", "--database", db, "--format", "csv"]));
    let header = csv.lines().next().unwrap();
    assert_eq!(header, "rule_id,severity,village_code,subject_id,record_type,record_ids,amount_at_risk_fen,explanation_zh,explanation_en,fingerprint");
    let fingerprint = csv
        .lines()
        .nth(1)
        .unwrap()
        .rsplit(',')
        .next()
        .unwrap()
        .to_string();

    // One person cannot dismiss a clue from the command line (dismissal is decided
    // collectively, in the workspace); confirming is recorded, under the operator's account,
    // and counted.
    let refused = qingfeng()
        .args([
            "clues",
            "review",
            &fingerprint,
            "dismissed",
            "--database",
            db,
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    run_ok(qingfeng().args([
        "clues",
        "review",
        &fingerprint,
        "confirmed",
        "--database",
        db,
    ]));
    let stats = run_ok(qingfeng().args(["rules", "stats", "--database", db]));
    assert!(
        stats
            .lines()
            .any(|l| l.split_whitespace().nth(3) == Some("1")),
        "{stats}"
    );

    // Only some rules: the others' clues are left alone.
    let only = run_ok(qingfeng().args(["check", "--database", db, "--only", "SUB-DECEASED"]));
    assert!(only.contains("resolved by data 0"), "{only}");
}

#[test]
fn bad_rules_and_bad_settings_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.sqlite");
    let db = db.to_str().unwrap();
    run_ok(
        qingfeng()
            .args(["import", "--database", db, "--report-dir"])
            .arg(dir.path())
            .arg(fixture("good")),
    );
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("X-BROKEN.sql"),
        "-- id: X-BROKEN\n-- title.zh: 坏\n-- title.en: Broken\n-- severity: low\n-- record: payment\n-- inputs: payments\n\
         -- basis: none\n-- amount: none\n-- explain.zh: x\n-- explain.en: x\nSELECT payment_id AS record_ids FROM paymentz\n",
    )
    .unwrap();
    let out = qingfeng()
        .args(["check", "--database", db, "--rules"])
        .arg(&rules)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("X-BROKEN") && stderr.contains("paymentz"),
        "{stderr}"
    );

    let config = dir.path().join("q.toml");
    std::fs::write(&config, "[rules.FUN-SPLIT]\nwindow_dayz = 30\n").unwrap();
    let out = qingfeng()
        .args(["check", "--database", db, "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("no parameter `window_dayz`"), "{stderr}");

    // With only some registers, rules without their inputs say so instead of reporting nothing.
    let partial = dir.path().join("partial");
    std::fs::create_dir(&partial).unwrap();
    for f in ["programs.csv", "payments.csv"] {
        std::fs::copy(fixture("good").join(f), partial.join(f)).unwrap();
    }
    let db2 = dir.path().join("partial.sqlite");
    let db2 = db2.to_str().unwrap();
    run_ok(
        qingfeng()
            .args(["import", "--database", db2, "--report-dir"])
            .arg(dir.path())
            .arg(&partial),
    );
    let out = run_ok(qingfeng().args(["check", "--database", db2]));
    let deceased = out.lines().find(|l| l.contains("SUB-DECEASED")).unwrap();
    assert!(deceased.contains("not computable (empty: deaths)"), "{out}");
}

#[test]
fn demo_generates_imports_checks_and_prints_the_top_clues() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let out = run_ok(
        qingfeng()
            .args(["demo", "--no-serve", "--database"])
            .arg(&db)
            .arg("--out")
            .arg(dir.path().join("county")),
    );
    assert!(out.contains("已导入"), "{out}");
    assert!(out.contains("rules ran in"), "the check ran: {out}");
    assert!(
        out.contains("村风险 / village risk"),
        "village scores: {out}"
    );
    let top = out
        .split("top clues by amount at risk")
        .nth(1)
        .expect("top clues printed");
    // Each clue is printed with its rule and both explanations.
    assert!(
        top.lines().filter(|l| l.contains("yuan")).count() >= 5,
        "{top}"
    );
    // One demo login per role, with a password, and the accounts exist.
    let logins = out
        .split("demo logins")
        .nth(1)
        .expect("demo logins printed");
    for user in [
        "leader",
        "admin",
        "investigator",
        "secretary1",
        "secretary2",
        "bookkeeper1",
        "supervisor1",
        "auditor",
        "cun1",
        "cashier1",
        "xiang1",
    ] {
        let line = logins
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{user} ")))
            .unwrap_or_else(|| panic!("no login for {user}: {logins}"));
        assert_eq!(
            line.split_whitespace().nth(1).map(str::len),
            Some(16),
            "{line}"
        );
    }
    let list = run_ok(qingfeng().args(["user", "list", "--database"]).arg(&db));
    assert_eq!(list.lines().count(), 11, "{list}");
    // The audit trail's check runs from the command line and finds the chain whole.
    let audit = run_ok(qingfeng().args(["audit", "--database"]).arg(&db));
    assert!(audit.contains("intact"), "{audit}");
}

#[test]
fn user_accounts_are_made_disabled_and_reset_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("users.sqlite");
    run_ok(
        qingfeng()
            .arg("import")
            .arg(fixture("good"))
            .arg("--database")
            .arg(&db)
            .arg("--report-dir")
            .arg(dir.path()),
    );
    let user = |args: &[&str]| {
        qingfeng()
            .arg("user")
            .args(args)
            .arg("--database")
            .arg(&db)
            .output()
            .unwrap()
    };
    // A generated password is printed once; the account is listed.
    let out = user(&[
        "add",
        "li",
        "--role",
        "township_secretary",
        "--jurisdiction",
        "500233101000",
        "--display-name",
        "李书记",
    ]);
    assert!(out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        printed.contains("initial password (shown once): "),
        "{printed}"
    );
    // Wrong level of division, unknown role, duplicate name, short password: refused, with why.
    for (args, why) in [
        (
            vec![
                "add",
                "x",
                "--role",
                "township_secretary",
                "--jurisdiction",
                "500233101001",
            ],
            "township",
        ),
        (
            vec![
                "add",
                "x",
                "--role",
                "root",
                "--jurisdiction",
                "500233000000",
            ],
            "unknown role",
        ),
        (
            vec![
                "add",
                "li",
                "--role",
                "auditor",
                "--jurisdiction",
                "500233000000",
            ],
            "already exists",
        ),
        (
            vec![
                "add",
                "zhou",
                "--role",
                "investigator",
                "--jurisdiction",
                "500233000000",
                "--id-number",
                "500233197001021516",
            ],
            "500233197001021516",
        ),
    ] {
        let out = user(&args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(why),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut child = qingfeng()
        .args([
            "user",
            "add",
            "wang",
            "--role",
            "auditor",
            "--jurisdiction",
            "500233000000",
            "--password-stdin",
            "--database",
        ])
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "short").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));
    let list = String::from_utf8_lossy(&user(&["list"]).stdout).to_string();
    assert!(
        list.contains("li ") && list.contains("李书记") && !list.contains("wang"),
        "{list}"
    );
    // Disable, enable, reset: each says what it did; unknown users are an error.
    assert!(String::from_utf8_lossy(&user(&["disable", "li"]).stdout).contains("disabled"));
    assert!(String::from_utf8_lossy(&user(&["list"]).stdout).contains("[停用 disabled]"));
    assert!(user(&["enable", "li"]).status.success());
    assert!(!String::from_utf8_lossy(&user(&["list"]).stdout).contains("disabled"));
    let reset = String::from_utf8_lossy(&user(&["reset-password", "li"]).stdout).to_string();
    assert!(reset.contains("new password (shown once): "), "{reset}");
    assert!(!user(&["disable", "nobody"]).status.success());
}

/// A GET over a real socket, as a browser would; returns the status line, headers and body.
fn http_get(address: &str, path: &str) -> String {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

const AGENT: &str = "Qingfeng-Test-Agent/9.9";
const FORWARDED: &str = "203.0.113.77";

#[test]
fn serve_answers_over_http_and_logs_nothing_about_visitors() {
    // Also: filing a report through the portal leaves the visitor's address and browser nowhere,
    // neither in the server's output nor in any byte of the database files.
    use std::io::{BufRead, BufReader, Read};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("serve.sqlite");
    // The key file exists already (a server's first start says it made one, on stderr).
    write_test_keys(dir.path());
    run_ok(
        qingfeng()
            .arg("import")
            .arg(fixture("good"))
            .arg("--database")
            .arg(&db)
            .arg("--report-dir")
            .arg(dir.path()),
    );
    let mut server = qingfeng()
        .args(["serve", "--listen", "127.0.0.1:0", "--database"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let address = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_string();
    let home = http_get(&address, "/");
    assert!(home.starts_with("HTTP/1.1 200"), "{home}");
    assert!(home.contains("我的补贴"));
    assert!(home
        .to_ascii_lowercase()
        .contains("content-security-policy: default-src 'none'"));
    let missing = http_get(&address, "/no-such-page?id=500233195203141313");
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    for content in ["anonymous report one", "anonymous report two"] {
        let body = format!(
            "category=subsidy&village=500233101001&content={}",
            content.replace(' ', "+")
        );
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "POST /report HTTP/1.1\r\nHost: {address}\r\nUser-Agent: {AGENT}\r\n\
             X-Forwarded-For: {FORWARDED}\r\nX-Real-IP: {FORWARDED}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.contains("id=\"receipt\""), "{response}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let path = file.unwrap().path();
        if !path.to_string_lossy().contains("serve.sqlite") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for needle in [AGENT, FORWARDED, "127.0.0.1"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} found in {}",
                path.display()
            );
        }
    }
    // After its banner (addresses to open, how to stop) the server wrote nothing at all: no
    // access log, so no visitor's address and no path with an ID number in it.
    let after_banner: Vec<String> = lines
        .map_while(Result::ok)
        .filter(|l| !l.contains("http://") && !l.contains("Ctrl+C"))
        .collect();
    assert!(after_banner.is_empty(), "{after_banner:?}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.is_empty(), "{err}");
}

#[test]
fn reports_for_the_level_above_are_written_sealed_to_its_key_and_marked_sent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upward.sqlite");
    // The report below is stored in this process: the binary must check it with the same key.
    write_test_keys(dir.path());
    run_ok(
        qingfeng()
            .arg("import")
            .arg(fixture("good"))
            .arg("--database")
            .arg(&db)
            .arg("--report-dir")
            .arg(dir.path()),
    );
    // A report about a county leader as the portal stores it: sealed to the higher
    // commission's key alone (the portal's routing is tested with the web application).
    let upper = qingfeng_vault::KeyPair::generate();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = qingfeng_store::Store::open(db.to_str().unwrap())
            .await
            .unwrap();
        let sealed =
            qingfeng_vault::seal_to(&[&upper.recipient()], "县长收受礼金 (up 77)".as_bytes())
                .unwrap();
        let name = qingfeng_vault::seal_to(&[&upper.recipient()], b"photo.jpg").unwrap();
        let body = qingfeng_vault::seal_to(&[&upper.recipient()], b"JPEG bytes").unwrap();
        store
            .file_sealed_report(
                &qingfeng_store::reports::SealedReport {
                    receipt_hash: "test-receipt-hash",
                    filed_at: "2026-11-27T08:00:00Z",
                    received_on: "2026-11-27",
                    channel: "portal",
                    village_code: None,
                    category: "attitude",
                    anonymous: true,
                    sealed_content: &sealed,
                    sealed_reporter: None,
                    recipient: &upper.recipient(),
                    routing: "upward",
                    entered_by: None,
                    matter_hash: None,
                    deadlines: qingfeng_store::reports::ReportDeadlines {
                        upward_due: Some("2026-12-04".into()),
                        ..Default::default()
                    },
                    keys: Vec::new(),
                    attachments: vec![(name, body)],
                    not_accepted: None,
                },
                "portal",
            )
            .await
            .unwrap();
        store.close().await;
    });
    let out = dir.path().join("to-city");
    let printed = run_ok(
        qingfeng()
            .args(["upward", "--by", "secretary-general", "--out"])
            .arg(&out)
            .arg("--database")
            .arg(&db),
    );
    assert!(printed.contains("1 件转送上级"), "{printed}");
    let content = std::fs::read(out.join("report-1.age")).unwrap();
    assert!(String::from_utf8(upper.open(&content).unwrap())
        .unwrap()
        .contains("up 77"));
    let attachment = std::fs::read(out.join("report-1-attachment-1.age")).unwrap();
    assert_eq!(upper.open(&attachment).unwrap(), b"JPEG bytes");
    // Sent once: a second run has nothing left, and the trail records who sent it.
    let again = run_ok(
        qingfeng()
            .args(["upward", "--out"])
            .arg(&out)
            .arg("--database")
            .arg(&db),
    );
    assert!(again.contains("0 件转送上级"), "{again}");
    // Sent: the county's database keeps no more of it than that it went up, and when.
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", db.display()))
            .await
            .unwrap();
        let left: (Option<Vec<u8>>, String, i64) = sqlx::query_as(
            "SELECT sealed_content, status, (SELECT COUNT(*) FROM report_attachments) FROM reports",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(left, (None, "sent_upward".to_string(), 0));
    });
    let audit = run_ok(qingfeng().args(["audit", "--database"]).arg(&db));
    assert!(audit.contains("intact: 2 rows"), "{audit}");
    // The head printed is what an official writes down; later it is checked against the trail.
    let head = audit
        .lines()
        .find(|l| l.contains("audit trail"))
        .and_then(|l| l.split("head ").nth(1))
        .map(|h| h.chars().take(64).collect::<String>())
        .unwrap();
    let checked = run_ok(
        qingfeng()
            .args(["audit", "--head", &head, "--database"])
            .arg(&db),
    );
    assert!(checked.contains("row 2 of the trail"), "{checked}");
    let other = qingfeng()
        .args(["audit", "--head", &"ab".repeat(32), "--database"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!other.status.success());
    assert!(String::from_utf8_lossy(&other.stderr).contains("not in the trail"));
}

/// The same county written clean and as county offices export it (full-width digits, spaces and
/// traditional characters in names, 15-digit IDs, grouped accounts, GBK, CRLF, Chinese headers…)
/// must import to the same registers and score exactly alike: every rule, every clue.
#[tokio::test]
async fn a_dirty_county_scores_exactly_as_the_clean_one() {
    let dir = tempfile::tempdir().unwrap();
    let generate = |name: &str, dirty: &str| {
        let out = dir.path().join(name);
        run_ok(
            qingfeng()
                .args([
                    "generate",
                    "--villages",
                    "5",
                    "--persons-per-village",
                    "80",
                    "--months",
                    "12",
                    "--seed",
                    "5",
                    "--dirty",
                    dirty,
                    "--out",
                ])
                .arg(&out),
        );
        out
    };
    let clean = generate("clean", "0");
    let dirty = generate("dirty", "0.2");
    for file in ["persons.csv", "payments.csv", "entitlements.csv"] {
        assert_ne!(
            std::fs::read(clean.join(file)).unwrap(),
            std::fs::read(dirty.join(file)).unwrap(),
            "no dirt in {file}"
        );
    }
    assert_eq!(
        std::fs::read(clean.join("truth.csv")).unwrap(),
        std::fs::read(dirty.join("truth.csv")).unwrap(),
        "the dirt changed the truth"
    );

    for backend in BACKENDS {
        let mut results = Vec::new();
        for county in [&clean, &dirty] {
            let db = TestDb::new(backend).await;
            let imported = run_ok(
                qingfeng()
                    .args(["import", "--database", &db.url, "--report-dir"])
                    .arg(dir.path())
                    .arg(county),
            );
            run_ok(qingfeng().args(["check", "--database", &db.url]));
            let eval = run_ok(
                qingfeng()
                    .args(["eval", "--database", &db.url, "--truth"])
                    .arg(county.join("truth.csv")),
            );
            let clues = run_ok(qingfeng().args([
                "clues",
                "export",
                "--database",
                &db.url,
                "--format",
                "csv",
            ]));
            results.push((imported, eval, clues));
            db.drop_db().await;
        }
        let (clean_import, clean_eval, clean_clues) = &results[0];
        let (dirty_import, dirty_eval, dirty_clues) = &results[1];
        assert!(clean_import.contains("已导入"), "{clean_import}");
        assert!(
            dirty_import.contains("规范化 / normalised:")
                && !dirty_import.contains("normalised: 0"),
            "{backend:?}: the dirty import normalised nothing:\n{dirty_import}"
        );
        assert_eq!(clean_eval, dirty_eval, "{backend:?}: quality differs");
        assert!(
            clean_eval.contains("every rule: recall ≥ 0.98 and precision ≥ 0.95"),
            "{clean_eval}"
        );
        assert_eq!(
            clean_clues.lines().count(),
            dirty_clues.lines().count(),
            "{backend:?}"
        );
        assert_eq!(clean_clues, dirty_clues, "{backend:?}: the clues differ");
    }
}

/// A county's own micro-power list as its editor saves it on Windows: Notepad's byte-order mark
/// and CRLF, or the GBK code page; a broken one is refused with every problem named, and the
/// server does not start with it.
#[test]
fn a_countys_power_list_is_read_as_windows_saves_it_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let county = qingfeng_domain::power::DEFAULT_LIST
        .replace("宅基地申请\"", "农村宅基地审批\"")
        .replace('\n', "\r\n");
    let bom = dir.path().join("bom.toml");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(county.as_bytes());
    std::fs::write(&bom, bytes).unwrap();
    let gbk = dir.path().join("gbk.toml");
    let (encoded, _, unmappable) = encoding_rs::GBK.encode(&county);
    assert!(!unmappable);
    std::fs::write(&gbk, &*encoded).unwrap();
    for file in [&bom, &gbk] {
        let out = run_ok(qingfeng().arg("powers").arg(file));
        let line = out.lines().find(|l| l.starts_with("homestead")).unwrap();
        assert!(line.contains("农村宅基地审批"), "{out}");
        assert_eq!(
            out.lines().count(),
            qingfeng_domain::power::PowerList::default().powers.len()
        );
    }

    let broken = dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        county
            .replacen("post = \"village_head\"", "post = \"village_heed\"", 1)
            .replace("working_days = 20", "working_days = 0"),
    )
    .unwrap();
    let out = qingfeng().arg("powers").arg(&broken).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("broken.toml") && stderr.contains("village_heed") && stderr.contains("行"),
        "{stderr}"
    );
    let fixed_post = county.replace("working_days = 20", "working_days = 0");
    std::fs::write(&broken, fixed_post).unwrap();
    let out = qingfeng().arg("powers").arg(&broken).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("第6项权力（homestead）第4步: 时限必须大于0"),
        "{stderr}"
    );
    // The server refuses to start with it (killed after a while if it wrongly serves).
    let db = dir.path().join("q.sqlite");
    let mut serve = qingfeng()
        .args(["serve", "--listen", "127.0.0.1:0", "--database"])
        .arg(&db)
        .arg("--powers")
        .arg(&broken)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = serve.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            serve.kill().unwrap();
            panic!("serve started with a broken power list");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut serve.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success());
    assert!(stderr.contains("homestead"), "{stderr}");
}
