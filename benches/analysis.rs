//! MPTCP analysis throughput against plain capture decoding, on the same file.
//!
//! ```sh
//! taskset -c 1 cargo bench --bench analysis
//! ```
//!
//! Groups (`analysis/<op>`, one pass over the capture read from memory, time per pass):
//! - `decode`: frames, the TCP segment found, its header parsed, the checksum verified (what
//!   `tcpwire pcap` does before writing a line);
//! - `decode_analyze`: the same, and every segment through `MptcpAnalyzer::segment`;
//! - `decode_json`: `decode` and the segment's JSON line (what `tcpwire pcap` prints);
//! - `decode_json_analyze`: that and the analysis, its annotation in the JSON line (what
//!   `tcpwire pcap --analyze` prints).
//!
//! The capture is `pymptcpanalyzer__client_2.pcap` of the public corpus (3.7 MB, 4 MPTCP v0
//! connections, 17 subflows), or `corpus/mptcp-ipv4-multipath.pcap` when that is absent.
//! BENCHMARKS.md ("MPTCP analysis") holds the figures; `CALLGRIND_PASS` (below) gives
//! instruction counts instead.

use std::hint::black_box;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tcpwire::analysis::mptcp::{MptcpAnalyzer, Segment};
use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated, Frame};
use tcpwire::flow::Endpoint;
use tcpwire::{ParseMode, TcpHeader};

fn capture() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let public = root.join("../shared/corpus-public/pymptcpanalyzer__client_2.pcap");
    if public.is_file() {
        public
    } else {
        eprintln!("the public corpus is absent: using corpus/mptcp-ipv4-multipath.pcap");
        root.join("corpus/mptcp-ipv4-multipath.pcap")
    }
}

/// One pass: decode every frame; with `analyzer`, analyze it; with `json`, write its line.
#[inline(never)]
fn pass(
    data: &Arc<[u8]>,
    mut analyzer: Option<&mut MptcpAnalyzer>,
    json: Option<&mut Vec<u8>>,
) -> u64 {
    let reader = CaptureReader::new(Cursor::new(Arc::clone(data))).expect("a capture");
    let mut json = json;
    let mut n = 0u64;
    for frame in reader {
        let Ok(frame) = frame else { break };
        n += one(&frame, analyzer.as_deref_mut(), json.as_deref_mut());
    }
    n
}

fn one(frame: &Frame, analyzer: Option<&mut MptcpAnalyzer>, json: Option<&mut Vec<u8>>) -> u64 {
    let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) else {
        return 0;
    };
    let Ok((header, _)) = TcpHeader::parse_prefix(tcp.segment, ParseMode::Lossless) else {
        return 0;
    };
    let checksum_ok = !tcp.truncated
        && tcpwire::checksum::verify(tcp.pseudo_header_src, tcp.pseudo_header_dst, tcp.segment)
            .unwrap_or(false);
    let payload = tcp.segment.get(header.header_len()..).unwrap_or(&[]);
    let annotation = analyzer.and_then(|a| {
        a.segment(&Segment {
            frame: frame.number,
            time_ns: frame.timestamp.0 * 1_000_000_000 + u64::from(frame.timestamp.1),
            src: Endpoint::new(tcp.src, header.src_port),
            dst: Endpoint::new(tcp.dst, header.dst_port),
            header: &header,
            payload,
            payload_len: payload.len(),
        })
    });
    if let Some(out) = json {
        out.clear();
        let line = serde_json::json!({
            "frame": frame.number,
            "timestamp": frame.timestamp_string(),
            "src": tcp.src,
            "dst": tcp.dst,
            "header": &header,
            "payload_len": payload.len(),
            "checksum_ok": checksum_ok,
            "mptcp": annotation,
        });
        serde_json::to_writer(&mut *out, &line).expect("JSON");
        black_box(&out);
    } else {
        black_box((&header, &annotation, checksum_ok));
    }
    1
}

fn bench_analysis(c: &mut Criterion) {
    let path = capture();
    let data: Arc<[u8]> = std::fs::read(&path).expect("the capture").into();
    let mut analyzer = MptcpAnalyzer::default();
    let segments = pass(&data, Some(&mut analyzer), None);
    let conns = analyzer.finish();
    eprintln!(
        "analysis: {} ({} bytes, {segments} TCP segments, {} MPTCP connections)",
        path.display(),
        data.len(),
        conns.len()
    );
    // Instruction counts on a loaded machine: `CALLGRIND_PASS=decode|decode_analyze` runs that
    // pass 5 times and nothing else, under
    // `valgrind --tool=callgrind --toggle-collect='*pass*' target/release/deps/analysis-HASH --bench`.
    if let Ok(op) = std::env::var("CALLGRIND_PASS") {
        for _ in 0..5 {
            let mut analyzer = MptcpAnalyzer::default();
            let a = (op == "decode_analyze").then_some(&mut analyzer);
            black_box(pass(&data, a, None));
        }
        return;
    }
    let mut g = c.benchmark_group("analysis");
    g.sample_size(20);
    g.throughput(Throughput::Elements(segments));
    g.bench_function("decode", |b| b.iter(|| pass(&data, None, None)));
    g.bench_function("decode_analyze", |b| {
        b.iter(|| {
            let mut analyzer = MptcpAnalyzer::default();
            let n = pass(&data, Some(&mut analyzer), None);
            black_box(analyzer.finish().len()) as u64 + n
        })
    });
    let mut buf = Vec::with_capacity(4096);
    g.bench_function("decode_json", |b| {
        b.iter(|| pass(&data, None, Some(&mut buf)))
    });
    g.bench_function("decode_json_analyze", |b| {
        b.iter(|| {
            let mut analyzer = MptcpAnalyzer::default();
            let n = pass(&data, Some(&mut analyzer), Some(&mut buf));
            black_box(analyzer.finish().len()) as u64 + n
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = bench_analysis
}
criterion_main!(benches);
