//! Hand-checked vectors: bytes written out by hand from the RFC layouts, with every decoded
//! field asserted, in both parsing modes, and the errors serialization must give.

use tcpwire::{
    AltChecksumAlgorithm, Error, InlineBytes, LengthSet, MalformedReason, ParseMode, TcpHeader,
    TcpOption,
};

fn inline<const N: usize>(bytes: &[u8]) -> InlineBytes<N> {
    InlineBytes::from_slice(bytes).expect("fits")
}

// ---------------------------------------------------------------------------------------------
// validate: what validates must parse back to itself

#[test]
fn validate_rejects_a_malformed_option_whose_bytes_say_otherwise() {
    // A well-formed MSS kept as "malformed" would come back from its own bytes as an MSS.
    let mss = TcpOption::Malformed {
        kind: 2,
        bytes: inline(&[2, 4, 0x05, 0xb4]),
        reason: MalformedReason::BadLength {
            length: 4,
            allowed: LengthSet::exactly(4),
        },
    };
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
    let echo = |reason| TcpOption::Malformed {
        kind: 6,
        bytes: inline(&[6, 2]),
        reason,
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
    let eol = TcpOption::Malformed {
        kind: 0,
        bytes: inline(&[0, 1]),
        reason: MalformedReason::LengthBelowTwo { length: 1 },
    };
    assert!(eol.validate().is_err());

    // Bytes past the stated option: only the first 2 bytes are the malformed option.
    let longer = TcpOption::Malformed {
        kind: 6,
        bytes: inline(&[6, 2, 1, 1]),
        reason: MalformedReason::BadLength {
            length: 2,
            allowed: LengthSet::exactly(6),
        },
    };
    assert!(longer.validate().is_err());

    // The header checks its options the same way.
    let mut h = TcpHeader::parse(&[
        0, 80, 0, 81, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0x10, 0, 0, 0, 0, 0, 1, 1, 1, 1,
    ])
    .unwrap();
    h.options.truncate(2);
    h.options.push(TcpOption::Malformed {
        kind: 5,
        bytes: inline(&[5, 2]),
        reason: MalformedReason::MissingLength,
    });
    assert!(matches!(
        h.to_bytes(),
        Err(Error::Unencodable {
            what: "malformed option",
            ..
        })
    ));
}

#[test]
fn validate_rejects_other_for_a_named_alt_checksum_algorithm() {
    // `Other(1)` would be written as 1, which parses back as the named 8-bit Fletcher.
    let other = TcpOption::AltChecksumRequest {
        algorithm: AltChecksumAlgorithm::Other(1),
    };
    let e = other.to_bytes().unwrap_err();
    assert!(e.to_string().contains("fletcher_8bit"), "{e}");
    // An unassigned number is what `Other` is for.
    let unassigned = TcpOption::AltChecksumRequest {
        algorithm: AltChecksumAlgorithm::Other(4),
    };
    let bytes = unassigned.to_bytes().unwrap();
    assert_eq!(bytes, [14, 3, 4]);
    assert_eq!(
        TcpOption::parse_mode(&bytes, ParseMode::Strict).unwrap().0,
        unassigned
    );
}
