//! Checksum verdicts: a right checksum, the trace transmit offload leaves, an empty field, a
//! wrong one, or a segment the capture cut short.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{checksum_field, data_sum, fold, PseudoHeader};
use crate::error::Error;
use crate::header::FIXED_HEADER_LEN;

/// What a segment's checksum field says, as [`verdict`] decides it.
///
/// The names (`name()`, serde, the command line's `checksum` field and `stats` counts) are
/// `ok`, `offload`, `zero`, `bad` and `not_checkable`.
///
/// ```
/// use tcpwire::checksum::ChecksumVerdict;
/// assert_eq!(ChecksumVerdict::Offload.name(), "offload");
/// assert_eq!(serde_json::to_string(&ChecksumVerdict::NotCheckable).unwrap(), "\"not_checkable\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecksumVerdict {
    /// The checksum is right (or the capture's pcapng flags say the interface checked it).
    Ok,
    /// The field holds what transmit checksum offload leaves before the NIC fills it: the
    /// folded one's-complement sum of the pseudo-header alone, not complemented (Linux
    /// `CHECKSUM_PARTIAL`), or the capture's pcapng flags say the checksum was not ready.
    Offload,
    /// The field is all zeros, and that is not the right checksum.
    Zero,
    /// The checksum is wrong: neither right, nor zero, nor the offload value.
    Bad,
    /// The checksum cannot be checked: the capture holds less of the segment than its IP
    /// header declares, or the addresses cannot form a pseudo-header (mixed IP versions, an
    /// IPv4 segment over 65535 bytes).
    NotCheckable,
}

impl ChecksumVerdict {
    /// Every verdict, in the order above.
    pub const ALL: [ChecksumVerdict; 5] = [
        ChecksumVerdict::Ok,
        ChecksumVerdict::Offload,
        ChecksumVerdict::Zero,
        ChecksumVerdict::Bad,
        ChecksumVerdict::NotCheckable,
    ];

    /// The verdict's name: `ok`, `offload`, `zero`, `bad`, `not_checkable`.
    pub fn name(self) -> &'static str {
        match self {
            ChecksumVerdict::Ok => "ok",
            ChecksumVerdict::Offload => "offload",
            ChecksumVerdict::Zero => "zero",
            ChecksumVerdict::Bad => "bad",
            ChecksumVerdict::NotCheckable => "not_checkable",
        }
    }

    /// The verdict under `--strict-checksums`: `offload` counts as `bad`.
    pub fn strict(self) -> ChecksumVerdict {
        match self {
            ChecksumVerdict::Offload => ChecksumVerdict::Bad,
            other => other,
        }
    }
}

impl std::fmt::Display for ChecksumVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What the capture says about a checksum besides its bytes: the pcapng Enhanced Packet
/// Block flags (`epb_flags`) and whether the packet is a TSO/GSO super-segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChecksumHints {
    /// The interface verified the checksum (epb_flags bit 10, "checksum valid").
    pub flagged_valid: bool,
    /// The checksum was not computed when the packet was captured (epb_flags bit 9,
    /// "checksum not ready"), as with transmit offload.
    pub flagged_not_ready: bool,
    /// The packet is a TSO/GSO super-segment (the capture reader's `TcpInFrame::super_segment`,
    /// feature `capture`): the NIC or the stack cuts it later, so the offload value may also
    /// have been computed with a zero length.
    pub super_segment: bool,
}

/// The offload value: the folded sum of the pseudo-header for a TCP length of `len`.
fn offload_value(pseudo: &PseudoHeader, len: usize) -> Result<u16, Error> {
    Ok(fold(pseudo.sum(len)?))
}

/// The verdict on the checksum of `segment` (header and payload, captured whole) sent from
/// `src` to `dst`, in this order:
///
/// 1. `ok` when the checksum is right, or when `hints.flagged_valid`;
/// 2. `offload` when `hints.flagged_not_ready`;
/// 3. `zero` when the field is 0x0000;
/// 4. `offload` when the field equals the folded pseudo-header sum for the segment's length
///    (or, for a super-segment, for a length of zero);
/// 5. `bad` otherwise.
///
/// `not_checkable` when the segment is shorter than a TCP header or the addresses cannot form
/// a pseudo-header. A segment the capture cut short is the caller's to call `not_checkable`
/// (its bytes are not all here).
///
/// ```
/// use std::net::Ipv4Addr;
/// use tcpwire::checksum::{verdict, ChecksumHints, ChecksumVerdict};
/// let (src, dst) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
/// let mut bytes = tcpwire::TcpSegment::builder().ports(1, 2).ack().build()?.to_bytes()?;
/// let hints = ChecksumHints::default();
/// assert_eq!(verdict(src, dst, &bytes, hints), ChecksumVerdict::Zero);
/// tcpwire::checksum::fill(src, dst, &mut bytes)?;
/// assert_eq!(verdict(src, dst, &bytes, hints), ChecksumVerdict::Ok);
/// // What a sender's capture shows under transmit offload: the pseudo-header sum.
/// let offload = tcpwire::checksum::offload_checksum(src, dst, bytes.len())?;
/// bytes[16..18].copy_from_slice(&offload.to_be_bytes());
/// assert_eq!(verdict(src, dst, &bytes, hints), ChecksumVerdict::Offload);
/// bytes[17] ^= 1;
/// assert_eq!(verdict(src, dst, &bytes, hints), ChecksumVerdict::Bad);
/// # Ok::<(), tcpwire::Error>(())
/// ```
pub fn verdict(
    src: impl Into<IpAddr>,
    dst: impl Into<IpAddr>,
    segment: &[u8],
    hints: ChecksumHints,
) -> ChecksumVerdict {
    let Ok(pseudo) = PseudoHeader::new(src, dst) else {
        return ChecksumVerdict::NotCheckable;
    };
    if segment.len() < FIXED_HEADER_LEN {
        return ChecksumVerdict::NotCheckable;
    }
    let Ok(pseudo_sum) = pseudo.sum(segment.len()) else {
        return ChecksumVerdict::NotCheckable;
    };
    if fold(pseudo_sum + u64::from(data_sum(segment))) == 0xffff || hints.flagged_valid {
        return ChecksumVerdict::Ok;
    }
    if hints.flagged_not_ready {
        return ChecksumVerdict::Offload;
    }
    let Ok(field) = checksum_field(segment) else {
        return ChecksumVerdict::NotCheckable;
    };
    if field == 0 {
        return ChecksumVerdict::Zero;
    }
    let offload = fold(pseudo_sum) == field
        || (hints.super_segment && offload_value(&pseudo, 0).is_ok_and(|v| v == field));
    if offload {
        ChecksumVerdict::Offload
    } else {
        ChecksumVerdict::Bad
    }
}

/// What transmit checksum offload leaves in the checksum field of a TCP segment of `tcp_len`
/// bytes from `src` to `dst`: the folded one's-complement sum of the pseudo-header, not
/// complemented. Errors as [`compute`](super::compute) for the addresses and the length.
pub fn offload_checksum(
    src: impl Into<IpAddr>,
    dst: impl Into<IpAddr>,
    tcp_len: usize,
) -> Result<u16, Error> {
    offload_value(&PseudoHeader::new(src, dst)?, tcp_len)
}
