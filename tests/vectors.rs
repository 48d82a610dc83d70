//! Hand-checked vectors: bytes written out by hand from the RFC layouts, with every decoded
//! field asserted, in both parsing modes, and the errors serialization must give.

use tcpwire::option::{
    AltChecksumData, AltChecksumRequest, Cc, CcEcho, CcNew, Echo, EchoReply, Eno, Experiment,
    ExperimentalFastOpen, FastOpen, Malformed, Md5Signature, Mss, PocServiceProfile,
    QuickStartResponse, Sack, Snack, TcpAo, Timestamps, Unknown, UserTimeout, WindowScale,
};
use tcpwire::{
    AccEcnCounters, AltChecksumAlgorithm, Error, Flags, Granularity, InlineBytes, LengthSet,
    MalformedReason, ParseMode, SackBlock, TcpHeader, TcpOption, TcpSegment,
};

fn inline<const N: usize>(bytes: &[u8]) -> InlineBytes<N> {
    InlineBytes::from_slice(bytes).expect("fits")
}

// ---------------------------------------------------------------------------------------------
// validate: what validates must parse back to itself

#[test]
fn validate_rejects_a_malformed_option_whose_bytes_say_otherwise() {
    // A well-formed MSS kept as "malformed" would come back from its own bytes as an MSS.
    let mss = TcpOption::Malformed(Malformed {
        kind: 2,
        bytes: inline(&[2, 4, 0x05, 0xb4]),
        reason: MalformedReason::BadLength {
            length: 4,
            allowed: LengthSet::exactly(4),
        },
    });
    let e = mss.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "malformed option",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("well-formed mss option"), "{e}");
    assert_eq!(mss.validate(), Err(e));

    // Echo with length 2 is a bad length, not an overrun: the stated reason is not the parser's.
    let echo = |reason| {
        TcpOption::Malformed(Malformed {
            kind: 6,
            bytes: inline(&[6, 2]),
            reason,
        })
    };
    let e = echo(MalformedReason::Overrun {
        length: 2,
        available: 2,
    })
    .to_bytes()
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("length 2 is not allowed here (allowed: 6)"),
        "{e}"
    );
    let right = echo(MalformedReason::BadLength {
        length: 2,
        allowed: LengthSet::exactly(6),
    });
    assert_eq!(right.to_bytes().unwrap(), [6, 2]);

    // A "malformed option" of kind 0 is an EOL and its padding.
    let eol = TcpOption::Malformed(Malformed {
        kind: 0,
        bytes: inline(&[0, 1]),
        reason: MalformedReason::LengthBelowTwo { length: 1 },
    });
    assert!(eol.validate().is_err());

    // Bytes past the stated option: only the first 2 bytes are the malformed option.
    let longer = TcpOption::Malformed(Malformed {
        kind: 6,
        bytes: inline(&[6, 2, 1, 1]),
        reason: MalformedReason::BadLength {
            length: 2,
            allowed: LengthSet::exactly(6),
        },
    });
    assert!(longer.validate().is_err());

    // The header checks its options the same way.
    let mut h = TcpHeader::parse(&[
        0, 80, 0, 81, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0x10, 0, 0, 0, 0, 0, 1, 1, 1, 1,
    ])
    .unwrap();
    h.options.truncate(2);
    h.options.push(TcpOption::Malformed(Malformed {
        kind: 5,
        bytes: inline(&[5, 2]),
        reason: MalformedReason::MissingLength,
    }));
    assert!(matches!(
        h.to_bytes(),
        Err(Error::Unencodable {
            what: "malformed option",
            ..
        })
    ));
}

#[test]
fn open_enums_have_one_spelling_per_value() {
    // A named number always becomes its variant: `Other` cannot hold 1.
    assert_eq!(
        AltChecksumAlgorithm::from_value(1),
        AltChecksumAlgorithm::Fletcher8
    );
    // An unassigned number is what `Other` is for.
    let unassigned = TcpOption::AltChecksumRequest(AltChecksumRequest {
        algorithm: AltChecksumAlgorithm::from_value(4),
    });
    assert!(matches!(
        unassigned,
        TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::Other(v)
        }) if v.value() == 4
    ));
    let bytes = unassigned.to_bytes().unwrap();
    assert_eq!(bytes, [14, 3, 4]);
    assert_eq!(
        TcpOption::parse_prefix(&bytes, ParseMode::Strict)
            .unwrap()
            .0,
        unassigned
    );
}

// ---------------------------------------------------------------------------------------------
// Helpers: a hand-written fixed header around a hand-written option area

/// `area` (a multiple of 4 bytes) behind a fixed header: ports 4660 -> 80, seq 1, ack 2, the
/// data offset that covers the area, ACK, window 65535, checksum 0, urgent pointer 0.
fn with_area(area: &[u8]) -> Vec<u8> {
    assert_eq!(area.len() % 4, 0, "test bug: area of {} bytes", area.len());
    let data_offset = u8::try_from((20 + area.len()) / 4).unwrap();
    let mut b = vec![
        0x12,
        0x34,
        0x00,
        0x50,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        2,
        data_offset << 4,
        0x10,
        0xff,
        0xff,
        0,
        0,
        0,
        0,
    ];
    b.extend_from_slice(area);
    b
}

/// A well-formed area: both modes give the same header, which writes back the same bytes.
fn parse_well_formed(area: &[u8]) -> TcpHeader {
    let bytes = with_area(area);
    let strict = TcpHeader::parse(&bytes).unwrap_or_else(|e| panic!("{area:02x?}: {e}"));
    let lossless = TcpHeader::parse_lossless(&bytes).unwrap();
    assert_eq!(strict, lossless, "modes differ on {area:02x?}");
    assert_eq!(
        strict.to_bytes().unwrap(),
        bytes,
        "round trip of {area:02x?}"
    );
    strict
}

/// A single well-formed option (its whole bytes): decoded alone and inside a header (followed
/// by EOL and zero padding up to a 4-byte boundary), identically, and written back exactly.
fn single(option: &[u8]) -> TcpOption {
    let alone = TcpOption::parse(option).unwrap_or_else(|e| panic!("{option:02x?}: {e}"));
    assert_eq!(alone.encoded_len(), option.len());
    assert_eq!(alone.to_bytes().unwrap(), option);
    let mut area = option.to_vec();
    if area.len() % 4 != 0 {
        area.push(0);
        area.resize(area.len().div_ceil(4) * 4, 0);
    }
    let h = parse_well_formed(&area);
    assert_eq!(h.options[0], alone);
    if area.len() > option.len() {
        assert_eq!(h.options.len(), 2);
        assert_eq!(h.options[1], TcpOption::Eol);
        assert_eq!(h.padding.len(), area.len() - option.len() - 1);
    } else {
        assert_eq!(h.options.len(), 1);
    }
    alone
}

/// A malformed area: strict parsing fails with the error returned; lossless parsing keeps the
/// header, which writes back the same bytes.
fn parse_malformed(area: &[u8]) -> (Error, TcpHeader) {
    let bytes = with_area(area);
    let error = TcpHeader::parse(&bytes).expect_err("strict must fail");
    let lossless = TcpHeader::parse_lossless(&bytes).unwrap();
    assert_eq!(
        lossless.to_bytes().unwrap(),
        bytes,
        "round trip of {area:02x?}"
    );
    (error, lossless)
}

fn assert_words(message: &str, words: &[&str]) {
    for w in words {
        assert!(message.contains(w), "{message:?} lacks {w:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Whole headers

#[test]
fn bare_ack() {
    // 443 -> 50000, seq 1, ack 2, data offset 5, ACK, window 512, checksum 0xabcd, urgent 0.
    let bytes = [
        0x01, 0xbb, 0xc3, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x50, 0x10, 0x02,
        0x00, 0xab, 0xcd, 0x00, 0x00,
    ];
    let h = TcpHeader::parse(&bytes).unwrap();
    assert_eq!(h.src_port, 443);
    assert_eq!(h.dst_port, 50000);
    assert_eq!(h.seq, 1);
    assert_eq!(h.ack_number, 2);
    assert_eq!(h.data_offset, 5);
    assert_eq!(h.reserved, 0);
    assert_eq!(h.flags, Flags::ACK);
    assert_eq!(h.flags.to_string(), "ACK");
    assert_eq!(h.window, 512);
    assert_eq!(h.checksum, 0xabcd);
    assert_eq!(h.urgent_pointer, 0);
    assert!(h.options.is_empty() && h.padding.is_empty());
    assert_eq!(h.header_len(), 20);
    assert_eq!(TcpHeader::parse_lossless(&bytes).unwrap(), h);
    assert_eq!(h.to_bytes().unwrap(), bytes);
    // A payload follows the header untouched.
    let mut seg = bytes.to_vec();
    seg.extend_from_slice(b"hi");
    let s = TcpSegment::parse(&seg).unwrap();
    assert_eq!(s.header, h);
    assert_eq!(s.payload, b"hi");
    assert_eq!(s.to_bytes().unwrap(), seg);
}

#[test]
fn linux_syn() {
    // MSS 1460, SACK permitted, timestamps (1, 0), NOP, window scale 7: data offset 10.
    let bytes = tcpwire::from_hex(concat!(
        "c350", "01bb", "00000001", "00000000", "a0", "02", "faf0", "0000", "0000", "020405b4",
        "0402", "080a", "00000001", "00000000", "01", "030307",
    ))
    .unwrap();
    let h = TcpHeader::parse(&bytes).unwrap();
    assert_eq!((h.src_port, h.dst_port), (50000, 443));
    assert_eq!((h.seq, h.ack_number), (1, 0));
    assert_eq!(h.data_offset, 10);
    assert_eq!(h.flags, Flags::SYN);
    assert_eq!(h.window, 64240);
    assert_eq!(
        h.options.as_slice(),
        &[
            TcpOption::Mss(Mss { mss: 1460 }),
            TcpOption::SackPermitted,
            TcpOption::Timestamps(Timestamps { tsval: 1, tsecr: 0 }),
            TcpOption::Nop,
            TcpOption::WindowScale(WindowScale { shift: 7 }),
        ]
    );
    assert!(h.padding.is_empty());
    assert_eq!(TcpHeader::parse_lossless(&bytes).unwrap(), h);
    assert_eq!(h.to_bytes().unwrap(), bytes);
}

#[test]
fn ack_with_timestamps_and_three_sack_blocks() {
    // NOP NOP TS(100, 200) NOP NOP SACK 1000-2000 3000-4000 5000-6000: 40 bytes, offset 15.
    let area = tcpwire::from_hex(concat!(
        "0101", "080a", "00000064", "000000c8", "0101", "051a", "000003e8", "000007d0", "00000bb8",
        "00000fa0", "00001388", "00001770",
    ))
    .unwrap();
    assert_eq!(area.len(), 40);
    let h = parse_well_formed(&area);
    assert_eq!(h.data_offset, 15);
    let block = |left, right| SackBlock { left, right };
    assert_eq!(
        h.options.as_slice(),
        &[
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::Timestamps(Timestamps {
                tsval: 100,
                tsecr: 200
            }),
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::Sack(Sack {
                blocks: [block(1000, 2000), block(3000, 4000), block(5000, 6000)]
                    .into_iter()
                    .collect()
            }),
        ]
    );
}

#[test]
fn eol_followed_by_non_zero_padding() {
    // MSS 536, EOL, then three bytes of garbage that are padding, not options.
    let area = [0x02, 0x04, 0x02, 0x18, 0x00, 0xde, 0xad, 0x05];
    let h = parse_well_formed(&area);
    assert_eq!(
        h.options.as_slice(),
        &[TcpOption::Mss(Mss { mss: 536 }), TcpOption::Eol]
    );
    assert_eq!(h.padding.as_slice(), &[0xde, 0xad, 0x05]);
    // Zero padding after an EOL that is not the last option byte.
    let h = parse_well_formed(&[0x01, 0x00, 0x00, 0x00]);
    assert_eq!(h.options.as_slice(), &[TcpOption::Nop, TcpOption::Eol]);
    assert_eq!(h.padding.as_slice(), &[0, 0]);
}

#[test]
fn reserved_bits_and_the_ae_flag() {
    // Byte 12 = 0101 111 1: data offset 5, reserved 7, AE; byte 13: all eight other flags.
    let mut bytes = with_area(&[]);
    bytes[12] = 0x5f;
    bytes[13] = 0xff;
    let h = TcpHeader::parse(&bytes).unwrap();
    assert_eq!(h.data_offset, 5);
    assert_eq!(h.reserved, 7);
    assert_eq!(h.flags, Flags::ALL);
    assert_eq!(h.flags.bits(), 0x1ff);
    assert_eq!(h.flags.to_string(), "SYN|FIN|RST|PSH|ACK|URG|ECE|CWR|AE");
    assert_eq!(h.to_bytes().unwrap(), bytes);
    // Reserved 0b100 without AE; then AE alone with an AccECN SYN's CWR and ECE.
    bytes[12] = 0x58;
    bytes[13] = 0x02;
    let h = TcpHeader::parse(&bytes).unwrap();
    assert_eq!((h.reserved, h.flags), (4, Flags::SYN));
    assert!(!h.flags.ae());
    assert_eq!(h.to_bytes().unwrap(), bytes);
    bytes[12] = 0x51;
    bytes[13] = 0xc2;
    let h = TcpHeader::parse(&bytes).unwrap();
    assert_eq!(h.reserved, 0);
    assert!(h.flags.ae() && h.flags.cwr() && h.flags.ece() && h.flags.syn());
    assert!(!h.flags.ack() && !h.flags.urg() && !h.flags.psh() && !h.flags.fin());
    assert_eq!(h.flags.bits(), 0x1c2);
    assert_eq!(h.to_bytes().unwrap(), bytes);
}

#[test]
fn data_offset_errors() {
    // Data offset 4: a 16-byte header cannot hold its own fixed part.
    let mut bytes = with_area(&[]);
    bytes[12] = 0x40;
    let e = TcpHeader::parse(&bytes).unwrap_err();
    assert_eq!(e, Error::DataOffsetTooSmall { data_offset: 4 });
    assert_eq!(TcpHeader::parse_lossless(&bytes).unwrap_err(), e);
    assert_words(
        &e.to_string(),
        &["data offset 4", "16 bytes", "minimum of 5"],
    );
    bytes[12] = 0x00;
    assert_eq!(
        TcpHeader::parse(&bytes).unwrap_err(),
        Error::DataOffsetTooSmall { data_offset: 0 }
    );

    // Data offset 6 (24 bytes) with only 20 given.
    bytes[12] = 0x60;
    let e = TcpSegment::parse_lossless(&bytes).unwrap_err();
    assert_eq!(
        e,
        Error::DataOffsetBeyondInput {
            data_offset: 6,
            available: 20
        }
    );
    assert_eq!(TcpSegment::parse(&bytes).unwrap_err(), e);
    assert_words(
        &e.to_string(),
        &["data offset 6", "24 bytes", "only 20 bytes were given"],
    );

    // Fewer than 20 bytes.
    let e = TcpHeader::parse(&bytes[..19]).unwrap_err();
    assert_eq!(e, Error::TooShort { available: 19 });
    assert_eq!(TcpHeader::parse_lossless(&bytes[..19]).unwrap_err(), e);
    assert_words(&e.to_string(), &["truncated", "19 bytes given", "needs 20"]);
    assert_eq!(
        TcpSegment::parse(&[]).unwrap_err(),
        Error::TooShort { available: 0 }
    );
}

// ---------------------------------------------------------------------------------------------
// Malformed options, in both modes

#[test]
fn malformed_length_zero() {
    // NOP, then a timestamps kind with length 0: its length cannot be trusted, so the malformed
    // option runs to the end of the area.
    let area = [0x01, 0x08, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01];
    let (e, h) = parse_malformed(&area);
    let reason = MalformedReason::LengthBelowTwo { length: 0 };
    assert_eq!(
        e,
        Error::MalformedOption {
            kind: 8,
            offset: 21,
            reason
        }
    );
    assert_words(
        &e.to_string(),
        &[
            "kind 8",
            "timestamps",
            "offset 21",
            "length byte 0",
            "below 2",
        ],
    );
    assert_eq!(
        h.options.as_slice(),
        &[
            TcpOption::Nop,
            TcpOption::Malformed(Malformed {
                kind: 8,
                bytes: inline(&area[1..]),
                reason
            })
        ]
    );
    assert!(reason.is_framing());
    assert_eq!(reason.name(), "length_below_two");
}

#[test]
fn malformed_length_one() {
    let area = [0x02, 0x01, 0x05, 0xb4];
    let (e, h) = parse_malformed(&area);
    let reason = MalformedReason::LengthBelowTwo { length: 1 };
    assert_eq!(
        e,
        Error::MalformedOption {
            kind: 2,
            offset: 20,
            reason
        }
    );
    assert_words(
        &e.to_string(),
        &["kind 2", "mss", "offset 20", "length byte 1"],
    );
    assert_eq!(
        h.options.as_slice(),
        &[TcpOption::Malformed(Malformed {
            kind: 2,
            bytes: inline(&area),
            reason
        })]
    );
}

#[test]
fn malformed_overrun() {
    // NOP NOP, then SACK claiming 18 bytes with 6 left.
    let area = [0x01, 0x01, 0x05, 0x12, 0x00, 0x00, 0x00, 0x07];
    let (e, h) = parse_malformed(&area);
    let reason = MalformedReason::Overrun {
        length: 18,
        available: 6,
    };
    assert_eq!(
        e,
        Error::MalformedOption {
            kind: 5,
            offset: 22,
            reason
        }
    );
    assert_words(
        &e.to_string(),
        &[
            "kind 5",
            "sack",
            "offset 22",
            "length 18",
            "past the end",
            "6 bytes left",
        ],
    );
    assert_eq!(
        h.options.as_slice(),
        &[
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::Malformed(Malformed {
                kind: 5,
                bytes: inline(&area[2..]),
                reason
            })
        ]
    );
    assert_eq!(reason.name(), "overrun");
}

#[test]
fn malformed_missing_length_byte() {
    // Three NOPs, then an MPTCP kind as the very last byte.
    let area = [0x01, 0x01, 0x01, 0x1e];
    let (e, h) = parse_malformed(&area);
    let reason = MalformedReason::MissingLength;
    assert_eq!(
        e,
        Error::MalformedOption {
            kind: 30,
            offset: 23,
            reason
        }
    );
    assert_words(
        &e.to_string(),
        &["kind 30", "mptcp", "offset 23", "no length byte"],
    );
    assert_eq!(h.options.len(), 4);
    assert_eq!(
        h.options[3],
        TcpOption::Malformed(Malformed {
            kind: 30,
            bytes: inline(&[0x1e]),
            reason
        })
    );
}

#[test]
fn malformed_wrong_length_for_fixed_size_kinds() {
    // MSS with length 5, then three NOPs that are still parsed: the framing holds.
    let area = [0x02, 0x05, 0x05, 0xb4, 0x00, 0x01, 0x01, 0x01];
    let (e, h) = parse_malformed(&area);
    let reason = MalformedReason::BadLength {
        length: 5,
        allowed: LengthSet::exactly(4),
    };
    assert_eq!(
        e,
        Error::MalformedOption {
            kind: 2,
            offset: 20,
            reason
        }
    );
    assert_words(
        &e.to_string(),
        &[
            "kind 2",
            "offset 20",
            "length 5 is not allowed",
            "allowed: 4",
        ],
    );
    assert_eq!(
        h.options.as_slice(),
        &[
            TcpOption::Malformed(Malformed {
                kind: 2,
                bytes: inline(&area[..5]),
                reason
            }),
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::Nop,
        ]
    );
    assert!(!reason.is_framing());
    assert_eq!(reason.name(), "bad_length");

    // Every fixed-size kind, one byte too long, followed by a window scale that still parses.
    // (kind, the length its RFC allows)
    for (kind, allowed) in [
        (2u8, 4u8),
        (3, 3),
        (4, 2),
        (6, 6),
        (7, 6),
        (8, 10),
        (9, 2),
        (10, 3),
        (11, 6),
        (12, 6),
        (13, 6),
        (14, 3),
        (19, 18),
        (27, 8),
        (28, 4),
    ] {
        let length = allowed + 1;
        let mut area = vec![kind, length];
        area.resize(usize::from(length), 0x11);
        area.extend_from_slice(&[0x03, 0x03, 0x0e]);
        area.resize(area.len().div_ceil(4) * 4, 0x01);
        let (e, h) = parse_malformed(&area);
        let reason = MalformedReason::BadLength {
            length,
            allowed: LengthSet::exactly(allowed),
        };
        assert_eq!(
            e,
            Error::MalformedOption {
                kind,
                offset: 20,
                reason
            },
            "kind {kind}"
        );
        assert!(
            e.to_string().contains(&format!("allowed: {allowed})")),
            "{e}"
        );
        assert_eq!(
            h.options[0],
            TcpOption::Malformed(Malformed {
                kind,
                bytes: inline(&area[..usize::from(length)]),
                reason
            })
        );
        assert_eq!(
            h.options[1],
            TcpOption::WindowScale(WindowScale { shift: 14 })
        );
    }

    // Too short for their fixed part: TCP-AO below 4, AccECN between counters, MPTCP below 3.
    for (area, allowed) in [
        (vec![29, 3, 1, 0], "4..=40"),
        (vec![172, 4, 0, 1], "2, 5, 8 or 11"),
        (vec![174, 7, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1], "2, 5, 8 or 11"),
    ] {
        let (e, h) = parse_malformed(&area);
        assert!(
            e.to_string().contains(&format!("(allowed: {allowed})")),
            "{e}"
        );
        assert!(h.options[0].is_malformed());
    }
    let (e, h) = parse_malformed(&[30, 2, 1, 1]);
    assert!(matches!(
        e,
        Error::MalformedOption {
            kind: 30,
            offset: 20,
            reason: MalformedReason::BadLength { length: 2, .. }
        }
    ));
    assert_eq!(&h.options[1..], &[TcpOption::Nop, TcpOption::Nop]);
}

#[test]
fn malformed_sack_not_two_plus_eight_n() {
    // SACK with length 12 (one block plus 2 stray bytes), then NOP, EOL and padding.
    let area = [
        0x05, 0x0c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0xaa, 0xbb, 0x01, 0x00, 0x00,
        0x00,
    ];
    let (e, h) = parse_malformed(&area);
    let reason = MalformedReason::BadLength {
        length: 12,
        allowed: LengthSet::of(&[10, 18, 26, 34]),
    };
    assert_eq!(
        e,
        Error::MalformedOption {
            kind: 5,
            offset: 20,
            reason
        }
    );
    assert_words(
        &e.to_string(),
        &["kind 5", "sack", "length 12", "allowed: 10, 18, 26 or 34"],
    );
    assert_eq!(
        h.options.as_slice(),
        &[
            TcpOption::Malformed(Malformed {
                kind: 5,
                bytes: inline(&area[..12]),
                reason
            }),
            TcpOption::Nop,
            TcpOption::Eol
        ]
    );
    assert_eq!(h.padding.as_slice(), &[0, 0]);
    // An empty SACK (length 2) is malformed too.
    let (e, _) = parse_malformed(&[0x05, 0x02, 0x01, 0x01]);
    assert!(matches!(
        e,
        Error::MalformedOption {
            reason: MalformedReason::BadLength { length: 2, .. },
            ..
        }
    ));
}

#[test]
fn malformed_fast_open_cookies() {
    // Kind 34 with a 3-byte cookie (length 5).
    let area = [0x22, 0x05, 0xc0, 0x0c, 0x1e, 0x01, 0x01, 0x01];
    let (e, h) = parse_malformed(&area);
    let reason = MalformedReason::BadLength {
        length: 5,
        allowed: LengthSet::of(&[2, 6, 8, 10, 12, 14, 16, 18]),
    };
    assert_eq!(
        e,
        Error::MalformedOption {
            kind: 34,
            offset: 20,
            reason
        }
    );
    assert_words(
        &e.to_string(),
        &[
            "fast_open",
            "length 5",
            "allowed: 2, 6, 8, 10, 12, 14, 16 or 18",
        ],
    );
    assert_eq!(h.options.len(), 4);
    // In an experiment option with TCP Fast Open's ExID: a 3-byte cookie (length 7).
    let area = [0xfe, 0x07, 0xf9, 0x89, 0x01, 0x02, 0x03, 0x01];
    let (e, h) = parse_malformed(&area);
    let reason = MalformedReason::BadLength {
        length: 7,
        allowed: LengthSet::of(&[4, 8, 10, 12, 14, 16, 18, 20]),
    };
    assert_eq!(
        e,
        Error::MalformedOption {
            kind: 254,
            offset: 20,
            reason
        }
    );
    assert_words(
        &e.to_string(),
        &["kind 254", "allowed: 4, 8, 10, 12, 14, 16, 18 or 20"],
    );
    assert_eq!(
        h.options.as_slice(),
        &[
            TcpOption::Malformed(Malformed {
                kind: 254,
                bytes: inline(&area[..7]),
                reason
            }),
            TcpOption::Nop
        ]
    );
    // An experiment too short for its ExID.
    let (e, _) = parse_malformed(&[0xfd, 0x03, 0xf9, 0x01]);
    assert_eq!(
        e,
        Error::MalformedOption {
            kind: 253,
            offset: 20,
            reason: MalformedReason::BadLength {
                length: 3,
                allowed: LengthSet::range(4, 40)
            }
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Every option kind, decoded

#[test]
fn eol_and_nop() {
    assert_eq!(TcpOption::parse(&[0]).unwrap(), TcpOption::Eol);
    assert_eq!(
        TcpOption::parse_prefix(&[1, 0], ParseMode::Strict).unwrap(),
        (TcpOption::Nop, &[0][..])
    );
    assert_eq!(
        TcpOption::parse(&[1, 0]),
        Err(Error::TrailingBytes {
            what: "option",
            length: 1,
            trailing: 1
        })
    );
    assert_eq!((TcpOption::Eol.kind(), TcpOption::Nop.kind()), (0, 1));
    assert_eq!(TcpOption::Eol.to_bytes().unwrap(), [0]);
    assert_eq!(TcpOption::Nop.to_bytes().unwrap(), [1]);
}

#[test]
fn mss_window_scale_sack_permitted() {
    assert_eq!(
        single(&[2, 4, 0x05, 0xb4]),
        TcpOption::Mss(Mss { mss: 1460 })
    );
    assert_eq!(
        single(&[2, 4, 0xff, 0xff]),
        TcpOption::Mss(Mss { mss: 65535 })
    );
    assert_eq!(
        single(&[3, 3, 7]),
        TcpOption::WindowScale(WindowScale { shift: 7 })
    );
    // Shifts over 14 are kept as sent, not clamped.
    assert_eq!(
        single(&[3, 3, 15]),
        TcpOption::WindowScale(WindowScale { shift: 15 })
    );
    assert_eq!(
        single(&[3, 3, 0xff]),
        TcpOption::WindowScale(WindowScale { shift: 255 })
    );
    assert_eq!(single(&[4, 2]), TcpOption::SackPermitted);
    assert_eq!(TcpOption::SackPermitted.name(), "sack_permitted");
}

#[test]
fn sack_with_one_to_four_blocks() {
    let edges: [u32; 8] = [
        0x0000_0001,
        0x0000_0002,
        0x1111_1111,
        0x2222_2222,
        0xffff_fff0,
        0x0000_0010,
        0x8000_0000,
        0x8000_0100,
    ];
    for n in 1..=4usize {
        let mut bytes = vec![5, u8::try_from(2 + 8 * n).unwrap()];
        for e in &edges[..2 * n] {
            bytes.extend_from_slice(&e.to_be_bytes());
        }
        let TcpOption::Sack(Sack { blocks }) = single(&bytes) else {
            panic!("not a SACK: {bytes:02x?}");
        };
        assert_eq!(blocks.len(), n);
        for (i, b) in blocks.iter().enumerate() {
            assert_eq!((b.left, b.right), (edges[2 * i], edges[2 * i + 1]));
        }
    }
}

#[test]
fn thirty_two_bit_options() {
    let info = [0xde, 0xad, 0xbe, 0xef];
    let with = |kind: u8| {
        let mut b = vec![kind, 6];
        b.extend_from_slice(&info);
        single(&b)
    };
    assert_eq!(with(6), TcpOption::Echo(Echo { info: 0xdeadbeef }));
    assert_eq!(
        with(7),
        TcpOption::EchoReply(EchoReply { info: 0xdeadbeef })
    );
    assert_eq!(with(11), TcpOption::Cc(Cc { count: 0xdeadbeef }));
    assert_eq!(with(12), TcpOption::CcNew(CcNew { count: 0xdeadbeef }));
    assert_eq!(with(13), TcpOption::CcEcho(CcEcho { count: 0xdeadbeef }));
    assert_eq!(
        [6, 7, 11, 12, 13].map(|k| with(k).name()),
        ["echo", "echo_reply", "cc", "cc_new", "cc_echo"]
    );
    assert_eq!(
        single(&[8, 10, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0]),
        TcpOption::Timestamps(Timestamps {
            tsval: 0x12345678,
            tsecr: 0x9abcdef0
        })
    );
}

#[test]
fn partial_order_options() {
    assert_eq!(single(&[9, 2]), TcpOption::PocPermitted);
    // 0xb5 = 1 0 110101: start, not end, filler 0x35.
    assert_eq!(
        single(&[10, 3, 0xb5]),
        TcpOption::PocServiceProfile(PocServiceProfile {
            start: true,
            end: false,
            filler: 0x35
        })
    );
    // 0x7f = 0 1 111111.
    assert_eq!(
        single(&[10, 3, 0x7f]),
        TcpOption::PocServiceProfile(PocServiceProfile {
            start: false,
            end: true,
            filler: 0x3f
        })
    );
}

#[test]
fn alternate_checksum_options() {
    assert_eq!(
        single(&[14, 3, 2]),
        TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::Fletcher16
        })
    );
    assert_eq!(
        single(&[14, 3, 0]),
        TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::TcpChecksum
        })
    );
    // An algorithm number with no name is kept as its number.
    let unknown = single(&[14, 3, 9]);
    assert_eq!(
        unknown,
        TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::from_value(9)
        })
    );
    assert_eq!(
        single(&[15, 4, 0xab, 0xcd]),
        TcpOption::AltChecksumData(AltChecksumData {
            data: inline(&[0xab, 0xcd])
        })
    );
    assert_eq!(
        single(&[15, 2]),
        TcpOption::AltChecksumData(AltChecksumData {
            data: InlineBytes::new()
        })
    );
}

#[test]
fn md5_signature() {
    let mut bytes = vec![19, 18];
    bytes.extend(0x10u8..0x20);
    let digest: [u8; 16] = std::array::from_fn(|i| 0x10 + i as u8);
    assert_eq!(
        single(&bytes),
        TcpOption::Md5Signature(Md5Signature { digest })
    );
}

#[test]
fn quick_start_response_every_field() {
    // 0xa5: reserved 0xa, rate request 5; TTL diff 0x40; 0x1234567b = nonce 0x048d159e << 2 | 3.
    assert_eq!(
        single(&[27, 8, 0xa5, 0x40, 0x12, 0x34, 0x56, 0x7b]),
        TcpOption::QuickStartResponse(QuickStartResponse {
            reserved: 0xa,
            rate_request: 5,
            ttl_diff: 0x40,
            nonce: 0x048d_159e,
            nonce_reserved: 3
        })
    );
    assert_eq!(
        single(&[27, 8, 0x0f, 0x00, 0xff, 0xff, 0xff, 0xfc]),
        TcpOption::QuickStartResponse(QuickStartResponse {
            reserved: 0,
            rate_request: 15,
            ttl_diff: 0,
            nonce: 0x3fff_ffff,
            nonce_reserved: 0
        })
    );
}

#[test]
fn user_timeout_both_granularities() {
    assert_eq!(
        single(&[28, 4, 0x80, 0x3c]),
        TcpOption::UserTimeout(UserTimeout {
            granularity: Granularity::Minutes,
            timeout: 60
        })
    );
    assert_eq!(
        single(&[28, 4, 0x01, 0x2c]),
        TcpOption::UserTimeout(UserTimeout {
            granularity: Granularity::Seconds,
            timeout: 300
        })
    );
    assert_eq!(
        single(&[28, 4, 0x7f, 0xff]),
        TcpOption::UserTimeout(UserTimeout {
            granularity: Granularity::Seconds,
            timeout: 0x7fff
        })
    );
}

#[test]
fn tcp_authentication_option() {
    let mac = [
        0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
    ];
    let mut bytes = vec![29, 16, 5, 6];
    bytes.extend_from_slice(&mac);
    assert_eq!(
        single(&bytes),
        TcpOption::TcpAo(TcpAo {
            key_id: 5,
            rnext_key_id: 6,
            mac: inline(&mac)
        })
    );
    assert_eq!(
        single(&[29, 4, 0, 255]),
        TcpOption::TcpAo(TcpAo {
            key_id: 0,
            rnext_key_id: 255,
            mac: InlineBytes::new()
        })
    );
}

#[test]
fn fast_open_request_and_cookies() {
    assert_eq!(
        single(&[34, 2]),
        TcpOption::FastOpen(FastOpen {
            cookie: InlineBytes::new()
        })
    );
    let cookie = [0x6a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71];
    let mut bytes = vec![34, 10];
    bytes.extend_from_slice(&cookie);
    assert_eq!(
        single(&bytes),
        TcpOption::FastOpen(FastOpen {
            cookie: inline(&cookie)
        })
    );
    // RFC 7413 s4.1.1: the length MUST be even. An odd one (a 5-byte cookie) is malformed,
    // in strict mode an error and in lossless mode kept byte for byte; likewise under the
    // experiment ExID (length 9).
    for odd in [
        &[34u8, 7, 1, 2, 3, 4, 5, 1][..],
        &[254, 9, 0xf9, 0x89, 1, 2, 3, 4, 5, 1, 1, 1],
    ] {
        let (e, h) = parse_malformed(odd);
        assert!(
            matches!(e, Error::MalformedOption { reason: MalformedReason::BadLength { length, .. }, .. } if length % 2 == 1),
            "{e}"
        );
        assert!(matches!(h.options[0], TcpOption::Malformed(_)));
    }
    let mut longest = vec![34, 18];
    longest.extend(1..=16u8);
    assert_eq!(
        single(&longest),
        TcpOption::FastOpen(FastOpen {
            cookie: inline(&longest[2..])
        })
    );
}

#[test]
fn encryption_negotiation() {
    assert_eq!(
        single(&[69, 5, 0x21, 0x22, 0x23]),
        TcpOption::Eno(Eno {
            data: inline(&[0x21, 0x22, 0x23])
        })
    );
    assert_eq!(single(&[69, 5, 1, 2, 3]).name(), "eno");
}

#[test]
fn accecn_orders_with_zero_to_three_counters() {
    let c = |a, b, d| AccEcnCounters {
        ee0b: a,
        eceb: b,
        ee1b: d,
    };
    // Order 0: EE0B, ECEB, EE1B.
    assert_eq!(
        single(&[172, 2]),
        TcpOption::AccEcnOrder0(c(None, None, None))
    );
    assert_eq!(
        single(&[172, 5, 0, 0, 1]),
        TcpOption::AccEcnOrder0(c(Some(1), None, None))
    );
    assert_eq!(
        single(&[172, 8, 0, 0, 1, 0, 0, 2]),
        TcpOption::AccEcnOrder0(c(Some(1), Some(2), None))
    );
    assert_eq!(
        single(&[172, 11, 0, 0, 1, 0, 0, 2, 0xff, 0xff, 0xff]),
        TcpOption::AccEcnOrder0(c(Some(1), Some(2), Some(0xff_ffff)))
    );
    // Order 1: EE1B, ECEB, EE0B.
    assert_eq!(
        single(&[174, 2]),
        TcpOption::AccEcnOrder1(c(None, None, None))
    );
    assert_eq!(
        single(&[174, 5, 0, 0, 1]),
        TcpOption::AccEcnOrder1(c(None, None, Some(1)))
    );
    assert_eq!(
        single(&[174, 8, 0, 0, 1, 0, 0, 2]),
        TcpOption::AccEcnOrder1(c(None, Some(2), Some(1)))
    );
    assert_eq!(
        single(&[174, 11, 0, 0, 1, 0, 0, 2, 0x12, 0x34, 0x56]),
        TcpOption::AccEcnOrder1(c(Some(0x123456), Some(2), Some(1)))
    );
    // The JSON names say what each counter counts, whatever the wire order.
    let json = serde_json::to_string(&single(&[174, 11, 0, 0, 1, 0, 0, 2, 0, 0, 3])).unwrap();
    assert_eq!(
        json,
        r#"{"kind":174,"type":"accecn_order1","ee0b":3,"eceb":2,"ee1b":1}"#
    );
    let json = serde_json::to_string(&single(&[172, 5, 0, 0, 9])).unwrap();
    assert_eq!(json, r#"{"kind":172,"type":"accecn_order0","ee0b":9}"#);
}

#[test]
fn experiments() {
    // A generic ExID (0x00AC, ACK-rate request) with one data byte, in kind 253.
    assert_eq!(
        single(&[253, 5, 0x00, 0xac, 0x07]),
        TcpOption::Experiment(Experiment {
            kind: 253,
            exid: 0x00ac,
            data: inline(&[0x07])
        })
    );
    // ExID alone, in kind 254.
    let bare = single(&[254, 4, 0x45, 0x4e]);
    assert_eq!(
        bare,
        TcpOption::Experiment(Experiment {
            kind: 254,
            exid: 0x454e,
            data: InlineBytes::new()
        })
    );
    assert_eq!((bare.kind(), bare.name()), (254, "experiment"));
    // TCP Fast Open before kind 34: ExID 0xF989, a cookie request, then an 8-byte cookie.
    let request = single(&[254, 4, 0xf9, 0x89]);
    assert_eq!(
        request,
        TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
            kind: 254,
            cookie: InlineBytes::new()
        })
    );
    assert_eq!(request.name(), "experimental_fast_open");
    let cookie = [1, 2, 3, 4, 5, 6, 7, 8];
    let mut bytes = vec![253, 12, 0xf9, 0x89];
    bytes.extend_from_slice(&cookie);
    assert_eq!(
        single(&bytes),
        TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
            kind: 253,
            cookie: inline(&cookie)
        })
    );
}

#[test]
fn unknown_kinds() {
    // 20 (SCPS Capabilities) with 2 bytes: assigned by IANA, not decoded here.
    let scps = single(&[20, 4, 0x80, 0x01]);
    assert_eq!(
        scps,
        TcpOption::Unknown(Unknown {
            kind: 20,
            data: inline(&[0x80, 0x01])
        })
    );
    assert_eq!(scps.name(), "unknown");
    assert_eq!(scps.option_kind().name(), "scps_capabilities");
    // 76 (reserved) with no data; 255 with the most data a header can hold.
    assert_eq!(
        single(&[76, 2]),
        TcpOption::Unknown(Unknown {
            kind: 76,
            data: InlineBytes::new()
        })
    );
    let mut biggest = vec![255, 40];
    biggest.extend(0..38u8);
    assert_eq!(
        single(&biggest),
        TcpOption::Unknown(Unknown {
            kind: 255,
            data: inline(&biggest[2..])
        })
    );
}

// ---------------------------------------------------------------------------------------------
// JSON shape

fn json_both_ways(option: TcpOption, json: &str) {
    assert_eq!(serde_json::to_string(&option).unwrap(), json);
    assert_eq!(serde_json::from_str::<TcpOption>(json).unwrap(), option);
}

#[test]
fn json_shape_of_options() {
    json_both_ways(
        TcpOption::Mss(Mss { mss: 1460 }),
        r#"{"kind":2,"type":"mss","mss":1460}"#,
    );
    json_both_ways(TcpOption::Nop, r#"{"kind":1,"type":"nop"}"#);
    json_both_ways(
        TcpOption::WindowScale(WindowScale { shift: 15 }),
        r#"{"kind":3,"type":"window_scale","shift":15}"#,
    );
    json_both_ways(
        TcpOption::Sack(Sack {
            blocks: [SackBlock { left: 1, right: 2 }].into_iter().collect(),
        }),
        r#"{"kind":5,"type":"sack","blocks":[{"left":1,"right":2}]}"#,
    );
    json_both_ways(
        TcpOption::FastOpen(FastOpen {
            cookie: inline(&[0xc0, 0xff, 0xee, 0x01]),
        }),
        r#"{"kind":34,"type":"fast_open","cookie":"c0ffee01"}"#,
    );
    json_both_ways(
        TcpOption::UserTimeout(UserTimeout {
            granularity: Granularity::Minutes,
            timeout: 60,
        }),
        r#"{"kind":28,"type":"user_timeout","granularity":"minutes","timeout":60}"#,
    );
    json_both_ways(
        TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::Fletcher16,
        }),
        r#"{"kind":14,"type":"alt_checksum_request","algorithm":"fletcher_16bit"}"#,
    );
    json_both_ways(
        TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::from_value(9),
        }),
        r#"{"kind":14,"type":"alt_checksum_request","algorithm":9}"#,
    );
    json_both_ways(
        TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
            kind: 254,
            cookie: InlineBytes::new(),
        }),
        r#"{"kind":254,"type":"experimental_fast_open","cookie":""}"#,
    );
    json_both_ways(
        TcpOption::Unknown(Unknown {
            kind: 76,
            data: inline(&[0xab, 0xcd]),
        }),
        r#"{"kind":76,"type":"unknown","data":"abcd"}"#,
    );
    json_both_ways(
        TcpOption::Malformed(Malformed {
            kind: 2,
            bytes: inline(&[2, 5, 5, 0xb4, 0]),
            reason: MalformedReason::BadLength {
                length: 5,
                allowed: LengthSet::exactly(4),
            },
        }),
        r#"{"kind":2,"type":"malformed","bytes":"020505b400","reason":{"problem":"bad_length","length":5,"allowed":[4]}}"#,
    );
    json_both_ways(
        TcpOption::Malformed(Malformed {
            kind: 30,
            bytes: inline(&[30]),
            reason: MalformedReason::MissingLength,
        }),
        r#"{"kind":30,"type":"malformed","bytes":"1e","reason":{"problem":"missing_length"}}"#,
    );
    let mut md5 = String::from(r#"{"kind":19,"type":"md5_signature","digest":""#);
    md5.push_str("000102030405060708090a0b0c0d0e0f\"}");
    json_both_ways(
        TcpOption::Md5Signature(Md5Signature {
            digest: std::array::from_fn(|i| i as u8),
        }),
        &md5,
    );
}

#[test]
fn json_shape_of_a_header() {
    let h = parse_well_formed(&[0x02, 0x04, 0x05, 0xb4, 0x00, 0xde, 0xad, 0x00]);
    let v = serde_json::to_value(&h).unwrap();
    assert_eq!(v["src_port"], 4660);
    assert_eq!(v["data_offset"], 7);
    assert_eq!(v["reserved"], 0);
    assert_eq!(
        v["flags"],
        serde_json::json!({"ae": false, "cwr": false, "ece": false, "urg": false, "ack": true,
                           "psh": false, "rst": false, "syn": false, "fin": false})
    );
    assert_eq!(
        v["options"],
        serde_json::json!([{"kind": 2, "type": "mss", "mss": 1460}, {"kind": 0, "type": "eol"}])
    );
    assert_eq!(v["padding"], "dead00");
    let back: TcpHeader = serde_json::from_value(v).unwrap();
    assert_eq!(back, h);
}

#[test]
fn json_errors() {
    // The kind says window scale, the type says MSS.
    let e = serde_json::from_str::<TcpOption>(r#"{"kind":3,"type":"mss","mss":1460}"#)
        .unwrap_err()
        .to_string();
    assert_words(&e, &["\"mss\"", "kind 2", "not 3"]);
    // No such type.
    let e = serde_json::from_str::<TcpOption>(r#"{"kind":2,"type":"maximum","mss":1460}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("maximum"), "{e}");
    // A cookie longer than 16 bytes.
    let e = serde_json::from_str::<TcpOption>(&format!(
        r#"{{"kind":34,"type":"fast_open","cookie":"{}"}}"#,
        "00".repeat(17)
    ));
    assert!(e.is_err());
}

// ---------------------------------------------------------------------------------------------
// Serialization errors

#[test]
fn option_serialization_errors() {
    let five = TcpOption::Sack(Sack {
        blocks: (0..5).map(|i| SackBlock { left: i, right: i }).collect(),
    });
    let e = five.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "SACK option",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(&e.to_string(), &["length 42", "10, 18, 26 or 34"]);

    let short_cookie = TcpOption::FastOpen(FastOpen {
        cookie: inline(&[1, 2, 3]),
    });
    let e = short_cookie.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "TCP Fast Open option",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(
        &e.to_string(),
        &["length 5", "2, 6, 8, 10, 12, 14, 16 or 18"],
    );

    let cases: [(TcpOption, &str); 10] = [
        (
            TcpOption::UserTimeout(UserTimeout {
                granularity: Granularity::Seconds,
                timeout: 0x8000,
            }),
            "User Timeout",
        ),
        (
            TcpOption::PocServiceProfile(PocServiceProfile {
                start: false,
                end: false,
                filler: 0x40,
            }),
            "POC service profile",
        ),
        (
            TcpOption::QuickStartResponse(QuickStartResponse {
                reserved: 0,
                rate_request: 0,
                ttl_diff: 0,
                nonce: 1 << 30,
                nonce_reserved: 0,
            }),
            "Quick-Start response",
        ),
        (
            TcpOption::AccEcnOrder0(AccEcnCounters {
                ee0b: Some(1 << 24),
                eceb: None,
                ee1b: None,
            }),
            "AccECN option",
        ),
        (
            // Order 0 writes EE0B first: EECB without it has no encoding.
            TcpOption::AccEcnOrder0(AccEcnCounters {
                ee0b: None,
                eceb: Some(1),
                ee1b: None,
            }),
            "AccECN option",
        ),
        (
            TcpOption::Experiment(Experiment {
                kind: 254,
                exid: 0xf989,
                data: InlineBytes::new(),
            }),
            "experiment option",
        ),
        (
            TcpOption::Experiment(Experiment {
                kind: 30,
                exid: 1,
                data: InlineBytes::new(),
            }),
            "experiment option",
        ),
        (
            TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
                kind: 254,
                cookie: inline(&[1, 2]),
            }),
            "experimental TCP Fast Open option",
        ),
        (
            TcpOption::Unknown(Unknown {
                kind: 2,
                data: inline(&[5, 0xb4]),
            }),
            "unknown option",
        ),
        (
            TcpOption::Malformed(Malformed {
                kind: 5,
                bytes: inline(&[2, 5]),
                reason: MalformedReason::MissingLength,
            }),
            "malformed option",
        ),
    ];
    for (option, what) in cases {
        let e = option.to_bytes().unwrap_err();
        assert!(
            matches!(e, Error::Unencodable { what: w, .. } if w == what),
            "{option:?}: {e:?}"
        );
        assert_eq!(option.validate(), Err(e));
    }
}

/// A header with data offset 6 holding MSS 1460 (valid), to break one way at a time.
fn mss_header() -> TcpHeader {
    let h = parse_well_formed(&[0x02, 0x04, 0x05, 0xb4]);
    assert_eq!(h.data_offset, 6);
    h
}

#[test]
fn header_serialization_errors() {
    let mut h = mss_header();
    h.reserved = 8;
    let e = h.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "reserved bits",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(&e.to_string(), &["8", "3 bits"]);

    let mut h = mss_header();
    h.data_offset = 7;
    let e = h.to_bytes().unwrap_err();
    assert_eq!(
        e,
        Error::OptionAreaMismatch {
            data_offset: 7,
            actual: 4
        }
    );
    assert_words(
        &e.to_string(),
        &["take 4 bytes", "data offset 7", "option area of 8 bytes"],
    );

    let mut h = mss_header();
    h.data_offset = 4;
    assert!(matches!(
        h.to_bytes(),
        Err(Error::Unencodable {
            what: "data offset",
            ..
        })
    ));
    h.data_offset = 16;
    assert!(matches!(
        h.to_bytes(),
        Err(Error::Unencodable {
            what: "data offset",
            ..
        })
    ));

    // Padding without an EOL before it.
    let mut h = mss_header();
    h.options.truncate(0);
    h.options.extend([TcpOption::Nop, TcpOption::Nop]);
    h.padding = inline(&[0, 0]);
    let e = h.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "padding",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(&e.to_string(), &["padding", "EOL"]);

    // EOL not last.
    let mut h = mss_header();
    h.options.insert(0, TcpOption::Eol);
    h.options.truncate(1);
    h.options
        .extend([TcpOption::Nop, TcpOption::Nop, TcpOption::Nop]);
    let e = h.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "option list",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(&e.to_string(), &["eol", "position 0", "last"]);

    // A framing error not last.
    let mut h = mss_header();
    h.options.truncate(0);
    h.options.extend([
        TcpOption::Malformed(Malformed {
            kind: 8,
            bytes: inline(&[8, 0, 1]),
            reason: MalformedReason::LengthBelowTwo { length: 0 },
        }),
        TcpOption::Nop,
    ]);
    let e = h.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "option list",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(&e.to_string(), &["malformed", "position 0"]);

    // More than 40 bytes of options.
    let mut h = mss_header();
    h.options.extend((0..40).map(|_| TcpOption::Nop));
    h.data_offset = 15;
    assert_eq!(h.to_bytes(), Err(Error::OptionsTooLong { length: 44 }));
    assert_words(
        &Error::OptionsTooLong { length: 44 }.to_string(),
        &["44 bytes", "at most 40"],
    );

    // A buffer too small.
    let h = mss_header();
    let mut buf = [0u8; 23];
    assert_eq!(
        h.write_to(&mut buf),
        Err(Error::BufferTooSmall {
            needed: 24,
            available: 23
        })
    );
    let mut buf = [0u8; 24];
    assert_eq!(h.write_to(&mut buf), Ok(24));
    assert_eq!(buf.to_vec(), h.to_bytes().unwrap());
}

// ---------------------------------------------------------------------------------------------
// SCPS SNACK (kind 21, CCSDS 714.0-B-2): Kind 21, Length 6, hole offset, hole size

#[test]
fn snack_decodes_offset_and_size() {
    let snack = single(&[21, 6, 0x00, 0x02, 0x01, 0x00]);
    assert_eq!(
        snack,
        TcpOption::Snack(Snack {
            hole_offset: 2,
            hole_size: 0x100,
        })
    );
    assert_eq!((snack.kind(), snack.name()), (21, "snack"));
    assert_eq!(snack.to_string(), "snack offset 2 size 256");
    let widest = single(&[21, 6, 0xff, 0xff, 0xff, 0xfe]);
    assert_eq!(
        widest,
        TcpOption::Snack(Snack {
            hole_offset: 0xffff,
            hole_size: 0xfffe,
        })
    );
}

#[test]
fn snack_of_another_length_is_malformed() {
    let short = [21, 4, 0, 2];
    let want = MalformedReason::BadLength {
        length: 4,
        allowed: LengthSet::exactly(6),
    };
    assert_eq!(
        TcpOption::parse(&short),
        Err(Error::MalformedOption {
            kind: 21,
            offset: 0,
            reason: want,
        })
    );
    assert_eq!(
        TcpOption::parse_lossless(&short).unwrap(),
        TcpOption::Malformed(Malformed {
            kind: 21,
            bytes: inline(&short),
            reason: want,
        })
    );
    let long = [21, 8, 0, 2, 0, 1, 0, 0];
    assert!(matches!(
        TcpOption::parse_lossless(&long).unwrap(),
        TcpOption::Malformed(Malformed {
            reason: MalformedReason::BadLength { length: 8, .. },
            ..
        })
    ));
}

#[test]
fn snack_json_shape() {
    let snack = TcpOption::Snack(Snack {
        hole_offset: 2,
        hole_size: 1,
    });
    let json = serde_json::to_string(&snack).unwrap();
    assert_eq!(
        json,
        r#"{"kind":21,"type":"snack","hole_offset":2,"hole_size":1}"#
    );
    assert_eq!(serde_json::from_str::<TcpOption>(&json).unwrap(), snack);
    let missing =
        serde_json::from_str::<TcpOption>(r#"{"kind":21,"type":"snack","hole_offset":2}"#)
            .unwrap_err()
            .to_string();
    assert!(missing.contains("hole_size"), "{missing}");
}
