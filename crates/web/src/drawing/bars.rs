//! Horizontal bar charts drawn on the server as SVG: no script, no chart library, readable on a
//! narrow phone (labels above their bars), with the numbers written out beside each bar.

use super::escape;
use std::fmt::Write;

pub struct Bar {
    pub label: String,
    pub value: i64,
    /// The figure written beside the bar (e.g. "12" or "3,400.00").
    pub shown: String,
}

/// An SVG document (to be embedded in the page as is) with one bar per entry; `title` is its
/// accessible name.
pub fn bars(title: &str, bars: &[Bar]) -> String {
    const WIDTH: i64 = 600;
    const ROW: i64 = 38;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = ROW * bars.len() as i64 + 4;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = i as i64 * ROW;
        // Leave room on the right for the figure.
        let w = (b.value.max(0) * (WIDTH - 130) / max).max(if b.value > 0 { 2 } else { 0 });
        let _ = write!(
            svg,
            r##"<text x="0" y="{ty}" font-size="13" fill="#1d2733">{label}</text><rect x="0" y="{ry}" width="{w}" height="14" rx="2" fill="#0b5e3c"/><text x="{fx}" y="{fy}" font-size="13" fill="#5b6673">{shown}</text>"##,
            ty = y + 14,
            label = escape(&b.label),
            ry = y + 19,
            fx = w + 6,
            fy = y + 31,
            shown = escape(&b.shown),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_labels_escaped() {
        let svg = bars(
            "t",
            &[
                Bar {
                    label: "<a&b>".into(),
                    value: 10,
                    shown: "10".into(),
                },
                Bar {
                    label: "half".into(),
                    value: 5,
                    shown: "5".into(),
                },
            ],
        );
        assert!(svg.contains("&lt;a&amp;b&gt;"));
        assert!(!svg.contains("<a&b>"));
        assert!(svg.contains(r#"width="470""#), "{svg}");
        assert!(svg.contains(r#"width="235""#), "{svg}");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
