//! Columnar export speed (feature `parquet`): segments per second of the Parquet export against
//! the NDJSON path of `tcpwire pcap`, on the same capture; and 1 against 2 threads over many
//! files, into one file (`batches_in_order`, what `tcpwire pcap -j N` runs) and one file per
//! capture (what `--partition -j N` does).
//!
//! The capture: the records of every Ethernet capture of `corpus/` (18 of the 21 files: Linux
//! TCP and MPTCP, hand-built option kinds and malformed options), repeated 40 times into one
//! in-memory pcap. The sizes of both outputs are printed once.
//!
//! `cargo bench --bench columnar --features parquet`

use std::hint::black_box;
use std::io::{Cursor, Write};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::Serialize;
use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated};
use tcpwire::checksum::ChecksumVerdict;
use tcpwire::columnar::{batches_in_order, parquet_writer, CaptureBatches, ExportOptions, InOrder};
use tcpwire::wire::options_with_offsets;
use tcpwire::{ParseMode, TcpHeader, TcpOption};

/// One pcap (little-endian, microseconds, Ethernet) holding the records of the corpus's
/// Ethernet captures, `repeat` times.
fn corpus_capture(repeat: usize) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<_> = ["", "handmade"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    files.sort();
    let mut header = Vec::new();
    let mut records = Vec::new();
    for path in files {
        let data = std::fs::read(&path).unwrap();
        // Link type 1 (Ethernet), little-endian microsecond pcap.
        if data[..4] == [0xd4, 0xc3, 0xb2, 0xa1] && data[20..24] == [1, 0, 0, 0] {
            if header.is_empty() {
                header = data[..24].to_vec();
                header[16..20].copy_from_slice(&262_144u32.to_le_bytes());
            }
            records.extend_from_slice(&data[24..]);
        }
    }
    let mut capture = header;
    for _ in 0..repeat {
        capture.extend_from_slice(&records);
    }
    capture
}

/// The line `tcpwire pcap` prints for a segment (src/cli/pcap.rs, `SegmentLine`).
#[derive(Serialize)]
struct SegmentLine<'a> {
    frame: u64,
    timestamp: String,
    ip_version: u8,
    src: IpAddr,
    dst: IpAddr,
    header: &'a TcpHeader,
    payload_len: usize,
    truncated: bool,
    checksum: ChecksumVerdict,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    malformed: Vec<MalformedLine>,
}

#[derive(Serialize)]
struct MalformedLine {
    kind: u8,
    offset: usize,
    problem: &'static str,
    reason: String,
}

/// The NDJSON path: what `tcpwire pcap` does for each frame, into `out`.
fn ndjson(capture: &Arc<[u8]>, out: &mut Vec<u8>) -> u64 {
    let reader = CaptureReader::new(Cursor::new(Arc::clone(capture))).unwrap();
    let mut segments = 0;
    for frame in reader {
        let frame = frame.unwrap();
        let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) else {
            continue;
        };
        let Ok(header) = TcpHeader::parse_with(tcp.segment, ParseMode::Lossless) else {
            continue;
        };
        let (payload_len, checksum) = tcp.payload_and_verdict(&frame, header.header_len());
        let malformed = options_with_offsets(&header)
            .filter_map(|(offset, option)| match option {
                TcpOption::Malformed(m) => Some(MalformedLine {
                    kind: m.kind,
                    offset,
                    problem: m.reason.name(),
                    reason: m.reason.to_string(),
                }),
                _ => None,
            })
            .collect();
        let line = SegmentLine {
            frame: frame.number,
            timestamp: frame.timestamp_string(),
            ip_version: tcp.ip_version,
            src: tcp.src,
            dst: tcp.dst,
            header: &header,
            payload_len,
            truncated: tcp.truncated,
            checksum,
            malformed,
        };
        serde_json::to_writer(&mut *out, &line).unwrap();
        out.write_all(b"\n").unwrap();
        segments += 1;
    }
    segments
}

/// The Parquet export as `tcpwire pcap --format parquet` runs it: batches built on one thread
/// while the calling thread encodes and compresses the previous one (`batches_in_order`).
fn parquet(capture: &Arc<[u8]>, out: &mut Vec<u8>) -> u64 {
    let options = ExportOptions::default();
    let mut writer = parquet_writer(out, &options).unwrap();
    let mut segments = 0;
    batches_in_order(
        1,
        1,
        &options,
        |_| {
            let reader = CaptureReader::new(Cursor::new(Arc::clone(capture)))?;
            Ok((reader, "corpus".to_string()))
        },
        |_, item| match item {
            InOrder::Batch(batch) => writer.write(&batch),
            InOrder::Done(summary) => {
                segments = summary.segments;
                Ok(())
            }
            InOrder::Failed(e) => panic!("{e}"),
        },
    )
    .unwrap();
    writer.close().unwrap();
    segments
}

/// The Parquet export on the calling thread alone: building, then encoding each batch.
fn parquet_one_thread(capture: &Arc<[u8]>, out: &mut Vec<u8>) -> u64 {
    let reader = CaptureReader::new(Cursor::new(Arc::clone(capture))).unwrap();
    let options = ExportOptions::default();
    let mut writer = parquet_writer(out, &options).unwrap();
    let mut batches = CaptureBatches::new(reader, "corpus", &options);
    for batch in batches.by_ref() {
        writer.write(&batch).unwrap();
    }
    writer.close().unwrap();
    batches.summary().segments
}

fn bench_export(c: &mut Criterion) {
    let capture: Arc<[u8]> = corpus_capture(40).into();
    let (mut json, mut pq) = (Vec::new(), Vec::new());
    let segments = ndjson(&capture, &mut json);
    assert_eq!(parquet(&capture, &mut pq), segments);
    eprintln!(
        "columnar: capture {} bytes, {segments} segments; NDJSON {} bytes, Parquet {} bytes ({:.1}x smaller)",
        capture.len(),
        json.len(),
        pq.len(),
        json.len() as f64 / pq.len() as f64
    );
    let mut g = c.benchmark_group("export");
    g.sample_size(10);
    g.throughput(Throughput::Elements(segments));
    g.bench_function("ndjson", |b| {
        b.iter(|| {
            json.clear();
            black_box(ndjson(&capture, &mut json))
        })
    });
    g.bench_function("parquet", |b| {
        b.iter(|| {
            pq.clear();
            black_box(parquet(&capture, &mut pq))
        })
    });
    g.bench_function("parquet_one_thread", |b| {
        b.iter(|| {
            pq.clear();
            black_box(parquet_one_thread(&capture, &mut pq))
        })
    });
    g.bench_function("arrow_batches", |b| {
        b.iter(|| {
            let reader = CaptureReader::new(Cursor::new(Arc::clone(&capture))).unwrap();
            let batches = CaptureBatches::new(reader, "corpus", &ExportOptions::default());
            black_box(batches.map(|b| b.num_rows()).sum::<usize>())
        })
    });
    g.finish();
}

fn bench_many_files(c: &mut Criterion) {
    // 16 files of a 5-times corpus each.
    let file: Arc<[u8]> = corpus_capture(5).into();
    let files = 16;
    let options = ExportOptions::default();
    let run = |jobs: usize| {
        let mut writer = parquet_writer(Vec::new(), &options).unwrap();
        batches_in_order(
            files,
            jobs,
            &options,
            |k| {
                let reader = CaptureReader::new(Cursor::new(Arc::clone(&file)))?;
                Ok((reader, format!("file{k}")))
            },
            |_, item| match item {
                InOrder::Batch(batch) => writer.write(&batch),
                _ => Ok(()),
            },
        )
        .unwrap();
        writer.close().unwrap();
    };
    let mut segments = 0;
    let reader = CaptureReader::new(Cursor::new(Arc::clone(&file))).unwrap();
    let mut batches = CaptureBatches::new(reader, "x", &options);
    batches.by_ref().for_each(drop);
    segments += batches.summary().segments * files as u64;
    let mut g = c.benchmark_group("many_files");
    g.sample_size(10);
    g.throughput(Throughput::Elements(segments));
    // `--partition`: each thread writes whole files of its own (one Parquet file per capture),
    // so the encoding is spread over the threads too.
    let partition = |jobs: usize| {
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..jobs {
                scope.spawn(|| {
                    while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < files {
                        let reader = CaptureReader::new(Cursor::new(Arc::clone(&file))).unwrap();
                        let out =
                            tcpwire::columnar::export_parquet(reader, "file", Vec::new(), &options);
                        black_box(out.unwrap());
                    }
                });
            }
        });
    };
    g.bench_function("jobs_1", |b| b.iter(|| run(1)));
    g.bench_function("jobs_2", |b| b.iter(|| run(2)));
    g.bench_function("partition_jobs_1", |b| b.iter(|| partition(1)));
    g.bench_function("partition_jobs_2", |b| b.iter(|| partition(2)));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1));
    targets = bench_export, bench_many_files
}
criterion_main!(benches);
