//! [`check_wellformed`]: is a segment what a correct sender would put on the wire?

use std::fmt;
use std::net::IpAddr;

use crate::checksum;
use crate::error::{Error, MalformedReason};
use crate::header::{TcpSegment, FIXED_HEADER_LEN};
use crate::option::{ParseMode, TcpOption};
use crate::registry::TcpOptionKind;

use crate::wire::options_with_offsets;

/// Why a segment is not well-formed (see [`check_wellformed`]). Each variant names the place.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotWellFormed {
    /// The fixed header is unusable: too short, or a data offset below 5 or past the end.
    Unparsable(Error),
    /// An option is malformed (strict parsing refuses it).
    MalformedOption {
        /// Its position in the option list (0-based).
        index: usize,
        /// Offset of its kind byte from the start of the header.
        offset: usize,
        /// Its kind byte.
        kind: u8,
        /// What is wrong with it.
        reason: MalformedReason,
    },
    /// A byte after the EOL option is not zero.
    NonZeroPadding {
        /// Offset of the byte from the start of the header.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// The padding after the EOL option is 4 bytes or more: a smaller data offset holds the
    /// same options.
    PaddingTooLong {
        /// The data offset.
        data_offset: u8,
        /// Bytes of padding after the EOL.
        padding: usize,
    },
    /// The checksum field is not the checksum of the segment for the addresses given.
    BadChecksum {
        /// The checksum field.
        found: u16,
        /// The checksum the segment should carry.
        expected: u16,
    },
    /// No checksum can be computed for these addresses: they are of two IP versions, or the
    /// segment is longer than the pseudo-header's length field holds.
    ChecksumUncomputable(Error),
}

impl fmt::Display for NotWellFormed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unparsable(e) => write!(f, "unusable fixed header: {e}"),
            Self::MalformedOption {
                index,
                offset,
                kind,
                reason,
            } => write!(
                f,
                "option {index} ({}, kind {kind}, at header offset {offset}) is malformed: {reason}",
                TcpOptionKind::from(*kind).name()
            ),
            Self::NonZeroPadding { offset, byte } => write!(
                f,
                "padding byte at header offset {offset} is {byte:#04x}, not zero"
            ),
            Self::PaddingTooLong {
                data_offset,
                padding,
            } => write!(
                f,
                "{padding} bytes of padding after EOL: data offset {data_offset} is larger than the options need"
            ),
            Self::BadChecksum { found, expected } => write!(
                f,
                "checksum field (header offset 16) is {found:#06x}, expected {expected:#06x}"
            ),
            Self::ChecksumUncomputable(e) => write!(f, "checksum cannot be computed: {e}"),
        }
    }
}

impl std::error::Error for NotWellFormed {}

/// Checks that one whole TCP segment (header and payload) is well-formed: what a correct
/// sender writes, not merely something tcpwire can carry.
///
/// The checks, in this order (the first that fails is returned):
///
/// 1. **Strict parsing succeeds**: the fixed header is usable and no option is malformed
///    (every option's length is one its kind allows, MPTCP subtypes included).
/// 2. **Canonical padding**: the bytes after an EOL option are all zero (RFC 9293 s3.1: the
///    padding "is composed of zeros"), and there are fewer than 4 of them, so the data offset
///    is the smallest that holds the options and the EOL. This is what
///    [`crate::builder`] writes. NOPs are options, not padding: they are allowed anywhere
///    (stacks use them to align options), and options that end on a 4-byte boundary need no
///    EOL.
/// 3. **Checksum**, when `addresses` (source, destination) are given: the checksum field is
///    right over the IPv4 or IPv6 pseudo-header ([`crate::checksum::verify`]; where the right
///    value is 0x0000, 0xFFFF passes too, as receivers accept it).
///
/// Values inside well-formed options (a window-scale shift over 14, an MSS of 0), the reserved
/// bits and flag combinations are not judged: they are legal on the wire.
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use tcpwire::harness::{check_wellformed, NotWellFormed};
/// let src = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
/// let dst = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
/// let syn = tcpwire::TcpSegment::builder()
///     .ports(50000, 80)
///     .syn()
///     .mss(1460)
///     .build_with_checksum(src, dst)?
///     .to_bytes()?;
/// assert_eq!(check_wellformed(&syn, Some((src, dst))), Ok(()));
/// // MSS with a length byte of 3: it round-trips losslessly, but is not well-formed.
/// let mut bad = syn.clone();
/// bad[21] = 3;
/// let err = check_wellformed(&bad, None).unwrap_err();
/// assert!(matches!(err, NotWellFormed::MalformedOption { index: 0, offset: 20, kind: 2, .. }));
/// // One bit of the window flipped: the checksum no longer matches.
/// let mut flipped = syn.clone();
/// flipped[14] ^= 1;
/// assert!(matches!(
///     check_wellformed(&flipped, Some((src, dst))),
///     Err(NotWellFormed::BadChecksum { .. })
/// ));
/// # Ok::<(), tcpwire::Error>(())
/// ```
pub fn check_wellformed(
    bytes: &[u8],
    addresses: Option<(IpAddr, IpAddr)>,
) -> Result<(), NotWellFormed> {
    let segment = match TcpSegment::parse_with(bytes, ParseMode::Strict) {
        Ok(segment) => segment,
        Err(Error::MalformedOption {
            kind,
            offset,
            reason,
        }) => {
            // Lossless parsing gives the option list the malformed option sits in.
            let index = TcpSegment::parse_lossless(bytes)
                .ok()
                .and_then(|s| {
                    options_with_offsets(&s.header).position(|(start, _)| start == offset)
                })
                .unwrap_or(0);
            return Err(NotWellFormed::MalformedOption {
                index,
                offset,
                kind,
                reason,
            });
        }
        Err(e) => return Err(NotWellFormed::Unparsable(e)),
    };
    let header = &segment.header;
    let padding = header.padding.as_slice();
    let padding_start = header.header_len() - padding.len();
    if let Some((i, &byte)) = padding.iter().enumerate().find(|(_, &b)| b != 0) {
        return Err(NotWellFormed::NonZeroPadding {
            offset: padding_start + i,
            byte,
        });
    }
    if padding.len() >= 4 {
        return Err(NotWellFormed::PaddingTooLong {
            data_offset: header.data_offset,
            padding: padding.len(),
        });
    }
    debug_assert!(
        padding.is_empty() || matches!(header.options.last(), Some(TcpOption::Eol)),
        "padding follows an EOL"
    );
    debug_assert!(padding_start >= FIXED_HEADER_LEN);
    if let Some((src, dst)) = addresses {
        let right =
            checksum::verify(src, dst, bytes).map_err(NotWellFormed::ChecksumUncomputable)?;
        if !right {
            let expected =
                checksum::compute(src, dst, bytes).map_err(NotWellFormed::ChecksumUncomputable)?;
            return Err(NotWellFormed::BadChecksum {
                found: header.checksum,
                expected,
            });
        }
    }
    Ok(())
}
