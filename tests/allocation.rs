//! Allocation bounds, measured with a counting global allocator.
//!
//! - A typical header (the Linux SYN, an ACK with timestamps and SACK blocks, the MPTCP SYN, a
//!   DSS segment) parses with no heap allocation at all.
//! - Every TCP header of every capture of the shipped corpus and the public one parses with no
//!   heap allocation, in both modes (the most options any of them holds is 10, the list's inline
//!   capacity `INLINE_OPTIONS`).
//! - Any header, whatever its bytes, parses with at most one allocation of at most
//!   `40 * size_of::<TcpOption>()` bytes: the option list spilling past its inline slots, sized
//!   once for everything the rest of the 40-byte area could hold.

mod common;

use std::path::Path;

use allocation_counter::measure;
use quickcheck::{QuickCheck, TestResult};
use tcpwire::{ParseMode, TcpHeader, TcpOption};

const TYPICAL: [&str; 4] = [
    // Linux SYN: MSS, SACK permitted, timestamps, NOP, window scale.
    "c35001bb9a3b127e00000000a002faf04b1e0000020405b40402080a8a1d33020000000001030307",
    // ACK: NOP NOP timestamps, NOP NOP SACK with 3 blocks.
    "01bbc35011223344556677 88f01001f58c2a00000101080a00010203040506070101051a55668000556690005566a0005566b0005566c0005566d000",
    // Linux MPTCP v1 SYN: MSS, SACK permitted, timestamps, NOP, window scale, MP_CAPABLE.
    "d0e41770704a1ae900000000b002faf0a6790000020405b40402080a89903a6d00000000010303 0a1e040181",
    // DSS: NOP NOP timestamps, DSS with data ACK, mapping and checksum.
    "d07c177011223344556677 88d01801f58c2a00000101080a00010203040506071e142005e58a366d4e931d3d0000000105a83c7e",
];

fn bound() -> u64 {
    (40 * std::mem::size_of::<TcpOption>()) as u64
}

#[test]
fn typical_headers_parse_without_allocating() {
    for hex in TYPICAL {
        let bytes = tcpwire::from_hex(&hex.replace(' ', "")).unwrap();
        for mode in [ParseMode::Strict, ParseMode::Lossless] {
            let mut parsed = None;
            let info = measure(|| parsed = Some(TcpHeader::parse_with(&bytes, mode)));
            let header = parsed.unwrap().unwrap_or_else(|e| panic!("{hex}: {e}"));
            assert!(!header.options.spilled());
            assert_eq!(info.count_total, 0, "{hex} ({mode:?}) allocated {info:?}");
        }
    }
}

#[test]
fn every_capture_header_parses_without_allocating() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut dirs = vec![root.clone(), root.join("handmade"), root.join("signed")];
    dirs.extend(common::public_corpus());
    let (mut headers, mut most_options) = (0, 0);
    for dir in dirs {
        for file in common::captures_in(&dir) {
            common::for_each_tcp(&file, |frame, tcp| {
                for mode in [ParseMode::Strict, ParseMode::Lossless] {
                    let mut parsed = None;
                    let info = measure(|| parsed = Some(TcpHeader::parse_with(tcp.segment, mode)));
                    if let Some(Ok(header)) = parsed {
                        most_options = most_options.max(header.options.len());
                        headers += 1;
                    }
                    assert_eq!(
                        info.count_total,
                        0,
                        "{} frame {} ({mode:?}) allocated {info:?}",
                        file.display(),
                        frame.number
                    );
                }
            });
        }
    }
    assert!(headers > 6000, "only {headers} headers parsed");
    assert!(most_options <= tcpwire::option::INLINE_OPTIONS);
    eprintln!("{headers} headers, at most {most_options} options each");
}

#[test]
fn forty_nops_allocate_once_within_the_bound() {
    let mut bytes = vec![
        0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x10, 0, 0, 0, 0, 0, 0,
    ];
    bytes.extend([1u8; 40]);
    let mut parsed = None;
    let info = measure(|| parsed = Some(TcpHeader::parse(&bytes)));
    assert_eq!(parsed.unwrap().unwrap().options.len(), 40);
    assert_eq!(info.count_total, 1, "{info:?}");
    assert!(info.bytes_total <= bound(), "{info:?}");
}

#[test]
fn any_header_allocates_at_most_once_within_the_bound() {
    fn prop(area: Vec<u8>, fixed: Vec<u8>) -> TestResult {
        let mut bytes = vec![0u8; 20];
        for (b, f) in bytes.iter_mut().zip(&fixed) {
            *b = *f;
        }
        let area = &area[..area.len().min(40)];
        let words = area.len().div_ceil(4);
        bytes[12] = ((5 + words as u8) << 4) | (bytes[12] & 0x0f);
        bytes.extend_from_slice(area);
        bytes.resize(20 + 4 * words, 1);
        let info = measure(|| {
            let _ = std::hint::black_box(TcpHeader::parse_lossless(&bytes));
            let _ = std::hint::black_box(TcpHeader::parse(&bytes));
        });
        // Two parses: at most one allocation each.
        TestResult::from_bool(info.count_total <= 2 && info.bytes_max <= bound())
    }
    QuickCheck::new()
        .tests(10_000)
        .quickcheck(prop as fn(Vec<u8>, Vec<u8>) -> TestResult);
}

/// The sizes CHANGELOG.md and BENCHMARKS.md state (64-bit targets): ten inline option slots of
/// 56 bytes make the header 632 bytes; the view is 24.
#[cfg(target_pointer_width = "64")]
#[test]
fn stated_sizes() {
    use std::mem::size_of;
    assert_eq!(size_of::<TcpOption>(), 56);
    assert_eq!(size_of::<TcpHeader>(), 632);
    assert_eq!(size_of::<tcpwire::TcpSegment>(), 656);
    assert_eq!(size_of::<tcpwire::TcpHeaderView<'_>>(), 24);
    assert_eq!(size_of::<tcpwire::option::OptionView<'_>>(), 48);
}
