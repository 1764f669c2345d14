//! Qingfeng's web application, served by `qingfeng serve`: the villagers' portal (no login) and
//! the officials' workspace (`/work`). Server-rendered HTML (askama), no JavaScript, every asset
//! embedded in the binary.

mod drawing;
pub mod i18n;
pub mod intake;
mod limit;
mod page;
mod portal;
mod receipt;
mod security;
pub mod workspace;

pub use limit::RateLimiter;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use i18n::Lang;
use qingfeng_domain::WorkCalendar;
use qingfeng_store::Store;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

/// Rules done and rules in all, updated by a running check.
pub type CheckProgress = Arc<(AtomicUsize, AtomicUsize)>;

/// Runs a check over the store, reporting progress, and returns a one-line summary. The web
/// crate does not embed the engine; the binary hands it this. The future need not be `Send`:
/// it is driven on a thread of its own (the engine's per-rule futures are not provably `Send`).
pub type Checker = Arc<
    dyn Fn(Store, CheckProgress) -> Pin<Box<dyn Future<Output = anyhow::Result<String>>>>
        + Send
        + Sync,
>;

/// The check started from the workspace, if any (one at a time).
pub struct CheckJob {
    pub started_by: String,
    pub started_at: String,
    pub progress: CheckProgress,
    /// The summary (or the failure) once it has ended.
    pub finished: Option<String>,
}

impl CheckJob {
    fn new(started_by: &str) -> CheckJob {
        CheckJob {
            started_by: started_by.to_string(),
            started_at: chrono::Utc::now().to_rfc3339(),
            progress: Arc::new((AtomicUsize::new(0), AtomicUsize::new(0))),
            finished: None,
        }
    }
}

pub struct Options {
    /// "My money" look-ups allowed per client per minute.
    pub lookups_per_minute: u32,
    /// "My money" look-ups allowed per person looked up (name and the ID number's region and
    /// birth year) per hour, whatever the client: guessing the rest of one person's ID number
    /// takes thousands of tries.
    pub lookups_per_person_per_hour: u32,
    /// Reports one client may file through the portal per hour.
    pub filings_per_client_per_hour: u32,
    /// Reports the portal takes per hour from everyone together.
    pub filings_per_hour: u64,
    /// Attachment bytes the portal stores per hour from everyone together.
    pub attachment_bytes_per_hour: u64,
    /// Log-in attempts allowed per client per minute (accounts also lock after repeated
    /// failures, whatever the client).
    pub logins_per_minute: u32,
    /// Rule id → (title in Chinese, title in English), shown beside rule ids.
    pub rule_titles: HashMap<String, (String, String)>,
    /// What "run checks now" runs; without it the button answers "unavailable".
    pub checker: Option<Checker>,
    /// Public holidays and make-up working days, for deadlines counted in working days.
    pub calendar: WorkCalendar,
    /// Post titles (at county level) managed by the level above: reports naming their holders go
    /// up and are hidden from the county.
    pub senior_titles: Vec<String>,
    /// The higher commission's age public key, for reports that go up. Without it such reports are
    /// not stored at all and the reporter is told where to report instead.
    pub upper_recipient: Option<String>,
    /// The server's keys, read from its key file (`server_keys`); `None` makes fresh ones for
    /// this process only (tests).
    pub keys: Option<qingfeng_vault::ServerKeys>,
    /// The operator serves plain HTTP (a test or a demo on this machine): cookies without
    /// `Secure`, no HSTS. Otherwise the server is taken to be reached over HTTPS (through a
    /// reverse proxy that ends TLS).
    pub plain_http: bool,
    /// The reverse proxy in front of the server: requests from it carry the client's address in
    /// `X-Forwarded-For`, which is believed from it and from nobody else.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// The procedure's clock (the machine's unless a test sets one).
    pub clock: Arc<dyn qingfeng_workflow::Clock>,
    /// When villages publish their finances (quarterly; monthly where bookings are frequent).
    pub finance_schedule: qingfeng_domain::disclosure::FinanceSchedule,
    /// The county's micro-power list (the default list unless the county has its own).
    pub powers: qingfeng_domain::power::PowerList,
    /// The rules asked before the township agency pays (the engine, wired in by the program;
    /// without it no payment is made).
    pub payment_check: Option<qingfeng_workflow::matters::PaymentCheck>,
}

/// The server's key file: read it, or create it. An installation that kept its matter secret in
/// the database before the file existed has it moved out: the file's matter key continues it
/// (earlier reports stay linked) and the database copy is deleted. The audit key is then used
/// for every row this process appends to the trail and the access log.
pub async fn server_keys(
    store: &Store,
    path: &std::path::Path,
) -> anyhow::Result<(
    qingfeng_vault::ServerKeys,
    qingfeng_vault::server_keys::Loaded,
)> {
    use qingfeng_vault::ServerKeys;
    let legacy = store.installation_secret_if_any("matter_secret").await?;
    let (keys, loaded) = ServerKeys::load_or_create(path, || match &legacy {
        Some(secret) => ServerKeys::generate_continuing(secret),
        None => ServerKeys::generate(),
    })?;
    if legacy.is_some() {
        store.forget_installation_secret("matter_secret").await?;
    }
    qingfeng_store::audit::use_key(*keys.audit_key());
    store.seal_legacy_logs().await?;
    Ok((keys, loaded))
}

/// The calendar shipped with Qingfeng (`config/holidays.csv`).
pub fn default_calendar() -> WorkCalendar {
    WorkCalendar::from_csv(include_str!("../../../config/holidays.csv"))
        .expect("the shipped holiday calendar reads")
}

/// Posts of a county's leaders (县领导, managed by the city): configuration, these are the usual
/// titles.
pub const DEFAULT_SENIOR_TITLES: &[&str] = &[
    "县委书记",
    "县委副书记",
    "县长",
    "副县长",
    "县委常委",
    "纪委书记",
    "监委主任",
    "人大常委会主任",
    "政协主席",
];

impl Default for Options {
    fn default() -> Options {
        Options {
            lookups_per_minute: 20,
            lookups_per_person_per_hour: 10,
            filings_per_client_per_hour: 10,
            filings_per_hour: 600,
            attachment_bytes_per_hour: 512 * 1024 * 1024,
            logins_per_minute: 10,
            rule_titles: HashMap::new(),
            checker: None,
            calendar: default_calendar(),
            senior_titles: DEFAULT_SENIOR_TITLES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            upper_recipient: None,
            keys: None,
            plain_http: false,
            trusted_proxy: None,
            clock: Arc::new(qingfeng_workflow::SystemClock),
            finance_schedule: Default::default(),
            powers: Default::default(),
            payment_check: None,
        }
    }
}

pub struct AppState {
    pub store: Store,
    lookups: RateLimiter,
    lookups_per_person: RateLimiter,
    /// Receipt-code attempts; kept apart from look-ups so that one cannot exhaust the other.
    follows: RateLimiter,
    /// Portal reports per client, and per hour from everyone; attachment bytes per hour.
    filings: RateLimiter,
    filings_total: limit::Budget,
    attachment_bytes: limit::Budget,
    /// The installation's receipt-hash salt (see `receipt`).
    receipt_salt: String,
    logins: RateLimiter,
    /// Failed log-ins per account and client: five lock that client out of that account for a
    /// while, not the account itself (anyone could otherwise lock an official out at will).
    login_failures: RateLimiter,
    /// Checked when a log-in names no account, so that the answer takes as long as for one.
    dummy_password_hash: String,
    rule_titles: HashMap<String, (String, String)>,
    checker: Option<Checker>,
    check_job: Mutex<Option<CheckJob>>,
    calendar: WorkCalendar,
    senior_titles: Vec<String>,
    upper_recipient: Option<String>,
    /// Keys the hash that links repeat reports on one matter, so that the hash names nobody to
    /// whoever reads the database: it comes from the server's key file, not the database.
    matter_key: [u8; 32],
    /// The server's approval key: seniors' copies of a reporter's identity key are wrapped
    /// behind it, and it is used only to carry out a second senior's approval.
    approval_key: qingfeng_vault::KeyPair,
    /// Its public half.
    approval_recipient: String,
    plain_http: bool,
    trusted_proxy: Option<std::net::IpAddr>,
    clock: Arc<dyn qingfeng_workflow::Clock>,
    finance_schedule: qingfeng_domain::disclosure::FinanceSchedule,
    powers: Arc<qingfeng_domain::power::PowerList>,
    payment_check: Option<qingfeng_workflow::matters::PaymentCheck>,
}

pub type Shared = Arc<AppState>;

impl AppState {
    pub async fn new(store: Store, opts: &Options) -> anyhow::Result<Shared> {
        let receipt_salt = store
            .installation_secret("receipt_salt", receipt::new_salt)
            .await?;
        let keys = opts
            .keys
            .clone()
            .unwrap_or_else(qingfeng_vault::ServerKeys::generate);
        if let Some(r) = &opts.upper_recipient {
            anyhow::ensure!(
                qingfeng_vault::is_recipient(r),
                "not an age public key: {r} / 不是 age 公钥"
            );
        }
        let dummy_password_hash =
            workspace::auth::hash_password(&workspace::auth::generate_password())?;
        Ok(Arc::new(AppState {
            store,
            lookups: RateLimiter::new(opts.lookups_per_minute, Duration::from_secs(60)),
            lookups_per_person: RateLimiter::new(
                opts.lookups_per_person_per_hour,
                Duration::from_secs(3600),
            ),
            follows: RateLimiter::new(10, Duration::from_secs(60)),
            filings: RateLimiter::new(opts.filings_per_client_per_hour, Duration::from_secs(3600)),
            filings_total: limit::Budget::new(opts.filings_per_hour, Duration::from_secs(3600)),
            attachment_bytes: limit::Budget::new(
                opts.attachment_bytes_per_hour,
                Duration::from_secs(3600),
            ),
            receipt_salt,
            logins: RateLimiter::new(opts.logins_per_minute, Duration::from_secs(60)),
            login_failures: RateLimiter::new(
                workspace::auth::MAX_FAILURES as u32,
                Duration::from_secs(workspace::auth::LOCK_SECS as u64),
            ),
            dummy_password_hash,
            rule_titles: opts.rule_titles.clone(),
            checker: opts.checker.clone(),
            check_job: Mutex::new(None),
            calendar: opts.calendar.clone(),
            senior_titles: opts.senior_titles.clone(),
            upper_recipient: opts.upper_recipient.clone(),
            matter_key: *keys.matter_key(),
            approval_recipient: keys.approval_key().recipient(),
            approval_key: keys.approval_key(),
            plain_http: opts.plain_http,
            trusted_proxy: opts.trusted_proxy,
            clock: opts.clock.clone(),
            finance_schedule: opts.finance_schedule,
            powers: Arc::new(opts.powers.clone()),
            payment_check: opts.payment_check.clone(),
        }))
    }

    /// The clue use cases over this server's store, clock and calendar.
    pub fn clue_desk(&self) -> qingfeng_workflow::clues::ClueDesk<'_> {
        qingfeng_workflow::clues::ClueDesk {
            store: &self.store,
            clock: self.clock.as_ref(),
            calendar: &self.calendar,
        }
    }

    /// The report use cases over this server's store, clock and calendar.
    pub fn report_desk(&self) -> qingfeng_workflow::reports::ReportDesk<'_> {
        qingfeng_workflow::reports::ReportDesk {
            store: &self.store,
            clock: self.clock.as_ref(),
            calendar: &self.calendar,
        }
    }

    /// Identity requests over this server's store and approval key.
    pub fn identity_desk(&self) -> qingfeng_workflow::identity::IdentityDesk<'_> {
        qingfeng_workflow::identity::IdentityDesk {
            store: &self.store,
            approval_key: &self.approval_key,
        }
    }

    /// The case use cases over this server's store, clock and calendar.
    pub fn case_desk(&self) -> qingfeng_workflow::cases::CaseDesk<'_> {
        qingfeng_workflow::cases::CaseDesk {
            store: &self.store,
            clock: self.clock.as_ref(),
            calendar: &self.calendar,
        }
    }

    /// The matter use cases over this server's store, power list, clock and calendar.
    pub fn matter_desk(&self) -> qingfeng_workflow::matters::MatterDesk<'_> {
        qingfeng_workflow::matters::MatterDesk {
            store: &self.store,
            powers: &self.powers,
            clock: self.clock.as_ref(),
            calendar: &self.calendar,
            payment_check: self.payment_check.as_ref(),
        }
    }

    /// The procedure's clock.
    pub fn books_desk(&self) -> qingfeng_workflow::village_books::BooksDesk<'_> {
        qingfeng_workflow::village_books::BooksDesk {
            store: &self.store,
            clock: self.clock.as_ref(),
        }
    }

    pub fn clock(&self) -> &dyn qingfeng_workflow::Clock {
        self.clock.as_ref()
    }

    /// Today, by the procedure's clock (China time).
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// The client a request comes from, for rate limits (never stored): the peer, or, when the
    /// peer is the configured reverse proxy, the address it appended last to `X-Forwarded-For`
    /// (earlier entries are whatever the client sent). Without the setting every client behind
    /// a proxy would share the proxy's allowance.
    pub fn client_ip(
        &self,
        peer: std::net::SocketAddr,
        headers: &axum::http::HeaderMap,
    ) -> std::net::IpAddr {
        if self.trusted_proxy != Some(peer.ip()) {
            return peer.ip();
        }
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .next_back()
            .unwrap_or(peer.ip())
    }

    /// The title of a rule in `lang`, or nothing if the rule is unknown here.
    pub fn rule_title(&self, rule_id: &str, lang: Lang) -> String {
        self.rule_titles
            .get(rule_id)
            .map(|(zh, en)| match lang {
                Lang::Zh => zh.clone(),
                Lang::En => en.clone(),
            })
            .unwrap_or_default()
    }

    pub fn rule_ids(&self) -> Vec<String> {
        self.rule_titles.keys().cloned().collect()
    }
}

/// The application's routes, each registered with its method so that it can be checked
/// against the access table (`workspace::access::POLICY`) as it is added.
#[derive(Default)]
struct Routes {
    paths: BTreeMap<&'static str, MethodRouter<Shared>>,
    registered: Vec<(&'static str, &'static str)>,
}

impl Routes {
    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        route: MethodRouter<Shared>,
    ) -> Self {
        assert!(
            workspace::access::policy(method, path).is_some(),
            "{method} {path} has no rule in the access table (workspace/access.rs)"
        );
        self.registered.push((method, path));
        let merged = match self.paths.remove(path) {
            Some(existing) => existing.merge(route),
            None => route,
        };
        self.paths.insert(path, merged);
        self
    }

    fn get<H: Handler<T, Shared>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add("GET", path, get(handler))
    }

    fn post<H: Handler<T, Shared>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add("POST", path, post(handler))
    }
}

fn routes() -> Routes {
    Routes::default()
        .get("/", portal::home)
        .get("/money", portal::money::form)
        .post("/money", portal::money::look_up)
        .get("/village", portal::village::choose)
        .get("/village/{code}", portal::village::show)
        .get(
            "/village/{code}/matters/{id}",
            portal::village::matter::show,
        )
        .post(
            "/village/{code}/matters/{id}/objections",
            portal::village::matter::object,
        )
        .get("/powers", portal::powers::list)
        .get("/powers/{id}", portal::powers::show)
        .get("/powers/{id}/flowchart.svg", portal::powers::flowchart_svg)
        .get("/report", portal::report::form)
        .add(
            "POST",
            "/report",
            post(portal::report::file)
                .layer(DefaultBodyLimit::max(portal::report::MAX_REPORT_BYTES)),
        )
        .get("/report/follow", portal::report::follow_form)
        .post("/report/follow", portal::report::follow)
        .post("/report/review", portal::report::review)
        .get("/assets/site.css", stylesheet)
        .get("/work/login", workspace::auth::login_form)
        .post("/work/login", workspace::auth::log_in)
        .post("/work/logout", workspace::auth::log_out)
        .get("/work", workspace::dashboard)
        .get("/work/books", workspace::books::index)
        .get("/work/books/{register}", workspace::books::register)
        .post("/work/books/{register}", workspace::books::enter)
        .get("/work/matters", workspace::matters::list)
        .post("/work/matters", workspace::matters::open_matter)
        .get("/work/matters/{id}", workspace::matters::show)
        .post("/work/matters/{id}/steps", workspace::matters::do_step)
        .add(
            "POST",
            "/work/matters/{id}/papers",
            post(workspace::matters::attach_scan).layer(DefaultBodyLimit::max(
                qingfeng_workflow::matters::PAPER_MAX_BYTES + 64 * 1024,
            )),
        )
        .get(
            "/work/matters/{id}/papers/{paper}",
            workspace::matters::scan,
        )
        .post(
            "/work/matters/{id}/refusal",
            workspace::matters::refuse_step,
        )
        .post(
            "/work/matters/{id}/objections",
            workspace::matters::committee_objection,
        )
        .post(
            "/work/matters/{id}/objections/{objection}/answer",
            workspace::matters::answer_objection,
        )
        .get("/work/clues", workspace::queue)
        .post("/work/clues/assign", workspace::hand_over)
        .get("/work/clues/{fingerprint}", workspace::clue)
        .post("/work/clues/{fingerprint}/review", workspace::review)
        .post("/work/clues/{fingerprint}/propose", workspace::propose)
        .post(
            "/work/clues/{fingerprint}/proposals/{proposal}/sign",
            workspace::sign,
        )
        .post(
            "/work/clues/{fingerprint}/feedback",
            workspace::answer_hand_over,
        )
        .get("/work/access-log", workspace::access_log)
        .get("/work/data", workspace::data)
        .add(
            "POST",
            "/work/data/upload",
            post(workspace::upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .post("/work/checks/run", workspace::run_checks)
        .get("/work/reports", workspace::reports::list)
        .get("/work/reports/new", workspace::intake_form)
        .add(
            "POST",
            "/work/reports/new",
            post(workspace::intake_file).layer(DefaultBodyLimit::max(
                workspace::MAX_INTAKE_BYTES + 1024 * 1024,
            )),
        )
        .get("/work/reports/{id}", workspace::reports::show)
        .get(
            "/work/reports/{id}/attachments/{n}",
            workspace::reports::attachment,
        )
        .post("/work/reports/{id}/accept", workspace::reports::accept)
        .post("/work/reports/{id}/transfer", workspace::reports::transfer)
        .post("/work/reports/{id}/extend", workspace::reports::extend)
        .post("/work/reports/{id}/conclude", workspace::reports::conclude)
        .post(
            "/work/reports/{id}/result-notice",
            workspace::reports::record_result_notice,
        )
        .post(
            "/work/reports/{id}/reviews/{review}",
            workspace::reports::decide_review,
        )
        .post(
            "/work/reports/{id}/identity",
            workspace::reports::ask_identity,
        )
        .post(
            "/work/reports/{id}/identity/{request}",
            workspace::reports::decide_identity,
        )
        .get("/work/audit", workspace::reports::audit)
        .get("/work/statistics", workspace::statistics::page)
        .get("/work/statistics.xlsx", workspace::statistics::xlsx)
        .get("/work/dispose", workspace::cases::dispose_form)
        .post("/work/dispose", workspace::cases::dispose)
        .post(
            "/work/dispositions/{id}/inquiry",
            workspace::cases::record_inquiry_step,
        )
        .get("/work/cases", workspace::cases::list)
        .get("/work/cases/{id}", workspace::cases::show)
        .post("/work/cases/{id}/move", workspace::cases::move_case)
        .post(
            "/work/cases/{id}/checklist",
            workspace::cases::record_checklist,
        )
        .post("/work/cases/{id}/assign", workspace::cases::assign)
        .post(
            "/work/cases/{id}/discussions",
            workspace::cases::record_discussion,
        )
        .post(
            "/work/cases/{id}/sanctions",
            workspace::cases::record_sanction,
        )
        .post("/work/cases/{id}/appeals", workspace::cases::record_appeal)
        .post(
            "/work/cases/{id}/appeals/{appeal}",
            workspace::cases::decide_appeal,
        )
        .post("/work/cases/{id}/remedies", workspace::cases::order_remedy)
        .post(
            "/work/cases/{id}/remedies/{remedy}",
            workspace::cases::progress_remedy,
        )
}

/// Largest upload of register files through the browser (a county's files; bigger imports go
/// through the command line).
const MAX_UPLOAD_BYTES: usize = 512 * 1024 * 1024;

/// Every (method, path) the application serves, as registered.
pub fn registered_routes() -> Vec<(&'static str, &'static str)> {
    routes().registered
}

/// The application: every route of `routes()`, behind the access gate and the security headers.
pub fn router(state: Shared) -> Router {
    let mut router = Router::new();
    for (path, route) in routes().paths {
        router = router.route(path, route);
    }
    router
        .fallback(portal::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            workspace::auth::gate,
        ))
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::strict_transport,
        ))
        .with_state(state)
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        include_str!("../assets/site.css"),
    )
}

/// Serves until the process is stopped. Nothing is logged per request: the portal must not
/// keep who looked up what, nor from where.
pub async fn serve(state: Shared, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await?;
    Ok(())
}
