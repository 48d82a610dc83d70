//! Reading text lines of bounded length: a line longer than the limit is not kept (it is
//! consumed up to its newline and reported), a line that is not UTF-8 is reported, and the
//! reader goes on with the next line in both cases. Memory is at most the limit whatever the
//! input (`/dev/zero` included).

use std::io::{self, BufRead};

/// The longest line `decode` and `encode` read: 1 MiB, room for the hex of any IPv4 segment
/// with separators, or the JSON of one with its payload.
pub const MAX_LINE: usize = 1 << 20;

/// One line read.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// The text, without its line ending (`\n` or `\r\n`).
    Text(&'a str),
    /// Longer than the limit; `len` bytes were read and dropped (up to the newline or the end).
    TooLong {
        /// The line's length in bytes.
        len: u64,
    },
    /// Not UTF-8: the first invalid byte is at this offset.
    NotUtf8 {
        /// Offset of the first byte that is not UTF-8.
        at: usize,
        /// That byte.
        byte: u8,
    },
}

/// A line reader with a length limit.
pub struct Lines<R> {
    input: R,
    max: usize,
    number: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    /// Reads lines of at most `max` bytes from `input`.
    pub fn new(input: R, max: usize) -> Lines<R> {
        Lines {
            input,
            max,
            number: 0,
            buf: Vec::new(),
        }
    }

    /// The next line with its 1-based number, `None` at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        self.buf.clear();
        let mut len: u64 = 0;
        let mut too_long = false;
        let mut ended = false;
        loop {
            let available = match self.input.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            let newline = available.iter().position(|&b| b == b'\n');
            let chunk = available
                .get(..newline.unwrap_or(available.len()))
                .unwrap_or_default();
            if !too_long {
                if self.buf.len() + chunk.len() > self.max {
                    too_long = true;
                    self.buf = Vec::new();
                } else {
                    self.buf.extend_from_slice(chunk);
                }
            }
            len += chunk.len() as u64;
            let consumed = chunk.len() + usize::from(newline.is_some());
            self.input.consume(consumed);
            if newline.is_some() {
                ended = true;
                break;
            }
        }
        if !ended && len == 0 {
            return Ok(None);
        }
        self.number += 1;
        if too_long {
            return Ok(Some((self.number, Line::TooLong { len })));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Ok(Some((
            self.number,
            match std::str::from_utf8(&self.buf) {
                Ok(text) => Line::Text(text),
                Err(e) => Line::NotUtf8 {
                    at: e.valid_up_to(),
                    byte: self.buf.get(e.valid_up_to()).copied().unwrap_or(0),
                },
            },
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::{Line, Lines};

    fn all(input: &[u8], max: usize) -> Vec<(u64, String)> {
        let mut lines = Lines::new(std::io::BufReader::with_capacity(3, input), max);
        let mut out = Vec::new();
        while let Some((n, line)) = lines.next_line().unwrap() {
            out.push((n, format!("{line:?}")));
        }
        out
    }

    #[test]
    fn lines_too_long_and_not_utf8_are_reported_and_reading_goes_on() {
        let got = all(b"ab\r\n0123456789\n\xffx\n\nlast", 5);
        let want = [
            format!("{:?}", Line::Text("ab")),
            format!("{:?}", Line::TooLong { len: 10 }),
            format!("{:?}", Line::NotUtf8 { at: 0, byte: 0xff }),
            format!("{:?}", Line::Text("")),
            format!("{:?}", Line::Text("last")),
        ];
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (i, ((n, line), want)) in got.iter().zip(&want).enumerate() {
            assert_eq!(*n, i as u64 + 1);
            assert_eq!(line, want);
        }
        assert!(all(b"", 5).is_empty());
        assert_eq!(all(b"12345\n", 5).len(), 1);
        assert_eq!(
            all(b"123456", 5),
            [(1, format!("{:?}", Line::TooLong { len: 6 }))]
        );
    }
}
