//! Hand-checked vectors: bytes written out by hand from the RFC layouts, with every decoded
//! field asserted, in both parsing modes, and the errors serialization must give.

#[path = "support/vectors.rs"]
mod support;

use support::*;
use tcpwire::option::{AltChecksumRequest, Malformed, Mss, Sack, Timestamps, WindowScale};
use tcpwire::{
    AltChecksumAlgorithm, Error, Flags, LengthSet, MalformedReason, ParseMode, SackBlock,
    TcpHeader, TcpOption, TcpSegment,
};

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
