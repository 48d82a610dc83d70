//! `tcpwire pcap -j N` for NDJSON: files decoded by up to N threads, their lines and messages
//! handed to standard output and standard error in input order, so the output is the same,
//! byte for byte, as with `-j 1`.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender as Channel};
use std::sync::{Condvar, Mutex};
use std::thread;

use super::pcap::LineSink;
use super::Exit;

/// Lines are handed over in chunks of about this many bytes.
const CHUNK: usize = 256 * 1024;

/// The bytes of lines that files not yet being written may hold in memory, all together: a
/// worker ahead of the writer waits when they would exceed it, so files whose lines fit are
/// decoded wholly in parallel and memory stays bounded whatever the files' sizes.
const AHEAD: usize = 64 * 1024 * 1024;

/// The file being written may have this many bytes handed over and not yet written.
const HEAD_AHEAD: usize = 4 * CHUNK;

/// Bytes handed over and not yet written: in all, and per file.
struct Queued {
    total: usize,
    per_file: Vec<usize>,
}

/// What bounds the lines in memory, shared by the workers and the writing thread.
struct Budget {
    queued: Mutex<Queued>,
    freed: Condvar,
    /// The file being written.
    head: AtomicUsize,
    stop: AtomicBool,
}

impl Budget {
    /// Waits until file `k` may hand over `n` more bytes (the file being written: while its
    /// own stay within [`HEAD_AHEAD`]; the others: while all stay within [`AHEAD`]), and counts
    /// them.
    fn reserve(&self, k: usize, n: usize) {
        let Ok(mut queued) = self.queued.lock() else {
            return;
        };
        loop {
            let over = if k == self.head.load(Ordering::Acquire) {
                queued.per_file.get(k).copied().unwrap_or(0) + n > HEAD_AHEAD
            } else {
                queued.total + n > AHEAD
            };
            if !over || self.stop.load(Ordering::Acquire) {
                break;
            }
            queued = match self.freed.wait(queued) {
                Ok(queued) => queued,
                Err(_) => return,
            };
        }
        queued.total += n;
        if let Some(mine) = queued.per_file.get_mut(k) {
            *mine += n;
        }
    }

    /// `n` bytes of file `k` were written (or the head moved on, `n` = 0): wakes the workers.
    fn release(&self, k: usize, n: usize) {
        if let Ok(mut queued) = self.queued.lock() {
            queued.total = queued.total.saturating_sub(n);
            if let Some(mine) = queued.per_file.get_mut(k) {
                *mine = mine.saturating_sub(n);
            }
        }
        self.freed.notify_all();
    }

    fn stop(&self) {
        self.stop.store(true, Ordering::Release);
        self.freed.notify_all();
    }
}

/// What a worker hands over about one file, in order.
enum Item {
    /// Bytes for standard output.
    Lines(Vec<u8>),
    /// A message for standard error.
    Warn(String),
    /// The file's exit code; nothing follows.
    Done(Exit),
}

/// Where a worker's buffered lines go: each buffer, as it fills, to the writing thread.
struct Sender<'a> {
    /// The file's number.
    k: usize,
    tx: Channel<Item>,
    budget: &'a Budget,
}

impl Sender<'_> {
    fn send(&self, item: Item) -> io::Result<()> {
        self.tx.send(item).map_err(|_| {
            // The writing thread stopped (standard output closed): the workers stop too.
            self.budget.stop();
            io::Error::from(io::ErrorKind::BrokenPipe)
        })
    }
}

impl Write for Sender<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.budget.reserve(self.k, buf.len());
        self.send(Item::Lines(buf.to_vec()))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A worker's [`LineSink`]: lines are gathered in a buffer (the same small-write path as
/// standard output's) whose contents go to the writing thread a chunk at a time.
pub struct Chunks<'a> {
    out: io::BufWriter<Sender<'a>>,
}

impl Write for Chunks<'_> {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl LineSink for Chunks<'_> {
    fn warn(&mut self, message: &str) {
        // An error here means the writing thread is gone; the next write says so.
        if self.out.flush().is_ok() {
            let _ = self.out.get_ref().send(Item::Warn(message.to_string()));
        }
    }
}

/// A file's sender, until the worker that claims the file takes it.
type Slot = Mutex<Option<Channel<Item>>>;

/// Runs `decode(k, sink)` for files `0..count` on up to `jobs` threads, writing what each
/// gives to standard output and standard error in file order; gives the worst exit code.
///
/// Files are claimed in order, so the one being written is always being decoded; the files
/// after it are decoded ahead into memory, up to [`AHEAD`] bytes of lines in all, so memory stays
/// within that plus a few chunks per thread whatever the files' sizes.
pub fn lines_in_order(
    count: usize,
    jobs: usize,
    decode: impl Fn(usize, &mut Chunks<'_>) -> io::Result<Exit> + Sync,
) -> io::Result<Exit> {
    // Unbounded channels: the budget is what bounds them.
    let (senders, receivers): (Vec<Slot>, Vec<Receiver<Item>>) = (0..count)
        .map(|_| {
            let (tx, rx) = channel();
            (Mutex::new(Some(tx)), rx)
        })
        .unzip();
    let next = AtomicUsize::new(0);
    let budget = Budget {
        queued: Mutex::new(Queued {
            total: 0,
            per_file: vec![0; count],
        }),
        freed: Condvar::new(),
        head: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
    };
    let (decode, budget) = (&decode, &budget);
    thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, count.max(1)) {
            scope.spawn(|| {
                while !budget.stop.load(Ordering::Acquire) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(slot) = senders.get(k) else {
                        return;
                    };
                    let Some(tx) = slot.lock().ok().and_then(|mut s| s.take()) else {
                        return;
                    };
                    let mut chunks = Chunks {
                        out: io::BufWriter::with_capacity(CHUNK, Sender { k, tx, budget }),
                    };
                    let exit = match decode(k, &mut chunks).and_then(|exit| {
                        chunks.flush()?;
                        Ok(exit)
                    }) {
                        Ok(exit) => exit,
                        Err(_) => return,
                    };
                    if chunks.out.get_ref().send(Item::Done(exit)).is_err() {
                        return;
                    }
                }
            });
        }
        let written = write_in_order(&receivers, budget);
        // Whatever happened, the workers stop waiting: on an error the receivers are dropped
        // here, before the workers are joined, so a worker waiting to send sees it and stops.
        budget.stop();
        drop(receivers);
        written
    })
}

/// The writing thread: each file's items in turn, to standard output and standard error.
fn write_in_order(receivers: &[Receiver<Item>], budget: &Budget) -> io::Result<Exit> {
    let mut out = super::stdout();
    let mut exit = Exit::Ok;
    for (k, rx) in receivers.iter().enumerate() {
        budget.head.store(k, Ordering::Release);
        budget.release(k, 0);
        // A file's items end with `Done`, unless its worker stopped on an output error or
        // panicked (the scope then re-raises the panic).
        while let Ok(item) = rx.recv() {
            match item {
                Item::Lines(lines) => {
                    out.write_all(&lines)?;
                    budget.release(k, lines.len());
                }
                Item::Warn(message) => {
                    out.flush()?;
                    super::warn(&message);
                }
                Item::Done(code) => {
                    exit.raise(code);
                    break;
                }
            }
        }
    }
    out.flush()?;
    Ok(exit)
}
