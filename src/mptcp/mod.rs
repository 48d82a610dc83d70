//! Multipath TCP options (kind 30): version 0 (RFC 6824) and version 1 (RFC 8684).
//!
//! [`MptcpOption`] has one variant per subtype. Every bit of the option is a field (reserved
//! bits included), and every layout is decided from the option's own bytes, never from the
//! segment's flags or an earlier handshake: the Length byte picks the MP_CAPABLE, MP_JOIN and
//! DSS forms, and the low nibble of byte 2 with the Length tells ADD_ADDR v0 from v1. Each
//! subtype's parser (over the bytes after byte 2: nom combinators, or plain slice splits for the
//! two subtypes on every MPTCP connection's hot path, DSS and MP_CAPABLE) and its writer (the
//! whole option, straight into a buffer; the cookie-factory generators run it) sit next to its
//! type.
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

pub(crate) mod add_addr;
#[cfg(feature = "quickcheck")]
mod arbitrary;
pub(crate) mod dss;
pub(crate) mod mp_capable;
pub(crate) mod mp_fail;
mod mp_fastclose;
pub(crate) mod mp_join;
pub(crate) mod mp_prio;
pub(crate) mod mp_tcprst;
mod opaque;
pub(crate) mod remove_addr;

use nom::Parser;

use crate::bytes::InlineBytes;
use crate::element::{length_of, put, OptionBody};
use crate::error::{Error, LengthSet, MalformedReason};
use crate::registry::{MptcpSubtype, TcpRstReason};

pub use add_addr::AddAddr;
pub use dss::{Dss, DssMapping};
pub use mp_capable::{MpCapable, MpCapableFlags};
pub use mp_fail::MpFail;
use mp_fail::LENGTHS as RESERVED12_LENGTHS;
pub use mp_fastclose::MpFastclose;
pub use mp_join::MpJoin;
pub use mp_prio::MpPrio;
pub use mp_tcprst::MpTcpRst;
pub use opaque::{MpExperimental, MpExperimentalView, Unassigned, UnassignedView};
pub use remove_addr::{RemoveAddr, RemoveAddrView};

/// The option kind of Multipath TCP.
const KIND: u8 = 30;

/// The option lengths of kind 30 before the subtype decides: Kind, Length and byte 2 at least.
const LENGTHS: LengthSet = LengthSet::range(3, 40);

/// The most bytes after byte 2 an option can have (a 40-byte option).
pub const MAX_MPTCP_DATA: usize = 37;

/// The wire rules of one MPTCP subtype, implemented once in its file; the table below
/// (`subtype_table!`) dispatches through them.
pub(crate) trait Subtype: Sized {
    /// Decodes an option of subtype `subtype` with Length `length` (3..=40): `nibble` is the
    /// low nibble of byte 2, `body` the bytes after it. Checks the subtype's length rules.
    fn parse(subtype: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason>;

    /// Bytes on the wire, Kind and Length included.
    fn encoded_len(&self) -> usize;

    /// Checks that the value has an exact encoding that parses back to it.
    fn validate(&self) -> Result<(), Error>;

    /// Writes the whole option (Kind, Length, byte 2, the rest) as stored at the start of
    /// `out`, returning the rest of it (`None` when it is too short).
    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]>;
}

/// A subtype's value read from the wire without copying its bytes (see the crate's
/// `Borrowed` for option kinds): a subtype of a few numbers is its own borrowed form; one that
/// keeps bytes has a twin holding `&'a [u8]` from which its owned value is made.
pub(crate) trait BorrowedSubtype<'a>: Copy {
    /// The owned value.
    type Owned;

    /// Decodes an option of subtype `subtype`, as [`Subtype::parse`] does, borrowing its bytes.
    fn view(subtype: u8, length: u8, nibble: u8, body: &'a [u8]) -> Result<Self, MalformedReason>;

    /// The owned value.
    fn to_owned_value(self) -> Self::Owned;
}

impl<'a, T: Subtype + Copy> BorrowedSubtype<'a> for T {
    type Owned = T;

    #[inline(always)]
    fn view(subtype: u8, length: u8, nibble: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        T::parse(subtype, length, nibble, body)
    }

    #[inline(always)]
    fn to_owned_value(self) -> T {
        self
    }
}

/// Builds [`MptcpOption`], its borrowed twin [`MptcpView`] and their dispatch from the table of
/// subtypes (each with the type the view holds: the subtype's own, or its borrowed twin).
macro_rules! subtype_table {
    (
        subtypes { $( $(#[$doc:meta])* $variant:ident($vty:ty) = $subtype:literal; )* }
        unassigned { $(#[$udoc:meta])* $unassigned:ident($uvty:ty) }
    ) => {
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
            $( $(#[$doc])* $variant($variant), )*
            $(#[$udoc])* $unassigned($unassigned),
        }

        impl MptcpOption {
            /// The subtype as an IANA registry value.
            pub fn subtype(&self) -> MptcpSubtype {
                match self {
                    $( Self::$variant(_) => MptcpSubtype::from_value($subtype), )*
                    Self::$unassigned(v) => MptcpSubtype::from_value(v.subtype),
                }
            }

            /// Bytes on the wire, Kind and Length included.
            pub fn encoded_len(&self) -> usize {
                match self {
                    $( Self::$variant(v) => v.encoded_len(), )*
                    Self::$unassigned(v) => v.encoded_len(),
                }
            }

            /// Checks that the value has an exact encoding and that parsing it gives this value
            /// back: every field fits its bits, every length is one the subtype allows, no other
            /// variant would claim the bytes.
            pub fn validate(&self) -> Result<(), Error> {
                match self {
                    $( Self::$variant(v) => Subtype::validate(v), )*
                    Self::$unassigned(v) => v.validate(),
                }
            }
        }

        /// Decodes an MPTCP option from its Length (3..=40, checked by the option framing)
        /// and the bytes after it: byte 2 names the subtype, whose parser checks the rest.
        pub(crate) fn parse_mptcp(length: u8, body: &[u8]) -> Result<MptcpOption, MalformedReason> {
            let Some((&byte2, body)) = body.split_first() else {
                return Err(MalformedReason::BadLength { length, allowed: LENGTHS });
            };
            let nibble = byte2 & 0x0f;
            match byte2 >> 4 {
                $( $subtype => $variant::parse($subtype, length, nibble, body).map(MptcpOption::$variant), )*
                subtype => $unassigned::parse(subtype, length, nibble, body).map(MptcpOption::$unassigned),
            }
        }

        /// Writes a whole MPTCP option as stored, without checks (see
        /// [`MptcpOption::validate`]), at the start of `out`.
        #[inline]
        fn write_mptcp<'o>(m: &MptcpOption, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
            match m {
                $( MptcpOption::$variant(v) => Subtype::write(v, out), )*
                MptcpOption::$unassigned(v) => Subtype::write(v, out),
            }
        }

        /// A Multipath TCP option borrowed from the bytes it was read from: what
        /// [`OptionView::Mptcp`](crate::option::OptionView::Mptcp) holds. Subtypes that keep
        /// bytes borrow them; [`to_owned`](Self::to_owned) gives the [`MptcpOption`] lossless
        /// parsing gives.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum MptcpView<'a> {
            $( $(#[$doc])* $variant($vty), )*
            $(#[$udoc])* $unassigned($uvty),
        }

        impl<'a> MptcpView<'a> {
            /// The subtype as an IANA registry value.
            pub fn subtype(&self) -> MptcpSubtype {
                match self {
                    $( Self::$variant(_) => MptcpSubtype::from_value($subtype), )*
                    Self::$unassigned(v) => MptcpSubtype::from_value(v.subtype()),
                }
            }

            /// The owned option.
            pub fn to_owned(self) -> MptcpOption {
                match self {
                    $( Self::$variant(v) => MptcpOption::$variant(BorrowedSubtype::to_owned_value(v)), )*
                    Self::$unassigned(v) => MptcpOption::$unassigned(BorrowedSubtype::to_owned_value(v)),
                }
            }
        }

        /// [`parse_mptcp`], borrowing the bytes.
        #[inline]
        pub(crate) fn parse_mptcp_view<'a>(length: u8, body: &'a [u8]) -> Result<MptcpView<'a>, MalformedReason> {
            let Some((&byte2, body)) = body.split_first() else {
                return Err(MalformedReason::BadLength { length, allowed: LENGTHS });
            };
            let nibble = byte2 & 0x0f;
            match byte2 >> 4 {
                $( $subtype => <$vty as BorrowedSubtype>::view($subtype, length, nibble, body).map(MptcpView::$variant), )*
                subtype => <$uvty as BorrowedSubtype>::view(subtype, length, nibble, body).map(MptcpView::$unassigned),
            }
        }

        impl MptcpOption {
            /// Sets the subtype's own fields in its serde record (each subtype's `RecordForm`).
            fn subtype_to_record<S: MptcpSchema>(&self, r: &mut Record<S>) {
                match self {
                    $( Self::$variant(v) => RecordForm::<S>::to_record(v, r), )*
                    Self::$unassigned(v) => RecordForm::<S>::to_record(v, r),
                }
            }

            /// The subtype whose `"mptcp"` is `name`, its fields taken out of `r`; `None` when
            /// no subtype has that name.
            fn subtype_from_record<S: MptcpSchema>(
                name: &str,
                subtype: Option<u8>,
                r: &mut Record<S>,
                f: &Ctx<'_>,
            ) -> Option<Result<Self, String>> {
                $( if name == MptcpSubtype::from_value($subtype).name() {
                    return Some($variant::from_record(subtype, r, f).map(Self::$variant));
                } )*
                (name == "unassigned")
                    .then(|| $unassigned::from_record(subtype, r, f).map(Self::$unassigned))
            }

            /// Writes the subtype's text (each subtype's `TextForm`).
            fn subtype_text(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $( Self::$variant(v) => TextForm::text(v, $subtype, f), )*
                    Self::$unassigned(v) => TextForm::text(v, v.subtype, f),
                }
            }
        }

        /// One generator per subtype, in the table's order.
        #[cfg(feature = "quickcheck")]
        const GENERATORS: &[fn(&mut quickcheck::Gen) -> MptcpOption] = &[
            $( |g| MptcpOption::$variant(<$variant as quickcheck::Arbitrary>::arbitrary(g)), )*
            |g| MptcpOption::$unassigned(<$unassigned as quickcheck::Arbitrary>::arbitrary(g)),
        ];

        $(
            impl From<$variant> for MptcpOption {
                fn from(value: $variant) -> Self {
                    Self::$variant(value)
                }
            }
        )*

        impl From<$unassigned> for MptcpOption {
            fn from(value: $unassigned) -> Self {
                Self::$unassigned(value)
            }
        }
    };
}

subtype_table! {
    subtypes {
    /// Subtype 0, MP_CAPABLE: version and algorithm negotiation, keys.
    MpCapable(MpCapable) = 0;
    /// Subtype 1, MP_JOIN: a new subflow joining a connection (three forms by length).
    MpJoin(MpJoin) = 1;
    /// Subtype 2, DSS: data ACK and data sequence mapping.
    Dss(Dss) = 2;
    /// Subtype 3, ADD_ADDR: an address the sender can be reached at (v0 or v1 layout).
    AddAddr(AddAddr) = 3;
    /// Subtype 4, REMOVE_ADDR, length 3 + n: addresses withdrawn.
    RemoveAddr(RemoveAddrView<'a>) = 4;
    /// Subtype 5, MP_PRIO, length 3 (or 4 in v0, with an address ID).
    MpPrio(MpPrio) = 5;
    /// Subtype 6, MP_FAIL, length 12: fallback at a data sequence number.
    MpFail(MpFail) = 6;
    /// Subtype 7, MP_FASTCLOSE, length 12.
    MpFastclose(MpFastclose) = 7;
    /// Subtype 8, MP_TCPRST (RFC 8684), length 4: why a subflow was reset.
    MpTcpRst(MpTcpRst) = 8;
    /// Subtype 15, MP_EXPERIMENTAL (reserved for private use), any length: kept as bytes.
    MpExperimental(MpExperimentalView<'a>) = 15;
    }
    unassigned {
        /// Subtypes 9..=14, not assigned by IANA: kept as bytes.
        Unassigned(UnassignedView<'a>)
    }
}

impl MptcpView<'_> {
    /// The snake_case name of the variant, as [`MptcpOption::name`].
    pub fn name(&self) -> &'static str {
        match self {
            Self::Unassigned(_) => "unassigned",
            other => other.subtype().name(),
        }
    }
}

/// Kind 30 borrowed: the subtype decides the rest.
impl<'a> crate::element::Borrowed<'a> for MptcpView<'a> {
    type Owned = MptcpOption;

    #[inline]
    fn view(_: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        parse_mptcp_view(length_of(body), body)
    }

    #[inline]
    fn to_owned_value(self) -> MptcpOption {
        self.to_owned()
    }
}

impl MptcpOption {
    /// The snake_case name of the variant (the JSON `"mptcp"`), e.g. `"mp_capable"`; subtypes
    /// 9..=14 are `"unassigned"`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Unassigned(_) => "unassigned",
            other => other.subtype().name(),
        }
    }
}

/// Kind 30 in the option table: the subtype decides the rest.
impl OptionBody for MptcpOption {
    const NAME_FOR_ERRORS: &'static str = "MPTCP option";

    fn lengths(_: u8) -> LengthSet {
        LENGTHS
    }

    fn parse(_: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        parse_mptcp(length_of(body), body)
    }

    fn encoded_len(&self) -> usize {
        MptcpOption::encoded_len(self)
    }

    fn validate(&self, _: u8) -> Result<(), Error> {
        MptcpOption::validate(self)
    }

    fn write<'o>(&self, _: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        write_mptcp(self, out)
    }
}

/// The short subtypes, with their reserved bits zero. Arguments come in wire order. Every
/// subtype's own type also converts with `From`.
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
        Ok(Self::RemoveAddr(RemoveAddr {
            reserved: 0,
            address_ids,
        }))
    }

    /// MP_PRIO of RFC 8684 (length 3): the subflow this option is sent on becomes a backup
    /// path or a regular one.
    pub fn mp_prio(backup: bool) -> Self {
        Self::MpPrio(MpPrio {
            backup,
            reserved: 0,
            address_id: None,
        })
    }

    /// MP_PRIO of RFC 6824 (length 4), naming the subflow by address ID.
    pub fn mp_prio_v0(backup: bool, address_id: u8) -> Self {
        Self::MpPrio(MpPrio {
            backup,
            reserved: 0,
            address_id: Some(address_id),
        })
    }

    /// MP_FAIL (length 12) at this data sequence number.
    pub fn mp_fail(dsn: u64) -> Self {
        Self::MpFail(MpFail { reserved: 0, dsn })
    }

    /// MP_FASTCLOSE (length 12) with the receiver's key.
    pub fn mp_fastclose(receiver_key: [u8; 8]) -> Self {
        Self::MpFastclose(MpFastclose {
            reserved: 0,
            receiver_key,
        })
    }

    /// MP_TCPRST (length 4): T (the error is transient) and the reason; U, V, W zero.
    pub fn mp_tcprst(transient: bool, reason: TcpRstReason) -> Self {
        Self::MpTcpRst(MpTcpRst {
            reserved: 0,
            transient,
            reason,
        })
    }
}

type Body<'a> = &'a [u8];

/// Kind, Length and byte 2 (the subtype, and the low nibble it leaves to the subtype).
#[inline(always)]
pub(crate) fn put_mptcp_head(
    out: &mut [u8],
    len: usize,
    subtype: u8,
    nibble: u8,
) -> Option<&mut [u8]> {
    // Lengths and nibbles are checked by `validate` before anything is written; saturate and
    // mask rather than wrap into neighbouring bits.
    let len = u8::try_from(len).unwrap_or(u8::MAX);
    put(out, [KIND, len, (subtype << 4) | (nibble & 0x0f)])
}

/// The high 4 of 12 reserved bits (the low nibble of byte 2).
pub(crate) fn reserved_high_nibble(reserved: u16) -> u8 {
    ((reserved >> 8) & 0x0f) as u8
}

/// The low 8 of 12 reserved bits (byte 3).
pub(crate) fn reserved_low_byte(reserved: u16) -> u8 {
    (reserved & 0xff) as u8
}

/// Runs `parser` over the whole body; leftover bytes or a short body are `BadLength`.
pub(crate) fn whole<'a, T>(
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
pub(crate) fn check_length(length: u8, allowed: LengthSet) -> Result<(), MalformedReason> {
    if allowed.contains(length) {
        Ok(())
    } else {
        Err(MalformedReason::BadLength { length, allowed })
    }
}

/// The body of an opaque subtype: at most [`MAX_MPTCP_DATA`] bytes.
pub(crate) fn inline_data(length: u8, body: Body<'_>) -> Result<Body<'_>, MalformedReason> {
    if body.len() <= MAX_MPTCP_DATA {
        Ok(body)
    } else {
        Err(MalformedReason::BadLength {
            length,
            allowed: LENGTHS,
        })
    }
}

/// The 12 reserved bits (the nibble and byte 3) and the 8 bytes after them, as MP_FAIL and
/// MP_FASTCLOSE have (length 12).
pub(crate) fn reserved12_then(
    length: u8,
    nibble: u8,
    body: &[u8],
) -> Result<(u16, [u8; 8]), MalformedReason> {
    check_length(length, RESERVED12_LENGTHS)?;
    match body {
        [low, rest @ ..] => {
            let value: [u8; 8] = rest.try_into().map_err(|_| MalformedReason::BadLength {
                length,
                allowed: RESERVED12_LENGTHS,
            })?;
            Ok(((u16::from(nibble) << 8) | u16::from(*low), value))
        }
        [] => Err(MalformedReason::BadLength {
            length,
            allowed: RESERVED12_LENGTHS,
        }),
    }
}

// Serde record and text form.

use std::borrow::Cow;
use std::fmt;

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};

/// A record schema whose nested fields hold the subtypes' own values (the MP_CAPABLE flags,
/// the DSS mapping), as every subtype's `RecordForm` in this module needs.
pub(crate) trait MptcpSchema: Schema<Flags = MpCapableFlags, Mapping = DssMapping> {}

impl<S: Schema<Flags = MpCapableFlags, Mapping = DssMapping>> MptcpSchema for S {}

/// `"subtype"` (the number), `"mptcp"` (the name), then the subtype's fields.
impl<S: MptcpSchema> RecordForm<S> for MptcpOption {
    fn to_record(&self, r: &mut Record<S>) {
        r.subtype = Some(self.subtype().value());
        r.mptcp = Some(Cow::Borrowed(self.name()));
        self.subtype_to_record(r);
    }

    /// The subtype the record's `"mptcp"` names; a `"subtype"` given must be its number.
    fn from_record(_: Option<u8>, r: &mut Record<S>, _: &Ctx<'_>) -> Result<Self, String> {
        let subtype = r.subtype.take();
        let name = Ctx {
            what: "MPTCP option",
        }
        .need(r.mptcp.take(), "mptcp")?;
        let what = format!("MPTCP option {name:?}");
        let f = Ctx { what: &what };
        let Some(option) = Self::subtype_from_record(name.as_ref(), subtype, r, &f) else {
            return Err(format!(
                "unknown MPTCP option {:?} (a subtype name such as `dss`, or `unassigned`)",
                name.as_ref()
            ));
        };
        let option = option?;
        if let Some(given) = subtype {
            if given != option.subtype().value() {
                return Err(f.err(format_args!(
                    "has subtype {}, not {given}",
                    option.subtype().value()
                )));
            }
        }
        Ok(option)
    }
}

/// `mptcp` and the subtype as tcpdump names it (`capable`, `join`, `dss`, `add-addr`, ...),
/// then its fields.
impl TextForm for MptcpOption {
    fn text(&self, _: u8, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("mptcp ")?;
        self.subtype_text(f)
    }
}
