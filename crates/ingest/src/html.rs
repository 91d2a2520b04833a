//! Main text of an HTML page, by readability scoring (dom_smoothie) plus our cleaner.

use dom_smoothie::{Config, Readability, TextMode};

use crate::{Draft, parse_date};

/// Fewer words than this is a navigation page or a stub, not an article.
const MIN_ARTICLE_WORDS: usize = 8;

/// Extracts the article of an HTML page. `url` (a WARC target URI) is used when the
/// page names none. Errors say why no article came out.
pub fn extract_html(html: &str, url: Option<&str>) -> Result<Draft, String> {
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
        None => None,
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
    dom_query::Document::fragment(html)
        .formatted_text()
        .to_string()
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
    fn page_without_article_is_an_error() {
        assert!(extract_html("<html><body><nav>Home</nav></body></html>", None).is_err());
    }

    #[test]
    fn fragment_keeps_paragraphs() {
        let text = fragment_text("<p>One &amp; two.</p><p>Three.</p>");
        assert_eq!(crate::clean::clean_text(&text), "One & two.\n\nThree.");
    }
}
