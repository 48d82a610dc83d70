//! Opening capture files (or standard input) and walking their frames, with a progress line on
//! stderr when stderr is a terminal.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tcpwire::capture::{CaptureError, CaptureReader, Frame};

/// A capture named on the command line.
pub struct Capture {
    /// The path as given (`-` for standard input).
    pub path: PathBuf,
}

impl Capture {
    /// The name used in messages and JSON (`-` is shown as `<stdin>`).
    pub fn name(&self) -> String {
        if self.is_stdin() {
            "<stdin>".into()
        } else {
            self.path.display().to_string()
        }
    }

    fn is_stdin(&self) -> bool {
        self.path == Path::new("-")
    }

    /// Opens the capture and calls `on_item` for every frame (`Ok`) and for every record that
    /// was passed over (`Err`; reading goes on after those), showing progress. Returns the error
    /// that stopped reading early (a truncated or corrupt capture, a read error), if any; fails
    /// when the input cannot be opened or is not a capture.
    pub fn walk(
        &self,
        mut on_item: impl FnMut(Result<&Frame, &CaptureError>) -> io::Result<()>,
    ) -> Result<Option<CaptureError>, WalkError> {
        let counter = Arc::new(AtomicU64::new(0));
        let (reader, total) = if self.is_stdin() {
            let reader = CountingReader {
                inner: io::stdin(),
                count: Arc::clone(&counter),
            };
            (CaptureReader::new(reader), None)
        } else {
            let file = File::open(&self.path).map_err(|e| WalkError::Open(self.open_error(e)))?;
            let total = file.metadata().ok().map(|m| m.len());
            let reader = CountingReader {
                inner: file,
                count: Arc::clone(&counter),
            };
            (CaptureReader::new(reader), total)
        };
        let reader = reader.map_err(|e| WalkError::Open(format!("{}: {e}", self.name())))?;
        let mut progress = Progress::new(self.name(), counter, total);
        for frame in reader {
            match frame {
                Ok(frame) => {
                    on_item(Ok(&frame)).map_err(WalkError::Output)?;
                    progress.tick(frame.number);
                }
                Err(e) if !e.is_fatal() => on_item(Err(&e)).map_err(WalkError::Output)?,
                Err(e) => {
                    progress.finish();
                    return Ok(Some(e));
                }
            }
        }
        progress.finish();
        Ok(None)
    }

    fn open_error(&self, e: io::Error) -> String {
        format!("{}: cannot open: {e}", self.name())
    }
}

/// Why walking a capture stopped.
pub enum WalkError {
    /// The input could not be opened or is not a capture (exit code 2).
    Open(String),
    /// Writing the output failed (a closed pipe, a full disk).
    Output(io::Error),
}

/// The captures named on the command line; `-` (standard input) at most once.
pub fn captures(paths: &[PathBuf]) -> Result<Vec<Capture>, String> {
    if paths
        .iter()
        .filter(|p| p.as_path() == Path::new("-"))
        .count()
        > 1
    {
        return Err("standard input (-) can be read only once".into());
    }
    Ok(paths
        .iter()
        .map(|path| Capture { path: path.clone() })
        .collect())
}

/// A reader counting the bytes read through it, for the progress line.
struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The progress line: shown only when stderr is a terminal, redrawn at most 5 times a second,
/// erased at the end.
struct Progress {
    name: String,
    read: Arc<AtomicU64>,
    total: Option<u64>,
    enabled: bool,
    started: Instant,
    last_draw: Option<Instant>,
}

impl Progress {
    const INTERVAL: Duration = Duration::from_millis(200);
    /// Do not draw at all for inputs read faster than this.
    const DELAY: Duration = Duration::from_millis(500);

    fn new(name: String, read: Arc<AtomicU64>, total: Option<u64>) -> Progress {
        Progress {
            name,
            read,
            total,
            enabled: io::stderr().is_terminal(),
            started: Instant::now(),
            last_draw: None,
        }
    }

    fn tick(&mut self, frames: u64) {
        // Looking at the clock costs more than a frame: only every 256 frames.
        if !self.enabled || frames % 256 != 0 {
            return;
        }
        let now = Instant::now();
        if now.duration_since(self.started) < Self::DELAY
            || self
                .last_draw
                .is_some_and(|t| now.duration_since(t) < Self::INTERVAL)
        {
            return;
        }
        self.last_draw = Some(now);
        let read = self.read.load(Ordering::Relaxed);
        let mb = |b: u64| b as f64 / 1e6;
        let line = match self.total {
            Some(total) if total > 0 => format!(
                "{}: {:.1} / {:.1} MB ({:.0}%), {frames} frames",
                self.name,
                mb(read),
                mb(total),
                100.0 * read as f64 / total as f64
            ),
            _ => format!("{}: {:.1} MB, {frames} frames", self.name, mb(read)),
        };
        let _ = write!(io::stderr(), "\r\x1b[K{line}");
    }

    fn finish(&mut self) {
        if self.last_draw.take().is_some() {
            let _ = write!(io::stderr(), "\r\x1b[K");
        }
    }
}
