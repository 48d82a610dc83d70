//! tcpwire against etherparse 0.21, smoltcp 0.14 and pnet_packet 0.35, measured in one run.
//!
//! ```sh
//! cargo bench --bench speed -- --measurement-time 5          # everything (about 15 minutes)
//! cargo bench --bench speed -- --measurement-time 5 '^parse/'  # one group
//! ```
//!
//! Groups:
//! - `parse/<op>/<header>`: one header decoded into values, every option included, for the five
//!   headers in benches/common/inputs.rs; `parse_corpus/<op>`: every TCP header of the public
//!   corpus (`../shared/corpus-public`, skipped with a message when absent), time per header.
//! - `parse_linux/<op>/<family>`: every TCP header of the Linux captures of `corpus/` (real
//!   kernel traffic), split by option family (plain handshakes, SACK, TCP Fast Open, MPTCP,
//!   TCP-MD5, ECN, AccECN, and all of them), time per header.
//! - `write/<op>/<header>`: a decoded header written back to bytes.
//! - `checksum/<op>/<bytes>`: the TCP checksum with the IPv4 pseudo-header over a segment of 64,
//!   576, 1460 and 9000 bytes.
//! - `capture/<op>`: the capture reader over `pymptcpanalyzer__client_2.pcap` (3.7 MB pcapng,
//!   read from memory): frames alone, then every TCP header found and parsed, then with the
//!   checksum verified too (what `tcpwire pcap` does before printing).
//!
//! Every routine hands `black_box` a *reference* to what it built (or a count), so no
//! benchmark pays for moving its result into criterion's `black_box`; the
//! `tcpwire_strict_moved` rows show what returning tcpwire's 416-byte result by value to
//! `black_box` costs. BENCHMARKS.md holds the figures and how they were taken.

use std::hint::black_box;
use std::io::Cursor;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated};
use tcpwire::{ParseMode, TcpHeader, TcpHeaderView, TcpSegment};

#[path = "common/inputs.rs"]
mod inputs;

const SRC: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const DST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

// ---------------------------------------------------------------------------------------------
// The peers' decoders, each taken as far as it goes: every option decoded.

/// etherparse: the zero-copy slice, then every option decoded through its iterator.
#[inline]
fn etherparse_slice(bytes: &[u8]) -> usize {
    match etherparse::TcpHeaderSlice::from_slice(bytes) {
        Ok(slice) => {
            let mut n = 0;
            for option in slice.options_iterator() {
                n += usize::from(black_box(&option).is_ok());
            }
            n
        }
        Err(_) => usize::MAX,
    }
}

/// etherparse: the zero-copy slice and the same fixed fields `tcpwire_view_fixed` reads.
#[inline]
fn etherparse_slice_fields(bytes: &[u8]) -> usize {
    match etherparse::TcpHeaderSlice::from_slice(bytes) {
        Ok(s) => {
            let fields = (
                s.source_port(),
                s.destination_port(),
                s.sequence_number(),
                s.acknowledgment_number(),
                s.data_offset(),
                (
                    s.syn(),
                    s.ack(),
                    s.fin(),
                    s.rst(),
                    s.psh(),
                    s.urg(),
                    s.ece(),
                    s.cwr(),
                    s.ns(),
                ),
                s.window_size(),
                s.checksum(),
                s.urgent_pointer(),
            );
            black_box(&fields);
            s.slice().len()
        }
        Err(_) => usize::MAX,
    }
}

/// etherparse: the owned header (fields plus the raw option bytes), then every option decoded.
#[inline]
fn etherparse_owned(bytes: &[u8]) -> usize {
    match etherparse::TcpHeader::from_slice(bytes) {
        Ok((header, _)) => {
            black_box(&header);
            let mut n = 0;
            for option in header.options_iterator() {
                n += usize::from(black_box(&option).is_ok());
            }
            n
        }
        Err(_) => usize::MAX,
    }
}

/// smoltcp: `TcpRepr::parse` with checksum verification off (the options it knows are decoded
/// into the representation; the others are skipped).
#[inline]
fn smoltcp_repr(bytes: &[u8]) -> usize {
    use smoltcp::phy::ChecksumCapabilities;
    use smoltcp::wire::{IpAddress, TcpPacket, TcpRepr};
    let src = IpAddress::Ipv4(SRC);
    let dst = IpAddress::Ipv4(DST);
    let packet = TcpPacket::new_unchecked(bytes);
    match TcpRepr::parse(&packet, &src, &dst, &ChecksumCapabilities::ignored()) {
        Ok(repr) => {
            black_box(&repr);
            usize::from(repr.max_seg_size.is_some())
        }
        Err(_) => usize::MAX,
    }
}

/// pnet_packet: the packet view and its `get_options()` (a `Vec` of options).
#[inline]
fn pnet_options(bytes: &[u8]) -> usize {
    match pnet_packet::tcp::TcpPacket::new(bytes) {
        Some(packet) => {
            let options = packet.get_options();
            black_box(&options);
            options.len()
        }
        None => usize::MAX,
    }
}

/// tcpwire's view, fixed fields only: the checked header and every fixed field read.
#[inline]
fn tcpwire_view_fixed(bytes: &[u8]) -> usize {
    match TcpHeaderView::parse(bytes) {
        Ok(v) => {
            let fields = (
                v.src_port(),
                v.dst_port(),
                v.seq(),
                v.ack_number(),
                v.data_offset(),
                v.flags(),
                v.window(),
                v.checksum(),
                v.urgent_pointer(),
            );
            black_box(&fields);
            v.header_len()
        }
        Err(_) => usize::MAX,
    }
}

/// tcpwire's view with every option decoded, each item handed to `black_box`: what
/// `etherparse_slice` does with its options.
#[inline]
fn tcpwire_view_all(bytes: &[u8]) -> usize {
    match TcpHeaderView::parse(bytes) {
        Ok(v) => {
            let mut n = 0;
            for option in v.options() {
                black_box(&option);
                n += 1;
            }
            n
        }
        Err(_) => usize::MAX,
    }
}

// ---------------------------------------------------------------------------------------------
// parse

fn bench_parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    for (name, bytes) in inputs::ALL {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::new("tcpwire_strict", name), bytes, |b, x| {
            b.iter(|| {
                let header = TcpHeader::parse(black_box(x));
                black_box(&header);
            })
        });
        g.bench_with_input(BenchmarkId::new("tcpwire_lossless", name), bytes, |b, x| {
            b.iter(|| {
                let header = TcpHeader::parse_lossless(black_box(x));
                black_box(&header);
            })
        });
        g.bench_with_input(BenchmarkId::new("tcpwire_in_place", name), bytes, |b, x| {
            let mut header = TcpHeader::default();
            b.iter(|| {
                let outcome = header.parse_in_place(black_box(x), ParseMode::Strict);
                black_box(&outcome);
                black_box(&header);
            })
        });
        g.bench_with_input(
            BenchmarkId::new("tcpwire_view_fixed", name),
            bytes,
            |b, x| b.iter(|| tcpwire_view_fixed(black_box(x))),
        );
        g.bench_with_input(BenchmarkId::new("tcpwire_view_all", name), bytes, |b, x| {
            b.iter(|| tcpwire_view_all(black_box(x)))
        });
        g.bench_with_input(BenchmarkId::new("tcpwire_segment", name), bytes, |b, x| {
            b.iter(|| {
                let segment = TcpSegment::parse(black_box(x));
                black_box(&segment);
            })
        });
        // What `tcpwire_segment` is held to: the header's parse plus the payload's copy.
        g.bench_with_input(
            BenchmarkId::new("tcpwire_strict_and_payload", name),
            bytes,
            |b, x| {
                b.iter(|| {
                    let x = black_box(x);
                    let header = TcpHeader::parse(x);
                    let payload = header
                        .as_ref()
                        .ok()
                        .and_then(|h| x.get(h.header_len()..))
                        .unwrap_or_default()
                        .to_vec();
                    black_box((&header, &payload));
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("tcpwire_strict_moved", name),
            bytes,
            |b, x| b.iter(|| TcpHeader::parse(black_box(x))),
        );
        g.bench_with_input(
            BenchmarkId::new("etherparse_slice_decode", name),
            bytes,
            |b, x| b.iter(|| etherparse_slice(black_box(x))),
        );
        g.bench_with_input(
            BenchmarkId::new("etherparse_slice_fields", name),
            bytes,
            |b, x| b.iter(|| etherparse_slice_fields(black_box(x))),
        );
        g.bench_with_input(
            BenchmarkId::new("etherparse_owned_decode", name),
            bytes,
            |b, x| b.iter(|| etherparse_owned(black_box(x))),
        );
        g.bench_with_input(
            BenchmarkId::new("smoltcp_repr_parse", name),
            bytes,
            |b, x| b.iter(|| smoltcp_repr(black_box(x))),
        );
        g.bench_with_input(BenchmarkId::new("pnet_get_options", name), bytes, |b, x| {
            b.iter(|| pnet_options(black_box(x)))
        });
    }
    g.finish();
}

/// The public corpus next to the repository, or `None` (with a message) when it is absent.
fn public_corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-public");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping the corpus benchmarks: {} is absent",
            dir.display()
        );
        None
    }
}

/// Every whole TCP header in the captures of `dir` (segments cut short before the end of their
/// header, and headers with an unusable data offset, are left out).
fn corpus_headers(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let mut headers = Vec::new();
    for path in paths {
        let Ok(mut reader) = CaptureReader::open(&path) else {
            continue;
        };
        while let Some(Ok(frame)) = reader.next_frame() {
            if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
                if let Ok(header) = TcpHeader::parse_lossless(tcp.segment) {
                    if let Some(bytes) = tcp.segment.get(..header.header_len()) {
                        headers.push(bytes.to_vec());
                    }
                }
            }
        }
    }
    headers
}

fn bench_parse_corpus(c: &mut Criterion) {
    let Some(dir) = public_corpus() else {
        return;
    };
    let headers = corpus_headers(&dir);
    let with_options = headers.iter().filter(|h| h.len() > 20).count();
    let bytes: usize = headers.iter().map(Vec::len).sum();
    eprintln!(
        "parse_corpus: {} TCP headers ({with_options} with options, {bytes} bytes) from {}",
        headers.len(),
        dir.display()
    );
    let mut g = c.benchmark_group("parse_corpus");
    g.throughput(Throughput::Elements(headers.len() as u64));
    g.bench_function("tcpwire_lossless", |b| {
        b.iter(|| {
            for h in &headers {
                let header = TcpHeader::parse_lossless(black_box(h));
                black_box(&header);
            }
        })
    });
    g.bench_function("tcpwire_in_place", |b| {
        let mut header = TcpHeader::default();
        b.iter(|| {
            for h in &headers {
                let outcome = header.parse_in_place(black_box(h), ParseMode::Lossless);
                black_box(&outcome);
                black_box(&header);
            }
        })
    });
    g.bench_function("etherparse_slice_decode", |b| {
        b.iter(|| {
            for h in &headers {
                black_box(etherparse_slice(black_box(h)));
            }
        })
    });
    g.bench_function("etherparse_owned_decode", |b| {
        b.iter(|| {
            for h in &headers {
                black_box(etherparse_owned(black_box(h)));
            }
        })
    });
    g.bench_function("smoltcp_repr_parse", |b| {
        b.iter(|| {
            for h in &headers {
                black_box(smoltcp_repr(black_box(h)));
            }
        })
    });
    g.bench_function("pnet_get_options", |b| {
        b.iter(|| {
            for h in &headers {
                black_box(pnet_options(black_box(h)));
            }
        })
    });
    g.finish();
}

/// The Linux captures of `corpus/` by option family (file names as `corpus/README.md` lists
/// them), then all of them.
const LINUX_FAMILIES: [(&str, &[&str]); 7] = [
    (
        "plain",
        &["tcp-ipv4-handshake", "tcp-ipv6-handshake", "tcp-snaplen80"],
    ),
    (
        "sack",
        &["tcp-ipv4-sack", "tcp-ipv4-sack-nots", "tcp-ipv6-sack"],
    ),
    ("fast_open", &["tcp-fastopen"]),
    ("mptcp", &["mptcp-"]),
    ("md5", &["tcp-md5"]),
    ("ecn", &["tcp-ecn"]),
    ("accecn", &["tcp-accecn"]),
];

/// Every whole TCP header of the `corpus/` captures whose names start with one of `prefixes`.
fn linux_headers(prefixes: &[&str]) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut headers = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.ends_with(".pcap") || !prefixes.iter().any(|p| name.starts_with(p)) {
            continue;
        }
        let Ok(mut reader) = CaptureReader::open(&path) else {
            continue;
        };
        while let Some(Ok(frame)) = reader.next_frame() {
            if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
                if let Ok(view) = TcpHeaderView::parse(tcp.segment) {
                    if let Some(bytes) = tcp.segment.get(..view.header_len()) {
                        headers.push(bytes.to_vec());
                    }
                }
            }
        }
    }
    headers
}

fn bench_parse_linux(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse_linux");
    let all: Vec<&str> = LINUX_FAMILIES
        .iter()
        .flat_map(|(_, p)| p.iter().copied())
        .collect();
    let families = LINUX_FAMILIES
        .iter()
        .map(|(name, prefixes)| (*name, linux_headers(prefixes)))
        .chain([("all", linux_headers(&all))]);
    for (family, headers) in families {
        eprintln!("parse_linux/{family}: {} headers", headers.len());
        g.throughput(Throughput::Elements(headers.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("tcpwire_strict", family),
            &headers,
            |b, hs| {
                b.iter(|| {
                    for h in hs {
                        let header = TcpHeader::parse(black_box(h));
                        black_box(&header);
                    }
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("tcpwire_in_place", family),
            &headers,
            |b, hs| {
                let mut header = TcpHeader::default();
                b.iter(|| {
                    for h in hs {
                        let outcome = header.parse_in_place(black_box(h), ParseMode::Strict);
                        black_box(&outcome);
                        black_box(&header);
                    }
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("tcpwire_view_all", family),
            &headers,
            |b, hs| {
                b.iter(|| {
                    for h in hs {
                        black_box(tcpwire_view_all(black_box(h)));
                    }
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("etherparse_slice_decode", family),
            &headers,
            |b, hs| {
                b.iter(|| {
                    for h in hs {
                        black_box(etherparse_slice(black_box(h)));
                    }
                })
            },
        );
    }
    g.finish();
}

// ---------------------------------------------------------------------------------------------
// write

fn bench_write(c: &mut Criterion) {
    use smoltcp::phy::ChecksumCapabilities;
    use smoltcp::wire::{IpAddress, TcpPacket, TcpRepr};
    let mut g = c.benchmark_group("write");
    for (name, bytes) in inputs::ALL {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        let ours = TcpHeader::parse_lossless(bytes).expect("tcpwire parses the input");
        let theirs = etherparse::TcpHeader::from_slice(bytes)
            .expect("etherparse parses the input")
            .0;
        let (src, dst) = (IpAddress::Ipv4(SRC), IpAddress::Ipv4(DST));
        let packet = TcpPacket::new_unchecked(bytes);
        let repr = TcpRepr::parse(&packet, &src, &dst, &ChecksumCapabilities::ignored())
            .expect("smoltcp parses the input");
        let mut buf = [0u8; 60];
        g.bench_function(BenchmarkId::new("tcpwire_write_to", name), |b| {
            b.iter(|| {
                let written = black_box(&ours).write_to(black_box(&mut buf));
                black_box(&written);
            })
        });
        g.bench_function(BenchmarkId::new("tcpwire_generator", name), |b| {
            b.iter(|| {
                let written = cookie_factory::gen_simple(
                    tcpwire::wire::gen_header(black_box(&ours)),
                    &mut buf[..],
                );
                black_box(&written);
            })
        });
        g.bench_function(BenchmarkId::new("etherparse_write", name), |b| {
            b.iter(|| {
                let mut out = &mut buf[..];
                let written = black_box(&theirs).write(black_box(&mut out));
                black_box(&written);
            })
        });
        g.bench_function(BenchmarkId::new("smoltcp_emit", name), |b| {
            b.iter(|| {
                let mut out = TcpPacket::new_unchecked(&mut buf[..]);
                black_box(&repr).emit(&mut out, &src, &dst, &ChecksumCapabilities::ignored());
                black_box(&out);
            })
        });
    }
    g.finish();
}

// ---------------------------------------------------------------------------------------------
// checksum

/// The checksum the plain way: the pseudo-header and the segment as big-endian 16-bit words
/// summed into a `u32`, folded, complemented. Over a segment whose checksum field is right it
/// gives 0.
#[inline(never)]
fn naive_checksum(src: Ipv4Addr, dst: Ipv4Addr, segment: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for pair in src
        .octets()
        .chunks_exact(2)
        .chain(dst.octets().chunks_exact(2))
    {
        if let [hi, lo] = *pair {
            sum += u32::from(u16::from_be_bytes([hi, lo]));
        }
    }
    sum += 6 + segment.len() as u32;
    let mut words = segment.chunks_exact(2);
    for word in &mut words {
        if let [hi, lo] = *word {
            sum += u32::from(u16::from_be_bytes([hi, lo]));
        }
    }
    if let [last] = *words.remainder() {
        sum += u32::from(last) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn bench_checksum(c: &mut Criterion) {
    use smoltcp::wire::{IpAddress, TcpPacket};
    let mut g = c.benchmark_group("checksum");
    for len in [64usize, 576, 1460, 9000] {
        let mut segment = inputs::segment(len);
        tcpwire::checksum::fill(SRC, DST, &mut segment).expect("the segment takes a checksum");
        // Every implementation agrees before anything is timed.
        assert_eq!(tcpwire::checksum::verify(SRC, DST, &segment), Ok(true));
        assert_eq!(naive_checksum(SRC, DST, &segment), 0);
        let (src, dst) = (IpAddress::Ipv4(SRC), IpAddress::Ipv4(DST));
        assert!(TcpPacket::new_unchecked(&segment[..]).verify_checksum(&src, &dst));
        let stored = u16::from_be_bytes([segment[16], segment[17]]);
        let slice = etherparse::TcpSlice::from_slice(&segment).expect("etherparse takes it");
        assert_eq!(
            slice.calc_checksum_ipv4(SRC.octets(), DST.octets()),
            Ok(stored)
        );
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_with_input(BenchmarkId::new("tcpwire_verify", len), &segment, |b, s| {
            b.iter(|| {
                let ok = tcpwire::checksum::verify(black_box(SRC), black_box(DST), black_box(s));
                black_box(&ok);
            })
        });
        g.bench_with_input(
            BenchmarkId::new("tcpwire_compute", len),
            &segment,
            |b, s| {
                b.iter(|| {
                    let checksum =
                        tcpwire::checksum::compute(black_box(SRC), black_box(DST), black_box(s));
                    black_box(&checksum);
                })
            },
        );
        g.bench_with_input(BenchmarkId::new("smoltcp_verify", len), &segment, |b, s| {
            b.iter(|| {
                let ok = TcpPacket::new_unchecked(black_box(&s[..]))
                    .verify_checksum(black_box(&src), black_box(&dst));
                black_box(&ok);
            })
        });
        g.bench_with_input(
            BenchmarkId::new("etherparse_calc_checksum_ipv4", len),
            &segment,
            |b, s| {
                b.iter(|| {
                    let checksum = etherparse::TcpSlice::from_slice(black_box(s)).map(|t| {
                        t.calc_checksum_ipv4(black_box(SRC).octets(), black_box(DST).octets())
                    });
                    black_box(&checksum);
                })
            },
        );
        g.bench_with_input(BenchmarkId::new("naive_u16_loop", len), &segment, |b, s| {
            b.iter(|| {
                let checksum = naive_checksum(black_box(SRC), black_box(DST), black_box(s));
                black_box(&checksum);
            })
        });
    }
    g.finish();
}

// ---------------------------------------------------------------------------------------------
// capture

fn bench_capture(c: &mut Criterion) {
    let Some(dir) = public_corpus() else {
        return;
    };
    let path = dir.join("pymptcpanalyzer__client_2.pcap");
    let Ok(data) = std::fs::read(&path) else {
        eprintln!(
            "skipping the capture benchmarks: cannot read {}",
            path.display()
        );
        return;
    };
    let data: Arc<[u8]> = data.into();
    let reader =
        || CaptureReader::new(Cursor::new(Arc::clone(&data))).expect("the file is a capture");
    // Counted once, for the throughput in segments.
    let mut segments = 0u64;
    let mut r = reader();
    while let Some(Ok(frame)) = r.next_frame() {
        if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
            segments += u64::from(TcpHeader::parse_lossless(tcp.segment).is_ok());
        }
    }
    eprintln!(
        "capture: {} ({} bytes, {segments} TCP segments)",
        path.display(),
        data.len()
    );
    let mut g = c.benchmark_group("capture");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("frames", |b| {
        b.iter(|| {
            let mut r = reader();
            let mut n = 0u64;
            while let Some(Ok(frame)) = r.next_frame() {
                n += u64::from(black_box(&frame).original_len > 0);
            }
            n
        })
    });
    g.throughput(Throughput::Elements(segments));
    g.bench_function("tcp_headers", |b| {
        let mut header = TcpHeader::default();
        b.iter(|| {
            let mut r = reader();
            let mut n = 0u64;
            while let Some(Ok(frame)) = r.next_frame() {
                if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
                    n += u64::from(
                        header
                            .parse_in_place(tcp.segment, ParseMode::Lossless)
                            .is_ok(),
                    );
                    black_box(&header);
                }
            }
            n
        })
    });
    g.bench_function("tcp_headers_checksum", |b| {
        let mut header = TcpHeader::default();
        b.iter(|| {
            let mut r = reader();
            let mut n = 0u64;
            while let Some(Ok(frame)) = r.next_frame() {
                if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
                    n += u64::from(
                        header
                            .parse_in_place(tcp.segment, ParseMode::Lossless)
                            .is_ok(),
                    );
                    black_box(&header);
                    if !tcp.truncated {
                        let ok = tcpwire::checksum::verify(
                            tcp.pseudo_header_src,
                            tcp.pseudo_header_dst,
                            tcp.segment,
                        );
                        black_box(&ok);
                    }
                }
            }
            n
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(2));
    targets = bench_parse, bench_parse_corpus, bench_parse_linux, bench_write, bench_checksum, bench_capture
}
criterion_main!(benches);
