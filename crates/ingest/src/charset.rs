//! Text from bytes, in the encoding the input declares.
//!
//! * **Streams** (JSON Lines, CSV/TSV, seed files) are UTF-8 by their formats; a byte
//!   order mark is dropped, and one for UTF-16 turns the stream into UTF-8 first
//!   ([`bom_decoded`]). Invalid UTF-8 without a mark stays as it is, so the line
//!   readers reject that line alone.
//! * **HTML pages** follow the HTML standard's order ([`decode_html`]): a byte order
//!   mark, then the transport's charset (a WARC record's HTTP `Content-Type`), then a
//!   `<meta charset>` in the first 1,024 bytes, then UTF-8 when the bytes are valid
//!   UTF-8, else windows-1252 (what browsers assume for an English page that says
//!   nothing). Malformed sequences become U+FFFD rather than losing the page.
//! * **Feeds** declare their encoding in the XML declaration, which the feed parser
//!   honours itself.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// `reader` with any byte order mark removed and UTF-16 (marked) decoded to UTF-8.
pub fn bom_decoded<'a>(reader: impl Read + 'a) -> Box<dyn BufRead + 'a> {
    let decoder = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .bom_sniffing(true)
        .strip_bom(true)
        .utf8_passthru(true)
        .build(reader);
    Box::new(BufReader::with_capacity(256 * 1024, decoder))
}

/// Whether `head` opens with a UTF-16 byte order mark.
pub fn is_utf16_marked(head: &[u8]) -> bool {
    head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF])
}

/// An HTML page's text; `transport` is the charset its HTTP headers gave, if any.
pub fn decode_html<'a>(bytes: &'a [u8], transport: Option<&str>) -> Cow<'a, str> {
    let (encoding, skip) = match Encoding::for_bom(bytes) {
        Some((encoding, bom)) => (encoding, bom),
        None => {
            let declared = transport
                .and_then(|label| Encoding::for_label(label.trim().as_bytes()))
                .or_else(|| meta_charset(&bytes[..bytes.len().min(1024)]));
            let encoding = match declared {
                // A page cannot really be UTF-16 once it reads as ASCII-compatible
                // bytes, so the standard takes such a declaration to mean UTF-8.
                Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => UTF_8,
                Some(e) => e,
                None if std::str::from_utf8(bytes).is_ok() => UTF_8,
                None => WINDOWS_1252,
            };
            (encoding, 0)
        }
    };
    encoding.decode_without_bom_handling(&bytes[skip..]).0
}

/// The charset a page's `<meta charset=…>` or `<meta http-equiv content="…;
/// charset=…">` names in `head`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("<meta") {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |end| at + end);
        let tag = &rest[at..tag_end];
        if let Some(value) = tag.split("charset").nth(1) {
            let label: String = value
                .trim_start_matches(|c: char| {
                    c == '=' || c.is_whitespace() || c == '"' || c == '\''
                })
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
                .collect();
            if let Some(encoding) = Encoding::for_label(label.as_bytes()) {
                return Some(encoding);
            }
        }
        rest = &rest[tag_end..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_decoded_by_mark_then_transport_then_meta_then_content() {
        let latin1 = b"<html><head><meta charset=\"iso-8859-1\"></head><body>Caf\xe9</body></html>";
        assert!(decode_html(latin1, None).contains("Café"));
        let http_equiv =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\x93quoted\x94";
        assert!(decode_html(http_equiv, None).contains("\u{201c}quoted\u{201d}"));
        // The transport's charset wins over the page's own.
        let page = "<meta charset=utf-8>Café".as_bytes();
        assert!(decode_html(page, Some("iso-8859-1")).contains("CafÃ©"));
        // Undeclared: UTF-8 when valid, else windows-1252.
        assert!(decode_html("naïve".as_bytes(), None).contains("naïve"));
        assert!(decode_html(b"na\xefve", None).contains("naïve"));
        // A UTF-16 page with its mark.
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<p>Grüße</p>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_html(&utf16, None), "<p>Grüße</p>");
    }

    #[test]
    fn streams_lose_their_mark_and_utf16_becomes_utf8() {
        let read = |bytes: Vec<u8>| {
            let mut text = Vec::new();
            bom_decoded(&bytes[..]).read_to_end(&mut text).unwrap();
            text
        };
        assert_eq!(read(b"\xEF\xBB\xBF{\"a\":1}\n".to_vec()), b"{\"a\":1}\n");
        let utf16: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("é\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(read(utf16), "é\n".as_bytes());
        // Invalid UTF-8 without a mark passes through for the line reader to reject.
        assert_eq!(read(b"ok\n\xff\n".to_vec()), b"ok\n\xff\n");
    }
}
