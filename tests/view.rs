//! The zero-copy view: `TcpHeaderView::to_owned` equals `TcpHeader::parse_lossless` on every
//! input (generated headers, arbitrary bytes, every header of every capture), its errors are the
//! owned parser's, its malformed items carry the offsets and reasons lossless parsing finds, and
//! it never allocates.

mod common;

use std::path::Path;

use allocation_counter::measure;
use quickcheck::{QuickCheck, TestResult};
use tcpwire::mptcp::MptcpView;
use tcpwire::option::{OptionView, SackBlock};
use tcpwire::{MalformedReason, ParseMode, TcpHeader, TcpHeaderView, TcpOption};

/// Everything the view gives equals what the owned lossless parser gives: the fixed fields,
/// each option (also converted one by one), the padding; or the same error.
fn agrees(bytes: &[u8]) -> Result<(), String> {
    let owned = TcpHeader::parse_lossless(bytes);
    let view = TcpHeaderView::parse(bytes);
    let (owned, view) = match (owned, view) {
        (Ok(o), Ok(v)) => (o, v),
        (Err(a), Err(b)) if a == b => return Ok(()),
        (a, b) => return Err(format!("owned {a:?}, view {b:?}")),
    };
    if view.to_owned() != owned {
        return Err(format!("to_owned {:?} != {owned:?}", view.to_owned()));
    }
    let fields = (
        view.src_port(),
        view.dst_port(),
        view.seq(),
        view.ack_number(),
        view.data_offset(),
        view.reserved(),
        view.flags(),
        view.window(),
        view.checksum(),
        view.urgent_pointer(),
    );
    let expected = (
        owned.src_port,
        owned.dst_port,
        owned.seq,
        owned.ack_number,
        owned.data_offset,
        owned.reserved,
        owned.flags,
        owned.window,
        owned.checksum,
        owned.urgent_pointer,
    );
    if fields != expected {
        return Err(format!("fields {fields:?} != {expected:?}"));
    }
    let items: Vec<TcpOption> = view.options().map(OptionView::to_owned).collect();
    if items.as_slice() != owned.options.as_slice() || view.padding() != owned.padding.as_slice() {
        return Err(format!("items {items:?}"));
    }
    if view.has_malformed() != owned.has_malformed() || view.header_len() != owned.header_len() {
        return Err("has_malformed or header_len".into());
    }
    // Each item's kind and name are its owned option's.
    for (item, option) in view.options().zip(&owned.options) {
        if (item.kind(), item.name()) != (option.kind(), option.name()) {
            return Err(format!("{item:?} named unlike {option:?}"));
        }
    }
    // The strict parser errs exactly where the view yields a malformed item, at its offset.
    let first_malformed = view.options().find_map(|o| match o {
        OptionView::Malformed(m) => Some((m.kind(), m.offset(), m.reason())),
        _ => None,
    });
    match (TcpHeader::parse(bytes), first_malformed) {
        (Ok(_), None) => {}
        (
            Err(tcpwire::Error::MalformedOption {
                kind,
                offset,
                reason,
            }),
            Some(found),
        ) if (kind, offset, reason) == found => {}
        (strict, found) => return Err(format!("strict {strict:?}, view's malformed {found:?}")),
    }
    Ok(())
}

#[test]
fn view_equals_lossless_parsing_on_generated_headers() {
    fn prop(header: TcpHeader) -> TestResult {
        let Ok(bytes) = header.to_bytes() else {
            return TestResult::discard();
        };
        match agrees(&bytes) {
            Ok(()) => TestResult::passed(),
            Err(e) => TestResult::error(format!("{}: {e}", tcpwire::to_hex(&bytes))),
        }
    }
    QuickCheck::new()
        .tests(20_000)
        .quickcheck(prop as fn(TcpHeader) -> TestResult);
}

#[test]
fn view_equals_lossless_parsing_on_arbitrary_bytes() {
    fn prop(fixed: Vec<u8>, area: Vec<u8>, cut: u8) -> TestResult {
        let mut bytes = vec![0u8; 20];
        for (b, f) in bytes.iter_mut().zip(&fixed) {
            *b = *f;
        }
        let area = &area[..area.len().min(40)];
        let words = area.len().div_ceil(4);
        if cut % 4 != 0 {
            bytes[12] = ((5 + words as u8) << 4) | (bytes[12] & 0x0f);
        }
        bytes.extend_from_slice(area);
        bytes.resize(20 + 4 * words, cut);
        if cut % 7 == 0 {
            bytes.truncate(usize::from(cut) % (bytes.len() + 1));
        }
        match agrees(&bytes) {
            Ok(()) => TestResult::passed(),
            Err(e) => TestResult::error(format!("{}: {e}", tcpwire::to_hex(&bytes))),
        }
    }
    QuickCheck::new()
        .tests(50_000)
        .quickcheck(prop as fn(Vec<u8>, Vec<u8>, u8) -> TestResult);
}

/// Every option kind at every length, alone in an area (the view's dispatch against the
/// owned one, kind by kind).
#[test]
fn view_equals_lossless_parsing_for_every_kind_and_length() {
    for kind in 0..=255u8 {
        for length in 0..=40u8 {
            for fill in [0x00, 0x21, 0x5a, 0xff] {
                let mut area = vec![fill; usize::from(length.max(2))];
                area[0] = kind;
                area[1] = length;
                area.resize(area.len().div_ceil(4) * 4, 0);
                area.truncate(40);
                let mut bytes = vec![
                    0, 1, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0x10, 1, 0, 0, 0, 0, 0,
                ];
                bytes[12] = ((5 + area.len() / 4) as u8) << 4;
                bytes.extend(&area);
                if let Err(e) = agrees(&bytes) {
                    panic!("{}: {e}", tcpwire::to_hex(&bytes));
                }
            }
        }
    }
}

/// Every TCP header of every capture: the shipped corpus and the public one.
#[test]
fn view_equals_lossless_parsing_on_every_capture_header() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut dirs = vec![root.clone(), root.join("handmade"), root.join("signed")];
    dirs.extend(common::public_corpus());
    let mut headers = 0;
    for dir in dirs {
        for file in common::captures_in(&dir) {
            common::for_each_tcp(&file, |frame, tcp| {
                if let Err(e) = agrees(tcp.segment) {
                    panic!("{} frame {}: {e}", file.display(), frame.number);
                }
                headers += 1;
            });
        }
    }
    assert!(headers > 3000, "only {headers} headers");
}

/// Reading every field and every option of a header allocates nothing, whatever the header:
/// 40 NOPs, MPTCP, malformed options included.
#[test]
fn the_view_never_allocates() {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    let mut nops = vec![
        0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x10, 0, 0, 0, 0, 0, 0,
    ];
    nops.extend([1u8; 40]);
    inputs.push(nops);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for dir in [root.clone(), root.join("handmade")] {
        for file in common::captures_in(&dir) {
            common::for_each_tcp(&file, |_, tcp| inputs.push(tcp.segment.to_vec()));
        }
    }
    for bytes in &inputs {
        let mut sum = 0u64;
        let info = measure(|| {
            if let Ok(view) = TcpHeaderView::parse(bytes) {
                sum += u64::from(view.seq()) + u64::from(view.flags().bits());
                for option in view.options() {
                    sum += u64::from(option.kind());
                    if let OptionView::Sack(s) = option {
                        sum += s.blocks().map(|b| u64::from(b.left)).sum::<u64>();
                    }
                }
                sum += view.padding().len() as u64;
            }
        });
        std::hint::black_box(sum);
        assert_eq!(info.count_total, 0, "{}", tcpwire::to_hex(bytes));
    }
    assert!(inputs.len() > 900);
}

#[test]
fn the_view_is_two_references() {
    assert_eq!(
        std::mem::size_of::<TcpHeaderView<'_>>(),
        3 * std::mem::size_of::<usize>()
    );
}

/// A malformed option in the middle is an item with its offset; iteration goes on after it,
/// and a framing error ends the list with the rest of the area.
#[test]
fn malformed_items_carry_offset_and_reason() {
    // MSS with length 5 (bad), NOP, SACK with one block, then a kind 8 whose length overruns.
    let bytes = tcpwire::from_hex(concat!(
        "000100020000000300000004a010010000000000",
        "0205aabbcc01050a0000000100000002", // MSS length 5, NOP, SACK: 16 bytes
        "080c0000",                         // kind 8 length 12 overruns the area
    ))
    .unwrap();
    let view = TcpHeaderView::parse(&bytes).unwrap();
    let items: Vec<OptionView<'_>> = view.options().collect();
    assert_eq!(items.len(), 4, "{items:?}");
    let OptionView::Malformed(bad_mss) = items[0] else {
        panic!("{:?}", items[0])
    };
    assert_eq!((bad_mss.kind(), bad_mss.offset()), (2, 20));
    assert!(matches!(
        bad_mss.reason(),
        MalformedReason::BadLength { length: 5, .. }
    ));
    assert_eq!(bad_mss.bytes(), &[2, 5, 0xaa, 0xbb, 0xcc]);
    assert_eq!(items[1], OptionView::Nop);
    let OptionView::Sack(sack) = items[2] else {
        panic!("{:?}", items[2])
    };
    assert_eq!(
        sack.blocks().collect::<Vec<_>>(),
        [SackBlock { left: 1, right: 2 }]
    );
    let OptionView::Malformed(overrun) = items[3] else {
        panic!("{:?}", items[3])
    };
    assert_eq!((overrun.kind(), overrun.offset()), (8, 36));
    assert!(matches!(
        overrun.reason(),
        MalformedReason::Overrun { length: 12, .. }
    ));
    assert_eq!(overrun.bytes().len(), 4);
    agrees(&bytes).unwrap();
}

/// MPTCP subtypes come out typed and borrowed.
#[test]
fn mptcp_subtypes_are_typed() {
    // REMOVE_ADDR with IDs 1, 2, 3 and a DSS with a 4-byte data ACK.
    let bytes = tcpwire::from_hex(concat!(
        "0001000200000003000000049010010000000000",
        "1e0640010203011e0820010000000701",
    ))
    .unwrap();
    let view = TcpHeaderView::parse(&bytes).unwrap();
    let items: Vec<OptionView<'_>> = view.options().collect();
    let OptionView::Mptcp(MptcpView::RemoveAddr(remove)) = items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(remove.address_ids(), &[1, 2, 3]);
    let OptionView::Mptcp(MptcpView::Dss(dss)) = items[2] else {
        panic!("{items:?}")
    };
    assert_eq!(dss.data_ack, Some(7));
    assert_eq!(items[0].name(), "mptcp");
    agrees(&bytes).unwrap();
}

/// `parse_prefix` gives the payload; the owned parser in the same mode agrees.
#[test]
fn parse_prefix_splits_off_the_payload() {
    let mut bytes = tcpwire::from_hex("0050c35000000007000000005018ffff00000000").unwrap();
    bytes.extend(b"GET /");
    let (view, payload) = TcpHeaderView::parse_prefix(&bytes).unwrap();
    assert_eq!(payload, b"GET /");
    let (owned, rest) = TcpHeader::parse_prefix(&bytes, ParseMode::Lossless).unwrap();
    assert_eq!((view.to_owned(), payload), (owned, rest));
}
