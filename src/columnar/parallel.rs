//! Many captures decoded by several threads, their batches handed over in input order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Mutex;
use std::thread;

use arrow_array::RecordBatch;

use crate::capture::{CaptureError, CaptureReader};

use super::{CaptureBatches, ExportOptions, Summary};

/// A capture's sender, until the worker that claims the capture takes it.
type Slot = Mutex<Option<SyncSender<InOrder>>>;

/// What [`batches_in_order`] hands over about one capture, in order: its batches, then how it
/// ended.
#[derive(Debug)]
pub enum InOrder {
    /// A batch of the capture.
    Batch(RecordBatch),
    /// The capture was read to its end (or to a read error, which is an error row).
    Done(Summary),
    /// The capture could not be opened; it has no batches.
    Failed(CaptureError),
}

/// Decodes captures `0..count` with up to `jobs` threads and calls `sink(k, item)` on the
/// calling thread for each capture `k` in turn: every batch of capture 0, then its end, then
/// those of capture 1, ... The batches and their order are the same whatever `jobs` is, so a
/// file written from them is the same byte for byte.
///
/// `open(k)` opens capture `k` and names it (the `file` column). Each capture has room for one
/// batch ahead of the sink, so memory stays within about two batches per thread whatever the
/// captures' sizes; captures are claimed in order, so the one the sink waits for is always being
/// decoded. An error from `sink` stops the workers and is returned.
///
/// ```
/// use tcpwire::capture::CaptureReader;
/// use tcpwire::columnar::{batches_in_order, ExportOptions, InOrder};
/// let files = ["corpus/tcp-ipv4-sack.pcap", "corpus/tcp-ecn.pcap"];
/// let mut rows = Vec::new();
/// batches_in_order(files.len(), 2, &ExportOptions::default(),
///     |k| Ok((CaptureReader::open(files[k])?, files[k].to_string())),
///     |k, item| {
///         if let InOrder::Batch(batch) = item {
///             rows.push((k, batch.num_rows()));
///         }
///         Ok::<(), std::io::Error>(())
///     },
/// )?;
/// assert_eq!(rows, [(0, 81), (1, 48)]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn batches_in_order<E>(
    count: usize,
    jobs: usize,
    options: &ExportOptions,
    open: impl Fn(usize) -> Result<(CaptureReader, String), CaptureError> + Sync,
    mut sink: impl FnMut(usize, InOrder) -> Result<(), E>,
) -> Result<(), E> {
    // Each sender is taken by the worker that claims its capture, so a worker that panicked
    // closes its channel rather than leave the sink waiting.
    let (senders, receivers): (Vec<Slot>, Vec<Receiver<InOrder>>) = (0..count)
        .map(|_| {
            let (tx, rx) = sync_channel(1);
            (Mutex::new(Some(tx)), rx)
        })
        .unzip();
    let next = AtomicUsize::new(0);
    let open = &open;
    thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, count.max(1)) {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(slot) = senders.get(k) else {
                    return;
                };
                let Some(tx) = slot.lock().ok().and_then(|mut s| s.take()) else {
                    return;
                };
                let (reader, name) = match open(k) {
                    Ok(opened) => opened,
                    Err(e) => {
                        let _ = tx.send(InOrder::Failed(e));
                        continue;
                    }
                };
                let mut batches = CaptureBatches::new(reader, &name, options);
                for batch in batches.by_ref() {
                    // The sink gave up (the receivers are gone): stop.
                    if tx.send(InOrder::Batch(batch)).is_err() {
                        return;
                    }
                }
                if tx.send(InOrder::Done(batches.summary().clone())).is_err() {
                    return;
                }
            });
        }
        // On an error the receivers are dropped on return, before the workers are joined, so
        // a worker waiting to send sees it and stops.
        let receivers = receivers;
        for (k, rx) in receivers.iter().enumerate() {
            // Every capture ends with `Done` or `Failed`, unless its worker panicked (the scope
            // then re-raises the panic).
            while let Ok(item) = rx.recv() {
                let end = !matches!(item, InOrder::Batch(_));
                sink(k, item)?;
                if end {
                    break;
                }
            }
        }
        Ok(())
    })
}
