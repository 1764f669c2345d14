//! 小微权力清单 on the portal: every power of the county's list with its legal basis, its steps
//! (who acts, in what time, leaving which papers, making what public) and its flowchart, so that
//! villagers can check the officials against the chart. The flowchart is also served on its own,
//! as an SVG file to print or to post on the village's board.

use crate::drawing::flowchart::{flowchart, standalone};
use crate::page::{error, Page};
use crate::Shared;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use qingfeng_domain::power::Power;

pub struct PowerTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub steps: &'static str,
    pub basis: &'static str,
    pub disclosure: &'static str,
    pub flowchart: &'static str,
    pub download: &'static str,
    pub step: &'static str,
    pub post: &'static str,
    pub limit: &'static str,
    pub documents: &'static str,
    pub discloses: &'static str,
    pub no_limit: &'static str,
    pub back: &'static str,
}

pub const ZH: PowerTexts = PowerTexts {
    title: "小微权力清单",
    intro: "村里每一项“小微权力”怎么用：谁来办、按什么顺序、多长时间办完、留下哪些材料、向大家公开什么。干部照单办事，群众对单监督。",
    steps: "步骤",
    basis: "依据",
    disclosure: "公开内容和时间",
    flowchart: "流程图",
    download: "下载流程图（可打印）",
    step: "步骤",
    post: "办理主体",
    limit: "时限",
    documents: "留存材料",
    discloses: "公开",
    no_limit: "—",
    back: "返回权力清单",
};

pub const EN: PowerTexts = PowerTexts {
    title: "Village power list",
    intro: "How each small power of the village is used: who acts, in what order, within what time, leaving which papers, and what is made public. Officials act by the chart; villagers check against it.",
    steps: "steps",
    basis: "Legal basis",
    disclosure: "What is published, and when",
    flowchart: "Flowchart",
    download: "Download the flowchart (printable)",
    step: "Step",
    post: "Who acts",
    limit: "Time limit",
    documents: "Papers kept",
    discloses: "Published",
    no_limit: "—",
    back: "Back to the power list",
};

fn texts(page: &Page) -> &'static PowerTexts {
    match page.lang {
        crate::i18n::Lang::Zh => &ZH,
        crate::i18n::Lang::En => &EN,
    }
}

/// A power as one language shows it.
struct PowerView {
    id: String,
    category: String,
    title: String,
    basis: String,
    disclosure: String,
    steps: Vec<StepView>,
}

struct StepView {
    title: String,
    post: &'static str,
    township: bool,
    limit: String,
    documents: String,
    discloses: String,
}

fn view(p: &Power, zh: bool, t: &PowerTexts) -> PowerView {
    let pick = |a: &String, b: &String| if zh { a.clone() } else { b.clone() };
    PowerView {
        id: p.id.clone(),
        category: pick(&p.category_zh, &p.category_en),
        title: pick(&p.title_zh, &p.title_en),
        basis: pick(&p.basis_zh, &p.basis_en),
        disclosure: pick(&p.disclosure_zh, &p.disclosure_en),
        steps: p
            .steps
            .iter()
            .map(|s| StepView {
                title: pick(&s.title_zh, &s.title_en),
                post: if zh {
                    s.post.label_zh()
                } else {
                    s.post.label_en()
                },
                township: s.post.is_township(),
                limit: match s.limit {
                    Some(l) if zh => l.label_zh(),
                    Some(l) => l.label_en(),
                    None => t.no_limit.to_string(),
                },
                documents: if zh {
                    s.documents_zh.join("、")
                } else {
                    s.documents_en.join("; ")
                },
                discloses: pick(&s.discloses_zh, &s.discloses_en),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "powers.html")]
struct ListPage<'a> {
    page: &'a Page,
    t: &'static PowerTexts,
    /// Powers grouped by category, in the list's order.
    groups: Vec<(String, Vec<PowerView>)>,
}

pub async fn list(State(state): State<Shared>, uri: Uri, headers: HeaderMap) -> Response {
    let page = Page::new(&uri, &headers);
    let t = texts(&page);
    let zh = page.lang == crate::i18n::Lang::Zh;
    let mut groups: Vec<(String, Vec<PowerView>)> = Vec::new();
    for p in &state.powers.powers {
        let v = view(p, zh, t);
        match groups.iter_mut().find(|(c, _)| *c == v.category) {
            Some((_, list)) => list.push(v),
            None => groups.push((v.category.clone(), vec![v])),
        }
    }
    page.render(
        StatusCode::OK,
        &ListPage {
            page: &page,
            t,
            groups,
        },
    )
}

#[derive(Template)]
#[template(path = "power.html")]
struct ShowPage<'a> {
    page: &'a Page,
    t: &'static PowerTexts,
    p: PowerView,
    svg: String,
}

pub async fn show(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let Some(power) = state.powers.get(&id) else {
        return error(&page, StatusCode::NOT_FOUND, page.t.not_found);
    };
    let t = texts(&page);
    let zh = page.lang == crate::i18n::Lang::Zh;
    page.render(
        StatusCode::OK,
        &ShowPage {
            page: &page,
            t,
            p: view(power, zh, t),
            svg: flowchart(power, zh),
        },
    )
}

/// The flowchart alone, as an SVG file (`/powers/{id}/flowchart.svg`, `?lang=en` for English).
pub async fn flowchart_svg(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let Some(power) = state.powers.get(&id) else {
        return error(&page, StatusCode::NOT_FOUND, page.t.not_found);
    };
    let zh = page.lang == crate::i18n::Lang::Zh;
    let mut response = standalone(power, zh).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml; charset=utf-8"),
    );
    response
}
