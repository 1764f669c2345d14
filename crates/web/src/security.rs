//! Headers every response carries, and the no-store rule for pages with personal data.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// No script at all, nothing from elsewhere: the pages are plain HTML forms and one embedded
/// stylesheet, so the policy can be this strict.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// HSTS unless the operator serves plain HTTP: once a browser has been to the HTTPS site it never
/// sends an official's session or a reporter's text over plain HTTP again.
pub async fn strict_transport(
    axum::extract::State(state): axum::extract::State<crate::Shared>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if !state.plain_http {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    // Pages are private unless a handler says otherwise (only the stylesheet does): a shared
    // phone or a proxy must not keep someone's payments or a receipt code.
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}
