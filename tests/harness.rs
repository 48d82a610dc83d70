//! The harness: check_wellformed catches what check_roundtrip lets through, and Differential
//! catches a wrong decoder or encoder with a report that says where.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use tcpwire::option::Mss;

use tcpwire::harness::{
    check_roundtrip, check_wellformed, Difference, Differential, Field, GenConfig, Kinds, Location,
    NotWellFormed, Value, View,
};
use tcpwire::{from_hex, MalformedReason, ParseMode, TcpOption, TcpSegment};

fn v4() -> (IpAddr, IpAddr) {
    (
        Ipv4Addr::new(10, 0, 0, 1).into(),
        Ipv4Addr::new(10, 0, 0, 2).into(),
    )
}

/// A Linux SYN (MSS, SACK permitted, timestamps, NOP, window scale) with its checksum for
/// `addresses`, and a 5-byte payload.
fn syn((src, dst): (IpAddr, IpAddr)) -> Vec<u8> {
    TcpSegment::builder()
        .ports(50000, 443)
        .seq(1)
        .syn()
        .window(64240)
        .mss(1460)
        .sack_permitted()
        .timestamps(1, 0)
        .nop()
        .window_scale(7)
        .payload(b"hello".to_vec())
        .build_with_checksum(src, dst)
        .unwrap()
        .to_bytes()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// check_wellformed

#[test]
fn a_bad_mss_length_round_trips_but_is_not_well_formed() {
    let mut bytes = syn(v4());
    assert_eq!(check_wellformed(&bytes, Some(v4())), Ok(()));
    bytes[21] = 5; // MSS length byte 5 instead of 4: framing intact, kind's length wrong
    assert_eq!(check_roundtrip(&bytes), Ok(()));
    let err = check_wellformed(&bytes, None).unwrap_err();
    let NotWellFormed::MalformedOption {
        index,
        offset,
        kind,
        reason,
    } = err.clone()
    else {
        panic!("{err:?}")
    };
    assert_eq!((index, offset, kind), (0, 20, 2));
    assert!(matches!(
        reason,
        MalformedReason::BadLength { length: 5, .. }
    ));
    assert_eq!(
        err.to_string(),
        "option 0 (mss, kind 2, at header offset 20) is malformed: length 5 is not allowed here (allowed: 4)"
    );
}

#[test]
fn a_later_malformed_option_is_named_by_its_index_and_offset() {
    let mut bytes = syn(v4());
    bytes[27] = 9; // timestamps (option 2 at offset 26) with length 9
    let err = check_wellformed(&bytes, None).unwrap_err();
    assert!(
        matches!(
            err,
            NotWellFormed::MalformedOption {
                index: 2,
                offset: 26,
                kind: 8,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_wrong_checksum_round_trips_but_is_not_well_formed() {
    for addresses in [
        v4(),
        (
            Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1).into(),
            Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2).into(),
        ),
    ] {
        let good = syn(addresses);
        assert_eq!(check_wellformed(&good, Some(addresses)), Ok(()));
        let expected = u16::from_be_bytes([good[16], good[17]]);
        for flip in [4, 17, good.len() - 1] {
            let mut bad = good.clone();
            bad[flip] ^= 0x10;
            assert_eq!(check_roundtrip(&bad), Ok(()));
            // Without addresses the checksum is not looked at.
            assert_eq!(check_wellformed(&bad, None), Ok(()));
            let err = check_wellformed(&bad, Some(addresses)).unwrap_err();
            let found = u16::from_be_bytes([bad[16], bad[17]]);
            assert_eq!(
                err,
                NotWellFormed::BadChecksum {
                    found,
                    expected: if flip == 17 {
                        expected
                    } else {
                        checksum_of(&bad, addresses)
                    }
                }
            );
            assert!(err
                .to_string()
                .starts_with("checksum field (header offset 16) is 0x"));
        }
        // The right checksum for other addresses is the wrong one for these.
        let other = match addresses.0 {
            IpAddr::V4(_) => (Ipv4Addr::new(10, 0, 0, 3).into(), addresses.1),
            IpAddr::V6(_) => (Ipv6Addr::LOCALHOST.into(), addresses.1),
        };
        let other = syn(other);
        assert!(matches!(
            check_wellformed(&other, Some(addresses)),
            Err(NotWellFormed::BadChecksum { .. })
        ));
    }
}

fn checksum_of(bytes: &[u8], (src, dst): (IpAddr, IpAddr)) -> u16 {
    tcpwire::checksum::compute(src, dst, bytes).unwrap()
}

#[test]
fn padding_must_be_zeros_and_shorter_than_a_word() {
    // MSS, EOL, then 3 padding bytes: data offset 7.
    let canonical = from_hex("c35001bb00000001000000007002faf000000000020405b400000000").unwrap();
    assert_eq!(check_wellformed(&canonical, None), Ok(()));
    let mut garbage = canonical.clone();
    garbage[26] = 7;
    assert_eq!(check_roundtrip(&garbage), Ok(()));
    let err = check_wellformed(&garbage, None).unwrap_err();
    assert_eq!(
        err,
        NotWellFormed::NonZeroPadding {
            offset: 26,
            byte: 7
        }
    );
    assert_eq!(
        err.to_string(),
        "padding byte at header offset 26 is 0x07, not zero"
    );
    // A whole spare word of zeros: legal on the wire, but no sender needs it.
    let long =
        from_hex("c35001bb00000001000000008002faf000000000020405b40000000000000000").unwrap();
    assert_eq!(check_roundtrip(&long), Ok(()));
    assert_eq!(
        check_wellformed(&long, None),
        Err(NotWellFormed::PaddingTooLong {
            data_offset: 8,
            padding: 7
        })
    );
    // NOPs are options: trailing NOPs instead of EOL padding are fine.
    let nops = from_hex("c35001bb00000001000000007002faf000000000020405b401010101").unwrap();
    assert_eq!(check_wellformed(&nops, None), Ok(()));
}

#[test]
fn an_unusable_header_and_mixed_addresses_are_reported() {
    let mut bytes = syn(v4());
    bytes[12] = 0x40;
    assert!(matches!(
        check_wellformed(&bytes, None),
        Err(NotWellFormed::Unparsable(
            tcpwire::Error::DataOffsetTooSmall { data_offset: 4 }
        ))
    ));
    let mixed = (v4().0, IpAddr::V6(Ipv6Addr::LOCALHOST));
    assert!(matches!(
        check_wellformed(&syn(v4()), Some(mixed)),
        Err(NotWellFormed::ChecksumUncomputable(
            tcpwire::Error::AddressFamilyMismatch { .. }
        ))
    ));
}

#[test]
fn every_segment_linux_sent_is_well_formed() {
    let mut checked = 0;
    for entry in std::fs::read_dir("corpus").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pcap") {
            continue;
        }
        for frame in tcpwire::capture::CaptureReader::open(&path).unwrap() {
            let frame = frame.unwrap();
            let tcpwire::capture::Decapsulated::Tcp(tcp) =
                tcpwire::capture::find_tcp(frame.linktype, &frame.data)
            else {
                continue;
            };
            if tcp.truncated {
                continue;
            }
            let addresses = (tcp.pseudo_header_src, tcp.pseudo_header_dst);
            assert_eq!(
                check_wellformed(tcp.segment, Some(addresses)),
                Ok(()),
                "{} frame {}",
                path.display(),
                frame.number
            );
            checked += 1;
        }
    }
    eprintln!("{checked} segments from Linux, all well-formed with right checksums");
    assert!(checked > 500, "{checked}");
}

#[test]
fn the_handmade_malformed_capture_is_caught() {
    let path = "corpus/handmade/malformed.pcap";
    let (mut segments, mut caught) = (0, 0);
    for frame in tcpwire::capture::CaptureReader::open(path).unwrap() {
        let frame = frame.unwrap();
        if let tcpwire::capture::Decapsulated::Tcp(tcp) =
            tcpwire::capture::find_tcp(frame.linktype, &frame.data)
        {
            segments += 1;
            assert_eq!(check_roundtrip(tcp.segment), Ok(()));
            let lossless = TcpSegment::parse_lossless(tcp.segment).unwrap();
            let err = check_wellformed(tcp.segment, None);
            assert_eq!(
                lossless.header.has_malformed(),
                matches!(err, Err(NotWellFormed::MalformedOption { .. })),
                "frame {}: {err:?}",
                frame.number
            );
            caught += usize::from(err.is_err());
        }
    }
    eprintln!("{caught} of {segments} hand-made malformed segments caught");
    assert!(caught > 0);
}

// ---------------------------------------------------------------------------------------------
// Differential

/// An independent decoder of the fixed header and the common options, the way a user of the
/// harness would write one: walking the option area by hand.
fn hand_decoder(b: &[u8], mss_only_first: bool) -> Result<View, String> {
    let u16_at = |i: usize| Some(u16::from_be_bytes(b.get(i..i + 2)?.try_into().ok()?));
    let u32_at = |i: usize| Some(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?));
    let short = || "shorter than a fixed header".to_string();
    let data_offset = b.get(12).ok_or_else(short)? >> 4;
    let header_len = usize::from(data_offset) * 4;
    if data_offset < 5 || header_len > b.len() {
        return Err(format!("data offset {data_offset}"));
    }
    let mut view = View::new()
        .with(Field::SrcPort, u16_at(0).ok_or_else(short)?)
        .with(Field::DstPort, u16_at(2))
        .with(Field::Seq, u32_at(4))
        .with(Field::AckNumber, u32_at(8))
        .with(Field::DataOffset, data_offset)
        .with(Field::Flags, u16_at(12).map(|w| w & 0x1ff))
        .with(Field::Window, u16_at(14))
        .with(Field::SackPermitted, false)
        .with(Field::PayloadLen, (b.len() - header_len) as u64);
    let mut at = 20;
    while at < header_len {
        let kind = b[at];
        match kind {
            0 => break,
            1 => {
                at += 1;
                continue;
            }
            _ => {}
        }
        let len = usize::from(*b.get(at + 1).ok_or("no length byte")?);
        if len < 2 || at + len > header_len {
            return Err(format!("option length {len} at {at}"));
        }
        match (kind, len) {
            (2, len) if len != 4 => return Err(format!("MSS length {len} at {at}")),
            (2, 4) if !mss_only_first || at == 20 => {
                view.get(Field::Mss)
                    .eq(&Value::Absent)
                    .then(|| view.set(Field::Mss, u16_at(at + 2)));
            }
            (3, 3) if view.get(Field::WindowScale) == &Value::Absent => {
                view.set(Field::WindowScale, b[at + 2]);
            }
            (4, 2) => {
                view.set(Field::SackPermitted, true);
            }
            (8, 10) if view.get(Field::Timestamps) == &Value::Absent => {
                let ts = vec![
                    u64::from(u32_at(at + 2).unwrap()),
                    u64::from(u32_at(at + 6).unwrap()),
                ];
                view.set(Field::Timestamps, ts);
            }
            _ => {}
        }
        at += len;
    }
    Ok(view)
}

const COMPARED: [Field; 12] = [
    Field::SrcPort,
    Field::DstPort,
    Field::Seq,
    Field::AckNumber,
    Field::DataOffset,
    Field::Flags,
    Field::Window,
    Field::Mss,
    Field::WindowScale,
    Field::SackPermitted,
    Field::Timestamps,
    Field::PayloadLen,
];

#[test]
fn a_right_decoder_agrees_on_generated_segments() {
    let mut diff = Differential::new(&COMPARED)
        .decoder(|b| hand_decoder(b, false))
        .mode(ParseMode::Strict);
    for kinds in [Kinds::Common, Kinds::Any] {
        let report = diff.check_generated(10_000, &GenConfig::well_formed().kinds(kinds));
        eprintln!("{kinds:?}: {}", report.to_string().lines().next().unwrap());
        assert!(report.is_clean(), "{report}");
        assert_eq!(report.checked, 10_000);
    }
}

#[test]
fn a_wrong_decoder_is_caught_with_a_clear_report() {
    // The bug: MSS is read only when it is the first option.
    let mut diff = Differential::new(&COMPARED).decoder(|b| hand_decoder(b, true));
    let report = diff.check_generated(2_000, &GenConfig::well_formed().kinds(Kinds::Common));
    eprintln!(
        "{}",
        report
            .to_string()
            .lines()
            .take(3)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(!report.is_clean());
    assert!(report.checked - report.agreed > 10, "{report}");
    assert_eq!(report.disagreements.len(), 20);
    for d in &report.disagreements {
        assert!(
            matches!(
                d.differences.as_slice(),
                [Difference::Field {
                    field: Field::Mss,
                    yours: Value::Absent,
                    tcpwire: Value::Number(_)
                }]
            ),
            "{d}"
        );
    }

    // One segment by hand, and the exact report: MSS after a NOP word.
    let bytes = from_hex("c35001bb000000010000000070022000000000000101010102040218").unwrap();
    let d = diff.check(&bytes).unwrap_err();
    assert_eq!(
        d.to_string(),
        "segment c35001bb000000010000000070022000000000000101010102040218 (28 bytes): mss: yours absent, tcpwire 536"
    );
}

#[test]
fn refusals_are_compared_too() {
    // A decoder that refuses any malformed option: lossless tcpwire decodes the segment...
    let mut bytes = syn(v4());
    bytes[21] = 5;
    let mut lossless = Differential::new(&COMPARED).decoder(|b| hand_decoder(b, false));
    let d = lossless.check(&bytes).unwrap_err();
    assert!(
        matches!(
            d.differences.as_slice(),
            [Difference::Acceptance {
                yours: Some(_),
                tcpwire: None
            }]
        ),
        "{d}"
    );
    assert!(
        d.to_string()
            .contains("your decoder refused it (MSS length 5 at 20), tcpwire decoded it"),
        "{d}"
    );
    // ... strict tcpwire refuses it as well, so they agree.
    let mut strict = Differential::new(&COMPARED)
        .decoder(|b| hand_decoder(b, false))
        .mode(ParseMode::Strict);
    assert_eq!(strict.check(&bytes), Ok(()));
}

/// An encoder under test: the fixed header from the fields, then each option's bytes.
fn hand_encoder(s: &TcpSegment, keep_padding: bool) -> Result<Vec<u8>, String> {
    let h = &s.header;
    let mut out = Vec::new();
    out.extend_from_slice(&h.src_port.to_be_bytes());
    out.extend_from_slice(&h.dst_port.to_be_bytes());
    out.extend_from_slice(&h.seq.to_be_bytes());
    out.extend_from_slice(&h.ack_number.to_be_bytes());
    out.extend_from_slice(&h.flags.to_word12(h.reserved).to_be_bytes());
    out[12] |= h.data_offset << 4;
    out.extend_from_slice(&h.window.to_be_bytes());
    out.extend_from_slice(&h.checksum.to_be_bytes());
    out.extend_from_slice(&h.urgent_pointer.to_be_bytes());
    for option in &h.options {
        out.extend_from_slice(&option.to_bytes().map_err(|e| e.to_string())?);
    }
    if keep_padding {
        out.extend_from_slice(h.padding.as_slice());
    } else {
        // The bug: padding written as zeros whatever was sent.
        out.resize(out.len() + h.padding.len(), 0);
    }
    out.extend_from_slice(&s.payload);
    Ok(out)
}

#[test]
fn an_encoder_is_checked_against_the_bytes() {
    let mut right = Differential::new(&[]).encoder(|s| hand_encoder(s, true));
    let report = right.check_generated(10_000, &GenConfig::default());
    assert!(report.is_clean(), "{report}");

    let mut wrong = Differential::new(&[]).encoder(|s| hand_encoder(s, false));
    // Canonical padding is all zeros: the bug cannot show.
    assert!(wrong
        .check_generated(2_000, &GenConfig::well_formed())
        .is_clean());
    // MSS, EOL, garbage padding.
    let bytes = from_hex("c35001bb00000001000000007002faf000000000020405b400070000").unwrap();
    let d = wrong.check(&bytes).unwrap_err();
    let [Difference::Encoding(diff)] = d.differences.as_slice() else {
        panic!("{d}")
    };
    assert_eq!(
        (diff.offset, diff.location.clone()),
        (25, Location::Padding)
    );
    assert!(d.to_string().ends_with(
        "your encoder: first difference at header offset 25 in padding after EOL: captured 07, written 00"
    ), "{d}");
    // With the default mix, garbage padding comes up and the bug is found.
    let report = wrong.check_generated(2_000, &GenConfig::default());
    eprintln!("{}", report.to_string().lines().next().unwrap());
    assert!(!report.is_clean());
}

#[test]
fn captures_can_be_compared() {
    let mut diff = Differential::new(&COMPARED).decoder(|b| hand_decoder(b, false));
    let report = diff.check_capture("corpus/tcp-ipv4-sack.pcap").unwrap();
    eprintln!("{}", report.to_string().lines().next().unwrap());
    assert!(report.checked > 10 && report.is_clean(), "{report}");
    let options = TcpOption::Mss(Mss { mss: 1460 });
    assert_eq!(
        Field::Mss.of(&TcpSegment::builder().option(options).build().unwrap()),
        Value::Number(1460)
    );
}
