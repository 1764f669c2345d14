//! The HTTP client the web tests share: requests to the real router, and a signed-in
//! official's [`Session`] that carries its cookie and puts the form token (CSRF) on every form
//! it posts itself, so that a test says what it posts, not how.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// What the application answered.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub fn encode(fields: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        s.append_pair(k, v);
    }
    s.finish()
}

pub async fn get(app: &Router, path: &str, cookie: Option<&str>) -> Reply {
    let mut r = Request::get(path).header(header::HOST, "qingfeng.test");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    send(app, r.body(Body::empty()).unwrap()).await
}

pub async fn post(
    app: &Router,
    path: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> Reply {
    let mut r = Request::post(path)
        .header(header::HOST, "qingfeng.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    send(app, r.body(Body::from(encode(fields))).unwrap()).await
}

/// The value of `name` in a `Set-Cookie` header of `r`, and the whole header.
pub fn set_cookie(r: &Reply, name: &str) -> Option<(String, String)> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| {
            let value = c[name.len() + 1..].split(';').next().unwrap().to_string();
            (value, c)
        })
}

/// The value of the hidden `csrf` field of a page.
pub fn csrf_of(body: &str) -> String {
    let at = body
        .find("name=\"csrf\" value=\"")
        .expect("a form with a csrf field")
        + 19;
    body[at..at + 64].to_string()
}

/// A signed-in official: session cookie and the form token, through the real log-in form.
#[derive(Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

impl Session {
    pub async fn get(&self, app: &Router, path: &str) -> Reply {
        get(app, path, Some(&self.cookie)).await
    }

    /// Posts `fields` as this official, with the form token added.
    pub async fn post(&self, app: &Router, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = fields.to_vec();
        all.push(("csrf", &self.csrf));
        post(app, path, Some(&self.cookie), &all).await
    }
}

pub async fn log_in(app: &Router, username: &str, password: &str) -> Result<Session, Reply> {
    let form = get(app, "/work/login", None).await;
    assert_eq!(form.status, StatusCode::OK);
    let (login_token, _) = set_cookie(&form, "qf_login").expect("log-in cookie");
    let csrf = csrf_of(&form.body);
    let r = post(
        app,
        "/work/login",
        Some(&format!("qf_login={login_token}")),
        &[
            ("username", username),
            ("password", password),
            ("csrf", &csrf),
        ],
    )
    .await;
    if r.status != StatusCode::SEE_OTHER {
        return Err(r);
    }
    let (token, _) = set_cookie(&r, "qf_session").expect("session cookie");
    let cookie = format!("qf_session={token}");
    let dash = get(app, "/work", Some(&cookie)).await;
    assert_eq!(dash.status, StatusCode::OK, "{}", dash.body);
    Ok(Session {
        csrf: csrf_of(&dash.body),
        cookie,
    })
}
