//! Signing in and out, sessions, CSRF tokens, and the gate every request passes.
//!
//! - Passwords: Argon2id, one random salt per password (PHC strings).
//! - Sessions: a random 256-bit token in a `Secure; HttpOnly; SameSite=Strict` cookie scoped to
//!   `/work` (without `Secure` only when the operator serves plain HTTP: `--plain-http`, and the
//!   demo on 127.0.0.1); the store keeps only its BLAKE3 hash. Idle sessions end after 30 minutes, all after
//!   12 hours; disabling an account or resetting its password ends its sessions.
//! - CSRF: every signed-in form carries the session's token, checked here before any handler
//!   runs; the log-in form uses a double-submit cookie. Requests another site starts
//!   (`Origin`, `Sec-Fetch-Site`) are refused outright.
//! - Throttling: a per-client limit on attempts (in memory, keyed hash of the address) and a
//!   per-account lock-out after repeated failures (in the store, so it survives restarts).

use super::access::{policy, Access};
use super::texts::WorkTexts;
use super::{Official, WorkPage};
use crate::page::Page;
use crate::{AppState, Shared};
use anyhow::Result;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use askama::Template;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qingfeng_vault::KeyPair;
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "qf_session";
const LOGIN_COOKIE: &str = "qf_login";
pub const IDLE_SECS: i64 = 30 * 60;
pub const LIFETIME_SECS: i64 = 12 * 60 * 60;
/// Failed passwords from one client before that client is locked out of the account, and for
/// how long.
pub const MAX_FAILURES: i64 = 5;
pub const LOCK_SECS: i64 = 15 * 60;
/// Largest form body the gate reads to find the CSRF token.
const MAX_FORM_BYTES: usize = 256 * 1024;

pub use qingfeng_workflow::accounts::{
    generate_password, give_new_key, hash_password, MIN_PASSWORD_CHARS,
};

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Equal strings in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The signed-in official of a request, if its session is alive.
async fn official_of(state: &Shared, headers: &HeaderMap) -> Result<Option<Official>> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = token_hash(token);
    let Some((user, csrf)) = state.store.session(&hash, now(), IDLE_SECS).await? else {
        return Ok(None);
    };
    // An account whose jurisdiction no longer fits its role gets nothing.
    let role = user.role;
    let Ok(scope) = role.scope(&user.jurisdiction) else {
        return Ok(None);
    };
    Ok(Some(Official {
        user,
        role,
        scope,
        csrf,
        token: super::SessionToken(token.to_string()),
    }))
}

/// Whether another site started this request (a browser says so in `Sec-Fetch-Site`, or in an
/// `Origin` naming another host); such requests never change anything here. `Origin: null`
/// (what browsers send under `Referrer-Policy: no-referrer`) says nothing either way; the CSRF
/// token still has to match.
fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !(site == "same-origin" || site == "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some("null") | None, _) => false,
        (Some(origin), Some(host)) => {
            let origin_host = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                .unwrap_or(origin);
            origin_host != host
        }
        (Some(_), None) => true,
    }
}

/// The token of a form, from its body, which is read here and handed on unchanged: the whole
/// url-encoded body, or the first field of a multipart one (uploads), read without waiting for
/// the files behind it. Never from the URL: a token there ends up in logs, in the browser's
/// history and in `Referer` headers.
async fn form_token(request: Request) -> Result<(Option<String>, Request), Response> {
    let boundary = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.starts_with("multipart/form-data"))
        .and_then(|v| v.split("boundary=").nth(1))
        .map(|b| {
            b.split(';')
                .next()
                .unwrap_or(b)
                .trim_matches('"')
                .to_string()
        });
    let (parts, body) = request.into_parts();
    if let Some(boundary) = boundary {
        let (token, body) = multipart_token(&boundary, body).await?;
        return Ok((token, Request::from_parts(parts, body)));
    }
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
    let token = form_value(&bytes, "csrf");
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

/// The `csrf` field when it is the first of a multipart body (the forms put it first), and the
/// body as it came.
async fn multipart_token(boundary: &str, body: Body) -> Result<(Option<String>, Body), Response> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut head: Vec<u8> = Vec::new();
    // The first field is a few hundred bytes; the files after it are not waited for.
    while head.len() < 4096 {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(_)) => return Err(StatusCode::BAD_REQUEST.into_response()),
            None => break,
        }
    }
    let token = first_multipart_field(&head, boundary, "csrf");
    let head = axum::body::Bytes::from(head);
    let whole = futures_util::stream::once(async move { Ok::<_, axum::Error>(head) }).chain(stream);
    Ok((token, Body::from_stream(whole)))
}

fn first_multipart_field(head: &[u8], boundary: &str, name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let delimiter = format!("--{boundary}\r\n");
    let after = &text[text.find(&delimiter)? + delimiter.len()..];
    let (part_headers, rest) = after.split_once("\r\n\r\n")?;
    if !part_headers.contains(&format!("name=\"{name}\"")) || part_headers.contains("filename=") {
        return None;
    }
    let value = &rest[..rest.find("\r\n")?];
    Some(value.to_string())
}

fn form_value(encoded: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(encoded)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Runs before every handler: finds the route's rule in the access table, signs the official
/// in from the session, refuses roles the rule does not name, and checks CSRF on every
/// signed-in POST. A route missing from the table is refused to everybody.
pub async fn gate(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let Some(path) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
    else {
        // Only the fallback (not found) has no matched path.
        return next.run(request).await;
    };
    let page = Page::new(request.uri(), request.headers());
    let w = WorkTexts::of(page.lang);
    let method = request.method().clone();
    let Some(access) = policy(method.as_str(), &path) else {
        return crate::page::error(&page, StatusCode::FORBIDDEN, w.forbidden);
    };
    let roles = match access {
        Access::Public => return next.run(request).await,
        Access::Roles(roles) => roles,
    };
    let official = match official_of(&state, request.headers()).await {
        Ok(Some(o)) => o,
        Ok(None) => return Redirect::to("/work/login").into_response(),
        Err(e) => {
            // Logged: an account row the store cannot read (a role code written around the
            // application) is a sign of tampering the operator must see.
            eprintln!("workspace session: {e:#}");
            return crate::page::error(
                &page,
                StatusCode::INTERNAL_SERVER_ERROR,
                page.t.server_error,
            );
        }
    };
    if !roles.contains(&official.role) {
        return WorkPage::new(&page, &official).error(StatusCode::FORBIDDEN, w.forbidden);
    }
    let mut request = request;
    if method == Method::POST {
        if cross_site(request.headers()) {
            return WorkPage::new(&page, &official).error(StatusCode::FORBIDDEN, w.forbidden);
        }
        let (token, checked) = match form_token(request).await {
            Ok(t) => t,
            Err(response) => return response,
        };
        if !token.is_some_and(|t| same(&t, &official.csrf)) {
            return WorkPage::new(&page, &official).error(StatusCode::FORBIDDEN, w.form_expired);
        }
        request = checked;
    }
    request.extensions_mut().insert(official.clone());
    let response = next.run(request).await;
    // A handler's `Failure` is rendered here, where the official and the language are known.
    match response.extensions().get::<super::request::FailurePage>() {
        Some(failure) => failure.render(&WorkPage::new(&page, &official)),
        None => response,
    }
}

#[derive(Template)]
#[template(path = "work/login.html")]
struct LoginPage<'a> {
    page: &'a Page,
    w: &'static WorkTexts,
    token: &'a str,
    username: &'a str,
    message: Option<&'a str>,
}

/// `; Secure` for every cookie, unless the operator said the server is reached over plain HTTP
/// (`qingfeng serve --plain-http`, and the demo on a loopback address): never decided from the
/// request's Host header, which whoever sends the request chooses.
fn secure(state: &AppState) -> &'static str {
    if state.plain_http {
        ""
    } else {
        "; Secure"
    }
}

fn login_page(
    page: &Page,
    state: &AppState,
    status: StatusCode,
    username: &str,
    message: Option<&str>,
) -> Response {
    let token = random_token();
    let mut response = page.render(
        status,
        &LoginPage {
            page,
            w: WorkTexts::of(page.lang),
            token: &token,
            username,
            message,
        },
    );
    let cookie = format!(
        "{LOGIN_COOKIE}={token}; Path=/work/login; HttpOnly{}; SameSite=Strict; Max-Age=3600",
        secure(state)
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

pub async fn login_form(State(state): State<Shared>, uri: Uri, headers: HeaderMap) -> Response {
    if let Ok(Some(_)) = official_of(&state, &headers).await {
        return Redirect::to("/work").into_response();
    }
    let page = Page::new(&uri, &headers);
    login_page(&page, &state, StatusCode::OK, "", None)
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

pub async fn log_in(
    State(state): State<Shared>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let w = WorkTexts::of(page.lang);
    let username = form.username.trim();
    if cross_site(&headers)
        || !cookie(&headers, LOGIN_COOKIE)
            .is_some_and(|c| !form.csrf.is_empty() && same(c, &form.csrf))
    {
        return login_page(
            &page,
            &state,
            StatusCode::BAD_REQUEST,
            username,
            Some(w.form_expired),
        );
    }
    let client = state.client_ip(client, &headers);
    if !state.logins.allow(client) {
        return login_page(
            &page,
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            username,
            Some(w.login_throttled),
        );
    }
    let user = match state.store.user_by_name(username).await {
        Ok(u) => u,
        Err(e) => return crate::portal::failure(&page, e),
    };
    // Failures count per account *and client*: whoever types wrong passwords locks out only
    // themselves. Against guessing from many addresses, the account's own count slows every
    // attempt on it instead (a second more per failure beyond five, up to ten), which an
    // attacker cannot turn into a lock-out.
    let account_client = format!("{username}\u{1f}{client}");
    let blocked_here = state.login_failures.used_up(account_client.as_bytes());
    if let Some(u) = &user {
        if u.failed_logins >= MAX_FAILURES {
            let secs = (u.failed_logins - MAX_FAILURES + 1).min(10) as u64;
            tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
        }
    }
    let stored_hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| state.dummy_password_hash.clone());
    let password = form.password.clone();
    // Argon2 takes tens of milliseconds of CPU: off the async workers. An unknown user name is
    // checked against a dummy hash so that the answer takes as long as for a real one.
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored_hash))
        .await
        .unwrap_or(false);
    let t = now();
    let Some(user) = user else {
        return login_page(
            &page,
            &state,
            StatusCode::UNAUTHORIZED,
            username,
            Some(w.login_failed),
        );
    };
    let usable = !user.disabled && !blocked_here && user.role.scope(&user.jurisdiction).is_ok();
    if !matches || !usable {
        if !matches && !user.disabled {
            state.login_failures.count(account_client.as_bytes());
            if let Err(e) = state.store.note_failed_login(user.user_id).await {
                return crate::portal::failure(&page, e);
            }
        }
        return login_page(
            &page,
            &state,
            StatusCode::UNAUTHORIZED,
            username,
            Some(w.login_failed),
        );
    }
    state.login_failures.forget(account_client.as_bytes());
    let token = random_token();
    let csrf = random_token();
    let stored = async {
        state.store.clear_failed_logins(user.user_id).await?;
        state
            .store
            .create_session(
                &token_hash(&token),
                user.user_id,
                &csrf,
                t,
                t + LIFETIME_SECS,
            )
            .await
    }
    .await;
    if let Err(e) = stored {
        return crate::portal::failure(&page, e);
    }
    if let Err(e) = open_key_for_session(&state, &user, &form.password, &token).await {
        return crate::portal::failure(&page, e);
    }
    let secure = secure(&state);
    let mut response = Redirect::to("/work").into_response();
    let headers = response.headers_mut();
    for c in [
        format!(
            "{SESSION_COOKIE}={token}; Path=/work; HttpOnly{secure}; SameSite=Strict; Max-Age={LIFETIME_SECS}"
        ),
        format!("{LOGIN_COOKIE}=; Path=/work/login; HttpOnly{secure}; SameSite=Strict; Max-Age=0"),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            headers.append(header::SET_COOKIE, v);
        }
    }
    response
}

/// Unlocks the official's key pair with the password just checked (making one on the first log-in,
/// or a new one after an administrator reset the password, since the old one is locked with the
/// old password) and keeps it sealed with the session token for the life of the session.
async fn open_key_for_session(
    state: &Shared,
    user: &qingfeng_store::User,
    password: &str,
    token: &str,
) -> anyhow::Result<()> {
    let locked = state.store.locked_key_of(user.user_id).await?;
    let password = password.to_string();
    let (key, new_lock) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        if let Some(pair) = locked
            .as_deref()
            .and_then(|l| KeyPair::unlock_with_password(l, &password).ok())
        {
            return Ok((pair, None));
        }
        let pair = KeyPair::generate();
        let lock = pair.lock_with_password(&password)?;
        Ok((pair, Some(lock)))
    })
    .await??;
    if let Some(lock) = new_lock {
        state
            .store
            .set_user_key(user.user_id, &key.recipient(), &lock)
            .await?;
        state
            .store
            .audit(&qingfeng_store::AuditEvent {
                actor: &user.username,
                action: "user.key_created",
                subject_kind: "user",
                subject_id: &user.user_id.to_string(),
                detail: "a new key pair: reports given to the old one need to be shared again",
            })
            .await?;
    }
    let sealed = key.seal_for_session(token)?;
    state
        .store
        .set_session_key(&token_hash(token), &sealed)
        .await
}

/// The signed-in official's key pair, opened with the session token; `None` if the session holds
/// none (signed in before keys existed: signing in again makes one).
pub async fn session_key(state: &Shared, official: &Official) -> anyhow::Result<Option<KeyPair>> {
    let hash = token_hash(&official.token.0);
    let Some(sealed) = state.store.session_key(&hash).await? else {
        return Ok(None);
    };
    Ok(KeyPair::open_for_session(&sealed, &official.token.0).ok())
}

pub async fn log_out(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let _ = state.store.delete_session(&token_hash(token)).await;
    }
    let mut response = Redirect::to("/work/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/work; HttpOnly{}; SameSite=Strict; Max-Age=0",
        secure(&state)
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("correct horse battery", "not a hash"));
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn generated_passwords_are_long_and_differ() {
        let a = generate_password();
        assert_eq!(a.len(), 16);
        assert_ne!(a, generate_password());
        assert!(hash_password(&a).is_ok());
    }

    #[test]
    fn cross_site_requests_are_recognised() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(!cross_site(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(!cross_site(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!cross_site(&h), "null says nothing");
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(!cross_site(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(cross_site(&h));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=en; qf_session=abc; x=1"),
        );
        assert_eq!(cookie(&h, "qf_session"), Some("abc"));
        assert_eq!(cookie(&h, "qf"), None);
    }
}
