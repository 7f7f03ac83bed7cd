//! Tencent's template text: placeholders are `{1}`, `{2}`, … and a template takes as many
//! parameters as its highest placeholder.

/// How many parameters a template's text takes: its highest `{n}`.
pub fn placeholder_count(template: &str) -> usize {
    let mut highest = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            if let Ok(n) = rest[..close].parse::<usize>() {
                highest = highest.max(n);
            }
        }
    }
    highest
}
