//! Every page reads the registers through indexes (issue 11): each page of the portal and of the
//! workspace is rendered through the real router on both backends, every SQL statement it runs
//! is captured from sqlx's own statement log, and the database's plan of each is checked. A page
//! fails when a plan reads a whole register — a county's registers run to millions of rows, so
//! such a page answers in minutes there, however quick it is on this fixture.
//!
//! SQLite keeps no statistics here (the store never runs ANALYZE), so its plans do not depend on
//! the fixture's size. PostgreSQL would rightly scan a table of a few rows, so sequential scans
//! are switched off (they remain the planner's only choice where no index fits) and the generic
//! plan, the one that does not look at the parameters' values, is the one explained.
//!
//! Its own test binary: the statement log is process-wide, and no other test may add to it.

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use qingfeng_ingest::{import, ImportOptions, Status};
use qingfeng_store::{CheckRecord, ClueRecord, NewUser, RuleResult, Score, Store};
use qingfeng_test_support::{copy_fixture, Backend, TestDb, BACKENDS};
use qingfeng_web::workspace::auth::hash_password;
use qingfeng_web::workspace::Role;
use qingfeng_web::{router, AppState, Options};
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::Mutex;
use tower::ServiceExt;

/// Tables that grow with the county: the registers (every contract table but the divisions and
/// the programs, which have a row per village or per programme) and what the checks derive from
/// them. A plan may read any of these only through an index condition.
const BIG_TABLES: &[&str] = &[
    "persons",
    "deaths",
    "officials",
    "declared_relations",
    "companies",
    "company_people",
    "vehicles",
    "properties",
    "entitlements",
    "payments",
    "land_contracts",
    "vouchers",
    "collective_contracts",
    "decisions",
    "projects",
    "bids",
    "disclosures",
    "clues",
    "clue_persons",
    "risk_scores",
];

const TOWNSHIP: &str = "500233101000";
const VILLAGE: &str = "500233101001";
const ZHANG: &str = "500233195203141313";
const PASSWORD: &str = "a long enough password";
const CLUE: &str = "fp-dead-payee";

// ---------------------------------------------------------------------------------------------
// The statement log: a tracing subscriber that keeps the text of every statement sqlx runs.

static STATEMENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

#[derive(Default)]
struct Fields {
    summary: String,
    statement: String,
}

impl tracing::field::Visit for Fields {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_string(),
            "db.statement" => self.statement = value.to_string(),
            _ => {}
        }
    }

    fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target() == "sqlx::query"
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut f = Fields::default();
        event.record(&mut f);
        // sqlx logs short statements whole as the summary, longer ones in db.statement.
        let sql = if f.statement.trim().is_empty() {
            f.summary
        } else {
            f.statement
        };
        STATEMENTS.lock().unwrap().push(sql.trim().to_string());
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

fn take_statements() -> Vec<String> {
    std::mem::take(&mut *STATEMENTS.lock().unwrap())
}

// ---------------------------------------------------------------------------------------------
// Plans

/// `FROM t a` / `JOIN t AS a`: alias → table, as SQLite's plans name tables by their alias.
fn aliases(sql: &str) -> BTreeMap<String, String> {
    const NOT_ALIASES: &[&str] = &[
        "where", "join", "left", "inner", "on", "group", "order", "limit", "union", "using",
        "natural", "cross", "offset", "having", "set", "values",
    ];
    let words: Vec<String> = sql
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    let mut map = BTreeMap::new();
    for (i, w) in words.iter().enumerate() {
        if (w == "from" || w == "join" || w == "update" || w == "into") && i + 1 < words.len() {
            let table = words[i + 1].clone();
            map.insert(table.clone(), table.clone());
            let mut j = i + 2;
            if words.get(j).map(String::as_str) == Some("as") {
                j += 1;
            }
            if let Some(alias) = words.get(j) {
                if !NOT_ALIASES.contains(&alias.as_str())
                    && alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    map.insert(alias.clone(), table);
                }
            }
        }
    }
    map
}

fn parameters(sql: &str) -> usize {
    let mut max = 0;
    let bytes = sql.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'$' {
            let digits: String = sql[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse::<usize>() {
                max = max.max(n);
            }
        }
    }
    max
}

/// The plan of `sql`, one line per node.
async fn plan(store: &Store, sql: &str) -> Vec<String> {
    let n = parameters(sql);
    match store {
        Store::Sqlite(pool) => {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
            for _ in 0..n {
                q = q.bind(Option::<String>::None);
            }
            q.fetch_all(pool)
                .await
                .unwrap_or_else(|e| panic!("explaining {sql}: {e}"))
                .into_iter()
                .map(|r| r.3)
                .collect()
        }
        Store::Postgres(pool) => {
            let mut conn = pool.acquire().await.unwrap();
            sqlx::raw_sql("SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan")
                .execute(&mut *conn)
                .await
                .unwrap();
            // PostgreSQL infers the parameters' types from the statement; where it cannot
            // (`$1 IS NULL OR …`), sqlx gives them from the values bound, which are not logged:
            // each parameter is then tried as text and as bigint until one combination prepares.
            let mut prepared = sqlx::raw_sql(&format!("PREPARE qf_plan AS {sql}"))
                .execute(&mut *conn)
                .await
                .map(|_| ());
            let mut combination = 0u32;
            while prepared.is_err() && n <= 8 && combination < (1 << n) {
                let types: Vec<&str> = (0..n)
                    .map(|k| {
                        if combination & (1 << k) == 0 {
                            "text"
                        } else {
                            "bigint"
                        }
                    })
                    .collect();
                prepared =
                    sqlx::raw_sql(&format!("PREPARE qf_plan ({}) AS {sql}", types.join(", ")))
                        .execute(&mut *conn)
                        .await
                        .map(|_| ());
                combination += 1;
            }
            prepared.unwrap_or_else(|e| panic!("preparing {sql}: {e}"));
            let args = if n == 0 {
                String::new()
            } else {
                format!("({})", vec!["NULL"; n].join(", "))
            };
            let lines: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN EXECUTE qf_plan{args}"))
                .fetch_all(&mut *conn)
                .await
                .unwrap_or_else(|e| panic!("explaining {sql}: {e}"));
            // Not DEALLOCATE ALL: sqlx keeps its own prepared statements on this connection.
            sqlx::raw_sql("DEALLOCATE qf_plan; RESET enable_seqscan; RESET plan_cache_mode")
                .execute(&mut *conn)
                .await
                .unwrap();
            lines
        }
    }
}

/// Index → (table, first column), for reading PostgreSQL's plans: an index condition on any but
/// the first column of an index still reads the whole index.
type IndexMap = BTreeMap<String, (String, Option<String>)>;

async fn postgres_indexes(store: &Store) -> IndexMap {
    let Store::Postgres(pool) = store else {
        return IndexMap::new();
    };
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT ic.relname::text, tc.relname::text, a.attname::text FROM pg_index i \
         JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = tc.relnamespace AND n.nspname = current_schema() \
         LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter().map(|(i, t, c)| (i, (t, c))).collect()
}

/// The big tables `plan` reads whole, with the plan line that says so. `indexes` is empty for
/// SQLite, whose plans are read by their own words.
fn whole_scans(
    sqlite: bool,
    sql: &str,
    plan: &[String],
    indexes: &IndexMap,
) -> Vec<(String, String)> {
    let mut found = Vec::new();
    if sqlite {
        // "SCAN t", "SCAN t USING [COVERING] INDEX i": every row or every index entry.
        // "SEARCH t USING … (a=?)" reads only the rows the condition selects.
        let names = aliases(sql);
        for line in plan {
            let Some(rest) = line.strip_prefix("SCAN ") else {
                continue;
            };
            let name = rest.split_whitespace().next().unwrap_or("").to_lowercase();
            if let Some(table) = names.get(&name) {
                if BIG_TABLES.contains(&table.as_str()) {
                    found.push((table.clone(), line.clone()));
                }
            }
        }
        return found;
    }
    // PostgreSQL: a sequential scan of a big table, or an index scan of one whose index
    // condition (among the node's own detail lines, up to the next node) does not constrain the
    // index's first column.
    for (i, line) in plan.iter().enumerate() {
        let text = line.trim_start().trim_start_matches("->").trim_start();
        let words: Vec<&str> = text.split_whitespace().collect();
        let (table, index) = if text.starts_with("Seq Scan on ") {
            (words[3].to_string(), None)
        } else if text.starts_with("Bitmap Index Scan on ") {
            let index = words[4];
            match indexes.get(index) {
                Some((table, _)) => (table.clone(), Some(index)),
                None => continue,
            }
        } else if (text.starts_with("Index Scan ") || text.starts_with("Index Only Scan "))
            && words.contains(&"using")
        {
            let at = words.iter().position(|w| *w == "using").unwrap();
            let index = words[at + 1];
            let table = words.get(at + 3).copied().unwrap_or("").to_string();
            (table, Some(index))
        } else {
            continue;
        };
        if !BIG_TABLES.contains(&table.as_str()) {
            continue;
        }
        let first_column = index
            .and_then(|i| indexes.get(i))
            .and_then(|(_, c)| c.clone());
        let conditioned = index.is_some()
            && plan[i + 1..]
                .iter()
                .map(|l| l.trim_start())
                .take_while(|l| {
                    !l.starts_with("->") && !l.starts_with("SubPlan") && !l.starts_with("InitPlan")
                })
                .filter_map(|l| l.strip_prefix("Index Cond: "))
                .any(|cond| match &first_column {
                    Some(c) => cond.contains(&format!("({c} ")),
                    // An index on an expression: any condition on it.
                    None => true,
                });
        if !conditioned {
            found.push((table, line.trim().to_string()));
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// The county, the accounts and the pages

fn clue(fp: &str, rule: &str, village: &str, amount: i64) -> ClueRecord {
    ClueRecord {
        fingerprint: fp.into(),
        rule_id: rule.into(),
        severity: qingfeng_domain::Severity::High,
        village_code: Some(village.into()),
        subject_id: Some(ZHANG.into()),
        record_type: "payment".into(),
        record_ids: format!("{fp}-P1"),
        amount_at_risk_fen: amount,
        evidence: format!(r#"{{"beneficiary_id_number":"{ZHANG}","program_code":"DIBAO"}}"#),
        explanation_zh: format!("{fp} 说明"),
        explanation_en: format!("{fp} explained"),
    }
}

async fn county(db: &TestDb) {
    let dir = copy_fixture("good");
    let reports = tempfile::tempdir().unwrap();
    let outcome = import(
        &db.store,
        dir.path(),
        &ImportOptions {
            report_dir: reports.path().to_path_buf(),
            progress: false,
        },
    )
    .await
    .unwrap();
    assert!(
        matches!(outcome.status, Status::Imported { .. }),
        "{:?}",
        outcome.problems
    );
    let clues = [
        clue(CLUE, "SUB-DEAD-PAYEE", VILLAGE, 216_000),
        clue("fp-split", "FUN-SPLIT", "500233101002", 5_000),
    ];
    let ran = vec!["SUB-DEAD-PAYEE".to_string(), "FUN-SPLIT".to_string()];
    db.store
        .record_check(&CheckRecord {
            started_at: "2026-11-01T08:00:00Z",
            data_state: "test",
            rules_selected: "all",
            results: &[RuleResult {
                rule_id: "SUB-DEAD-PAYEE".into(),
                status: "ok".into(),
                message: None,
                clues: 1,
                amount_at_risk_fen: 216_000,
                millis: 1,
            }],
            rules_ran: &ran,
            clues: &clues,
            scores: &[Score {
                kind: "village".into(),
                subject: VILLAGE.into(),
                label: Some("桂花村".into()),
                score: 1.0,
                clues: 1,
                amount_at_risk_fen: 216_000,
            }],
        })
        .await
        .unwrap();
    let hash = hash_password(PASSWORD).unwrap();
    for (role, jurisdiction) in [
        (Role::Leader, "500233000000"),
        (Role::Admin, "500233000000"),
        (Role::Investigator, "500233000000"),
        (Role::TownshipSecretary, TOWNSHIP),
        (Role::VillageSupervisor, VILLAGE),
        (Role::Auditor, "500233000000"),
    ] {
        db.store
            .create_user(&NewUser {
                username: role.code(),
                display_name: role.label_zh(),
                role,
                jurisdiction,
                password_hash: &hash,
                created_by: "test",
            })
            .await
            .unwrap();
    }
    // An investigator linked to the director of the village's committee: what is kept from
    // them (his clues, and every clue of the village he serves) is taken away from their queue
    // and dashboard, which must not read every clue to do it.
    let id = db
        .store
        .create_user(&NewUser {
            username: "related",
            display_name: "related",
            role: Role::Investigator,
            jurisdiction: "500233000000",
            password_hash: &hash,
            created_by: "test",
        })
        .await
        .unwrap();
    db.store
        .set_user_id_number(id, Some("500233197001021515"), "test")
        .await
        .unwrap();
}

async fn app(store: &Store) -> Router {
    let opts = Options {
        logins_per_minute: 10_000,
        lookups_per_minute: 10_000,
        ..Default::default()
    };
    let state = AppState::new(store.clone(), &opts).await.unwrap();
    router(state).layer(MockConnectInfo(SocketAddr::from(([10, 0, 0, 1], 40000))))
}

struct Reply {
    status: StatusCode,
    location: String,
    cookies: Vec<String>,
    body: String,
}

async fn send(
    app: &Router,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> Reply {
    let mut r = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "qingfeng.test");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    let body = if method == "POST" {
        r = r.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form {
            s.append_pair(k, v);
        }
        Body::from(s.finish())
    } else {
        Body::empty()
    };
    let response = app.clone().oneshot(r.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let cookies = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        location,
        cookies,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn csrf_of(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    body[at..at + 64].to_string()
}

/// Session cookie and CSRF token, through the real log-in form.
async fn log_in(app: &Router, username: &str) -> (String, String) {
    let form = send(app, "GET", "/work/login", None, &[]).await;
    let login = form
        .cookies
        .iter()
        .find(|c| c.starts_with("qf_login="))
        .unwrap()
        .clone();
    let r = send(
        app,
        "POST",
        "/work/login",
        Some(&login),
        &[
            ("username", username),
            ("password", PASSWORD),
            ("csrf", &csrf_of(&form.body)),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{username}: {}", r.body);
    let session = r
        .cookies
        .iter()
        .find(|c| c.starts_with("qf_session="))
        .unwrap()
        .clone();
    let dash = send(app, "GET", "/work", Some(&session), &[]).await;
    (session.clone(), csrf_of(&dash.body))
}

/// A page: who asks (None: the public), method, address, form.
type PageSpec = (
    Option<&'static str>,
    &'static str,
    String,
    Vec<(&'static str, String)>,
);

async fn pages(app: &Router, sessions: &BTreeMap<&str, (String, String)>) -> Vec<PageSpec> {
    // A report through the portal (its receipt code for the follow-up page), and a case from the
    // clue, so that their pages have something to show.
    let filed = send(
        app,
        "POST",
        "/report",
        None,
        &[
            ("category", "subsidy"),
            ("village", VILLAGE),
            ("subject", "张德明"),
            ("content", "冒领低保"),
        ],
    )
    .await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    let start = filed.body.find("id=\"receipt\">").expect("a receipt") + "id=\"receipt\">".len();
    let receipt = filed.body[start..start + filed.body[start..].find('<').unwrap()].to_string();
    let (cookie, csrf) = &sessions["investigator"];
    let today = qingfeng_web::intake::today().to_string();
    let case = send(
        app,
        "POST",
        "/work/dispose",
        Some(cookie),
        &[
            ("csrf", csrf),
            ("kind", "clue"),
            ("id", CLUE),
            ("way", "file_case"),
            ("meeting_on", &today),
            ("participants", "李书记, 王委员, 赵委员"),
            ("decision", "经集体研究, 予以立案审查调查"),
            ("title", "张德明冒领低保案"),
        ],
    )
    .await;
    assert_eq!(case.status, StatusCode::SEE_OTHER, "{}", case.body);
    let case = case.location;

    let get = |who: Option<&'static str>, path: &str| (who, "GET", path.to_string(), Vec::new());
    let village = format!("/village/{VILLAGE}");
    vec![
        get(None, "/"),
        get(None, "/village"),
        get(None, &village),
        get(None, &format!("{village}?month=2024-04")),
        get(None, "/money"),
        (
            None,
            "POST",
            "/money".into(),
            vec![("id_number", ZHANG.into()), ("name", "张德明".into())],
        ),
        get(None, "/report"),
        get(None, "/report/follow"),
        (
            None,
            "POST",
            "/report/follow".into(),
            vec![("code", receipt)],
        ),
        get(None, "/work/login"),
        get(Some("leader"), "/work"),
        get(Some("township_secretary"), "/work"),
        get(Some("village_supervisor"), "/work"),
        get(Some("leader"), "/work/clues"),
        get(Some("leader"), "/work/clues?rule=SUB-DEAD-PAYEE"),
        get(Some("leader"), &format!("/work/clues?village={VILLAGE}")),
        get(Some("leader"), "/work/clues?status=open"),
        get(Some("leader"), "/work/clues?state=resolved_by_data"),
        get(Some("leader"), "/work/clues?sort=amount_asc&page=1"),
        get(Some("township_secretary"), "/work/clues"),
        get(Some("village_supervisor"), "/work/clues"),
        get(Some("related"), "/work"),
        get(Some("related"), "/work/clues"),
        get(Some("related"), "/work/clues?rule=SUB-DEAD-PAYEE"),
        get(Some("leader"), &format!("/work/clues/{CLUE}")),
        get(Some("township_secretary"), &format!("/work/clues/{CLUE}")),
        get(Some("admin"), "/work/access-log"),
        get(Some("admin"), &format!("/work/access-log?subject={ZHANG}")),
        get(Some("admin"), "/work/data"),
        get(Some("investigator"), "/work/reports"),
        get(Some("investigator"), "/work/reports/new"),
        get(Some("investigator"), "/work/reports/1"),
        get(Some("auditor"), "/work/audit"),
        get(Some("leader"), "/work/statistics"),
        get(Some("leader"), "/work/statistics.xlsx"),
        get(
            Some("investigator"),
            &format!("/work/dispose?kind=clue&id={CLUE}"),
        ),
        get(Some("investigator"), "/work/cases"),
        get(Some("investigator"), &case),
    ]
}

async fn check_backend(backend: Backend) -> Vec<String> {
    let db = TestDb::new(backend).await;
    county(&db).await;
    let app = app(&db.store).await;
    let mut sessions = BTreeMap::new();
    for who in [
        "leader",
        "admin",
        "investigator",
        "township_secretary",
        "village_supervisor",
        "auditor",
        "related",
    ] {
        sessions.insert(who, log_in(&app, who).await);
    }
    let pages = pages(&app, &sessions).await;
    let sqlite = matches!(db.store, Store::Sqlite(_));
    let indexes = postgres_indexes(&db.store).await;
    let mut problems = Vec::new();
    for (who, method, path, form) in pages {
        let cookie = who.map(|w| sessions[w].0.clone());
        let mut form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        if let Some(w) = who {
            form.push(("csrf", &sessions[w].1));
        }
        take_statements();
        let r = send(&app, method, &path, cookie.as_deref(), &form).await;
        let statements: BTreeSet<String> = take_statements().into_iter().collect();
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{backend:?} {method} {path}: {}",
            r.body
        );
        for sql in statements {
            let verb = sql.split_whitespace().next().unwrap_or("").to_uppercase();
            // What a page writes (sessions touched, accesses logged) goes by key or appends.
            if !["SELECT", "WITH", "UPDATE", "DELETE"].contains(&verb.as_str()) {
                continue;
            }
            let plan = plan(&db.store, &sql).await;
            for (table, line) in whole_scans(sqlite, &sql, &plan, &indexes) {
                problems.push(format!(
                    "{backend:?} {method} {path}: reads all of {table} ({line})\n    {sql}"
                ));
            }
        }
    }
    db.drop_db().await;
    problems
}

#[tokio::test]
async fn no_page_reads_a_whole_register() {
    tracing::subscriber::set_global_default(Capture).expect("the only subscriber");
    let mut problems = Vec::new();
    for backend in BACKENDS {
        problems.extend(check_backend(backend).await);
    }
    assert!(
        problems.is_empty(),
        "{} statements read a whole register:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_plan_reader_tells_whole_scans_from_searches() {
    let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let tables = |found: Vec<(String, String)>| found.into_iter().map(|f| f.0).collect::<Vec<_>>();
    let sql =
        "SELECT e.amount FROM entitlements e JOIN programs p ON p.program_code = e.program_code \
               WHERE e.village_code = $1 AND p.rate > $12";
    assert_eq!(aliases(sql)["e"], "entitlements");
    assert_eq!(aliases(sql)["p"], "programs");
    assert_eq!(parameters(sql), 12);
    // SQLite: a scan of a register, by table or by index, is found; searches and small tables
    // are not.
    let none = IndexMap::new();
    let plan = lines(&[
        "SCAN e",
        "SEARCH p USING INDEX programs_key (program_code=?)",
    ]);
    assert_eq!(
        tables(whole_scans(true, sql, &plan, &none)),
        ["entitlements"]
    );
    let plan = lines(&["SCAN e USING COVERING INDEX entitlements_batch"]);
    assert_eq!(
        tables(whole_scans(true, sql, &plan, &none)),
        ["entitlements"]
    );
    let plan = lines(&[
        "SCAN p",
        "SEARCH e USING INDEX entitlements_by_village (village_code=?)",
    ]);
    assert!(whole_scans(true, sql, &plan, &none).is_empty());
    // PostgreSQL: a sequential scan, an index scan without a condition, or with a condition on
    // a later column of the index only, is found.
    let indexes: IndexMap = [
        ("entitlements_batch", "entitlements", "batch_id"),
        ("programs_key", "programs", "program_code"),
        ("clues_by_rule", "clues", "rule_id"),
        ("clues_by_amount", "clues", "data_state"),
        ("vouchers_by_village", "vouchers", "village_code"),
    ]
    .into_iter()
    .map(|(i, t, c)| (i.to_string(), (t.to_string(), Some(c.to_string()))))
    .collect();
    let plan = lines(&[
        "Nested Loop  (cost=0.29..25.88 rows=1 width=168)",
        "  ->  Index Scan using entitlements_batch on entitlements e  (cost=0.14..8.16 rows=1 width=64)",
        "  ->  Index Scan using programs_key on programs p  (cost=0.14..8.16 rows=1 width=136)",
        "        Index Cond: (program_code = e.program_code)",
    ]);
    assert_eq!(
        tables(whole_scans(false, sql, &plan, &indexes)),
        ["entitlements"]
    );
    let plan = lines(&[
        "Limit  (cost=0.14..8.18 rows=1 width=40)",
        "  ->  Index Scan using clues_by_amount on clues c  (cost=0.14..8.18 rows=1 width=40)",
        "        Index Cond: (data_state = 'current'::text)",
        "        Filter: (village_code = $1)",
        "  ->  Index Scan using clues_by_rule on clues c  (cost=0.14..9.43 rows=1 width=40)",
        "        Index Cond: (data_state = 'current'::text)",
        "  ->  Seq Scan on payments  (cost=0.00..1.00 rows=1 width=40)",
        "  ->  Bitmap Heap Scan on vouchers  (cost=4.99..16.59 rows=160 width=8)",
        "        Recheck Cond: (village_code = $1)",
        "        ->  Bitmap Index Scan on vouchers_by_village  (cost=0.00..4.94 rows=160 width=0)",
        "              Index Cond: (village_code = $1)",
    ]);
    assert_eq!(
        tables(whole_scans(false, sql, &plan, &indexes)),
        ["clues", "payments"]
    );
}
