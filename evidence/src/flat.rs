//! A reader for the common shape of a log line: one JSON object whose values
//! are plain strings, unsigned integers, booleans and nulls.
//!
//! Nearly every line of a real log has that shape, and reading it by hand,
//! borrowing every string from the line, costs a fraction of a general JSON
//! parse into owned records. The reader is only ever a shortcut: anything it
//! is not sure of (an escape or control character in a string, a nested
//! value, a sign, a fraction or an exponent, a leading zero, an integer past
//! `u64`, anything after the object) makes it decline, and the line is then
//! read by `serde_json` as if the shortcut did not exist. It therefore never
//! decides a line differently, only sooner; the tests in `stream` hold it to
//! that against serde on every kind of line and on systematic mutations.

/// A value the reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar<'a> {
    /// A string without escapes, borrowed from the line.
    Str(&'a str),
    /// A non-negative integer written without sign, fraction or exponent.
    Uint(u64),
    Bool(bool),
    Null,
}

/// Calls `each` with every key and value of the object that makes up
/// `text`, in order. `None` when the line is not of the simple shape, or
/// when `each` returns `None` (it declines a field).
pub(crate) fn fields<'a>(
    text: &'a str,
    mut each: impl FnMut(&'a str, Scalar<'a>) -> Option<()>,
) -> Option<()> {
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    r.skip_space();
    r.eat(b'{')?;
    r.skip_space();
    if r.peek() == Some(b'}') {
        r.at += 1;
    } else {
        loop {
            r.eat(b'"')?;
            let key = r.string()?;
            r.skip_space();
            r.eat(b':')?;
            r.skip_space();
            let value = r.scalar()?;
            each(key, value)?;
            r.skip_space();
            match r.next()? {
                b',' => r.skip_space(),
                b'}' => break,
                _ => return None,
            }
        }
    }
    r.skip_space();
    (r.at == r.bytes.len()).then_some(())
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    #[inline]
    fn eat(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    #[inline]
    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// The rest of a string whose opening quote was read. Declines escapes
    /// and the control characters JSON forbids in strings.
    #[inline(always)]
    fn string(&mut self) -> Option<&'a str> {
        let start = self.at;
        let end = start + stop(&self.bytes[start..])?;
        if self.bytes[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        // `text` is a `str` and the cut is at ASCII quotes: both ends fall
        // on character boundaries.
        self.text.get(start..end)
    }

    #[inline(always)]
    fn scalar(&mut self) -> Option<Scalar<'a>> {
        match self.peek()? {
            b'"' => {
                self.at += 1;
                self.string().map(Scalar::Str)
            }
            b'0'..=b'9' => self.uint().map(Scalar::Uint),
            b't' => self.word("true", Scalar::Bool(true)),
            b'f' => self.word("false", Scalar::Bool(false)),
            b'n' => self.word("null", Scalar::Null),
            _ => None,
        }
    }

    #[inline]
    fn word(&mut self, word: &str, value: Scalar<'a>) -> Option<Scalar<'a>> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
            self.at = end;
            value
        })
    }

    /// Digits without a leading zero (but `0` itself), not followed by a
    /// fraction or an exponent.
    #[inline]
    fn uint(&mut self) -> Option<u64> {
        let start = self.at;
        let mut n: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            self.at += 1;
        }
        if self.bytes[start] == b'0' && self.at - start > 1 {
            return None;
        }
        match self.peek() {
            Some(b'.' | b'e' | b'E') => None,
            _ => Some(n),
        }
    }
}

/// The index of the first byte that ends or interrupts a plain string: a
/// quote, a backslash or a control character. Eight bytes at a time: in
/// each word, a byte's high bit is set where it equals `"` or `\\`, or is
/// below 0x20 (the usual "has zero byte" arithmetic; a false mark can only
/// follow a true one, so the lowest mark is exact).
fn stop(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        let marks = zero(v ^ (ONES * u64::from(b'"')))
            | zero(v ^ (ONES * u64::from(b'\\')))
            | (v.wrapping_sub(ONES * 0x20) & !v & HIGH);
        if marks != 0 {
            return Some(at + (marks.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Option<Vec<(&str, Scalar<'_>)>> {
        let mut out = Vec::new();
        fields(text, |k, v| {
            out.push((k, v));
            Some(())
        })?;
        Some(out)
    }

    #[test]
    fn reads_the_simple_shape_with_any_json_whitespace() {
        let got = all(" {\t\"a\" : \"x y\" ,\"b\":0,\"c\":18446744073709551615,\"d\":true,\"e\":false,\"f\":null , \"g\":\"日本\"}\r ")
            .unwrap();
        assert_eq!(
            got,
            vec![
                ("a", Scalar::Str("x y")),
                ("b", Scalar::Uint(0)),
                ("c", Scalar::Uint(u64::MAX)),
                ("d", Scalar::Bool(true)),
                ("e", Scalar::Bool(false)),
                ("f", Scalar::Null),
                ("g", Scalar::Str("日本")),
            ]
        );
        assert_eq!(all("{}").unwrap(), vec![]);
    }

    #[test]
    fn declines_what_it_is_not_sure_of() {
        for line in [
            r#"{"a":"x\"y"}"#,
            r#"{"a":"x\u0041"}"#,
            "{\"a\":\"x\ty\"}",
            r#"{"a\n":1}"#,
            r#"{"a":-1}"#,
            r#"{"a":1.5}"#,
            r#"{"a":1e3}"#,
            r#"{"a":01}"#,
            r#"{"a":18446744073709551616}"#,
            r#"{"a":[1]}"#,
            r#"{"a":{"b":1}}"#,
            r#"{"a":tru}"#,
            r#"{"a":1,}"#,
            r#"{"a":1}x"#,
            r#"{"a":1"#,
            r#"{"a" 1}"#,
            r#"{a:1}"#,
            r#"[1]"#,
            "",
        ] {
            assert_eq!(all(line), None, "{line}");
        }
    }

    #[test]
    fn the_word_scan_stops_where_the_byte_scan_does() {
        let plain = |b: &[u8]| b.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
        for len in 0..20 {
            for at in 0..len {
                for c in [
                    b'"', b'\\', 0x00, 0x1f, b' ', 0x20, 0x7f, 0x80, 0xff, 0x21, 0x5b, 0x5d,
                ] {
                    let mut b = vec![b'a'; len];
                    b[at] = c;
                    // A second stop later never hides the first.
                    if at + 3 < len {
                        b[at + 3] = b'"';
                    }
                    assert_eq!(stop(&b), plain(&b), "{b:?}");
                }
            }
            assert_eq!(stop(&vec![0xe3; len]), None);
        }
    }

    #[test]
    fn a_declined_field_declines_the_line() {
        assert_eq!(
            fields(r#"{"a":1,"b":2}"#, |k, _| (k == "a").then_some(())),
            None
        );
    }
}
