//! Main text of an HTML page, by readability scoring (dom_smoothie) plus our cleaner.

use dom_smoothie::{Config, Readability, TextMode};

use dateline_core::Date;

use crate::{Draft, parse_date};

/// Fewer words than this is a navigation page or a stub, not an article.
const MIN_ARTICLE_WORDS: usize = 8;

/// Deepest element nesting we hand to the HTML parser. Parsing and readability
/// scoring grow faster than linearly with depth (10,000 nested `<div>`s took 22 s);
/// real pages stay under a few hundred.
pub const MAX_HTML_DEPTH: usize = 512;

/// Elements that never have content, or whose end tag the parser supplies when a
/// sibling opens: neither deepens the tree the way an unclosed `<div>` does.
const FLAT_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
    "tbody", "tfoot", "colgroup", "rb", "rt", "rp",
];

/// Whether `html` nests elements deeper than `limit`, by one linear pass over its
/// tags (comments, and the raw text of scripts and styles, skipped).
fn nests_deeper_than(html: &str, limit: usize) -> bool {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let open = at + offset;
        let rest = &html[open + 1..];
        if rest.starts_with("!--") {
            at = rest
                .find("-->")
                .map_or(bytes.len(), |end| open + 1 + end + 3);
            continue;
        }
        let close = rest.find('>').map_or(bytes.len(), |end| open + 1 + end + 1);
        let tag = &html[open + 1..close.min(bytes.len())];
        at = close;
        if let Some(name) = tag.strip_prefix('/') {
            if !FLAT_ELEMENTS.contains(&tag_name(name).as_str()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        let name = tag_name(tag);
        if name.is_empty() || FLAT_ELEMENTS.contains(&name.as_str()) || tag.ends_with("/>") {
            continue;
        }
        if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            at = end_tag_at(html, at, &name);
            continue;
        }
        depth += 1;
        if depth > limit {
            return true;
        }
    }
    false
}

/// Where the end tag `</name` (any case) next starts at or after `from`, or the end.
fn end_tag_at(html: &str, from: usize, name: &str) -> usize {
    let mut at = from;
    while let Some(offset) = html[at..].find("</") {
        let start = at + offset;
        let after = &html.as_bytes()[start + 2..];
        if after.len() >= name.len() && after[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return start;
        }
        at = start + 2;
    }
    html.len()
}

/// The lower-cased element name at the start of a tag's inside (`div class=…`).
fn tag_name(tag: &str) -> String {
    tag.chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Extracts the article of an HTML page. `url` (a WARC target URI) is used when the
/// page names none. Errors say why no article came out.
pub fn extract_html(html: &str, url: Option<&str>) -> Result<Draft, String> {
    if nests_deeper_than(html, MAX_HTML_DEPTH) {
        return Err(format!(
            "HTML nests elements more than {MAX_HTML_DEPTH} deep; not parsed"
        ));
    }
    let config = Config {
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let mut readability =
        Readability::new(html, url, Some(config)).map_err(|e| format!("unreadable HTML: {e}"))?;
    let article = readability
        .parse()
        .map_err(|e| format!("no article found in the page ({e})"))?;
    let mut text = article.text_content.to_string();
    let mut title = article.title.trim().to_string();
    // Readability keeps the page's headline as the first block. It is the title (and
    // a cleaner one than `<title>`, which carries the site name), not body text.
    let first_line = text
        .trim_start()
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    if is_headline_of(&first_line, &title) {
        text = text.trim_start()[first_line.len()..].to_string();
        title = first_line;
    }
    if text.split_whitespace().count() < MIN_ARTICLE_WORDS {
        return Err("no article found in the page".to_string());
    }
    let date = match article.published_time.as_deref() {
        Some(raw) => {
            Some(parse_date(raw).ok_or_else(|| format!("unparseable published date {raw:?}"))?)
        }
        None => fallback_date(html),
    };
    Ok(Draft {
        date,
        title: Some(title).filter(|t| !t.is_empty()),
        text,
        source: article.site_name,
        url: article.url.or_else(|| url.map(str::to_string)),
        lang: article.lang.map(|l| primary_language(&l)),
        ..Draft::default()
    })
}

/// Where pages without `article:published_time` or JSON-LD keep their date, in order
/// of trust: a machine-readable `<time datetime>`, a date `<meta>`, and last a date
/// written out in the page's opening text ("Friday 16 May 2031", "May 16, 2031").
fn fallback_date(html: &str) -> Option<Date> {
    let page = dom_query::Document::from(html);
    if let Some(date) = page
        .select("time[datetime]")
        .iter()
        .find_map(|t| t.attr("datetime").and_then(|d| parse_date(&d)))
    {
        return Some(date);
    }
    for name in [
        "date",
        "pubdate",
        "publishdate",
        "dc.date",
        "dcterms.date",
        "article.published",
    ] {
        let selector = format!("meta[name='{name}'], meta[itemprop='datePublished']");
        if let Some(date) = page
            .select(&selector)
            .iter()
            .find_map(|m| m.attr("content").and_then(|d| parse_date(&d)))
        {
            return Some(date);
        }
    }
    let text = page.select("body").formatted_text();
    let head: String = text.chars().take(5000).collect();
    written_date(&head)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The first "16 May 2031" or "May 16, 2031" in `text`.
fn written_date(text: &str) -> Option<Date> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let month = |w: &str| {
        MONTHS
            .iter()
            .position(|m| m.eq_ignore_ascii_case(w))
            .map(|i| i as i8 + 1)
    };
    let number = |w: &str| w.trim_end_matches(['.', ',']).parse::<i16>().ok();
    words.windows(3).find_map(|w| {
        let (day, month, year) = match (number(w[0]), month(w[1]), month(w[0]), number(w[1])) {
            (Some(d), Some(m), _, _) => (d, m, number(w[2])?),
            (_, _, Some(m), Some(d)) => (d, m, number(w[2])?),
            _ => return None,
        };
        if !(1900..=2100).contains(&year) {
            return None;
        }
        Date::new(year, month, i8::try_from(day).ok()?).ok()
    })
}

/// A heading-like line (short, no closing punctuation) opening with the same two
/// words as the page title.
fn is_headline_of(line: &str, title: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .take(2)
            .map(str::to_lowercase)
            .collect()
    };
    !line.is_empty()
        && line.split_whitespace().count() <= 25
        && !line.ends_with(['.', '!', '?', '"', '”', ':'])
        && words(line) == words(title)
}

/// Text of an HTML fragment (a feed item's content), paragraphs kept.
pub fn fragment_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return html.to_string();
    }
    if nests_deeper_than(html, MAX_HTML_DEPTH) {
        // Too deep to parse: the text between the tags, in one linear pass.
        return strip_tags(html);
    }
    dom_query::Document::fragment(html)
        .formatted_text()
        .to_string()
}

/// The text outside `<…>`, for fragments too deep to parse.
fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 2);
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => {
                inside = false;
                text.push(' ');
            }
            _ if !inside => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `en-GB` → `en`.
fn primary_language(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html lang="en-GB"><head><title>Envoys meet | Fictional Ledger</title>
<meta property="article:published_time" content="2031-04-02T08:00:00+01:00">
<meta property="og:site_name" content="The Fictional Ledger"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Envoys meet on the island</h1>
<p>The two envoys met on the disputed island on Tuesday, the first meeting since the border closed in the winter.</p>
<div class="ad">Advertisement</div>
<p>“We came to listen,” the mediator told reporters after the three-hour session, adding that a second round was likely.</p>
<p>Also Read: Ferry operators count the cost of the closure</p>
<p>Officials on both sides declined to say whether the question of the lighthouse had been raised at the talks.</p>
</article><footer>Copyright 2031 The Fictional Ledger</footer></body></html>"#;

    #[test]
    fn extracts_text_date_outlet_and_language() {
        let draft = extract_html(PAGE, None).unwrap();
        let text = crate::clean::clean_text(&draft.text);
        assert!(text.starts_with("The two envoys met"), "{text}");
        assert!(text.contains("“We came to listen,” the mediator"));
        assert!(!text.contains("Advertisement"));
        assert!(!text.contains("Also Read"));
        assert!(!text.contains("Copyright"));
        assert_eq!(draft.title.as_deref(), Some("Envoys meet on the island"));
        assert_eq!(draft.date, Some(jiff::civil::date(2031, 4, 2)));
        assert_eq!(draft.source.as_deref(), Some("The Fictional Ledger"));
        assert_eq!(draft.lang.as_deref(), Some("en"));
    }

    #[test]
    fn date_falls_back_to_time_element_then_written_date() {
        let body = "<article><p>The ferry resumed service after the strike, officials in the port said on the day.</p></article>";
        let timed = format!(
            "<html><body><time datetime=\"2031-05-24T18:00:00+02:00\">Sat</time>{body}</body></html>"
        );
        assert_eq!(
            extract_html(&timed, None).unwrap().date,
            Some(jiff::civil::date(2031, 5, 24))
        );
        let written =
            format!("<html><body><p class=\"d\">Friday 16 May 2031</p>{body}</body></html>");
        assert_eq!(
            extract_html(&written, None).unwrap().date,
            Some(jiff::civil::date(2031, 5, 16))
        );
        assert_eq!(
            written_date("Posted May 2, 2031 at noon"),
            Some(jiff::civil::date(2031, 5, 2))
        );
        assert_eq!(written_date("In May 40 people came"), None);
    }

    #[test]
    fn page_without_article_is_an_error() {
        assert!(extract_html("<html><body><nav>Home</nav></body></html>", None).is_err());
    }

    #[test]
    fn pages_nested_too_deep_are_refused_and_fragments_read_flat() {
        let deep = |n: usize| {
            format!(
                "<html><body>{}<p>Talks went on in the north.</p>{}</body></html>",
                "<div>".repeat(n),
                "</div>".repeat(n)
            )
        };
        assert!(!nests_deeper_than(
            &deep(MAX_HTML_DEPTH - 2),
            MAX_HTML_DEPTH
        ));
        assert!(nests_deeper_than(&deep(MAX_HTML_DEPTH + 1), MAX_HTML_DEPTH));
        let error = extract_html(&deep(100_000), None).unwrap_err();
        assert!(error.contains("nests elements"), "{error}");
        // Unclosed paragraphs and list items, void elements, comments and scripts do
        // not count as depth.
        let flat = format!(
            "<body>{}<!-- <div><div> -->{}<script>if (a<b) {{ '<div>' }}</SCRIPT></body>",
            "<p>word<li>item<br><img src=x>".repeat(5_000),
            "<div/>".repeat(5_000)
        );
        assert!(!nests_deeper_than(&flat, MAX_HTML_DEPTH));
        assert_eq!(fragment_text(&deep(10_000)), "Talks went on in the north.");
    }

    #[test]
    fn fragment_keeps_paragraphs() {
        let text = fragment_text("<p>One &amp; two.</p><p>Three.</p>");
        assert_eq!(crate::clean::clean_text(&text), "One & two.\n\nThree.");
    }
}
