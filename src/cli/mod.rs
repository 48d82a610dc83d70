//! The subcommands of the `tcpwire` binary, and what they share: exit codes, opening captures
//! with a progress indicator, writing to a stdout that may close early.

pub mod codec;
pub mod columnar;
pub mod input;
pub mod json;
pub mod lines;
pub mod mptcp;
pub mod ordered;
pub mod pcap;
pub mod roundtrip;
pub mod stats;
pub mod transcode;
pub mod trust;

use std::io::{self, Write};

/// The process exit code. A run's code is the worst of its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Exit {
    /// Everything was read and nothing was found wrong.
    #[default]
    Ok = 0,
    /// Findings: a mismatch, an error line for a frame or input, a parse error in `--strict`.
    Findings = 1,
    /// Usage error, unreadable input, or a file that is not a capture.
    BadInput = 2,
}

impl Exit {
    /// Raises this code to `other` if `other` is worse.
    pub fn raise(&mut self, other: Exit) {
        *self = (*self).max(other);
    }
}

/// Standard output, buffered. Every writer function returns `io::Result` so that a closed pipe
/// (`tcpwire pcap big.pcap | head`) ends the run quietly instead of panicking.
pub type Out<'a> = io::BufWriter<io::StdoutLock<'a>>;

/// Buffered, locked standard output.
pub fn stdout() -> Out<'static> {
    io::BufWriter::with_capacity(1 << 16, io::stdout().lock())
}

/// Writes one value as a JSON line (serde_json's compact form, see [`json`]), in one write.
pub fn write_json_line<T: serde::Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    thread_local! {
        /// The line being built, reused: no allocation per line once it has grown.
        static LINE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    LINE.with(|line| {
        let mut line = line.borrow_mut();
        line.clear();
        let serialized = json::to_vec(&mut line, value);
        if serialized.is_ok() {
            line.push(b'\n');
        }
        // What was written before an error goes out as serde_json's writer would have sent it.
        out.write_all(&line)?;
        serialized.map_err(io::Error::from)
    })
}

/// Prints a message on standard error; on a terminal, first erases the progress line it would
/// otherwise be appended to. A standard error that is closed or full is ignored: messages are
/// lost, the run goes on (it never panics, as `eprintln!` does).
pub fn warn(message: &str) {
    use std::io::IsTerminal;
    let mut stderr = io::stderr().lock();
    let _ = if stderr.is_terminal() {
        writeln!(stderr, "\r\x1b[K{message}")
    } else {
        writeln!(stderr, "{message}")
    };
}
