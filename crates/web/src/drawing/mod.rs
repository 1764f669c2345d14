//! Pictures drawn on the server as SVG: no script, no drawing library, embedded in the page as
//! is (the strict content security policy allows no script and no inline style, and SVG's
//! presentation attributes need neither).

pub mod bars;
pub mod flowchart;

/// Text made safe inside SVG markup (element content and attribute values).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
