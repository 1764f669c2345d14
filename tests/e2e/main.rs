//! End to end in a real browser: the `qingfeng` binary serves a generated, imported and checked
//! county, and headless Chromium (Debian's chromium and chromium-driver, driven over WebDriver
//! with fantoccini) is used as a villager and as officials would use it.
//!
//! A screenshot of each key page is saved under `target/tmp/e2e-screenshots/` (the test's
//! artifact). Chromium missing is a failure, not a skip: `.ci/run` installs it.

use fantoccini::{Client, ClientBuilder, Locator};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const PASSWORD: &str = "browser test password";

fn qingfeng() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qingfeng"))
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{:?} failed:\n{}\n{}",
        cmd,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Kills a child process when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Kills a child and everything it started (chromedriver's browsers) when the test ends: the
/// child leads its own process group, and the whole group is signalled.
struct KilledGroup(Child);

impl Drop for KilledGroup {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.wait();
    }
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A small generated county, imported and checked, with accounts; returns the database path
/// and the division codes (county, townships).
fn county(dir: &Path) -> (PathBuf, String, Vec<String>) {
    let data = dir.join("county");
    let db = dir.join("e2e.sqlite");
    run_ok(
        qingfeng()
            .args([
                "generate",
                "--villages",
                "10",
                "--persons-per-village",
                "40",
                "--months",
                "6",
                "--seed",
                "5",
                "--out",
            ])
            .arg(&data),
    );
    run_ok(
        qingfeng()
            .arg("import")
            .arg(&data)
            .arg("--database")
            .arg(&db)
            .arg("--report-dir")
            .arg(dir),
    );
    run_ok(qingfeng().arg("check").arg("--database").arg(&db));
    let divisions = std::fs::read_to_string(data.join("divisions.csv")).unwrap();
    let mut county = String::new();
    let mut townships = Vec::new();
    let mut villages: Vec<(String, String)> = Vec::new();
    for line in divisions.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        match f[2] {
            "county" => county = f[0].to_string(),
            "township" => townships.push(f[0].to_string()),
            "village" => villages.push((f[0].to_string(), f[3].to_string())),
            _ => {}
        }
    }
    assert!(townships.len() >= 2, "the county needs two townships");
    // An account; `person` links it to an ID number of the registers.
    let add_linked = |name: &str, role: &str, jurisdiction: &str, person: Option<&str>| {
        let mut cmd = qingfeng();
        cmd.args([
            "user",
            "add",
            name,
            "--role",
            role,
            "--jurisdiction",
            jurisdiction,
            "--password-stdin",
        ]);
        if let Some(id) = person {
            cmd.args(["--id-number", id]);
        }
        let mut child = cmd
            .arg("--database")
            .arg(&db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
        assert!(child.wait().unwrap().success());
    };
    let add =
        |name: &str, role: &str, jurisdiction: &str| add_linked(name, role, jurisdiction, None);
    add("admin", "admin", &county);
    add("leader", "leader", &county);
    add("investigator", "investigator", &county);
    add("secretary2", "township_secretary", &townships[1]);
    // The first village of the first township: its official and its cashier (issue 14).
    let (village, _) = villages
        .iter()
        .find(|(_, parent)| *parent == townships[0])
        .expect("a village in the first township");
    add("cun", "village_official", village);
    add("cashier", "village_cashier", village);
    // The supervision committee's member acts only with an account linked to a person, one
    // who neither holds a post nor is related to an official.
    let member = std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(committee_member(&db, village))
        })
        .join()
        .unwrap()
    });
    add_linked("jiandu", "village_supervisor", village, Some(&member));
    add("kuaiji", "township_bookkeeper", &townships[0]);
    (db, county, townships)
}

/// A living villager of `village` who holds no post and shares no household with an official
/// nor is declared the relative of one: eligible for the village's supervision committee.
async fn committee_member(db: &Path, village: &str) -> String {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    sqlx::query_scalar(
        "SELECT p.id_number FROM persons p WHERE p.village_code = $1 \
         AND NOT EXISTS (SELECT 1 FROM officials o JOIN persons h ON h.id_number = o.id_number \
                         WHERE h.household_id = p.household_id OR o.id_number = p.id_number) \
         AND NOT EXISTS (SELECT 1 FROM declared_relations r \
                         WHERE p.id_number IN (r.relative_id_number, r.official_id_number)) \
         AND NOT EXISTS (SELECT 1 FROM deaths d WHERE d.id_number = p.id_number) \
         ORDER BY p.id_number LIMIT 1",
    )
    .bind(village)
    .fetch_one(&mut conn)
    .await
    .expect("an eligible villager")
}

/// A person paid less than approved, and a clue of the first township (from the database the
/// browser is about to look at).
async fn pick(db: &Path, township: &str) -> ((String, String), String) {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    let short: (String, String) = sqlx::query_as(
        "SELECT e.beneficiary_id_number, e.beneficiary_name FROM entitlements e \
         JOIN payments p ON p.entitlement_id = e.entitlement_id \
         JOIN persons s ON s.id_number = e.beneficiary_id_number AND s.name = e.beneficiary_name \
         WHERE p.amount < e.amount ORDER BY e.entitlement_id LIMIT 1",
    )
    .fetch_one(&mut conn)
    .await
    .expect("the generated county has a short payment");
    let clue: String = sqlx::query_scalar(
        "SELECT fingerprint FROM clues WHERE data_state = 'current' AND substr(village_code, 1, 9) = substr($1, 1, 9) \
         ORDER BY fingerprint LIMIT 1",
    )
    .bind(township)
    .fetch_one(&mut conn)
    .await
    .expect("a clue in the first township");
    (short, clue)
}

fn serve(db: &Path) -> (Killed, String) {
    let mut server = qingfeng()
        .args([
            "serve",
            "--plain-http",
            "--listen",
            "127.0.0.1:0",
            "--database",
        ])
        .arg(db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    // Keep reading what the server prints, so that it never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let base = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_string();
    (Killed(server), format!("http://{base}"))
}

async fn browser() -> (KilledGroup, Client) {
    for tool in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            Path::new(tool).exists(),
            "{tool} is missing: install Debian's chromium and chromium-driver (.ci/run does)"
        );
    }
    let port = free_port();
    use std::os::unix::process::CommandExt;
    let driver = KilledGroup(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1400", "--lang=zh-CN"]
        }),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return (driver, c),
            Err(e) if Instant::now() > deadline => panic!("chromedriver did not start: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn fill(c: &Client, name: &str, value: &str) {
    c.find(Locator::Css(&format!("[name=\"{name}\"]")))
        .await
        .unwrap()
        .send_keys(value)
        .await
        .unwrap();
}

/// Submits a form and waits until the page it leads to shows `expect` (a CSS selector).
async fn submit(c: &Client, form_css: &str, expect: &str) {
    click_and_wait(c, &format!("{form_css} button[type=submit]"), expect).await;
}

/// Waits until the document shown before a click is gone: `expect` may be on both pages (the
/// stage of a case, say), so finding it proves nothing until the browser has left the old one.
async fn wait_for_new_page(c: &Client, old: fantoccini::elements::Element) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while old.attr("lang").await.is_ok() {
        if Instant::now() > deadline {
            let body = c.source().await.unwrap_or_default();
            panic!("the page did not change after the click:\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_for(c: &Client, css: &str) {
    if let Err(e) = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
    {
        let url = c.current_url().await.unwrap();
        let body = c.source().await.unwrap_or_default();
        panic!("{css} did not appear ({e}) at {url}:\n{body}");
    }
}

async fn click_and_wait(c: &Client, css: &str, expect: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_new_page(c, old).await;
    wait_for(c, expect).await;
}

async fn log_in(c: &Client, base: &str, username: &str) {
    c.goto(&format!("{base}/work/login")).await.unwrap();
    fill(c, "username", username).await;
    fill(c, "password", PASSWORD).await;
    submit(c, "form[action=\"/work/login\"]", "body.work").await;
    let url = c.current_url().await.unwrap();
    assert!(
        url.as_str().ends_with("/work"),
        "{username} not signed in: at {url}: {}",
        text_of(c, "main").await
    );
}

async fn log_out(c: &Client) {
    submit(
        c,
        "form[action=\"/work/logout\"]",
        "form[action=\"/work/login\"]",
    )
    .await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .ends_with("/work/login"));
}

#[tokio::test]
async fn villagers_and_officials_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _county, townships) = county(dir.path());
    let ((id_number, name), clue_t1) = pick(&db, &townships[0]).await;
    let (_server, base) = serve(&db);
    let (_driver, c) = browser().await;

    // A villager looks up their money and sees the gap.
    c.goto(&format!("{base}/money")).await.unwrap();
    fill(&c, "id_number", &id_number).await;
    fill(&c, "name", &name).await;
    submit(&c, "form[action=\"/money\"]", "table.money").await;
    let short_rows = c.find_all(Locator::Css("tr.short")).await.unwrap();
    assert!(!short_rows.is_empty(), "the short payment is highlighted");
    let row = short_rows[0].text().await.unwrap();
    assert!(row.contains('.'), "amounts shown: {row}");
    shot(&c, "01-my-money").await;

    // …then files an anonymous report and follows it with the receipt code.
    c.goto(&format!("{base}/report")).await.unwrap();
    fill(&c, "content", "村里的低保金少发了一百二十元。").await;
    submit(&c, "form[action=\"/report\"]", ".receipt").await;
    let code = text_of(&c, ".receipt").await;
    assert_eq!(
        code.chars().filter(char::is_ascii_digit).count(),
        20,
        "{code}"
    );
    shot(&c, "02-report-receipt").await;
    c.goto(&format!("{base}/report/follow")).await.unwrap();
    fill(&c, "code", &code).await;
    submit(&c, "form[action=\"/report/follow\"]", "dl.status").await;
    let status = text_of(&c, "dl.status").await;
    assert!(
        status.contains("已受理") || status.contains("收到"),
        "{status}"
    );
    shot(&c, "03-report-follow").await;

    // The language switch: English, remembered on the next page.
    c.goto(&format!("{base}/")).await.unwrap();
    click_and_wait(&c, "a.lang", "html[lang=en]").await;
    let html_lang = c
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(html_lang.as_deref(), Some("en"));
    c.goto(&format!("{base}/money")).await.unwrap();
    assert!(text_of(&c, "h1").await.contains("My money"));
    shot(&c, "04-english").await;
    click_and_wait(&c, "a.lang", "html[lang=zh-CN]").await;
    assert!(text_of(&c, "h1").await.contains("我的补贴"));

    // Every power's flowchart on a phone held upright: each line of text inside its box, the
    // chart no wider than the screen (nothing to scroll sideways), in both languages.
    c.set_window_size(360, 740).await.unwrap();
    for id in qingfeng_domain::power::PowerList::default()
        .powers
        .iter()
        .map(|p| p.id.clone())
    {
        for lang in ["en", "zh"] {
            c.goto(&format!("{base}/powers/{id}?lang={lang}"))
                .await
                .unwrap();
            let measured = c
                .execute(
                    r#"const svg = document.querySelector('svg.flow');
                       const over = [];
                       for (const g of svg.querySelectorAll('g.step')) {
                         const box = g.querySelector('rect').getBBox();
                         for (const t of g.querySelectorAll('text')) {
                           const b = t.getBBox();
                           if (b.x + b.width > box.x + box.width - 2) over.push(t.textContent);
                         }
                       }
                       const wide = [...document.querySelectorAll('body *')]
                         .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                         .slice(0, 5).map(e => e.tagName + '.' + e.className);
                       return [over, document.documentElement.scrollWidth, window.innerWidth,
                               Math.ceil(svg.getBoundingClientRect().right), wide];"#,
                    vec![],
                )
                .await
                .unwrap();
            let over = measured[0].as_array().unwrap();
            assert!(
                over.is_empty(),
                "{id} ({lang}): text runs over its box: {over:?}"
            );
            let (scroll, inner, right) = (
                measured[1].as_i64().unwrap(),
                measured[2].as_i64().unwrap(),
                measured[3].as_i64().unwrap(),
            );
            assert!(inner <= 420, "not a phone's width: {inner}");
            assert!(
                scroll <= inner && right <= inner,
                "{id} ({lang}): {measured}"
            );
        }
    }
    shot(&c, "04b-power-flowchart-phone").await;
    c.set_window_size(1200, 1400).await.unwrap();

    // Officials open a clue and dismiss it together.
    log_in(&c, &base, "admin").await;
    shot(&c, "05-dashboard").await;
    assert!(
        c.find(Locator::Css("svg.chart")).await.is_ok(),
        "charts drawn"
    );
    c.goto(&format!("{base}/work/clues")).await.unwrap();
    shot(&c, "06-clue-queue").await;
    click_and_wait(&c, "a.clue-link", "form#review").await;
    shot(&c, "07-clue").await;
    // Dismissing is a collective decision: the administrator proposes it with the meeting's
    // minuted reason, and it takes effect when two more members have signed in their accounts.
    c.find(Locator::Css("input[name=ending][value=dismissed]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&c, "reason", "经核实为死亡前月份的补发，不属违规。").await;
    submit(&c, "form#propose", "section.proposal").await;
    assert_eq!(text_of(&c, "#review-status").await, "已提议，待集体研究");
    let clue_url = c.current_url().await.unwrap().to_string();
    let clue_url = clue_url.split('?').next().unwrap().to_string();
    log_out(&c).await;
    for (member, status) in [("leader", "已提议，待集体研究"), ("investigator", "已排除")]
    {
        log_in(&c, &base, member).await;
        c.goto(&clue_url).await.unwrap();
        c.find(Locator::Css("form.sign input[name=vote][value=agree]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        submit(&c, "form.sign", "#review-status").await;
        assert_eq!(
            text_of(&c, "#review-status").await,
            status,
            "after {member}"
        );
        if member == "leader" {
            log_out(&c).await;
        }
    }
    assert!(text_of(&c, "table.history")
        .await
        .contains("经核实为死亡前月份的补发"));
    shot(&c, "08-clue-dismissed").await;

    // "Run checks now" from the data page, whose progress reloads itself until the end.
    c.goto(&format!("{base}/work/data")).await.unwrap();
    submit(&c, "form#run-checks", "#checks").await;
    let deadline = Instant::now() + Duration::from_secs(120);
    let result = loop {
        if let Ok(e) = c.find(Locator::Css("#check-result")).await {
            break e.text().await.unwrap();
        }
        assert!(Instant::now() < deadline, "the check did not finish");
        tokio::time::sleep(Duration::from_millis(500)).await;
        c.refresh().await.unwrap();
    };
    assert!(
        result.contains("条线索") && !result.contains("失败"),
        "{result}"
    );
    shot(&c, "09-data-and-checks").await;
    log_out(&c).await;

    // A township official is refused another township's clue: it does not exist for them.
    log_in(&c, &base, "secretary2").await;
    c.goto(&format!("{base}/work/clues/{clue_t1}"))
        .await
        .unwrap();
    let body = text_of(&c, "main").await;
    assert!(body.contains("找不到") || body.contains("不存在"), "{body}");
    assert!(!body.contains(&clue_t1));
    shot(&c, "10-other-township-refused").await;
    log_out(&c).await;

    // Issue 14, power before money. The village opens a project; money for it is refused until
    // its decision (四议两公开) is complete; the meetings' counts are recorded step by step.
    log_in(&c, &base, "cun").await;
    let decision_url = open_matter(
        &c,
        &base,
        "major-decision",
        "村道硬化",
        &[("amount", "200000")],
    )
    .await;
    let decision_id = text_of(&c, "#decision strong").await;
    assert!(decision_id.starts_with("QF-DEC-"), "{decision_id}");
    let project_url = open_matter(&c, &base, "project-bidding", "村道硬化工程", &[]).await;
    let project_id = project_url.rsplit('/').next().unwrap().to_string();
    let payment = [
        ("amount", "80,000.00"),
        ("payee", "县路桥建设有限公司"),
        ("payee_id", "91500233MA5UA0003P"),
        ("purpose", "村道硬化工程预付款"),
        ("for_matter", project_id.as_str()),
    ];
    c.goto(&format!("{base}/work/matters")).await.unwrap();
    choose(&c, "power", "reimbursement").await;
    fill(&c, "title", "村道硬化工程预付款").await;
    for (name, value) in payment {
        fill(&c, name, value).await;
    }
    submit(&c, "form.open-matter", "#matter-message").await;
    let refused = text_of(&c, "#matter-message").await;
    assert!(
        refused.contains("决策尚未完成") && refused.contains("第1步"),
        "{refused}"
    );
    shot(&c, "11-spending-refused-before-decision").await;

    c.goto(&decision_url).await.unwrap();
    do_step(&c, &[]).await; // the party branch proposes
    do_step(&c, &[]).await; // both committees discuss
    do_step(&c, &[("total", "9"), ("present", "7"), ("approve", "6")]).await;
    // The representatives' meeting, announced eleven days ago.
    // The server's day (China time), which is not the machine's UTC day for eight hours of it.
    let today = qingfeng_workflow::Clock::today(&qingfeng_workflow::SystemClock);
    let notice = (today - chrono::Days::new(11)).to_string();
    c.execute(
        "document.querySelector('input[name=notice_on]').value = arguments[0];",
        vec![serde_json::json!(notice)],
    )
    .await
    .unwrap();
    do_step(&c, &[("total", "30"), ("present", "25"), ("approve", "21")]).await;
    do_step(&c, &[]).await; // the resolution is published
    let steps = text_of(&c, "table#steps").await;
    assert!(
        steps.contains("应到9人，实到7人，赞成6人")
            && steps.contains("村民代表会议：应到30人，实到25人，赞成21人"),
        "{steps}"
    );
    shot(&c, "12-decision-complete").await;
    c.goto(&project_url).await.unwrap();
    do_step(&c, &[("decision_id", decision_id.as_str())]).await;

    // Now the money may be asked for: the request, and a second one the supervision committee
    // will send back.
    c.goto(&format!("{base}/work/matters")).await.unwrap();
    choose(&c, "power", "reimbursement").await;
    fill(&c, "title", "村道硬化工程预付款").await;
    for (name, value) in payment {
        fill(&c, name, value).await;
    }
    submit(&c, "form.open-matter", "table#steps").await;
    let request_url = c.current_url().await.unwrap().to_string();
    let sent_back_url = open_matter(
        &c,
        &base,
        "reimbursement",
        "招待费",
        &[
            ("amount", "800"),
            ("payee", "农家乐饭店"),
            // Typed on a phone's Chinese keyboard: full-width, lower case.
            ("payee_id", "９２５００２３３ｍａ５ｕａ０００４ｐ"),
            ("purpose", "检查组用餐"),
        ],
    )
    .await;
    for url in [&request_url, &sent_back_url] {
        c.goto(url).await.unwrap();
        do_step(&c, &[]).await;
    }
    log_out(&c).await;
    log_in(&c, &base, "cashier").await;
    for url in [&request_url, &sent_back_url] {
        c.goto(url).await.unwrap();
        do_step(&c, &[]).await;
    }
    log_out(&c).await;
    log_in(&c, &base, "cun").await;
    for url in [&request_url, &sent_back_url] {
        c.goto(url).await.unwrap();
        do_step(&c, &[]).await;
    }
    log_out(&c).await;
    log_in(&c, &base, "jiandu").await;
    c.goto(&sent_back_url).await.unwrap();
    fill(&c, "reason", "招待费无公函、无菜单明细，不予签字。").await;
    submit(&c, "form.refuse-step", "#refused").await;
    let refused = text_of(&c, "#refused").await;
    assert!(refused.contains("不予签字"), "{refused}");
    shot(&c, "13-supervisor-refused").await;
    c.goto(&request_url).await.unwrap();
    do_step(&c, &[]).await;
    log_out(&c).await;

    // A villager objects to the signature on the portal, without a name; the official answers.
    let matter_id = request_url.rsplit('/').next().unwrap().to_string();
    c.goto(&format!("{base}/village")).await.unwrap();
    let links = c.find_all(Locator::Css("ul.villages a")).await.unwrap();
    let mut village_url = None;
    for link in links {
        let href = link.attr("href").await.unwrap().unwrap();
        c.goto(&format!("{base}{href}/matters/{matter_id}"))
            .await
            .unwrap();
        if c.find(Locator::Css("form textarea[name=content]"))
            .await
            .is_ok()
        {
            village_url = Some(format!("{base}{href}"));
            break;
        }
        c.goto(&format!("{base}/village")).await.unwrap();
    }
    let village_url = village_url.expect("the matter's public page");
    let request = text_of(&c, "#request").await;
    assert!(
        request.contains("80,000.00") && request.contains("村道硬化工程预付款"),
        "{request}"
    );
    fill(&c, "content", "预付款比例是多少？请公开合同。").await;
    submit(&c, "section#object form", "#matter-message").await;
    let public_url = c.current_url().await.unwrap().to_string();
    log_in(&c, &base, "cun").await;
    c.goto(&request_url).await.unwrap();
    fill(&c, "answer", "预付款为合同价的40%，合同已在公开栏张贴。").await;
    submit(&c, "section#objections form", "section#objections").await;
    log_out(&c).await;
    c.goto(public_url.split('?').next().unwrap()).await.unwrap();
    let objections = text_of(&c, "section#objections").await;
    assert!(
        objections.contains("预付款比例") && objections.contains("合同价的40%"),
        "{objections}"
    );
    shot(&c, "14-objection-answered").await;

    // The township's bookkeeper finds the request in the queue and pays it: the voucher is in
    // the books, and on the portal's page of the village's books.
    log_in(&c, &base, "kuaiji").await;
    c.goto(&format!("{base}/work/matters")).await.unwrap();
    let queue = text_of(&c, "#my-queue").await;
    assert!(
        queue.contains("村道硬化工程预付款") && !queue.contains("招待费"),
        "{queue}"
    );
    shot(&c, "15-bookkeeper-queue").await;
    c.goto(&request_url).await.unwrap();
    do_step(&c, &[]).await;
    let request = text_of(&c, "#request").await;
    assert!(
        request.contains(&format!("QF-PAY-{matter_id}")),
        "{request}"
    );
    // The bookkeeper keeps the village's books: an asset card typed wrong first, then right
    // (full-width digits, as a phone's Chinese keyboard gives them); the villagers see it.
    let village_code = village_url.rsplit('/').next().unwrap().to_string();
    c.goto(&format!("{base}/work/books")).await.unwrap();
    wait_for(&c, "#reminders").await;
    c.goto(&format!("{base}/work/books/assets")).await.unwrap();
    fill(&c, "asset_id", "ZC-E2E-1").await;
    fill(&c, "village_code", &village_code).await;
    fill(&c, "name", "村级光伏电站").await;
    choose(&c, "category", "facility").await;
    fill(&c, "value", "十八万").await;
    submit(&c, "form#enter-row", "#entry-problems").await;
    let problems = text_of(&c, "#entry-problems").await;
    assert!(problems.contains("十八万"), "{problems}");
    // What was typed is kept: only the value is typed again.
    let kept = c
        .find(Locator::Css("input[name=\"name\"]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("村级光伏电站"));
    let value = c.find(Locator::Css("input[name=\"value\"]")).await.unwrap();
    value.clear().await.unwrap();
    value.send_keys("１８００００").await.unwrap();
    submit(&c, "form#enter-row", "#entered").await;
    let rows = text_of(&c, "#register-rows").await;
    assert!(
        rows.contains("ZC-E2E-1") && rows.contains("180,000.00"),
        "{rows}"
    );
    shot(&c, "17-books-entered").await;
    log_out(&c).await;
    let month = today.format("%Y-%m").to_string();
    c.goto(&format!("{village_url}?month={month}#vouchers"))
        .await
        .unwrap();
    let books = text_of(&c, "table.vouchers").await;
    assert!(
        books.contains("80,000.00")
            && books.contains("村道硬化工程预付款")
            && books.contains(&decision_id),
        "{books}"
    );
    shot(&c, "16-paid-in-the-books").await;
    c.goto(&village_url).await.unwrap();
    let assets = text_of(&c, "section#assets").await;
    assert!(
        assets.contains("村级光伏电站") && assets.contains("180,000.00"),
        "{assets}"
    );

    c.close().await.unwrap();
}

/// A person of the first township with a payment: (village, name, payment id, amount in fen); and
/// a clue of the same township about a person with a payment: (fingerprint, payment id, amount).
async fn pick_for_cases(
    db: &Path,
    township: &str,
) -> ((String, String, String, i64), (String, String, i64)) {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    let person: (String, String, String, i64) = sqlx::query_as(
        "SELECT s.village_code, s.name, p.payment_id, p.amount FROM payments p \
         JOIN persons s ON s.id_number = p.beneficiary_id_number \
         WHERE substr(s.village_code, 1, 9) = substr($1, 1, 9) \
         AND (SELECT COUNT(*) FROM persons o WHERE o.village_code = s.village_code AND o.name = s.name) = 1 \
         ORDER BY p.payment_id LIMIT 1",
    )
    .bind(township)
    .fetch_one(&mut conn)
    .await
    .expect("a paid person in the first township");
    let clue: (String, String, i64) = sqlx::query_as(
        "SELECT c.fingerprint, p.payment_id, p.amount FROM clues c \
         JOIN payments p ON p.beneficiary_id_number = c.subject_id \
         WHERE c.data_state = 'current' AND substr(c.village_code, 1, 9) = substr($1, 1, 9) \
         ORDER BY c.fingerprint, p.payment_id LIMIT 1",
    )
    .bind(township)
    .fetch_one(&mut conn)
    .await
    .expect("a clue about a paid person in the first township");
    (person, clue)
}

/// Opens a matter of `power` from the matters page (with extra form fields); returns its URL.
async fn open_matter(
    c: &Client,
    base: &str,
    power: &str,
    title: &str,
    fields: &[(&str, &str)],
) -> String {
    c.goto(&format!("{base}/work/matters")).await.unwrap();
    choose(c, "power", power).await;
    fill(c, "title", title).await;
    for (name, value) in fields {
        fill(c, name, value).await;
    }
    submit(c, "form.open-matter", "table#steps").await;
    c.current_url().await.unwrap().to_string()
}

/// Records the step due now on the matter page: every paper ticked, `fields` filled; the form
/// of the next step (or none) replaces it.
async fn do_step(c: &Client, fields: &[(&str, &str)]) {
    for paper in c
        .find_all(Locator::Css("form.do-step input[type=checkbox]"))
        .await
        .unwrap()
    {
        paper.click().await.unwrap();
    }
    for (name, value) in fields {
        fill(c, name, value).await;
    }
    submit(c, "form.do-step", "table#steps").await;
    if let Ok(m) = c.find(Locator::Css("#matter-message")).await {
        panic!("the step was refused: {}", m.text().await.unwrap());
    }
}

async fn choose(c: &Client, name: &str, value: &str) {
    c.find(Locator::Css(&format!("select[name=\"{name}\"]")))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

/// The yuan a number of fen is shown as: "1,234.56".
fn yuan(fen: i64) -> String {
    qingfeng_domain::Money::from_fen(fen).to_string()
}

/// Disposes of the source open in the browser by filing a case; ends on the case page.
async fn file_case(c: &Client, title: &str) {
    click_and_wait(c, "a#dispose-link", "form#dispose").await;
    choose(c, "way", "file_case").await;
    fill(c, "participants", "县纪委书记, 副书记, 案管室主任").await;
    fill(c, "decision", "经集体研究, 予以立案审查调查。").await;
    fill(c, "title", title).await;
    submit(c, "form#dispose", "#stage").await;
    assert_eq!(text_of(c, "#stage").await, "立案");
}

async fn move_case(c: &Client, to: &str, expect: &str) {
    choose(c, "to", to).await;
    fill(c, "reason", "按程序推进").await;
    submit(c, "#move form", "#stage").await;
    assert_eq!(
        text_of(c, "#stage").await,
        expect,
        "{}",
        text_of(c, "main").await
    );
}

/// From decided to closed: a sanction, the money returned through the payment, the four
/// closing items.
async fn sanction_refund_close(c: &Client, kind: &str, payment: &str, amount: i64) {
    choose(c, "kind", kind).await;
    submit(c, "#sanctions form", "#sanctions table").await;
    assert!(text_of(c, "#sanctions").await.contains("影响期内"));
    c.find(Locator::Css("#remedies form.stack select[name=kind]"))
        .await
        .unwrap()
        .select_by_value("refund")
        .await
        .unwrap();
    c.find(Locator::Css("#remedies form.stack input[name=payment_ids]"))
        .await
        .unwrap()
        .send_keys(payment)
        .await
        .unwrap();
    submit(c, "#remedies form.stack", ".remedy").await;
    let remedy = text_of(c, ".remedy").await;
    assert!(
        remedy.contains(payment) && remedy.contains(&yuan(amount)),
        "{remedy}"
    );
    c.find(Locator::Css(".remedy select[name=status]"))
        .await
        .unwrap()
        .select_by_value("done")
        .await
        .unwrap();
    c.find(Locator::Css(".remedy input[name=recovered]"))
        .await
        .unwrap()
        .send_keys(&qingfeng_domain::Money::from_fen(amount).to_plain_yuan())
        .await
        .unwrap();
    submit(c, ".remedy form", ".remedy-status").await;
    assert_eq!(text_of(c, ".remedy-status").await, "已完成");
    move_case(c, "execution", "执行").await;
    // Closing before the four items are in is refused, with what is missing.
    move_case(c, "closed", "执行").await;
    assert!(text_of(c, "#case-message").await.contains("四不放过"));
    fill(c, "cause_analysed", "名册审核流于形式, 发放未公示。").await;
    fill(c, "responsibility_handled", "已给予处分。").await;
    fill(c, "people_educated", "全镇警示教育会。").await;
    fill(
        c,
        "prevention_in_place",
        "发放名册每月公示并与死亡登记比对。",
    )
    .await;
    submit(c, "#checklist form", "#stage").await;
    move_case(c, "closed", "结案").await;
}

#[tokio::test]
async fn a_report_and_a_clue_become_closed_cases_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _county, townships) = county(dir.path());
    let ((village, name, payment, amount), (clue, clue_payment, clue_amount)) =
        pick_for_cases(&db, &townships[0]).await;
    let (_server, base) = serve(&db);
    let (_driver, c) = browser().await;
    let today = qingfeng_web::intake::today();
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();

    // A villager reports anonymously, naming the person; the receipt shows the deadline.
    c.goto(&format!("{base}/report")).await.unwrap();
    fill(&c, "village", &village).await;
    fill(&c, "subject", &name).await;
    fill(&c, "content", "此人冒领低保, 请核查。").await;
    submit(&c, "form[action=\"/report\"]", "#deadlines").await;
    let code = text_of(&c, ".receipt").await;
    assert!(text_of(&c, "#deadlines").await.contains(&day(15)));
    shot(&c, "21-receipt-deadlines").await;
    let follow = |expect: &'static str| {
        let (c, base, code) = (c.clone(), base.clone(), code.clone());
        async move {
            c.goto(&format!("{base}/report/follow")).await.unwrap();
            fill(&c, "code", &code).await;
            submit(&c, "form[action=\"/report/follow\"]", expect).await;
            text_of(&c, "main").await
        }
    };
    assert!(follow("#deadlines").await.contains(&day(15)));

    // The investigator sees it on the dashboard with its deadline, reads it and accepts it.
    log_in(&c, &base, "investigator").await;
    let reports = text_of(&c, "#reports").await;
    assert!(reports.contains(&day(15)), "{reports}");
    c.goto(&format!("{base}/work/reports/1")).await.unwrap();
    assert!(text_of(&c, "#content").await.contains("冒领低保"));
    assert!(text_of(&c, "#subjects").await.contains(&name));
    submit(&c, "#deadlines form", "#report-status").await;
    assert_eq!(text_of(&c, "#report-status").await, "已受理");
    let deadlines = text_of(&c, "#deadlines").await;
    assert!(
        deadlines.contains(&day(60)) && deadlines.contains("已完成"),
        "{deadlines}"
    );
    shot(&c, "22-report-accepted").await;

    // It becomes a case, assigned across townships as the system proposes.
    file_case(&c, "冒领低保案(举报)").await;
    let proposals = text_of(&c, "#proposals").await;
    assert!(proposals.contains("secretary2"), "{proposals}");
    click_and_wait(&c, "#proposals li:first-child button", "#assigned").await;
    shot(&c, "23-case-assigned").await;
    move_case(&c, "investigation", "审查调查").await;
    move_case(&c, "trial_review", "审理").await;
    move_case(&c, "decided", "作出决定").await;
    sanction_refund_close(&c, "gov_warning", &payment, amount).await;
    shot(&c, "24-report-case-closed").await;

    // The report is concluded; the villager reads the outcome and the dates.
    c.goto(&format!("{base}/work/reports/1")).await.unwrap();
    fill(
        &c,
        "outcome",
        "经查属实, 已给予政务警告, 冒领资金已追回并退还。",
    )
    .await;
    submit(&c, "form#conclude", "#report-status").await;
    assert_eq!(text_of(&c, "#report-status").await, "已办结");
    log_out(&c).await;
    let followed = follow("#deadlines").await;
    assert!(
        followed.contains("已办结") && followed.contains("已追回并退还"),
        "{followed}"
    );
    assert!(followed.contains(&day(60)), "{followed}");
    shot(&c, "25-reporter-reads-outcome").await;

    // A clue from the cross-checks goes the same way.
    log_in(&c, &base, "investigator").await;
    c.goto(&format!("{base}/work/clues/{clue}")).await.unwrap();
    file_case(&c, "线索立案").await;
    move_case(&c, "investigation", "审查调查").await;
    move_case(&c, "trial_review", "审理").await;
    move_case(&c, "decided", "作出决定").await;
    sanction_refund_close(&c, "party_warning", &clue_payment, clue_amount).await;
    shot(&c, "26-clue-case-closed").await;
    c.goto(&format!("{base}/work/cases")).await.unwrap();
    assert_eq!(
        c.find_all(Locator::Css("#cases tbody tr"))
            .await
            .unwrap()
            .len(),
        2
    );
    log_out(&c).await;
    c.close().await.unwrap();
}
