//! `tcpwire pcap -j N` for NDJSON: files decoded by up to N threads, their lines and messages
//! handed to standard output and standard error in input order, so the output is the same,
//! byte for byte, as with `-j 1`.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Mutex;
use std::thread;

use super::pcap::LineSink;
use super::Exit;

/// Lines are handed over in chunks of about this many bytes: few channel sends per file,
/// and memory within about two chunks per thread and one per file waiting.
const CHUNK: usize = 256 * 1024;

/// What a worker hands over about one file, in order.
enum Item {
    /// Bytes for standard output.
    Lines(Vec<u8>),
    /// A message for standard error.
    Warn(String),
    /// The file's exit code; nothing follows.
    Done(Exit),
}

/// A worker's [`LineSink`]: lines are gathered into chunks sent to the writing thread.
pub struct Chunks<'a> {
    buffer: Vec<u8>,
    tx: SyncSender<Item>,
    stop: &'a AtomicBool,
}

impl Chunks<'_> {
    fn send(&mut self, item: Item) -> io::Result<()> {
        self.tx.send(item).map_err(|_| {
            // The writing thread stopped (standard output closed): the workers stop too.
            self.stop.store(true, Ordering::Relaxed);
            io::Error::from(io::ErrorKind::BrokenPipe)
        })
    }

    fn send_lines(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let lines = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.send(Item::Lines(lines))
    }
}

impl Write for Chunks<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= CHUNK {
            self.send_lines()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_lines()
    }
}

impl LineSink for Chunks<'_> {
    fn warn(&mut self, message: &str) {
        // An error here means the writing thread is gone; the next write says so.
        if self.send_lines().is_ok() {
            let _ = self.send(Item::Warn(message.to_string()));
        }
    }
}

/// A file's sender, until the worker that claims the file takes it.
type Slot = Mutex<Option<SyncSender<Item>>>;

/// Runs `decode(k, sink)` for files `0..count` on up to `jobs` threads, writing what each
/// gives to standard output and standard error in file order; gives the worst exit code.
///
/// Files are claimed in order, so the one being written is always being decoded; each file has
/// room for one chunk ahead of the writer.
pub fn lines_in_order(
    count: usize,
    jobs: usize,
    decode: impl Fn(usize, &mut Chunks<'_>) -> io::Result<Exit> + Sync,
) -> io::Result<Exit> {
    let (senders, receivers): (Vec<Slot>, Vec<Receiver<Item>>) = (0..count)
        .map(|_| {
            let (tx, rx) = sync_channel(1);
            (Mutex::new(Some(tx)), rx)
        })
        .unzip();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (decode, stop_ref) = (&decode, &stop);
    thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, count.max(1)) {
            scope.spawn(|| {
                while !stop_ref.load(Ordering::Relaxed) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(slot) = senders.get(k) else {
                        return;
                    };
                    let Some(tx) = slot.lock().ok().and_then(|mut s| s.take()) else {
                        return;
                    };
                    let mut chunks = Chunks {
                        buffer: Vec::with_capacity(CHUNK),
                        tx,
                        stop: stop_ref,
                    };
                    let exit = match decode(k, &mut chunks).and_then(|exit| {
                        chunks.flush()?;
                        Ok(exit)
                    }) {
                        Ok(exit) => exit,
                        Err(_) => return,
                    };
                    if chunks.send(Item::Done(exit)).is_err() {
                        return;
                    }
                }
            });
        }
        // On an error the receivers are dropped on return, before the workers are joined, so
        // a worker waiting to send sees it and stops.
        let receivers = receivers;
        let mut out = super::stdout();
        let mut exit = Exit::Ok;
        for rx in &receivers {
            // A file's items end with `Done`, unless its worker stopped on an output error
            // or panicked (the scope then re-raises the panic).
            while let Ok(item) = rx.recv() {
                match item {
                    Item::Lines(lines) => out.write_all(&lines)?,
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
    })
}
