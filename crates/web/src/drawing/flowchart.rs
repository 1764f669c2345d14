//! A power's flowchart (权力运行流程图), drawn from its steps: one box a step, top to bottom in
//! the order the steps must be done, each naming the post that acts, its time limit and what it
//! makes public; the township's steps drawn apart (dashed) from the village's. Narrow enough for
//! a phone held upright (the drawing is 360 units wide and scales to the screen) and long rather
//! than wide, so that it prints on A4 as it is.

use super::escape;
use qingfeng_domain::power::Power;
use std::fmt::Write;

const WIDTH: u32 = 360;
const MARGIN: u32 = 6;
const PAD: u32 = 10;
const ARROW: u32 = 24;
const TITLE_SIZE: u32 = 15;
const LINE_SIZE: u32 = 13;

/// The width of `text` at `size`, in drawing units: Chinese characters (and full-width forms) a
/// full em, Latin letters and digits about half. Generous on purpose: a line drawn short of the
/// box is fine, one running over it is not (the browser test measures the real glyphs).
fn text_width(text: &str, size: u32) -> u32 {
    let ems: f64 = text
        .chars()
        .map(|c| match c {
            c if c.is_ascii_uppercase() || c == 'm' || c == 'w' => 0.72,
            c if c.is_ascii() => 0.58,
            '\u{2E80}'.. => 1.0,
            _ => 0.7,
        })
        .sum();
    (ems * f64::from(size)).ceil() as u32
}

/// `text` broken into lines no wider than `width`: between words in Latin text, anywhere between
/// Chinese characters.
fn wrap(text: &str, size: u32, width: u32) -> Vec<String> {
    // Tokens: a Latin word with the space after it, or one other character.
    let mut tokens: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii() && c != ' ' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        if c == ' ' {
            if let Some(last) = tokens.last_mut() {
                last.push(' ');
            }
        } else {
            tokens.push(c.to_string());
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for token in tokens {
        let candidate = format!("{line}{token}");
        if !line.is_empty() && text_width(candidate.trim_end(), size) > width {
            lines.push(line.trim_end().to_string());
            line = token;
        } else {
            line = candidate;
        }
        // A single token wider than the line (a very long word) is cut by characters.
        while text_width(line.trim_end(), size) > width && line.chars().count() > 1 {
            let mut head = String::new();
            for c in line.chars() {
                if text_width(&format!("{head}{c}"), size) > width {
                    break;
                }
                head.push(c);
            }
            if head.is_empty() {
                break;
            }
            let rest = line[head.len()..].to_string();
            lines.push(head);
            line = rest;
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// One drawn line of a box: its text, size, colour and weight.
struct Line {
    text: String,
    size: u32,
    fill: &'static str,
    bold: bool,
}

/// The flowchart of `power` in the reader's language, as an SVG element to embed in a page (a
/// file of its own adds the namespace: [`standalone`]).
pub fn flowchart(power: &Power, zh: bool) -> String {
    let inner = WIDTH - 2 * MARGIN - 2 * PAD;
    let mut boxes: Vec<(Vec<Line>, bool)> = Vec::new();
    for (n, step) in power.steps.iter().enumerate() {
        let mut lines = Vec::new();
        let title = if zh { &step.title_zh } else { &step.title_en };
        for text in wrap(&format!("{}. {title}", n + 1), TITLE_SIZE, inner) {
            lines.push(Line {
                text,
                size: TITLE_SIZE,
                fill: "#1d2733",
                bold: true,
            });
        }
        let post = if zh {
            step.post.label_zh()
        } else {
            step.post.label_en()
        };
        let who = match step.limit {
            Some(limit) if zh => format!("{post} · {}", limit.label_zh()),
            Some(limit) => format!("{post} · {}", limit.label_en()),
            None => post.to_string(),
        };
        for text in wrap(&who, LINE_SIZE, inner) {
            lines.push(Line {
                text,
                size: LINE_SIZE,
                fill: if step.post.is_township() {
                    "#6b4c00"
                } else {
                    "#0b5e3c"
                },
                bold: false,
            });
        }
        let discloses = if zh {
            &step.discloses_zh
        } else {
            &step.discloses_en
        };
        if !discloses.is_empty() {
            let label = if zh { "公开：" } else { "Published: " };
            for text in wrap(&format!("{label}{discloses}"), LINE_SIZE, inner) {
                lines.push(Line {
                    text,
                    size: LINE_SIZE,
                    fill: "#9a3412",
                    bold: false,
                });
            }
        }
        boxes.push((lines, step.post.is_township()));
    }
    let line_height = |size: u32| size + size / 3 + 2;
    let box_height = |lines: &[Line]| -> u32 {
        2 * PAD + lines.iter().map(|l| line_height(l.size)).sum::<u32>()
    };
    let legend = 26;
    let height = legend
        + boxes.iter().map(|(l, _)| box_height(l)).sum::<u32>()
        + ARROW * (boxes.len().saturating_sub(1) as u32)
        + 2 * MARGIN;
    let title = if zh { &power.title_zh } else { &power.title_en };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="flow" role="img" aria-label="{t}" viewBox="0 0 {WIDTH} {height}" width="100%" font-family="sans-serif"><title>{t}</title>"#,
        t = escape(title)
    );
    // The legend: what a solid and a dashed box mean.
    let (village, township) = if zh {
        ("村级办理", "乡镇办理")
    } else {
        ("Village", "Township")
    };
    let _ = write!(
        svg,
        r##"<rect x="{MARGIN}" y="{MARGIN}" width="14" height="12" rx="2" fill="#eef6f1" stroke="#0b5e3c"/><text x="{tx}" y="{ty}" font-size="12" fill="#1d2733">{village}</text><rect x="{x2}" y="{MARGIN}" width="14" height="12" rx="2" fill="#fdf6e3" stroke="#6b4c00" stroke-dasharray="4 3"/><text x="{tx2}" y="{ty}" font-size="12" fill="#1d2733">{township}</text>"##,
        tx = MARGIN + 20,
        ty = MARGIN + 11,
        x2 = MARGIN + 110,
        tx2 = MARGIN + 130,
    );
    let mut y = MARGIN + legend;
    let count = boxes.len();
    for (i, (lines, is_township)) in boxes.iter().enumerate() {
        let h = box_height(lines);
        let (fill, stroke, dash) = if *is_township {
            ("#fdf6e3", "#6b4c00", r#" stroke-dasharray="6 4""#)
        } else {
            ("#eef6f1", "#0b5e3c", "")
        };
        let _ = write!(
            svg,
            r#"<g class="step"><rect x="{MARGIN}" y="{y}" width="{w}" height="{h}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>"#,
            w = WIDTH - 2 * MARGIN,
        );
        let mut baseline = y + PAD;
        for l in lines {
            baseline += line_height(l.size);
            let _ = write!(
                svg,
                r#"<text x="{x}" y="{b}" font-size="{s}" fill="{f}"{weight}>{t}</text>"#,
                x = MARGIN + PAD,
                b = baseline - l.size / 3 - 2,
                s = l.size,
                f = l.fill,
                weight = if l.bold { r#" font-weight="bold""# } else { "" },
                t = escape(&l.text),
            );
        }
        svg.push_str("</g>");
        y += h;
        if i + 1 < count {
            // The arrow to the next step: a line and its head.
            let x = WIDTH / 2;
            let _ = write!(
                svg,
                r##"<line x1="{x}" y1="{y}" x2="{x}" y2="{y2}" stroke="#5b6673" stroke-width="2"/><polygon points="{l},{y2} {r},{y2} {x},{tip}" fill="#5b6673"/>"##,
                y2 = y + ARROW - 8,
                l = x - 6,
                r = x + 6,
                tip = y + ARROW,
            );
            y += ARROW;
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The flowchart as an SVG file of its own.
pub fn standalone(power: &Power, zh: bool) -> String {
    let svg = flowchart(power, zh);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
        svg.replacen("<svg ", r#"<svg xmlns="http://www.w3.org/2000/svg" "#, 1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use qingfeng_domain::power::PowerList;

    #[test]
    fn lines_break_between_words_or_characters_and_never_run_over() {
        let zh = wrap(
            "村民（代表）会议决议（提前10日通知）并公开表决结果和决议全文",
            15,
            120,
        );
        assert!(zh.len() > 1);
        assert_eq!(
            zh.concat(),
            "村民（代表）会议决议（提前10日通知）并公开表决结果和决议全文"
        );
        let en = wrap(
            "The villagers' (representatives') meeting resolves",
            13,
            150,
        );
        assert!(en.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')));
        assert_eq!(
            en.join(" "),
            "The villagers' (representatives') meeting resolves"
        );
        assert!(zh.iter().all(|l| text_width(l, 15) <= 120), "{zh:?}");
        assert!(en.iter().all(|l| text_width(l, 13) <= 150), "{en:?}");
    }

    /// Every power of the default list draws, in both languages: a well-formed SVG document with
    /// one box per step in order, each naming its post, and an arrow between each two.
    #[test]
    fn every_power_of_the_default_list_draws() {
        for power in PowerList::default().powers {
            for zh in [true, false] {
                let svg = flowchart(&power, zh);
                let doc = roxmltree::Document::parse(&svg)
                    .unwrap_or_else(|e| panic!("{}: {e}\n{svg}", power.id));
                let steps: Vec<_> = doc
                    .descendants()
                    .filter(|n| n.attribute("class") == Some("step"))
                    .collect();
                assert_eq!(steps.len(), power.steps.len(), "{}", power.id);
                for (n, (g, step)) in steps.iter().zip(&power.steps).enumerate() {
                    let text: String = g
                        .descendants()
                        .filter(|t| t.is_text())
                        .filter_map(|t| t.text())
                        .collect();
                    let (title, post) = if zh {
                        (&step.title_zh, step.post.label_zh())
                    } else {
                        (&step.title_en, step.post.label_en())
                    };
                    let expected_title = format!("{}. {title}", n + 1).replace(' ', "");
                    assert!(
                        text.replace(' ', "").contains(&expected_title),
                        "{}: {text}",
                        power.id
                    );
                    assert!(text.replace(' ', "").contains(&post.replace(' ', "")));
                }
                let arrows = doc
                    .descendants()
                    .filter(|n| n.has_tag_name("polygon"))
                    .count();
                assert_eq!(arrows, power.steps.len() - 1);
            }
        }
    }
}
