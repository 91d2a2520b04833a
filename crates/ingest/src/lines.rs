//! Line reading with a bound on line length.

use std::io::{self, BufRead};

/// One line read by [`read_bounded_line`].
pub enum Line {
    /// A line (without its `\n`) in the caller's buffer.
    Read,
    /// A line longer than the bound; it was skipped, not buffered. Holds its length.
    TooLong(usize),
    /// End of input.
    Eof,
}

/// Reads the next line into `buf` (cleared first) unless it is longer than `max`
/// bytes, in which case the rest of the line is consumed and dropped, so memory
/// stays bounded by `max` whatever the input.
pub fn read_bounded_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Line> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(match (any, total > max) {
                (false, _) => Line::Eof,
                (true, true) => Line::TooLong(total),
                (true, false) => Line::Read,
            });
        }
        any = true;
        let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let content = if done { &chunk[..used - 1] } else { chunk };
        total += content.len();
        if total <= max {
            buf.extend_from_slice(content);
        } else if !buf.is_empty() {
            buf.clear();
            buf.shrink_to(64 * 1024);
        }
        reader.consume(used);
        if done {
            if total > max {
                return Ok(Line::TooLong(total));
            }
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(Line::Read);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_an_overlong_line_and_reads_the_next() {
        let input = format!("short\n{}\nafter\r\nlast", "x".repeat(100));
        let mut reader = io::BufReader::with_capacity(16, input.as_bytes());
        let mut buf = Vec::new();
        let mut seen = Vec::new();
        loop {
            match read_bounded_line(&mut reader, &mut buf, 50).unwrap() {
                Line::Read => seen.push(String::from_utf8(buf.clone()).unwrap()),
                Line::TooLong(n) => seen.push(format!("<{n}>")),
                Line::Eof => break,
            }
        }
        assert_eq!(seen, ["short", "<100>", "after", "last"]);
        assert!(buf.capacity() <= 64 * 1024);
    }
}
