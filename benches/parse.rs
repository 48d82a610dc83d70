//! Parse and write speed: tcpwire against etherparse, smoltcp and pnet_packet, in one run.
//!
//! `cargo bench --bench parse` (add `-- --quick` for a short run). BENCHMARKS.md holds the
//! figures and how they were taken.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tcpwire::TcpHeader;

/// A 20-byte ACK.
const ACK: [u8; 20] = [
    0x01, 0xbb, 0xc3, 0x50, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x50, 0x10, 0x01, 0xf5,
    0x8c, 0x2a, 0x00, 0x00,
];

/// The Linux SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7 (40 bytes).
const SYN: [u8; 40] = [
    0xc3, 0x50, 0x01, 0xbb, 0x9a, 0x3b, 0x12, 0x7e, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0,
    0x4b, 0x1e, 0x00, 0x00, // fixed
    0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x8a, 0x1d, 0x33, 0x02, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x03, 0x03, 0x07,
];

/// An ACK with NOP NOP timestamps and NOP NOP SACK with 3 blocks (60 bytes).
const SACK_ACK: [u8; 60] = [
    0x01, 0xbb, 0xc3, 0x50, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xf0, 0x10, 0x01, 0xf5,
    0x8c, 0x2a, 0x00, 0x00, // fixed
    0x01, 0x01, 0x08, 0x0a, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, // NOP NOP TS
    0x01, 0x01, 0x05, 0x1a, // NOP NOP SACK len 26
    0x55, 0x66, 0x80, 0x00, 0x55, 0x66, 0x90, 0x00, 0x55, 0x66, 0xa0, 0x00, 0x55, 0x66, 0xb0, 0x00,
    0x55, 0x66, 0xc0, 0x00, 0x55, 0x66, 0xd0, 0x00,
];

/// An MPTCP DSS segment: NOP NOP timestamps, DSS with a 4-byte data ACK, a 4-byte mapping and
/// the checksum (52 bytes).
const DSS: [u8; 52] = [
    0xd0, 0x7c, 0x17, 0x70, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xd0, 0x18, 0x01, 0xf5,
    0x8c, 0x2a, 0x00, 0x00, // fixed
    0x01, 0x01, 0x08, 0x0a, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, // NOP NOP TS
    0x1e, 0x14, 0x20, 0x05, 0xe5, 0x8a, 0x36, 0x6d, 0x4e, 0x93, 0x1d, 0x3d, 0x00, 0x00, 0x00, 0x01,
    0x05, 0xa8, 0x3c, 0x7e,
];

/// The Linux MPTCP v1 SYN: MSS, SACK permitted, timestamps, NOP, window scale, MP_CAPABLE (44 bytes).
const MP_CAPABLE_SYN: [u8; 44] = [
    0xd0, 0xe4, 0x17, 0x70, 0x70, 0x4a, 0x1a, 0xe9, 0x00, 0x00, 0x00, 0x00, 0xb0, 0x02, 0xfa, 0xf0,
    0xa6, 0x79, 0x00, 0x00, // fixed
    0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x89, 0x90, 0x3a, 0x6d, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x03, 0x03, 0x0a, 0x1e, 0x04, 0x01, 0x81,
];

fn inputs() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("ack_20", &ACK[..]),
        ("linux_syn_40", &SYN[..]),
        ("ts_sack3_60", &SACK_ACK[..]),
        ("mptcp_dss_52", &DSS[..]),
        ("mptcp_capable_syn_44", &MP_CAPABLE_SYN[..]),
    ]
}

/// etherparse: the zero-copy slice, then every option decoded through its iterator.
fn etherparse_slice(bytes: &[u8]) -> usize {
    let slice = etherparse::TcpHeaderSlice::from_slice(bytes).map(|s| {
        let mut n = 0;
        for o in s.options_iterator() {
            if black_box(o).is_ok() {
                n += 1;
            }
        }
        n
    });
    slice.unwrap_or(usize::MAX)
}

/// etherparse: the owned header, then every option decoded.
fn etherparse_owned(bytes: &[u8]) -> usize {
    match etherparse::TcpHeader::from_slice(bytes) {
        Ok((h, _)) => h
            .options_iterator()
            .filter(|o| black_box(o).is_ok())
            .count(),
        Err(_) => usize::MAX,
    }
}

/// smoltcp: TcpRepr::parse with checksum verification off.
fn smoltcp_repr(bytes: &[u8]) -> usize {
    use smoltcp::phy::ChecksumCapabilities;
    use smoltcp::wire::{IpAddress, TcpPacket, TcpRepr};
    let src = IpAddress::Ipv4(core::net::Ipv4Addr::new(10, 0, 0, 1));
    let dst = IpAddress::Ipv4(core::net::Ipv4Addr::new(10, 0, 0, 2));
    let packet = TcpPacket::new_unchecked(bytes);
    match TcpRepr::parse(&packet, &src, &dst, &ChecksumCapabilities::ignored()) {
        Ok(repr) => usize::from(black_box(repr).max_seg_size.is_some()),
        Err(_) => usize::MAX,
    }
}

/// pnet_packet: the packet view and its `get_options()` (a Vec of options).
fn pnet_options(bytes: &[u8]) -> usize {
    match pnet_packet::tcp::TcpPacket::new(bytes) {
        Some(p) => black_box(p.get_options()).len(),
        None => usize::MAX,
    }
}

fn bench_parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    for (name, bytes) in inputs() {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::new("tcpwire_strict", name), bytes, |b, x| {
            b.iter(|| TcpHeader::parse(black_box(x)))
        });
        g.bench_with_input(BenchmarkId::new("tcpwire_lossless", name), bytes, |b, x| {
            b.iter(|| TcpHeader::parse_lossless(black_box(x)))
        });
        g.bench_with_input(
            BenchmarkId::new("etherparse_slice_decode", name),
            bytes,
            |b, x| b.iter(|| etherparse_slice(black_box(x))),
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

fn bench_write(c: &mut Criterion) {
    let mut g = c.benchmark_group("write");
    for (name, bytes) in inputs() {
        let ours = TcpHeader::parse_lossless(bytes).expect("tcpwire parses the input");
        let theirs = etherparse::TcpHeader::from_slice(bytes)
            .expect("etherparse parses the input")
            .0;
        let mut buf = [0u8; 60];
        g.bench_with_input(BenchmarkId::new("tcpwire_write_to", name), &ours, |b, h| {
            b.iter(|| black_box(h).write_to(black_box(&mut buf)))
        });
        g.bench_with_input(
            BenchmarkId::new("etherparse_write", name),
            &theirs,
            |b, h| {
                b.iter(|| {
                    let mut out = &mut buf[..];
                    black_box(h).write(&mut out)
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench_parse, bench_write);
criterion_main!(benches);
