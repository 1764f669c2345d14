//! Qingfeng's web application, served by `qingfeng serve`: the villagers' portal (no login) and,
//! later, the officials' workspace. Server-rendered HTML (askama), no JavaScript, every asset
//! embedded in the binary.

pub mod i18n;
mod limit;
mod page;
mod portal;
mod receipt;
mod security;

pub use limit::RateLimiter;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use qingfeng_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub struct Options {
    /// "My money" look-ups allowed per client per minute.
    pub lookups_per_minute: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            lookups_per_minute: 20,
        }
    }
}

pub struct AppState {
    pub store: Store,
    lookups: RateLimiter,
    /// Receipt-code attempts; kept apart from look-ups so that one cannot exhaust the other.
    follows: RateLimiter,
    /// The installation's receipt-hash salt (see `receipt`).
    receipt_salt: String,
}

pub type Shared = Arc<AppState>;

impl AppState {
    pub async fn new(store: Store, opts: &Options) -> anyhow::Result<Shared> {
        let receipt_salt = store
            .installation_secret("receipt_salt", receipt::new_salt)
            .await?;
        Ok(Arc::new(AppState {
            store,
            lookups: RateLimiter::new(opts.lookups_per_minute, Duration::from_secs(60)),
            follows: RateLimiter::new(10, Duration::from_secs(60)),
            receipt_salt,
        }))
    }
}

/// Every route of the application with its handler. The authorisation table of the officials'
/// workspace will be checked against this list.
pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(portal::home))
        .route(
            "/money",
            get(portal::money::form).post(portal::money::look_up),
        )
        .route(
            "/report",
            get(portal::report::form).post(portal::report::file),
        )
        .route(
            "/report/follow",
            get(portal::report::follow_form).post(portal::report::follow),
        )
        .route("/assets/site.css", get(stylesheet))
        .fallback(portal::not_found)
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(axum::middleware::from_fn(security::headers))
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
