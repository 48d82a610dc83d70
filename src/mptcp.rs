//! Multipath TCP options (kind 30): version 0 (RFC 6824) and version 1 (RFC 8684).
//!
//! [`MptcpOption`] has one variant per subtype. Every bit of the option is a field (reserved
//! bits included), and every layout is decided from the option's own bytes, never from the
//! segment's flags or an earlier handshake: the Length byte picks the MP_CAPABLE, MP_JOIN and
//! DSS forms, and the low nibble of byte 2 with the Length tells ADD_ADDR v0 from v1. Each
//! subtype's nom parser (over the bytes after byte 2) and cookie-factory generator (writing the
//! whole option) sit next to its type.
//!
//! # Lengths and layouts
//!
//! | subtype | lengths | decided by |
//! | --- | --- | --- |
//! | 0 MP_CAPABLE | v0: 12, 20; v1 (and versions 2..=15): 4, 12, 20, 22, 24 | the version nibble and the length |
//! | 1 MP_JOIN | 12 SYN, 16 SYN/ACK, 24 ACK | the length |
//! | 2 DSS | 4 + data ACK (0/4/8) + mapping (0, or DSN 4/8 + 6, + 2 with checksum) | the flags, then the length for the checksum |
//! | 3 ADD_ADDR | v0: 8, 10, 20, 22; v1: 16, 18, 28, 30, or with echo 8, 10, 20, 22 | nibble 4 with 8/10 or 6 with 20/22 is v0, else v1 |
//! | 4 REMOVE_ADDR | 4..=40 | one address ID per byte after byte 2 |
//! | 5 MP_PRIO | 3, or 4 with a v0 address ID | the length |
//! | 6 MP_FAIL, 7 MP_FASTCLOSE | 12 | |
//! | 8 MP_TCPRST | 4 | |
//! | 15 MP_EXPERIMENTAL, 9..=14 unassigned | 3..=40 | opaque |
//!
//! Any other length is malformed ([`MalformedReason::BadLength`] listing the lengths allowed for
//! what the bytes say: the version for MP_CAPABLE, the flags for DSS, the nibble for ADD_ADDR).
//! MP_CAPABLE versions other than 0 and 1 have no specification; they are taken with version 1's
//! lengths and layout, and the version nibble is kept as sent.
//!
//! # JSON
//!
//! An MPTCP option is an object with `"kind": 30` and `"type": "mptcp"` (from
//! [`TcpOption`](crate::TcpOption)), then `"subtype"` (the number) and `"mptcp"` (the snake_case
//! subtype name), then the fields below. Optional fields are left out when absent. Keys, tokens,
//! HMACs and random numbers are lowercase hex strings; 64-bit sequence numbers (DSN, data ACK)
//! are decimal strings; addresses are in the usual text form; everything else is a number or a
//! boolean.
//!
//! ```json
//! {"kind":30,"type":"mptcp","subtype":0,"mptcp":"mp_capable","version":1,
//!  "flags":{"checksum_required":false,"extensibility":false,"no_subflows_to_source":false,
//!           "hmac_sha256":true,"other_algorithms":0}}
//! ```
//!
//! | `"mptcp"` | fields (wire order) |
//! | --- | --- |
//! | `mp_capable` | `version` (4 bits); `flags`: {`checksum_required` (A), `extensibility` (B), `no_subflows_to_source` (C), `hmac_sha256` (H), `other_algorithms` (D..G as a 4-bit number, D high)}; `sender_key`? (hex, 8 bytes); `receiver_key`? (hex); `data_level_length`?; `checksum`? |
//! | `mp_join` | `form`: `"syn"`: `backup`, `reserved` (3 bits), `address_id`, `receiver_token` (hex, 4), `sender_random` (hex, 4); `"syn_ack"`: `backup`, `reserved`, `address_id`, `sender_truncated_hmac` (hex, 8), `sender_random` (hex, 4); `"ack"`: `reserved` (12 bits), `sender_hmac` (hex, 20) |
//! | `dss` | `reserved` (7 bits), `data_fin` (F), `dsn_8_bytes` (m), `data_ack_8_bytes` (a), `data_ack`? (decimal string; present = A), `mapping`? (present = M): {`dsn` (decimal string), `subflow_seq`, `data_level_length`, `checksum`?} |
//! | `add_addr` | `version`: 0 or 1 (the layout, from the rule above); v1 only: `echo` (E), `reserved` (3 bits); `address_id`, `address`, `port`?; v1 without echo: `truncated_hmac` (hex, 8) |
//! | `remove_addr` | `reserved` (4 bits), `address_ids` (list of numbers) |
//! | `mp_prio` | `backup`, `reserved` (3 bits), `address_id`? (v0 only) |
//! | `mp_fail` | `reserved` (12 bits), `dsn` (decimal string) |
//! | `mp_fastclose` | `reserved` (12 bits), `receiver_key` (hex, 8) |
//! | `mp_tcprst` | `reserved` (the U V W flags, 3 bits), `transient` (T), `reason` ([`TcpRstReason`] name or number) |
//! | `mp_experimental` | `nibble` (low 4 bits of byte 2), `data` (hex) |
//! | `unassigned` | `nibble`, `data` (hex); the subtype (9..=14) is `"subtype"` |
//!
//! The MP_CAPABLE H bit is one bit under one name: RFC 8684 (v1) defines it as HMAC-SHA256,
//! RFC 6824 (v0) defined the same bit as HMAC-SHA1; read it with `version`. Likewise bit C is
//! `no_subflows_to_source` whatever the version (in v0 it was a crypto-algorithm bit).

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use cookie_factory::bytes::{
    be_u16 as gen_u16, be_u32 as gen_u32, be_u64 as gen_u64, be_u8 as gen_u8,
};
use cookie_factory::combinator::{cond as gen_cond, slice as gen_slice};
use cookie_factory::sequence::tuple as gen_tuple;
use cookie_factory::{GenResult, SerializeFn, WriteContext};
use nom::combinator::cond;
use nom::{IResult, Parser};
use serde::{Deserialize, Serialize};

use crate::bytes::{u64_string, InlineBytes, U64Text};
use crate::error::{Error, LengthSet, MalformedReason};
use crate::number::{array, be_u16, be_u32, be_u64, be_u8};
use crate::registry::{MptcpSubtype, TcpRstReason};

/// The option kind of Multipath TCP.
const KIND: u8 = 30;

/// The most bytes after byte 2 an option can have (a 40-byte option).
pub const MAX_MPTCP_DATA: usize = 37;

/// A Multipath TCP option (kind 30), one variant per subtype.
///
/// ```
/// use tcpwire::{TcpOption, mptcp::{MpJoin, MptcpOption}};
/// // MP_JOIN SYN: backup, address ID 1, token 0xa1b2c3d4, random number 0x01020304.
/// let bytes = [30, 12, 0x11, 1, 0xa1, 0xb2, 0xc3, 0xd4, 1, 2, 3, 4];
/// let option = TcpOption::parse(&bytes).unwrap();
/// let TcpOption::Mptcp(MptcpOption::MpJoin(MpJoin::Syn { backup, address_id, receiver_token, .. })) = option
/// else { panic!("not an MP_JOIN SYN") };
/// assert!(backup);
/// assert_eq!((address_id, receiver_token), (1, [0xa1, 0xb2, 0xc3, 0xd4]));
/// assert_eq!(option.to_bytes().unwrap(), bytes);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MptcpOption {
    /// Subtype 0, MP_CAPABLE: version and algorithm negotiation, keys.
    MpCapable(MpCapable),
    /// Subtype 1, MP_JOIN: a new subflow joining a connection (three forms by length).
    MpJoin(MpJoin),
    /// Subtype 2, DSS: data ACK and data sequence mapping.
    Dss(Dss),
    /// Subtype 3, ADD_ADDR: an address the sender can be reached at (v0 or v1 layout).
    AddAddr(AddAddr),
    /// Subtype 4, REMOVE_ADDR, length 3 + n: addresses withdrawn.
    RemoveAddr {
        /// The low nibble of byte 2 (reserved).
        reserved: u8,
        /// The address IDs removed (1..=37), in wire order.
        address_ids: InlineBytes<MAX_MPTCP_DATA>,
    },
    /// Subtype 5, MP_PRIO, length 3 (or 4 in v0, with an address ID).
    MpPrio {
        /// B: the subflow is a backup path.
        backup: bool,
        /// The 3 reserved bits before B.
        reserved: u8,
        /// The address ID of the v0 (RFC 6824) 4-byte form.
        address_id: Option<u8>,
    },
    /// Subtype 6, MP_FAIL, length 12: fallback at a data sequence number.
    MpFail {
        /// The 12 reserved bits after the subtype.
        reserved: u16,
        /// The data sequence number of the failed mapping.
        dsn: u64,
    },
    /// Subtype 7, MP_FASTCLOSE, length 12.
    MpFastclose {
        /// The 12 reserved bits after the subtype.
        reserved: u16,
        /// The receiver's key.
        receiver_key: [u8; 8],
    },
    /// Subtype 8, MP_TCPRST (RFC 8684), length 4: why a subflow was reset.
    MpTcpRst {
        /// The U, V and W flags (3 bits, U high): not assigned by RFC 8684.
        reserved: u8,
        /// T: the error is transient, the subflow may be tried again.
        transient: bool,
        /// The reason code.
        reason: TcpRstReason,
    },
    /// Subtype 15, MP_EXPERIMENTAL (reserved for private use), any length: kept as bytes.
    MpExperimental {
        /// The low nibble of byte 2.
        nibble: u8,
        /// The bytes after byte 2.
        data: InlineBytes<MAX_MPTCP_DATA>,
    },
    /// Subtypes 9..=14, not assigned by IANA: kept as bytes.
    Unassigned {
        /// The subtype (9..=14); in JSON it is the outer `"subtype"`.
        subtype: u8,
        /// The low nibble of byte 2.
        nibble: u8,
        /// The bytes after byte 2.
        data: InlineBytes<MAX_MPTCP_DATA>,
    },
}

impl MptcpOption {
    /// The subtype as an IANA registry value.
    pub fn subtype(&self) -> MptcpSubtype {
        match self {
            Self::MpCapable(_) => MptcpSubtype::MpCapable,
            Self::MpJoin(_) => MptcpSubtype::MpJoin,
            Self::Dss(_) => MptcpSubtype::Dss,
            Self::AddAddr(_) => MptcpSubtype::AddAddr,
            Self::RemoveAddr { .. } => MptcpSubtype::RemoveAddr,
            Self::MpPrio { .. } => MptcpSubtype::MpPrio,
            Self::MpFail { .. } => MptcpSubtype::MpFail,
            Self::MpFastclose { .. } => MptcpSubtype::MpFastclose,
            Self::MpTcpRst { .. } => MptcpSubtype::MpTcpRst,
            Self::MpExperimental { .. } => MptcpSubtype::MpExperimental,
            Self::Unassigned { subtype, .. } => MptcpSubtype::from_value(*subtype),
        }
    }

    /// The snake_case name of the variant (the JSON `"mptcp"`), e.g. `"mp_capable"`; subtypes
    /// 9..=14 are `"unassigned"`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Unassigned { .. } => "unassigned",
            other => other.subtype().name(),
        }
    }

    /// Bytes on the wire, Kind and Length included.
    pub fn encoded_len(&self) -> usize {
        match self {
            Self::MpCapable(c) => c.encoded_len(),
            Self::MpJoin(j) => j.encoded_len(),
            Self::Dss(d) => d.encoded_len(),
            Self::AddAddr(a) => a.encoded_len(),
            Self::RemoveAddr { address_ids, .. } => 3 + address_ids.len(),
            Self::MpPrio { address_id, .. } => 3 + usize::from(address_id.is_some()),
            Self::MpFail { .. } | Self::MpFastclose { .. } => 12,
            Self::MpTcpRst { .. } => 4,
            Self::MpExperimental { data, .. } | Self::Unassigned { data, .. } => 3 + data.len(),
        }
    }

    /// Checks that the value has an exact encoding and that parsing it gives this value back:
    /// every field fits its bits, every length is one the subtype allows, no other variant would
    /// claim the bytes.
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            Self::MpCapable(c) => c.validate(),
            Self::MpJoin(j) => j.validate(),
            Self::Dss(d) => d.validate(),
            Self::AddAddr(a) => a.validate(),
            Self::RemoveAddr {
                reserved,
                address_ids,
            } => {
                check_bits("REMOVE_ADDR", "reserved", u64::from(*reserved), 4)?;
                if address_ids.is_empty() {
                    return unencodable("REMOVE_ADDR", "it needs at least one address ID".into());
                }
                Ok(())
            }
            Self::MpPrio { reserved, .. } => {
                check_bits("MP_PRIO", "reserved", u64::from(*reserved), 3)
            }
            Self::MpFail { reserved, .. } => {
                check_bits("MP_FAIL", "reserved", u64::from(*reserved), 12)
            }
            Self::MpFastclose { reserved, .. } => {
                check_bits("MP_FASTCLOSE", "reserved", u64::from(*reserved), 12)
            }
            Self::MpTcpRst { reserved, .. } => {
                check_bits("MP_TCPRST", "reserved (U V W)", u64::from(*reserved), 3)
            }
            Self::MpExperimental { nibble, .. } => {
                check_bits("MP_EXPERIMENTAL", "nibble", u64::from(*nibble), 4)
            }
            Self::Unassigned {
                subtype, nibble, ..
            } => {
                if !(9..=14).contains(subtype) {
                    return unencodable(
                        "unassigned MPTCP subtype",
                        format!("subtype {subtype} is not one of the unassigned subtypes 9..=14"),
                    );
                }
                check_bits("unassigned MPTCP subtype", "nibble", u64::from(*nibble), 4)
            }
        }
    }
}

/// The subtypes without a type of their own, with their reserved bits zero. Arguments come
/// in wire order. The others convert with `From`: [`MpCapable`], [`MpJoin`], [`Dss`],
/// [`AddAddr`].
///
/// ```
/// use tcpwire::{mptcp::MptcpOption, TcpOption, TcpRstReason};
/// let rst = MptcpOption::mp_tcprst(true, TcpRstReason::LackOfResources);
/// assert_eq!(TcpOption::from(rst).to_bytes()?, [30, 4, 0x81, 2]);
/// # Ok::<(), tcpwire::Error>(())
/// ```
impl MptcpOption {
    /// REMOVE_ADDR with these address IDs (length 3 + n). More than 37 IDs do not fit an
    /// option: [`Error::TooLong`]. An empty list is refused by [`validate`](Self::validate).
    pub fn remove_addr(address_ids: &[u8]) -> Result<Self, Error> {
        let address_ids = InlineBytes::from_slice(address_ids).ok_or(Error::TooLong {
            what: "REMOVE_ADDR address ID list",
            length: address_ids.len(),
            max: MAX_MPTCP_DATA,
        })?;
        Ok(Self::RemoveAddr {
            reserved: 0,
            address_ids,
        })
    }

    /// MP_PRIO of RFC 8684 (length 3): the subflow this option is sent on becomes a backup
    /// path or a regular one.
    pub fn mp_prio(backup: bool) -> Self {
        Self::MpPrio {
            backup,
            reserved: 0,
            address_id: None,
        }
    }

    /// MP_PRIO of RFC 6824 (length 4), naming the subflow by address ID.
    pub fn mp_prio_v0(backup: bool, address_id: u8) -> Self {
        Self::MpPrio {
            backup,
            reserved: 0,
            address_id: Some(address_id),
        }
    }

    /// MP_FAIL (length 12) at this data sequence number.
    pub fn mp_fail(dsn: u64) -> Self {
        Self::MpFail { reserved: 0, dsn }
    }

    /// MP_FASTCLOSE (length 12) with the receiver's key.
    pub fn mp_fastclose(receiver_key: [u8; 8]) -> Self {
        Self::MpFastclose {
            reserved: 0,
            receiver_key,
        }
    }

    /// MP_TCPRST (length 4): T (the error is transient) and the reason; U, V, W zero.
    pub fn mp_tcprst(transient: bool, reason: TcpRstReason) -> Self {
        Self::MpTcpRst {
            reserved: 0,
            transient,
            reason,
        }
    }
}

impl From<MpCapable> for MptcpOption {
    fn from(value: MpCapable) -> Self {
        Self::MpCapable(value)
    }
}

impl From<MpJoin> for MptcpOption {
    fn from(value: MpJoin) -> Self {
        Self::MpJoin(value)
    }
}

impl From<Dss> for MptcpOption {
    fn from(value: Dss) -> Self {
        Self::Dss(value)
    }
}

impl From<AddAddr> for MptcpOption {
    fn from(value: AddAddr) -> Self {
        Self::AddAddr(value)
    }
}

/// Any MPTCP option is a TCP option of kind 30.
impl From<MptcpOption> for crate::TcpOption {
    fn from(value: MptcpOption) -> Self {
        Self::Mptcp(value)
    }
}

fn unencodable<T>(what: &'static str, detail: String) -> Result<T, Error> {
    Err(Error::Unencodable { what, detail })
}

/// Checks that `value` fits in `bits` bits.
fn check_bits(what: &'static str, field: &str, value: u64, bits: u32) -> Result<(), Error> {
    if value >> bits == 0 {
        Ok(())
    } else {
        unencodable(what, format!("{field} {value} is wider than {bits} bits"))
    }
}

// ---------------------------------------------------------------------------------------------
// Framing shared by every subtype

type Body<'a> = &'a [u8];

/// Parses a whole MPTCP option (Kind, Length, body). `bytes.len()` is the option's length,
/// already checked by the option framing to be 3..=40.
pub(crate) fn parse_mptcp(bytes: &[u8]) -> Result<MptcpOption, MalformedReason> {
    let length = u8::try_from(bytes.len()).unwrap_or(u8::MAX);
    let (byte2, body) = match bytes.get(2..) {
        Some([byte2, body @ ..]) if bytes.len() <= 40 => (*byte2, body),
        _ => {
            return Err(MalformedReason::BadLength {
                length,
                allowed: crate::option::allowed_lengths(KIND),
            })
        }
    };
    let nibble = byte2 & 0x0f;
    match byte2 >> 4 {
        0 => parse_mp_capable(length, nibble, body),
        1 => parse_mp_join(length, nibble, body),
        2 => parse_dss(length, nibble, body),
        3 => parse_add_addr(length, nibble, body),
        4 => parse_remove_addr(length, nibble, body),
        5 => parse_mp_prio(length, nibble, body),
        6 => parse_mp_fail(length, nibble, body),
        7 => parse_mp_fastclose(length, nibble, body),
        8 => parse_mp_tcprst(length, nibble, body),
        15 => Ok(MptcpOption::MpExperimental {
            nibble,
            data: inline_data(length, body)?,
        }),
        subtype => Ok(MptcpOption::Unassigned {
            subtype,
            nibble,
            data: inline_data(length, body)?,
        }),
    }
}

/// Writes a whole MPTCP option as stored, without checks (see [`MptcpOption::validate`]).
pub(crate) fn gen_mptcp<'a, W: Write + 'a>(m: &'a MptcpOption) -> impl SerializeFn<W> + 'a {
    move |out: WriteContext<W>| -> GenResult<W> {
        match m {
            MptcpOption::MpCapable(c) => gen_mp_capable(c)(out),
            MptcpOption::MpJoin(j) => gen_mp_join(j)(out),
            MptcpOption::Dss(d) => gen_dss(d)(out),
            MptcpOption::AddAddr(a) => gen_add_addr(a)(out),
            MptcpOption::RemoveAddr {
                reserved,
                address_ids,
            } => gen_tuple((
                gen_option_head(m, 4, *reserved),
                gen_slice(address_ids.as_slice()),
            ))(out),
            MptcpOption::MpPrio {
                backup,
                reserved,
                address_id,
            } => gen_tuple((
                gen_option_head(m, 5, (reserved << 1) | u8::from(*backup)),
                gen_cond(address_id.is_some(), gen_u8(address_id.unwrap_or(0))),
            ))(out),
            MptcpOption::MpFail { reserved, dsn } => gen_tuple((
                gen_option_head(m, 6, reserved_high_nibble(*reserved)),
                gen_u8(reserved_low_byte(*reserved)),
                gen_u64(*dsn),
            ))(out),
            MptcpOption::MpFastclose {
                reserved,
                receiver_key,
            } => gen_tuple((
                gen_option_head(m, 7, reserved_high_nibble(*reserved)),
                gen_u8(reserved_low_byte(*reserved)),
                gen_slice(receiver_key),
            ))(out),
            MptcpOption::MpTcpRst {
                reserved,
                transient,
                reason,
            } => gen_tuple((
                gen_option_head(m, 8, (reserved << 1) | u8::from(*transient)),
                gen_u8(reason.value()),
            ))(out),
            MptcpOption::MpExperimental { nibble, data } => {
                gen_tuple((gen_option_head(m, 15, *nibble), gen_slice(data.as_slice())))(out)
            }
            MptcpOption::Unassigned {
                subtype,
                nibble,
                data,
            } => gen_tuple((
                gen_option_head(m, *subtype, *nibble),
                gen_slice(data.as_slice()),
            ))(out),
        }
    }
}

/// Kind, Length (from the value's encoded length) and byte 2 (subtype and low nibble).
fn gen_option_head<W: Write>(m: &MptcpOption, subtype: u8, nibble: u8) -> impl SerializeFn<W> {
    gen_head(m.encoded_len(), subtype, nibble)
}

fn gen_head<W: Write>(len: usize, subtype: u8, nibble: u8) -> impl SerializeFn<W> {
    // Lengths and nibbles are checked by `validate` before anything is written; saturate and
    // mask rather than wrap into neighbouring bits.
    gen_tuple((
        gen_u8(KIND),
        gen_u8(u8::try_from(len).unwrap_or(u8::MAX)),
        gen_u8((subtype << 4) | (nibble & 0x0f)),
    ))
}

/// The high 4 of 12 reserved bits (the low nibble of byte 2).
fn reserved_high_nibble(reserved: u16) -> u8 {
    ((reserved >> 8) & 0x0f) as u8
}

/// The low 8 of 12 reserved bits (byte 3).
fn reserved_low_byte(reserved: u16) -> u8 {
    (reserved & 0xff) as u8
}

/// Runs `parser` over the whole body; leftover bytes or a short body are `BadLength`.
fn whole<'a, T>(
    body: Body<'a>,
    mut parser: impl Parser<Body<'a>, Output = T, Error = nom::error::Error<Body<'a>>>,
    length: u8,
    allowed: LengthSet,
) -> Result<T, MalformedReason> {
    match parser.parse(body) {
        Ok(([], value)) => Ok(value),
        _ => Err(MalformedReason::BadLength { length, allowed }),
    }
}

/// `Ok` when `allowed` holds `length`.
fn check_length(length: u8, allowed: LengthSet) -> Result<(), MalformedReason> {
    if allowed.contains(length) {
        Ok(())
    } else {
        Err(MalformedReason::BadLength { length, allowed })
    }
}

/// The body of an opaque subtype.
fn inline_data(length: u8, body: Body<'_>) -> Result<InlineBytes<MAX_MPTCP_DATA>, MalformedReason> {
    InlineBytes::from_slice(body).ok_or(MalformedReason::BadLength {
        length,
        allowed: crate::option::allowed_lengths(KIND),
    })
}

// ---------------------------------------------------------------------------------------------
// MP_CAPABLE (0)

/// MP_CAPABLE lengths of version 0 (RFC 6824): SYN and SYN/ACK 12, third ACK 20.
pub const MP_CAPABLE_V0_LENGTHS: LengthSet = LengthSet::of(&[12, 20]);
/// MP_CAPABLE lengths of version 1 (RFC 8684): SYN 4, SYN/ACK 12, third ACK 20, ACK with data
/// 22, or 24 with a checksum. Versions 2..=15 are held to these too.
pub const MP_CAPABLE_V1_LENGTHS: LengthSet = LengthSet::of(&[4, 12, 20, 22, 24]);

/// The MP_CAPABLE lengths allowed for a version.
pub const fn mp_capable_lengths(version: u8) -> LengthSet {
    if version == 0 {
        MP_CAPABLE_V0_LENGTHS
    } else {
        MP_CAPABLE_V1_LENGTHS
    }
}

/// MP_CAPABLE (subtype 0). Each field after the flags is present when the length reaches it
/// (4: none; 12: sender's key; 20: + receiver's key; 22: + data-level length; 24: + checksum),
/// so each present field requires the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MpCapable {
    /// The MPTCP version (4 bits): 0 is RFC 6824, 1 is RFC 8684.
    pub version: u8,
    /// The 8 flag bits A..H.
    pub flags: MpCapableFlags,
    /// The sender's key (length >= 12).
    pub sender_key: Option<[u8; 8]>,
    /// The receiver's key (length >= 20).
    pub receiver_key: Option<[u8; 8]>,
    /// Data-level length of the data in this segment (v1, length >= 22).
    pub data_level_length: Option<u16>,
    /// The DSS checksum of that data (v1, length 24).
    pub checksum: Option<u16>,
}

/// The flag byte of MP_CAPABLE: A B C D E F G H, high bit first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct MpCapableFlags {
    /// A: the sender requires DSS checksums.
    pub checksum_required: bool,
    /// B: extensibility (reserved for a future version).
    pub extensibility: bool,
    /// C (v1): do not open subflows to the source address and port of this SYN. In v0 this
    /// was a crypto-algorithm bit; it keeps this name.
    pub no_subflows_to_source: bool,
    /// H: HMAC-SHA256 (v1); the same bit is HMAC-SHA1 in v0.
    pub hmac_sha256: bool,
    /// D, E, F, G: the other crypto-algorithm bits, as a 4-bit number (D is bit 3).
    pub other_algorithms: u8,
}

impl MpCapableFlags {
    /// The flag byte as on the wire.
    pub fn to_byte(self) -> u8 {
        (u8::from(self.checksum_required) << 7)
            | (u8::from(self.extensibility) << 6)
            | (u8::from(self.no_subflows_to_source) << 5)
            | ((self.other_algorithms & 0x0f) << 1)
            | u8::from(self.hmac_sha256)
    }

    /// The flags of a wire byte.
    pub fn from_byte(b: u8) -> Self {
        Self {
            checksum_required: b & 0x80 != 0,
            extensibility: b & 0x40 != 0,
            no_subflows_to_source: b & 0x20 != 0,
            hmac_sha256: b & 0x01 != 0,
            other_algorithms: (b >> 1) & 0x0f,
        }
    }
}

impl MpCapableFlags {
    /// Only H set (flag byte 0x01): HMAC-SHA256, what Linux sends (in v0 the same bit is
    /// HMAC-SHA1).
    pub const HMAC_SHA256: Self = Self {
        checksum_required: false,
        extensibility: false,
        no_subflows_to_source: false,
        hmac_sha256: true,
        other_algorithms: 0,
    };
}

/// The common forms, by handshake step. Arguments come in wire order.
///
/// ```
/// use tcpwire::mptcp::{MpCapable, MpCapableFlags};
/// let syn = MpCapable::syn(MpCapableFlags::HMAC_SHA256);
/// assert_eq!((syn.version, syn.encoded_len()), (1, 4));
/// let ack = MpCapable::ack(MpCapableFlags::HMAC_SHA256, [1; 8], [2; 8]);
/// assert_eq!(ack.encoded_len(), 20);
/// ```
impl MpCapable {
    /// Version 1, length 4: the SYN, without a key.
    pub fn syn(flags: MpCapableFlags) -> Self {
        Self {
            version: 1,
            flags,
            sender_key: None,
            receiver_key: None,
            data_level_length: None,
            checksum: None,
        }
    }

    /// Version 1, length 12: the SYN/ACK, with the sender's (the listener's) key.
    pub fn syn_ack(flags: MpCapableFlags, sender_key: [u8; 8]) -> Self {
        Self {
            sender_key: Some(sender_key),
            ..Self::syn(flags)
        }
    }

    /// Version 1, length 20: the third ACK, with both keys.
    pub fn ack(flags: MpCapableFlags, sender_key: [u8; 8], receiver_key: [u8; 8]) -> Self {
        Self {
            receiver_key: Some(receiver_key),
            ..Self::syn_ack(flags, sender_key)
        }
    }

    /// Version 1, length 22 (or 24 with a checksum): the first ACK that carries data, with both
    /// keys and the data-level length of that data.
    pub fn ack_with_data(
        flags: MpCapableFlags,
        sender_key: [u8; 8],
        receiver_key: [u8; 8],
        data_level_length: u16,
        checksum: Option<u16>,
    ) -> Self {
        Self {
            data_level_length: Some(data_level_length),
            checksum,
            ..Self::ack(flags, sender_key, receiver_key)
        }
    }

    /// Version 0 (RFC 6824), length 12: the SYN or SYN/ACK, with the sender's key.
    pub fn v0_syn(flags: MpCapableFlags, sender_key: [u8; 8]) -> Self {
        Self {
            version: 0,
            ..Self::syn_ack(flags, sender_key)
        }
    }

    /// Version 0 (RFC 6824), length 20: the third ACK, with both keys.
    pub fn v0_ack(flags: MpCapableFlags, sender_key: [u8; 8], receiver_key: [u8; 8]) -> Self {
        Self {
            version: 0,
            ..Self::ack(flags, sender_key, receiver_key)
        }
    }
}

impl MpCapable {
    /// Bytes on the wire, Kind and Length included.
    pub fn encoded_len(&self) -> usize {
        4 + 8 * usize::from(self.sender_key.is_some())
            + 8 * usize::from(self.receiver_key.is_some())
            + 2 * usize::from(self.data_level_length.is_some())
            + 2 * usize::from(self.checksum.is_some())
    }

    fn validate(&self) -> Result<(), Error> {
        const WHAT: &str = "MP_CAPABLE";
        check_bits(WHAT, "version", u64::from(self.version), 4)?;
        check_bits(
            WHAT,
            "other_algorithms",
            u64::from(self.flags.other_algorithms),
            4,
        )?;
        let chain = [
            self.sender_key.is_some(),
            self.receiver_key.is_some(),
            self.data_level_length.is_some(),
            self.checksum.is_some(),
        ];
        if chain.windows(2).any(|w| matches!(w, [false, true])) {
            return unencodable(
                WHAT,
                "a field is present after an absent one (sender key, receiver key, data-level length, checksum come in this order)".into(),
            );
        }
        let allowed = mp_capable_lengths(self.version);
        let len = self.encoded_len();
        match u8::try_from(len) {
            Ok(l) if allowed.contains(l) => Ok(()),
            _ => unencodable(
                WHAT,
                format!(
                    "version {} with length {len}; allowed: {allowed}",
                    self.version
                ),
            ),
        }
    }
}

fn parse_mp_capable(
    length: u8,
    version: u8,
    body: Body<'_>,
) -> Result<MptcpOption, MalformedReason> {
    let allowed = mp_capable_lengths(version);
    check_length(length, allowed)?;
    let parser = (
        be_u8,
        cond(length >= 12, array::<8>),
        cond(length >= 20, array::<8>),
        cond(length >= 22, be_u16),
        cond(length >= 24, be_u16),
    )
        .map(
            |(flags, sender_key, receiver_key, data_level_length, checksum)| MpCapable {
                version,
                flags: MpCapableFlags::from_byte(flags),
                sender_key,
                receiver_key,
                data_level_length,
                checksum,
            },
        );
    whole(body, parser, length, allowed).map(MptcpOption::MpCapable)
}

fn gen_mp_capable<'a, W: Write + 'a>(c: &'a MpCapable) -> impl SerializeFn<W> + 'a {
    gen_tuple((
        gen_head(c.encoded_len(), 0, c.version),
        gen_u8(c.flags.to_byte()),
        gen_opt_slice(c.sender_key.as_ref()),
        gen_opt_slice(c.receiver_key.as_ref()),
        gen_cond(
            c.data_level_length.is_some(),
            gen_u16(c.data_level_length.unwrap_or(0)),
        ),
        gen_cond(c.checksum.is_some(), gen_u16(c.checksum.unwrap_or(0))),
    ))
}

/// Writes the bytes when present.
fn gen_opt_slice<'a, W: Write + 'a, const N: usize>(
    bytes: Option<&'a [u8; N]>,
) -> impl SerializeFn<W> + 'a {
    gen_slice(bytes.map(|b| b.as_slice()).unwrap_or_default())
}

// ---------------------------------------------------------------------------------------------
// MP_JOIN (1)

/// MP_JOIN lengths: SYN 12, SYN/ACK 16, ACK 24.
pub const MP_JOIN_LENGTHS: LengthSet = LengthSet::of(&[12, 16, 24]);

/// MP_JOIN (subtype 1): one form per handshake step, chosen by the length alone. In JSON the
/// form is `"form"`: `"syn"`, `"syn_ack"` or `"ack"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MpJoin {
    /// Length 12, sent on the SYN.
    Syn {
        /// B: the subflow is a backup path.
        backup: bool,
        /// The 3 reserved bits before B.
        reserved: u8,
        /// The sender's address ID.
        address_id: u8,
        /// The receiver's token (identifies the connection).
        receiver_token: [u8; 4],
        /// The sender's random number (nonce).
        sender_random: [u8; 4],
    },
    /// Length 16, sent on the SYN/ACK.
    SynAck {
        /// B: the subflow is a backup path.
        backup: bool,
        /// The 3 reserved bits before B.
        reserved: u8,
        /// The sender's address ID.
        address_id: u8,
        /// The leftmost 64 bits of the sender's HMAC.
        sender_truncated_hmac: [u8; 8],
        /// The sender's random number (nonce).
        sender_random: [u8; 4],
    },
    /// Length 24, sent on the third ACK.
    Ack {
        /// The 12 reserved bits after the subtype.
        reserved: u16,
        /// The sender's full 160-bit HMAC.
        sender_hmac: [u8; 20],
    },
}

impl MpJoin {
    /// Bytes on the wire, Kind and Length included.
    pub fn encoded_len(&self) -> usize {
        match self {
            Self::Syn { .. } => 12,
            Self::SynAck { .. } => 16,
            Self::Ack { .. } => 24,
        }
    }

    fn validate(&self) -> Result<(), Error> {
        match self {
            Self::Syn { reserved, .. } | Self::SynAck { reserved, .. } => {
                check_bits("MP_JOIN", "reserved", u64::from(*reserved), 3)
            }
            Self::Ack { reserved, .. } => {
                check_bits("MP_JOIN", "reserved", u64::from(*reserved), 12)
            }
        }
    }
}

/// The three forms with their reserved bits zero. Arguments come in wire order.
impl MpJoin {
    /// Length 12, on the SYN.
    pub fn syn(
        backup: bool,
        address_id: u8,
        receiver_token: [u8; 4],
        sender_random: [u8; 4],
    ) -> Self {
        Self::Syn {
            backup,
            reserved: 0,
            address_id,
            receiver_token,
            sender_random,
        }
    }

    /// Length 16, on the SYN/ACK.
    pub fn syn_ack(
        backup: bool,
        address_id: u8,
        sender_truncated_hmac: [u8; 8],
        sender_random: [u8; 4],
    ) -> Self {
        Self::SynAck {
            backup,
            reserved: 0,
            address_id,
            sender_truncated_hmac,
            sender_random,
        }
    }

    /// Length 24, on the third ACK.
    pub fn ack(sender_hmac: [u8; 20]) -> Self {
        Self::Ack {
            reserved: 0,
            sender_hmac,
        }
    }
}

fn parse_mp_join(length: u8, nibble: u8, body: Body<'_>) -> Result<MptcpOption, MalformedReason> {
    check_length(length, MP_JOIN_LENGTHS)?;
    let backup = nibble & 1 != 0;
    let reserved = nibble >> 1;
    let join = match length {
        12 => whole(
            body,
            (be_u8, array::<4>, array::<4>).map(|(address_id, receiver_token, sender_random)| {
                MpJoin::Syn {
                    backup,
                    reserved,
                    address_id,
                    receiver_token,
                    sender_random,
                }
            }),
            length,
            MP_JOIN_LENGTHS,
        )?,
        16 => whole(
            body,
            (be_u8, array::<8>, array::<4>).map(
                |(address_id, sender_truncated_hmac, sender_random)| MpJoin::SynAck {
                    backup,
                    reserved,
                    address_id,
                    sender_truncated_hmac,
                    sender_random,
                },
            ),
            length,
            MP_JOIN_LENGTHS,
        )?,
        _ => whole(
            body,
            (be_u8, array::<20>).map(|(low, sender_hmac)| MpJoin::Ack {
                reserved: (u16::from(nibble) << 8) | u16::from(low),
                sender_hmac,
            }),
            length,
            MP_JOIN_LENGTHS,
        )?,
    };
    Ok(MptcpOption::MpJoin(join))
}

fn gen_mp_join<'a, W: Write + 'a>(j: &'a MpJoin) -> impl SerializeFn<W> + 'a {
    move |out: WriteContext<W>| -> GenResult<W> {
        let len = j.encoded_len();
        match j {
            MpJoin::Syn {
                backup,
                reserved,
                address_id,
                receiver_token,
                sender_random,
            } => gen_tuple((
                gen_head(len, 1, (reserved << 1) | u8::from(*backup)),
                gen_u8(*address_id),
                gen_slice(receiver_token),
                gen_slice(sender_random),
            ))(out),
            MpJoin::SynAck {
                backup,
                reserved,
                address_id,
                sender_truncated_hmac,
                sender_random,
            } => gen_tuple((
                gen_head(len, 1, (reserved << 1) | u8::from(*backup)),
                gen_u8(*address_id),
                gen_slice(sender_truncated_hmac),
                gen_slice(sender_random),
            ))(out),
            MpJoin::Ack {
                reserved,
                sender_hmac,
            } => gen_tuple((
                gen_head(len, 1, reserved_high_nibble(*reserved)),
                gen_u8(reserved_low_byte(*reserved)),
                gen_slice(sender_hmac),
            ))(out),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// DSS (2)

/// Every length a DSS option can have, whatever its flags.
pub const DSS_LENGTHS: LengthSet = LengthSet::of(&[4, 8, 12, 14, 16, 18, 20, 22, 24, 26, 28]);

/// DSS (subtype 2): data ACK and data sequence mapping.
///
/// The wire flags are F m M a A: `data_fin` is F, `dsn_8_bytes` is m, `mapping.is_some()` is
/// M, `data_ack_8_bytes` is a, `data_ack.is_some()` is A. The width bits m and a are kept even
/// when their field is absent. A field whose width bit is clear is 4 bytes on the wire, so its
/// value must fit in 32 bits.
///
/// ```
/// use tcpwire::{TcpOption, mptcp::{Dss, MptcpOption}};
/// // A 4-byte data ACK and a mapping with 4-byte DSN and no checksum (length 18).
/// let bytes = [30, 18, 0x20, 0x05, 0, 0, 0, 7, 0, 0, 1, 0, 0, 0, 0, 1, 0x05, 0xa0];
/// let TcpOption::Mptcp(MptcpOption::Dss(dss)) = TcpOption::parse(&bytes).unwrap()
/// else { panic!("not a DSS") };
/// assert_eq!(dss.data_ack, Some(7));
/// let mapping = dss.mapping.unwrap();
/// assert_eq!((mapping.dsn, mapping.subflow_seq, mapping.data_level_length), (256, 1, 1440));
/// assert_eq!(mapping.checksum, None);
/// assert!(!dss.dsn_8_bytes && !dss.is_infinite_mapping());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Dss {
    /// The 7 reserved bits before the flags (the low nibble of byte 2, then the top 3 bits of
    /// byte 3).
    pub reserved: u8,
    /// F: DATA_FIN.
    pub data_fin: bool,
    /// m: the data sequence number is 8 bytes (else 4).
    pub dsn_8_bytes: bool,
    /// a: the data ACK is 8 bytes (else 4).
    pub data_ack_8_bytes: bool,
    /// The data ACK (flag A).
    pub data_ack: Option<u64>,
    /// The data sequence mapping (flag M).
    pub mapping: Option<DssMapping>,
}

/// A DSS data sequence mapping: which subflow bytes carry which data-level bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
pub struct DssMapping {
    /// The data sequence number (4 or 8 bytes on the wire, by the m flag).
    #[serde(with = "u64_string")]
    pub dsn: u64,
    /// The subflow sequence number, relative to the subflow's initial sequence number.
    pub subflow_seq: u32,
    /// The data-level length; 0 is an infinite mapping (fallback).
    pub data_level_length: u16,
    /// The DSS checksum, present exactly when the option length has room for it.
    pub checksum: Option<u16>,
}

/// The checksum is left out when absent in human-readable formats, and written as `None` in
/// binary ones, which need every field in place.
impl Serialize for DssMapping {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let readable = s.is_human_readable();
        let mut st = s.serialize_struct("DssMapping", 4)?;
        st.serialize_field("dsn", &U64Text(self.dsn))?;
        st.serialize_field("subflow_seq", &self.subflow_seq)?;
        st.serialize_field("data_level_length", &self.data_level_length)?;
        if readable && self.checksum.is_none() {
            st.skip_field("checksum")?;
        } else {
            st.serialize_field("checksum", &self.checksum)?;
        }
        st.end()
    }
}

impl DssMapping {
    /// Whether this is an infinite mapping (data-level length 0, RFC 8684 s3.7).
    pub fn is_infinite(&self) -> bool {
        self.data_level_length == 0
    }
}

/// Building a DSS step by step: start from [`Dss::new`] (length 4) and add a data ACK, a
/// mapping and DATA_FIN. The width of each sequence number is chosen by the method, never
/// from the value; reserved bits stay zero.
///
/// ```
/// use tcpwire::mptcp::Dss;
/// // A 4-byte data ACK and a mapping with an 8-byte DSN and a checksum: length 4+4+8+4+2+2.
/// let dss = Dss::new().with_data_ack(7).with_mapping_dsn_8_bytes(1 << 40, 1, 1440, Some(0xbeef));
/// assert_eq!(dss.encoded_len(), 24);
/// assert_eq!(dss.flags_byte(), 0x0d); // m M A
/// ```
impl Dss {
    /// No data ACK, no mapping, no flags: length 4.
    pub fn new() -> Self {
        Self::default()
    }

    /// With a 4-byte data ACK (flag A).
    pub fn with_data_ack(self, data_ack: u32) -> Self {
        Self {
            data_ack: Some(u64::from(data_ack)),
            data_ack_8_bytes: false,
            ..self
        }
    }

    /// With an 8-byte data ACK (flags A and a).
    pub fn with_data_ack_8_bytes(self, data_ack: u64) -> Self {
        Self {
            data_ack: Some(data_ack),
            data_ack_8_bytes: true,
            ..self
        }
    }

    /// With a mapping whose DSN is 4 bytes (flag M). A data-level length of 0 is an infinite
    /// mapping; `checksum` is present when the DSS checksum was negotiated.
    pub fn with_mapping(
        self,
        dsn: u32,
        subflow_seq: u32,
        data_level_length: u16,
        checksum: Option<u16>,
    ) -> Self {
        Self {
            mapping: Some(DssMapping {
                dsn: u64::from(dsn),
                subflow_seq,
                data_level_length,
                checksum,
            }),
            dsn_8_bytes: false,
            ..self
        }
    }

    /// With a mapping whose DSN is 8 bytes (flags M and m); otherwise as
    /// [`with_mapping`](Self::with_mapping).
    pub fn with_mapping_dsn_8_bytes(
        self,
        dsn: u64,
        subflow_seq: u32,
        data_level_length: u16,
        checksum: Option<u16>,
    ) -> Self {
        Self {
            mapping: Some(DssMapping {
                dsn,
                subflow_seq,
                data_level_length,
                checksum,
            }),
            dsn_8_bytes: true,
            ..self
        }
    }

    /// With DATA_FIN (flag F).
    pub fn with_data_fin(self) -> Self {
        Self {
            data_fin: true,
            ..self
        }
    }
}

impl Dss {
    /// Whether the option carries an infinite mapping (a mapping with data-level length 0).
    pub fn is_infinite_mapping(&self) -> bool {
        self.mapping.as_ref().is_some_and(DssMapping::is_infinite)
    }

    /// The flag byte (byte 3) as on the wire: 3 reserved bits, then F m M a A.
    pub fn flags_byte(&self) -> u8 {
        ((self.reserved & 0x07) << 5)
            | (u8::from(self.data_fin) << 4)
            | (u8::from(self.dsn_8_bytes) << 3)
            | (u8::from(self.mapping.is_some()) << 2)
            | (u8::from(self.data_ack_8_bytes) << 1)
            | u8::from(self.data_ack.is_some())
    }

    fn data_ack_len(&self) -> usize {
        match (self.data_ack, self.data_ack_8_bytes) {
            (None, _) => 0,
            (Some(_), false) => 4,
            (Some(_), true) => 8,
        }
    }

    fn dsn_len(&self) -> usize {
        if self.dsn_8_bytes {
            8
        } else {
            4
        }
    }

    /// Bytes on the wire, Kind and Length included.
    pub fn encoded_len(&self) -> usize {
        4 + self.data_ack_len()
            + self.mapping.map_or(0, |m| {
                self.dsn_len() + 6 + 2 * usize::from(m.checksum.is_some())
            })
    }

    fn validate(&self) -> Result<(), Error> {
        const WHAT: &str = "DSS";
        check_bits(WHAT, "reserved", u64::from(self.reserved), 7)?;
        if let (Some(ack), false) = (self.data_ack, self.data_ack_8_bytes) {
            check_bits(WHAT, "4-byte data_ack", ack, 32)?;
        }
        if let (Some(m), false) = (self.mapping, self.dsn_8_bytes) {
            check_bits(WHAT, "4-byte dsn", m.dsn, 32)?;
        }
        Ok(())
    }
}

/// The lengths a DSS option with flag byte `flags` may have: one without a mapping, two with
/// one (without and with the checksum).
fn dss_lengths(flags: u8) -> LengthSet {
    let data_ack = match flags & 0x03 {
        0x01 => 4,
        0x03 => 8,
        _ => 0,
    };
    let base = 4 + data_ack;
    if flags & 0x04 != 0 {
        let mapping = if flags & 0x08 != 0 { 8 } else { 4 } + 6;
        LengthSet::of(&[base + mapping, base + mapping + 2])
    } else {
        LengthSet::exactly(base)
    }
}

fn parse_dss(length: u8, nibble: u8, body: Body<'_>) -> Result<MptcpOption, MalformedReason> {
    let Some(&flags) = body.first() else {
        return Err(MalformedReason::BadLength {
            length,
            allowed: DSS_LENGTHS,
        });
    };
    let allowed = dss_lengths(flags);
    check_length(length, allowed)?;
    let data_ack_present = flags & 0x01 != 0;
    let data_ack_8_bytes = flags & 0x02 != 0;
    let mapping_present = flags & 0x04 != 0;
    let dsn_8_bytes = flags & 0x08 != 0;
    // The smaller allowed length is the one without the checksum.
    let with_checksum = mapping_present && allowed.iter().next() != Some(length);
    let parser = (
        be_u8,
        cond(data_ack_present, sequence_number(data_ack_8_bytes)),
        cond(
            mapping_present,
            (
                sequence_number(dsn_8_bytes),
                be_u32,
                be_u16,
                cond(with_checksum, be_u16),
            )
                .map(
                    |(dsn, subflow_seq, data_level_length, checksum)| DssMapping {
                        dsn,
                        subflow_seq,
                        data_level_length,
                        checksum,
                    },
                ),
        ),
    )
        .map(|(flags, data_ack, mapping)| Dss {
            reserved: (nibble << 3) | (flags >> 5),
            data_fin: flags & 0x10 != 0,
            dsn_8_bytes,
            data_ack_8_bytes,
            data_ack,
            mapping,
        });
    whole(body, parser, length, allowed).map(MptcpOption::Dss)
}

/// A 4- or 8-byte sequence number.
fn sequence_number<'a>(
    eight_bytes: bool,
) -> impl Parser<Body<'a>, Output = u64, Error = nom::error::Error<Body<'a>>> {
    move |input: Body<'a>| -> IResult<Body<'a>, u64> {
        if eight_bytes {
            be_u64(input)
        } else {
            be_u32.map(u64::from).parse(input)
        }
    }
}

fn gen_sequence_number<W: Write>(value: u64, eight_bytes: bool) -> impl SerializeFn<W> {
    move |out: WriteContext<W>| {
        if eight_bytes {
            gen_u64(value)(out)
        } else {
            // `validate` checks that the value fits; write its low 32 bits.
            gen_u32((value & 0xffff_ffff) as u32)(out)
        }
    }
}

fn gen_dss<'a, W: Write + 'a>(d: &'a Dss) -> impl SerializeFn<W> + 'a {
    move |out: WriteContext<W>| -> GenResult<W> {
        let mut out = gen_tuple((
            gen_head(d.encoded_len(), 2, d.reserved >> 3),
            gen_u8(d.flags_byte()),
        ))(out)?;
        if let Some(ack) = d.data_ack {
            out = gen_sequence_number(ack, d.data_ack_8_bytes)(out)?;
        }
        if let Some(m) = d.mapping {
            out = gen_tuple((
                gen_sequence_number(m.dsn, d.dsn_8_bytes),
                gen_u32(m.subflow_seq),
                gen_u16(m.data_level_length),
                gen_cond(m.checksum.is_some(), gen_u16(m.checksum.unwrap_or(0))),
            ))(out)?;
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// ADD_ADDR (3)

/// ADD_ADDR (subtype 3) in the layout its bytes select (see the module docs): `version` 0 when
/// the low nibble of byte 2 is the IP version (4 with length 8 or 10, 6 with 20 or 22), else 1.
///
/// In JSON it is flat: `"version"`, for v1 `"echo"` and `"reserved"`, then `"address_id"`,
/// `"address"`, `"port"` (when present) and for v1 without echo `"truncated_hmac"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddAddr {
    /// RFC 6824: the nibble is the IP version (derived from `address`); no HMAC.
    V0 {
        /// The address ID.
        address_id: u8,
        /// The address (IPv4: length 8/10, IPv6: 20/22).
        address: IpAddr,
        /// The port, when the length has room for it.
        port: Option<u16>,
    },
    /// RFC 8684: the nibble is 3 reserved bits and E (echo). E is set exactly when there is
    /// no truncated HMAC.
    V1 {
        /// The 3 reserved bits before E.
        reserved: u8,
        /// The address ID.
        address_id: u8,
        /// The address.
        address: IpAddr,
        /// The port, when the length has room for it.
        port: Option<u16>,
        /// The leftmost 64 bits of the HMAC; `None` is an echo (E = 1).
        truncated_hmac: Option<[u8; 8]>,
    },
}

/// The three layouts with their reserved bits zero. Arguments come in wire order.
///
/// ```
/// use std::net::Ipv4Addr;
/// use tcpwire::mptcp::AddAddr;
/// let a = AddAddr::v1(2, Ipv4Addr::new(192, 0, 2, 7), Some(8080), [0xaa; 8]);
/// assert_eq!((a.encoded_len(), a.nibble()), (18, 0));
/// let echo = AddAddr::v1_echo(2, Ipv4Addr::new(192, 0, 2, 7), Some(8080));
/// assert_eq!((echo.encoded_len(), echo.nibble()), (10, 1));
/// ```
impl AddAddr {
    /// RFC 8684 (v1), E = 0: an address announced with the leftmost 64 bits of its HMAC.
    pub fn v1(
        address_id: u8,
        address: impl Into<IpAddr>,
        port: Option<u16>,
        truncated_hmac: [u8; 8],
    ) -> Self {
        Self::V1 {
            reserved: 0,
            address_id,
            address: address.into(),
            port,
            truncated_hmac: Some(truncated_hmac),
        }
    }

    /// RFC 8684 (v1), E = 1: the echo acknowledging a received ADD_ADDR (no HMAC).
    pub fn v1_echo(address_id: u8, address: impl Into<IpAddr>, port: Option<u16>) -> Self {
        Self::V1 {
            reserved: 0,
            address_id,
            address: address.into(),
            port,
            truncated_hmac: None,
        }
    }

    /// RFC 6824 (v0): the nibble is the IP version, no HMAC.
    pub fn v0(address_id: u8, address: impl Into<IpAddr>, port: Option<u16>) -> Self {
        Self::V0 {
            address_id,
            address: address.into(),
            port,
        }
    }
}

impl AddAddr {
    /// The address ID.
    pub fn address_id(&self) -> u8 {
        match self {
            Self::V0 { address_id, .. } | Self::V1 { address_id, .. } => *address_id,
        }
    }

    /// The advertised address.
    pub fn address(&self) -> IpAddr {
        match self {
            Self::V0 { address, .. } | Self::V1 { address, .. } => *address,
        }
    }

    /// The advertised port, if any.
    pub fn port(&self) -> Option<u16> {
        match self {
            Self::V0 { port, .. } | Self::V1 { port, .. } => *port,
        }
    }

    /// Whether this is a v1 echo (E = 1): the acknowledgement of a received ADD_ADDR.
    pub fn is_echo(&self) -> bool {
        matches!(
            self,
            Self::V1 {
                truncated_hmac: None,
                ..
            }
        )
    }

    /// The low nibble of byte 2 as on the wire.
    pub fn nibble(&self) -> u8 {
        match self {
            Self::V0 {
                address: IpAddr::V4(_),
                ..
            } => 4,
            Self::V0 {
                address: IpAddr::V6(_),
                ..
            } => 6,
            Self::V1 {
                reserved,
                truncated_hmac,
                ..
            } => (reserved << 1) | u8::from(truncated_hmac.is_none()),
        }
    }

    /// Bytes on the wire, Kind and Length included.
    pub fn encoded_len(&self) -> usize {
        let address_len = match self.address() {
            IpAddr::V4(_) => 4,
            IpAddr::V6(_) => 16,
        };
        let hmac_len = match self {
            Self::V1 {
                truncated_hmac: Some(_),
                ..
            } => 8,
            _ => 0,
        };
        4 + address_len + 2 * usize::from(self.port().is_some()) + hmac_len
    }

    fn validate(&self) -> Result<(), Error> {
        match self {
            Self::V0 { .. } => Ok(()),
            Self::V1 { reserved, .. } => {
                check_bits("ADD_ADDR", "reserved", u64::from(*reserved), 3)
            }
        }
    }
}

/// The ADD_ADDR lengths allowed for a nibble: v1's for its E bit, and v0's when the nibble is
/// an IP version.
pub const fn add_addr_lengths(nibble: u8) -> LengthSet {
    let v1 = if nibble & 1 != 0 {
        LengthSet::of(&[8, 10, 20, 22])
    } else {
        LengthSet::of(&[16, 18, 28, 30])
    };
    match nibble {
        4 => v1.with(8).with(10),
        6 => v1.with(20).with(22),
        _ => v1,
    }
}

fn parse_add_addr(length: u8, nibble: u8, body: Body<'_>) -> Result<MptcpOption, MalformedReason> {
    let allowed = add_addr_lengths(nibble);
    check_length(length, allowed)?;
    let v0 = matches!((nibble, length), (4, 8 | 10) | (6, 20 | 22));
    let echo = nibble & 1 != 0;
    let hmac_len: u8 = if v0 || echo { 0 } else { 8 };
    // What is left after Kind, Length, byte 2 and the address ID: 4 or 16 address bytes,
    // maybe 2 port bytes, then the HMAC.
    let rest = length.saturating_sub(4 + hmac_len);
    let ipv6 = rest >= 16;
    let has_port = rest % 4 == 2;
    let parser = (
        be_u8,
        ip_address(ipv6),
        cond(has_port, be_u16),
        cond(hmac_len == 8, array::<8>),
    )
        .map(|(address_id, address, port, truncated_hmac)| {
            if v0 {
                AddAddr::V0 {
                    address_id,
                    address,
                    port,
                }
            } else {
                AddAddr::V1 {
                    reserved: nibble >> 1,
                    address_id,
                    address,
                    port,
                    truncated_hmac,
                }
            }
        });
    whole(body, parser, length, allowed).map(MptcpOption::AddAddr)
}

/// An IPv6 (16 bytes) or IPv4 (4 bytes) address.
fn ip_address<'a>(
    ipv6: bool,
) -> impl Parser<Body<'a>, Output = IpAddr, Error = nom::error::Error<Body<'a>>> {
    move |input: Body<'a>| -> IResult<Body<'a>, IpAddr> {
        if ipv6 {
            array::<16>
                .map(|a| IpAddr::V6(Ipv6Addr::from(a)))
                .parse(input)
        } else {
            array::<4>
                .map(|a| IpAddr::V4(Ipv4Addr::from(a)))
                .parse(input)
        }
    }
}

fn gen_add_addr<'a, W: Write + 'a>(a: &'a AddAddr) -> impl SerializeFn<W> + 'a {
    move |out: WriteContext<W>| -> GenResult<W> {
        let out = gen_tuple((
            gen_head(a.encoded_len(), 3, a.nibble()),
            gen_u8(a.address_id()),
        ))(out)?;
        let out = match a.address() {
            IpAddr::V4(v4) => gen_slice(v4.octets())(out)?,
            IpAddr::V6(v6) => gen_slice(v6.octets())(out)?,
        };
        let out = gen_cond(a.port().is_some(), gen_u16(a.port().unwrap_or(0)))(out)?;
        match a {
            AddAddr::V1 {
                truncated_hmac: Some(hmac),
                ..
            } => gen_slice(hmac)(out),
            _ => Ok(out),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// REMOVE_ADDR (4), MP_PRIO (5), MP_FAIL (6), MP_FASTCLOSE (7), MP_TCPRST (8)

/// REMOVE_ADDR lengths: 3 + n address IDs, n >= 1.
pub const REMOVE_ADDR_LENGTHS: LengthSet = LengthSet::range(4, 40);
/// MP_PRIO lengths: 3 (v1), or 4 with an address ID (v0).
pub const MP_PRIO_LENGTHS: LengthSet = LengthSet::of(&[3, 4]);
/// MP_FAIL and MP_FASTCLOSE length.
pub const MP_FAIL_LENGTHS: LengthSet = LengthSet::exactly(12);
/// MP_TCPRST length.
pub const MP_TCPRST_LENGTHS: LengthSet = LengthSet::exactly(4);

fn parse_remove_addr(
    length: u8,
    nibble: u8,
    body: Body<'_>,
) -> Result<MptcpOption, MalformedReason> {
    check_length(length, REMOVE_ADDR_LENGTHS)?;
    Ok(MptcpOption::RemoveAddr {
        reserved: nibble,
        address_ids: inline_data(length, body)?,
    })
}

fn parse_mp_prio(length: u8, nibble: u8, body: Body<'_>) -> Result<MptcpOption, MalformedReason> {
    check_length(length, MP_PRIO_LENGTHS)?;
    let address_id = whole(body, cond(length == 4, be_u8), length, MP_PRIO_LENGTHS)?;
    Ok(MptcpOption::MpPrio {
        backup: nibble & 1 != 0,
        reserved: nibble >> 1,
        address_id,
    })
}

/// The 12 reserved bits (nibble + byte 3) and a 64-bit field, as MP_FAIL and MP_FASTCLOSE have.
fn parse_reserved12_then<'a, T>(
    length: u8,
    nibble: u8,
    body: Body<'a>,
    field: impl Parser<Body<'a>, Output = T, Error = nom::error::Error<Body<'a>>>,
) -> Result<(u16, T), MalformedReason> {
    check_length(length, MP_FAIL_LENGTHS)?;
    whole(
        body,
        (be_u8, field).map(|(low, value)| ((u16::from(nibble) << 8) | u16::from(low), value)),
        length,
        MP_FAIL_LENGTHS,
    )
}

fn parse_mp_fail(length: u8, nibble: u8, body: Body<'_>) -> Result<MptcpOption, MalformedReason> {
    let (reserved, dsn) = parse_reserved12_then(length, nibble, body, be_u64)?;
    Ok(MptcpOption::MpFail { reserved, dsn })
}

fn parse_mp_fastclose(
    length: u8,
    nibble: u8,
    body: Body<'_>,
) -> Result<MptcpOption, MalformedReason> {
    let (reserved, receiver_key) = parse_reserved12_then(length, nibble, body, array::<8>)?;
    Ok(MptcpOption::MpFastclose {
        reserved,
        receiver_key,
    })
}

fn parse_mp_tcprst(length: u8, nibble: u8, body: Body<'_>) -> Result<MptcpOption, MalformedReason> {
    check_length(length, MP_TCPRST_LENGTHS)?;
    let reason = whole(body, be_u8, length, MP_TCPRST_LENGTHS)?;
    Ok(MptcpOption::MpTcpRst {
        reserved: nibble >> 1,
        transient: nibble & 1 != 0,
        reason: TcpRstReason::from_value(reason),
    })
}

// ---------------------------------------------------------------------------------------------
// quickcheck: valid values of every subtype and length form

#[cfg(feature = "quickcheck")]
mod arbitrary {
    use quickcheck::{Arbitrary, Gen};

    use super::*;

    /// A value of at most `bits` bits.
    fn bits(g: &mut Gen, bits: u32) -> u8 {
        u8::arbitrary(g) & ((1u16 << bits) - 1) as u8
    }

    fn reserved12(g: &mut Gen) -> u16 {
        u16::arbitrary(g) & 0x0fff
    }

    fn flag(g: &mut Gen) -> bool {
        bool::arbitrary(g)
    }

    /// Some or None, even odds.
    fn maybe<T>(g: &mut Gen, f: impl FnOnce(&mut Gen) -> T) -> Option<T> {
        if flag(g) {
            Some(f(g))
        } else {
            None
        }
    }

    /// `min..=MAX_MPTCP_DATA` random bytes.
    fn data(g: &mut Gen, min: usize) -> InlineBytes<MAX_MPTCP_DATA> {
        let len = min + usize::arbitrary(g) % (MAX_MPTCP_DATA + 1 - min);
        let bytes = <[u8; MAX_MPTCP_DATA]>::arbitrary(g);
        InlineBytes::from_slice(bytes.get(..len).unwrap_or_default()).unwrap_or_default()
    }

    /// A 64-bit value, or a 32-bit one when `eight_bytes` is false.
    fn sequence_number(g: &mut Gen, eight_bytes: bool) -> u64 {
        if eight_bytes {
            u64::arbitrary(g)
        } else {
            u64::from(u32::arbitrary(g))
        }
    }

    impl Arbitrary for MpCapable {
        fn arbitrary(g: &mut Gen) -> Self {
            // Mostly the two specified versions; sometimes any other nibble.
            let version = *g.choose(&[0, 1, 1, 0, 1, 2, 15]).unwrap_or(&1);
            let version = if version == 2 { bits(g, 4) } else { version };
            let length = *g
                .choose(if version == 0 {
                    &[12u8, 20][..]
                } else {
                    &[4u8, 12, 20, 22, 24][..]
                })
                .unwrap_or(&12);
            MpCapable {
                version,
                flags: MpCapableFlags::from_byte(u8::arbitrary(g)),
                sender_key: (length >= 12).then(|| <[u8; 8]>::arbitrary(g)),
                receiver_key: (length >= 20).then(|| <[u8; 8]>::arbitrary(g)),
                data_level_length: (length >= 22).then(|| u16::arbitrary(g)),
                checksum: (length >= 24).then(|| u16::arbitrary(g)),
            }
        }
    }

    impl Arbitrary for MpJoin {
        fn arbitrary(g: &mut Gen) -> Self {
            match u8::arbitrary(g) % 3 {
                0 => MpJoin::Syn {
                    backup: flag(g),
                    reserved: bits(g, 3),
                    address_id: u8::arbitrary(g),
                    receiver_token: <[u8; 4]>::arbitrary(g),
                    sender_random: <[u8; 4]>::arbitrary(g),
                },
                1 => MpJoin::SynAck {
                    backup: flag(g),
                    reserved: bits(g, 3),
                    address_id: u8::arbitrary(g),
                    sender_truncated_hmac: <[u8; 8]>::arbitrary(g),
                    sender_random: <[u8; 4]>::arbitrary(g),
                },
                _ => MpJoin::Ack {
                    reserved: reserved12(g),
                    sender_hmac: <[u8; 20]>::arbitrary(g),
                },
            }
        }
    }

    impl Arbitrary for Dss {
        fn arbitrary(g: &mut Gen) -> Self {
            let dsn_8_bytes = flag(g);
            let data_ack_8_bytes = flag(g);
            Dss {
                reserved: bits(g, 7),
                data_fin: flag(g),
                dsn_8_bytes,
                data_ack_8_bytes,
                data_ack: maybe(g, |g| sequence_number(g, data_ack_8_bytes)),
                mapping: maybe(g, |g| DssMapping {
                    dsn: sequence_number(g, dsn_8_bytes),
                    subflow_seq: u32::arbitrary(g),
                    // Infinite mappings (0) often enough to be seen.
                    data_level_length: if u8::arbitrary(g) % 8 == 0 {
                        0
                    } else {
                        u16::arbitrary(g)
                    },
                    checksum: maybe(g, u16::arbitrary),
                }),
            }
        }
    }

    impl Arbitrary for AddAddr {
        fn arbitrary(g: &mut Gen) -> Self {
            let address = if flag(g) {
                IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::arbitrary(g)))
            } else {
                IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::arbitrary(g)))
            };
            let address_id = u8::arbitrary(g);
            let port = maybe(g, u16::arbitrary);
            if flag(g) {
                AddAddr::V0 {
                    address_id,
                    address,
                    port,
                }
            } else {
                AddAddr::V1 {
                    reserved: bits(g, 3),
                    address_id,
                    address,
                    port,
                    truncated_hmac: maybe(g, <[u8; 8]>::arbitrary),
                }
            }
        }
    }

    /// Valid values only: `validate` passes and parsing the encoding gives the value back.
    /// Every subtype (and subtypes 9..=14) and every length form is generated, reserved bits
    /// random.
    impl Arbitrary for MptcpOption {
        fn arbitrary(g: &mut Gen) -> Self {
            match u8::arbitrary(g) % 11 {
                0 => MptcpOption::MpCapable(MpCapable::arbitrary(g)),
                1 => MptcpOption::MpJoin(MpJoin::arbitrary(g)),
                2 => MptcpOption::Dss(Dss::arbitrary(g)),
                3 => MptcpOption::AddAddr(AddAddr::arbitrary(g)),
                4 => MptcpOption::RemoveAddr {
                    reserved: bits(g, 4),
                    address_ids: data(g, 1),
                },
                5 => MptcpOption::MpPrio {
                    backup: flag(g),
                    reserved: bits(g, 3),
                    address_id: maybe(g, u8::arbitrary),
                },
                6 => MptcpOption::MpFail {
                    reserved: reserved12(g),
                    dsn: u64::arbitrary(g),
                },
                7 => MptcpOption::MpFastclose {
                    reserved: reserved12(g),
                    receiver_key: <[u8; 8]>::arbitrary(g),
                },
                8 => MptcpOption::MpTcpRst {
                    reserved: bits(g, 3),
                    transient: flag(g),
                    reason: TcpRstReason::arbitrary(g),
                },
                9 => MptcpOption::MpExperimental {
                    nibble: bits(g, 4),
                    data: data(g, 0),
                },
                _ => MptcpOption::Unassigned {
                    subtype: 9 + u8::arbitrary(g) % 6,
                    nibble: bits(g, 4),
                    data: data(g, 0),
                },
            }
        }
    }
}
