//! TCP options: the [`TcpOption`] value, one parser and one generator per kind side by side,
//! and the option-area framing shared by both parsing modes.
//!
//! Parsers are nom parsers over the option's *body* (the bytes after Kind and Length), run only
//! after the framing has checked the length against [`allowed_lengths`]; generators are
//! cookie-factory serializers writing the whole option.

use std::io::Write;

use cookie_factory::bytes::{be_u16 as gen_u16, be_u32 as gen_u32, be_u8 as gen_u8};
use cookie_factory::combinator::slice as gen_slice;
use cookie_factory::sequence::tuple as gen_tuple;
use cookie_factory::{GenResult, SerializeFn, WriteContext};
use nom::{IResult, Parser};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::bytes::InlineBytes;
use crate::codec::CustomOption;
use crate::error::{Error, LengthSet, MalformedReason};
use crate::mptcp::MptcpOption;
use crate::number::{array, be_u16, be_u24, be_u32, be_u8};
use crate::registry::{AltChecksumAlgorithm, TcpOptionKind};

/// The most option bytes a header can carry (data offset 15).
pub const MAX_OPTION_AREA: usize = 40;

/// The ordered option list of a header. Inline storage for 6 options: real headers (the Linux
/// SYN has 5, a timestamped SACK ACK 6, the Linux MPTCP SYN 6) never touch the heap; longer
/// lists (40 NOPs) spill to the heap, bounded by the 40-byte option area.
pub type OptionList = SmallVec<[TcpOption; 6]>;

/// The SACK blocks of one SACK option (1..=4 on the wire), stored inline.
pub type SackBlocks = SmallVec<[SackBlock; 4]>;

/// ExID of TCP Fast Open carried in an RFC 6994 experiment option (before kind 34 existed).
pub const EXID_FAST_OPEN: u16 = 0xF989;

/// One TCP option, fully decoded. Every bit on the wire is a field; lengths are derived from
/// the content.
///
/// In JSON every option is an object with `"kind"` (the number), `"type"` (the snake_case name
/// below) and its fields; byte strings are lowercase hex.
///
/// ```
/// use tcpwire::TcpOption;
/// let ts = TcpOption::Timestamps { tsval: 1, tsecr: 2 };
/// assert_eq!(ts.kind(), 8);
/// assert_eq!(ts.to_bytes().unwrap(), [8, 10, 0, 0, 0, 1, 0, 0, 0, 2]);
/// assert_eq!(
///     serde_json::to_string(&ts).unwrap(),
///     r#"{"kind":8,"type":"timestamps","tsval":1,"tsecr":2}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TcpOption {
    /// Kind 0, End of Option List (RFC 9293). Whatever follows is the header's padding.
    Eol,
    /// Kind 1, No-Operation (RFC 9293).
    Nop,
    /// Kind 2, Maximum Segment Size (RFC 9293), length 4.
    Mss {
        /// The largest segment the sender will receive.
        mss: u16,
    },
    /// Kind 3, Window Scale (RFC 7323), length 3.
    WindowScale {
        /// The shift count as sent; values over 14 are kept (RFC 7323 uses them as 14).
        shift: u8,
    },
    /// Kind 4, SACK Permitted (RFC 2018), length 2.
    SackPermitted,
    /// Kind 5, SACK (RFC 2018), length 2 + 8n for 1..=4 blocks.
    Sack {
        /// The blocks, in wire order.
        blocks: SackBlocks,
    },
    /// Kind 6, Echo (RFC 1072, obsolete), length 6.
    Echo {
        /// The 4 bytes of info, as a big-endian number.
        info: u32,
    },
    /// Kind 7, Echo Reply (RFC 1072, obsolete), length 6.
    EchoReply {
        /// The 4 bytes of info, as a big-endian number.
        info: u32,
    },
    /// Kind 8, Timestamps (RFC 7323), length 10.
    Timestamps {
        /// Timestamp value.
        tsval: u32,
        /// Timestamp echo reply.
        tsecr: u32,
    },
    /// Kind 9, Partial Order Connection Permitted (RFC 1693, obsolete), length 2.
    PocPermitted,
    /// Kind 10, Partial Order Service Profile (RFC 1693, obsolete), length 3.
    PocServiceProfile {
        /// Start flag (bit 7).
        start: bool,
        /// End flag (bit 6).
        end: bool,
        /// The low 6 bits, kept as sent.
        filler: u8,
    },
    /// Kind 11, CC (RFC 1644, obsolete), length 6.
    Cc {
        /// Connection count.
        count: u32,
    },
    /// Kind 12, CC.NEW (RFC 1644, obsolete), length 6.
    CcNew {
        /// Connection count.
        count: u32,
    },
    /// Kind 13, CC.ECHO (RFC 1644, obsolete), length 6.
    CcEcho {
        /// Connection count.
        count: u32,
    },
    /// Kind 14, Alternate Checksum Request (RFC 1146, obsolete), length 3.
    AltChecksumRequest {
        /// The algorithm asked for.
        algorithm: AltChecksumAlgorithm,
    },
    /// Kind 15, Alternate Checksum Data (RFC 1146, obsolete), length 2 + data.
    AltChecksumData {
        /// The checksum bytes.
        data: InlineBytes<38>,
    },
    /// Kind 19, MD5 Signature (RFC 2385), length 18.
    Md5Signature {
        /// The 16-byte digest.
        digest: [u8; 16],
    },
    /// Kind 27, Quick-Start Response (RFC 4782), length 8.
    QuickStartResponse {
        /// The 4 reserved bits before the rate request.
        reserved: u8,
        /// The 4-bit rate request.
        rate_request: u8,
        /// TTL difference.
        ttl_diff: u8,
        /// The 30-bit QS nonce.
        nonce: u32,
        /// The 2 reserved bits after the nonce.
        nonce_reserved: u8,
    },
    /// Kind 28, User Timeout (RFC 5482), length 4.
    UserTimeout {
        /// The unit of `timeout` (the G bit).
        granularity: Granularity,
        /// The 15-bit timeout.
        timeout: u16,
    },
    /// Kind 29, TCP Authentication Option (RFC 5925), length 4 + MAC.
    TcpAo {
        /// KeyID of the MKT used.
        key_id: u8,
        /// RNextKeyID: the key the sender would like to receive with.
        rnext_key_id: u8,
        /// The message authentication code.
        mac: InlineBytes<36>,
    },
    /// Kind 30, Multipath TCP (RFC 6824, RFC 8684).
    Mptcp(MptcpOption),
    /// Kind 34, TCP Fast Open (RFC 7413): length 2 (cookie request) or 6..=18.
    FastOpen {
        /// The cookie; empty for a cookie request.
        cookie: InlineBytes<16>,
    },
    /// Kind 69, Encryption Negotiation (RFC 8547), suboptions kept as bytes.
    Eno {
        /// The suboption bytes.
        data: InlineBytes<38>,
    },
    /// Kind 172, AccECN Order 0 (RFC 9768): counters in the order EE0B, ECEB, EE1B.
    AccEcnOrder0(AccEcnCounters),
    /// Kind 174, AccECN Order 1 (RFC 9768): counters in the order EE1B, ECEB, EE0B.
    AccEcnOrder1(AccEcnCounters),
    /// TCP Fast Open in an RFC 6994 experiment option (kind 253 or 254, ExID 0xF989).
    ExperimentalFastOpen {
        /// 253 or 254.
        kind: u8,
        /// The cookie; empty for a cookie request.
        cookie: InlineBytes<16>,
    },
    /// Kinds 253 and 254, RFC 3692-style experiments with an RFC 6994 ExID.
    Experiment {
        /// 253 or 254.
        kind: u8,
        /// The 16-bit experiment identifier.
        exid: u16,
        /// The experiment's bytes after the ExID.
        data: InlineBytes<36>,
    },
    /// Any kind this crate does not decode, with its bytes after Kind and Length.
    Unknown {
        /// The kind byte.
        kind: u8,
        /// The bytes after Kind and Length.
        data: InlineBytes<38>,
    },
    /// An option decoded by a codec registered with a [`Parser`](crate::Parser), kept with its
    /// exact bytes (never produced by the default parsers).
    Custom(CustomOption),
    /// An option that breaks its framing or its specification, kept byte for byte.
    Malformed {
        /// The kind byte.
        kind: u8,
        /// Exactly the bytes the option spans, from its kind byte on (to the end of the option
        /// area when its length cannot be trusted).
        bytes: InlineBytes<40>,
        /// What is wrong with it.
        reason: MalformedReason,
    },
}

/// A SACK block: the left and right edges of a received range (RFC 2018).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SackBlock {
    /// First sequence number of the block.
    pub left: u32,
    /// Sequence number just after the block.
    pub right: u32,
}

/// The unit of a User Timeout (RFC 5482 G bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// G = 0.
    Seconds,
    /// G = 1.
    Minutes,
}

/// The 24-bit AccECN counters of an AccECN option (RFC 9768), named by what they count. The
/// wire order depends on the option kind; a counter is present only if the ones before it (in
/// that order) are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
pub struct AccEcnCounters {
    /// Bytes received with ECT(0).
    pub ee0b: Option<u32>,
    /// Bytes received with CE.
    pub eceb: Option<u32>,
    /// Bytes received with ECT(1).
    pub ee1b: Option<u32>,
}

/// Absent counters are left out in human-readable formats and written as `None` in binary
/// ones, which need every field in place.
impl Serialize for AccEcnCounters {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let fields = [
            ("ee0b", self.ee0b),
            ("eceb", self.eceb),
            ("ee1b", self.ee1b),
        ];
        let readable = s.is_human_readable();
        let mut st = s.serialize_struct("AccEcnCounters", 3)?;
        for (name, value) in fields {
            if readable && value.is_none() {
                st.skip_field(name)?;
            } else {
                st.serialize_field(name, &value)?;
            }
        }
        st.end()
    }
}

impl AccEcnCounters {
    /// The counters in wire order for the option kind (172: EE0B ECEB EE1B; 174: EE1B ECEB EE0B).
    fn in_order(&self, order1: bool) -> [Option<u32>; 3] {
        if order1 {
            [self.ee1b, self.eceb, self.ee0b]
        } else {
            [self.ee0b, self.eceb, self.ee1b]
        }
    }

    fn from_order(values: [Option<u32>; 3], order1: bool) -> Self {
        let [a, b, c] = values;
        if order1 {
            Self {
                ee1b: a,
                eceb: b,
                ee0b: c,
            }
        } else {
            Self {
                ee0b: a,
                eceb: b,
                ee1b: c,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lengths

/// The option lengths (the Length byte, counting Kind and Length) that kind `kind`'s
/// specification allows. Kinds without a fixed rule (unknown ones) allow 2..=40. For MPTCP
/// (kind 30) this is the outer bound only; the subtype decides further.
///
/// ```
/// assert!(tcpwire::allowed_lengths(5).contains(18));
/// assert!(!tcpwire::allowed_lengths(2).contains(5));
/// ```
pub const fn allowed_lengths(kind: u8) -> LengthSet {
    match kind {
        0 | 1 => LengthSet::exactly(1),
        2 | 28 => LengthSet::exactly(4),
        3 | 10 | 14 => LengthSet::exactly(3),
        4 | 9 => LengthSet::exactly(2),
        5 => LengthSet::of(&[10, 18, 26, 34]),
        6 | 7 | 11 | 12 | 13 => LengthSet::exactly(6),
        8 => LengthSet::exactly(10),
        19 => LengthSet::exactly(18),
        27 => LengthSet::exactly(8),
        29 | 253 | 254 => LengthSet::range(4, 40),
        30 => LengthSet::range(3, 40),
        // RFC 7413 s4.1.1: a cookie request (2), or a 4..=16-byte cookie; the length MUST be
        // even.
        34 => FAST_OPEN_LENGTHS,
        172 | 174 => LengthSet::of(&[2, 5, 8, 11]),
        _ => LengthSet::range(2, 40),
    }
}

/// Option lengths allowed for TCP Fast Open (kind 34): even, 2 or 6..=18 (RFC 7413 s4.1.1).
const FAST_OPEN_LENGTHS: LengthSet = LengthSet::of(&[2, 6, 8, 10, 12, 14, 16, 18]);

/// Option lengths allowed for TCP Fast Open inside an experiment option (ExID 0xF989): the
/// same cookie after 2 more bytes, so even, 4 or 8..=20.
const EXPERIMENTAL_FAST_OPEN_LENGTHS: LengthSet = LengthSet::of(&[4, 8, 10, 12, 14, 16, 18, 20]);

/// Whether this crate decodes `kind` into its own variant (else it is [`TcpOption::Unknown`]).
pub const fn is_decoded_kind(kind: u8) -> bool {
    matches!(
        kind,
        0..=15 | 19 | 27..=30 | 34 | 69 | 172 | 174 | 253 | 254
    )
}

// ---------------------------------------------------------------------------------------------
// Per-kind parsers (over the body, after Kind and Length) and generators (the whole option)

type Body<'a> = &'a [u8];

/// Kind and Length bytes.
fn gen_kind_len<W: Write>(kind: u8, len: usize) -> impl SerializeFn<W> {
    // Lengths are checked by `validate` before anything is written; saturate rather than wrap.
    gen_tuple((gen_u8(kind), gen_u8(u8::try_from(len).unwrap_or(u8::MAX))))
}

fn parse_u32_value(body: Body<'_>) -> IResult<Body<'_>, u32> {
    be_u32(body)
}

// MSS (2)
#[inline(always)]
fn parse_mss(body: Body<'_>) -> IResult<Body<'_>, u16> {
    be_u16(body)
}
fn gen_mss<W: Write>(mss: u16) -> impl SerializeFn<W> {
    gen_tuple((gen_kind_len(2, 4), gen_u16(mss)))
}

// Window Scale (3)
#[inline(always)]
fn parse_window_scale(body: Body<'_>) -> IResult<Body<'_>, u8> {
    be_u8(body)
}
fn gen_window_scale<W: Write>(shift: u8) -> impl SerializeFn<W> {
    gen_tuple((gen_kind_len(3, 3), gen_u8(shift)))
}

// SACK (5)
#[inline(always)]
fn parse_sack_block(body: Body<'_>) -> IResult<Body<'_>, SackBlock> {
    (be_u32, be_u32)
        .map(|(left, right)| SackBlock { left, right })
        .parse(body)
}
/// One to four blocks, as many as the body holds (`fold_many_m_n(1, 4, ..)` unrolled: nom's
/// combinator costs more per block than the block itself).
#[inline(always)]
fn parse_sack(body: Body<'_>) -> IResult<Body<'_>, SackBlocks> {
    let mut blocks = SackBlocks::new();
    let mut rest = body;
    while blocks.len() < blocks.inline_size() {
        let (after, block) = parse_sack_block(rest)?;
        blocks.push(block);
        rest = after;
        if rest.is_empty() {
            break;
        }
    }
    Ok((rest, blocks))
}
fn gen_sack<W: Write>(blocks: &[SackBlock]) -> impl SerializeFn<W> + '_ {
    move |mut out: WriteContext<W>| {
        out = gen_kind_len(5, 2 + 8 * blocks.len())(out)?;
        for b in blocks {
            out = gen_tuple((gen_u32(b.left), gen_u32(b.right)))(out)?;
        }
        Ok(out)
    }
}

// Echo (6), Echo Reply (7), CC (11), CC.NEW (12), CC.ECHO (13): a 32-bit value
fn gen_u32_option<W: Write>(kind: u8, value: u32) -> impl SerializeFn<W> {
    gen_tuple((gen_kind_len(kind, 6), gen_u32(value)))
}

// Timestamps (8)
#[inline(always)]
fn parse_timestamps(body: Body<'_>) -> IResult<Body<'_>, (u32, u32)> {
    (be_u32, be_u32).parse(body)
}
fn gen_timestamps<W: Write>(tsval: u32, tsecr: u32) -> impl SerializeFn<W> {
    gen_tuple((gen_kind_len(8, 10), gen_u32(tsval), gen_u32(tsecr)))
}

// Partial Order Service Profile (10)
fn parse_poc_service_profile(body: Body<'_>) -> IResult<Body<'_>, TcpOption> {
    be_u8
        .map(|b| TcpOption::PocServiceProfile {
            start: b & 0x80 != 0,
            end: b & 0x40 != 0,
            filler: b & 0x3f,
        })
        .parse(body)
}
fn gen_poc_service_profile<W: Write>(start: bool, end: bool, filler: u8) -> impl SerializeFn<W> {
    let b = (u8::from(start) << 7) | (u8::from(end) << 6) | (filler & 0x3f);
    gen_tuple((gen_kind_len(10, 3), gen_u8(b)))
}

// Alternate Checksum Request (14)
fn parse_alt_checksum_request(body: Body<'_>) -> IResult<Body<'_>, TcpOption> {
    be_u8
        .map(|v| TcpOption::AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::from_value(v),
        })
        .parse(body)
}

// MD5 Signature (19)
fn parse_md5(body: Body<'_>) -> IResult<Body<'_>, TcpOption> {
    array::<16>
        .map(|digest| TcpOption::Md5Signature { digest })
        .parse(body)
}

// Quick-Start Response (27)
fn parse_quick_start(body: Body<'_>) -> IResult<Body<'_>, TcpOption> {
    (be_u8, be_u8, be_u32)
        .map(|(rate, ttl_diff, nonce)| TcpOption::QuickStartResponse {
            reserved: rate >> 4,
            rate_request: rate & 0x0f,
            ttl_diff,
            nonce: nonce >> 2,
            nonce_reserved: (nonce & 0x3) as u8,
        })
        .parse(body)
}
fn gen_quick_start<W: Write>(
    reserved: u8,
    rate_request: u8,
    ttl_diff: u8,
    nonce: u32,
    nonce_reserved: u8,
) -> impl SerializeFn<W> {
    gen_tuple((
        gen_kind_len(27, 8),
        gen_u8((reserved << 4) | (rate_request & 0x0f)),
        gen_u8(ttl_diff),
        gen_u32((nonce << 2) | u32::from(nonce_reserved & 0x3)),
    ))
}

// User Timeout (28)
fn parse_user_timeout(body: Body<'_>) -> IResult<Body<'_>, TcpOption> {
    be_u16
        .map(|v| TcpOption::UserTimeout {
            granularity: if v & 0x8000 != 0 {
                Granularity::Minutes
            } else {
                Granularity::Seconds
            },
            timeout: v & 0x7fff,
        })
        .parse(body)
}
fn gen_user_timeout<W: Write>(granularity: Granularity, timeout: u16) -> impl SerializeFn<W> {
    let g = match granularity {
        Granularity::Seconds => 0,
        Granularity::Minutes => 0x8000,
    };
    gen_tuple((gen_kind_len(28, 4), gen_u16(g | (timeout & 0x7fff))))
}

// TCP-AO (29)
fn parse_tcp_ao(body: Body<'_>) -> IResult<Body<'_>, TcpOption> {
    (be_u8, be_u8, inline_rest::<36>)
        .map(|(key_id, rnext_key_id, mac)| TcpOption::TcpAo {
            key_id,
            rnext_key_id,
            mac,
        })
        .parse(body)
}

// AccECN (172, 174)
fn parse_accecn(order1: bool) -> impl Fn(Body<'_>) -> IResult<Body<'_>, AccEcnCounters> {
    move |mut body| {
        let mut values = [None; 3];
        for slot in &mut values {
            if body.is_empty() {
                break;
            }
            let (rest, v) = be_u24(body)?;
            *slot = Some(v);
            body = rest;
        }
        Ok((body, AccEcnCounters::from_order(values, order1)))
    }
}
fn gen_accecn<W: Write>(kind: u8, counters: &AccEcnCounters) -> impl SerializeFn<W> {
    let values = counters.in_order(kind == 174);
    let n = values.iter().take_while(|v| v.is_some()).count();
    move |mut out: WriteContext<W>| {
        out = gen_kind_len(kind, 2 + 3 * n)(out)?;
        for v in values.iter().take(n).flatten() {
            out = cookie_factory::bytes::be_u24(*v)(out)?;
        }
        Ok(out)
    }
}

// Experiments (253, 254) with an RFC 6994 ExID
fn parse_experiment(
    kind: u8,
    length: u8,
) -> impl Fn(Body<'_>) -> Result<TcpOption, MalformedReason> {
    move |body| {
        let (data, exid) = be_u16(body).map_err(|_| MalformedReason::BadLength {
            length,
            allowed: allowed_lengths(kind),
        })?;
        if exid == EXID_FAST_OPEN {
            if !EXPERIMENTAL_FAST_OPEN_LENGTHS.contains(length) {
                return Err(MalformedReason::BadLength {
                    length,
                    allowed: EXPERIMENTAL_FAST_OPEN_LENGTHS,
                });
            }
            let cookie = InlineBytes::from_slice(data).ok_or(MalformedReason::BadLength {
                length,
                allowed: EXPERIMENTAL_FAST_OPEN_LENGTHS,
            })?;
            return Ok(TcpOption::ExperimentalFastOpen { kind, cookie });
        }
        let data = InlineBytes::from_slice(data).ok_or(MalformedReason::BadLength {
            length,
            allowed: allowed_lengths(kind),
        })?;
        Ok(TcpOption::Experiment { kind, exid, data })
    }
}

/// A generic option: kind, length, then `data` as it is.
fn gen_opaque<'a, W: Write + 'a>(kind: u8, data: &'a [u8]) -> impl SerializeFn<W> + 'a {
    gen_tuple((gen_kind_len(kind, 2 + data.len()), gen_slice(data)))
}

/// The rest of the body as inline bytes (fails if it does not fit, which the length rules
/// rule out).
fn inline_rest<const N: usize>(body: Body<'_>) -> IResult<Body<'_>, InlineBytes<N>> {
    match InlineBytes::from_slice(body) {
        Some(bytes) => Ok((&body[body.len()..], bytes)),
        None => Err(nom::Err::Error(nom::error::Error::new(
            body,
            nom::error::ErrorKind::TooLarge,
        ))),
    }
}

/// Decodes one option whose framing is sound and appends it to the list: `bytes` is the whole
/// option (Kind, Length, body) and `bytes.len()` equals its Length byte (>= 2).
///
/// The kinds of nearly every real header (MSS, window scale, SACK permitted, SACK, timestamps)
/// with their one allowed length go straight to their parsers, inlined into the option loop,
/// and the option is written straight into its slot of the list (a value built first and
/// moved into the list would be copied, and the copy would wait on the writes that built it);
/// everything else, and every wrong length, takes [`decode_other`].
#[inline(always)]
fn push_decoded(
    options: &mut Placer<'_>,
    bytes_left: usize,
    kind: u8,
    bytes: &[u8],
) -> Result<(), MalformedReason> {
    let body = bytes.get(2..).unwrap_or_default();
    match (kind, bytes.len()) {
        (2, 4) => {
            let mss = exact(kind, bytes, parse_mss(body))?;
            if let Some(slot) = options.next_slot(bytes_left) {
                *slot = TcpOption::Mss { mss };
            }
        }
        (3, 3) => {
            let shift = exact(kind, bytes, parse_window_scale(body))?;
            if let Some(slot) = options.next_slot(bytes_left) {
                *slot = TcpOption::WindowScale { shift };
            }
        }
        (4, 2) => {
            if let Some(slot) = options.next_slot(bytes_left) {
                *slot = TcpOption::SackPermitted;
            }
        }
        (5, 10 | 18 | 26 | 34) => {
            let blocks = exact(kind, bytes, parse_sack(body))?;
            if let Some(slot) = options.next_slot(bytes_left) {
                *slot = TcpOption::Sack { blocks };
            }
        }
        (8, 10) => {
            let (tsval, tsecr) = exact(kind, bytes, parse_timestamps(body))?;
            if let Some(slot) = options.next_slot(bytes_left) {
                *slot = TcpOption::Timestamps { tsval, tsecr };
            }
        }
        _ => options.place(decode_other(kind, bytes)?, bytes_left),
    }
    Ok(())
}

/// The value a body parser gave when it took the whole body, else the option's length as a
/// bad one (which the length checks before rule out).
#[inline(always)]
fn exact<T>(kind: u8, bytes: &[u8], parsed: IResult<Body<'_>, T>) -> Result<T, MalformedReason> {
    match parsed {
        Ok(([], value)) => Ok(value),
        _ => Err(MalformedReason::BadLength {
            length: u8::try_from(bytes.len()).unwrap_or(u8::MAX),
            allowed: allowed_lengths(kind),
        }),
    }
}

/// Decodes one option whose framing is sound (as [`push_decoded`]), for every kind and
/// length: the length checked against [`allowed_lengths`], then the kind's parser.
#[inline(never)]
fn decode_other(kind: u8, bytes: &[u8]) -> Result<TcpOption, MalformedReason> {
    let length = u8::try_from(bytes.len()).unwrap_or(u8::MAX);
    let body = bytes.get(2..).unwrap_or_default();
    let allowed = allowed_lengths(kind);
    if !allowed.contains(length) {
        return Err(MalformedReason::BadLength { length, allowed });
    }
    let bad = |_| MalformedReason::BadLength { length, allowed };
    let whole = |r: IResult<Body<'_>, TcpOption>| match r {
        Ok(([], opt)) => Ok(opt),
        _ => Err(MalformedReason::BadLength { length, allowed }),
    };
    match kind {
        2 => whole(parse_mss.map(|mss| TcpOption::Mss { mss }).parse(body)),
        3 => whole(
            parse_window_scale
                .map(|shift| TcpOption::WindowScale { shift })
                .parse(body),
        ),
        4 => Ok(TcpOption::SackPermitted),
        5 => whole(
            parse_sack
                .map(|blocks| TcpOption::Sack { blocks })
                .parse(body),
        ),
        6 => parse_u32_value(body)
            .map(|(_, info)| TcpOption::Echo { info })
            .map_err(bad),
        7 => parse_u32_value(body)
            .map(|(_, info)| TcpOption::EchoReply { info })
            .map_err(bad),
        8 => whole(
            parse_timestamps
                .map(|(tsval, tsecr)| TcpOption::Timestamps { tsval, tsecr })
                .parse(body),
        ),
        9 => Ok(TcpOption::PocPermitted),
        10 => whole(parse_poc_service_profile(body)),
        11 => parse_u32_value(body)
            .map(|(_, count)| TcpOption::Cc { count })
            .map_err(bad),
        12 => parse_u32_value(body)
            .map(|(_, count)| TcpOption::CcNew { count })
            .map_err(bad),
        13 => parse_u32_value(body)
            .map(|(_, count)| TcpOption::CcEcho { count })
            .map_err(bad),
        14 => whole(parse_alt_checksum_request(body)),
        15 => whole(inline_rest(body).map(|(r, data)| (r, TcpOption::AltChecksumData { data }))),
        19 => whole(parse_md5(body)),
        27 => whole(parse_quick_start(body)),
        28 => whole(parse_user_timeout(body)),
        29 => whole(parse_tcp_ao(body)),
        30 => crate::mptcp::parse_mptcp(bytes).map(TcpOption::Mptcp),
        34 => whole(inline_rest(body).map(|(r, cookie)| (r, TcpOption::FastOpen { cookie }))),
        69 => whole(inline_rest(body).map(|(r, data)| (r, TcpOption::Eno { data }))),
        172 => whole(parse_accecn(false)(body).map(|(r, c)| (r, TcpOption::AccEcnOrder0(c)))),
        174 => whole(parse_accecn(true)(body).map(|(r, c)| (r, TcpOption::AccEcnOrder1(c)))),
        253 | 254 => parse_experiment(kind, length)(body),
        _ => whole(inline_rest(body).map(|(r, data)| (r, TcpOption::Unknown { kind, data }))),
    }
}

// ---------------------------------------------------------------------------------------------
// The option area

/// How a parser treats a malformed option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ParseMode {
    /// A malformed option is an [`Error::MalformedOption`].
    #[default]
    Strict,
    /// A malformed option is kept as [`TcpOption::Malformed`] and parsing goes on where the
    /// framing allows.
    Lossless,
}

/// Parses an option area (at most 40 bytes) into the option list and the padding after an EOL.
///
/// `base_offset` is the area's offset in the header (20), used in error messages.
///
/// ```
/// use tcpwire::{parse_options, ParseMode, TcpOption};
/// let (options, padding) = parse_options(&[2, 4, 5, 0xb4, 1, 0, 7], 20, ParseMode::Strict).unwrap();
/// assert_eq!(options.as_slice(), &[TcpOption::Mss { mss: 1460 }, TcpOption::Nop, TcpOption::Eol]);
/// assert_eq!(padding.as_slice(), &[7]);
/// ```
pub fn parse_options(
    area: &[u8],
    base_offset: usize,
    mode: ParseMode,
) -> Result<(OptionList, InlineBytes<MAX_OPTION_AREA>), Error> {
    let mut options = OptionList::new();
    let mut padding = InlineBytes::new();
    parse_options_into(area, base_offset, mode, &mut options, &mut padding)?;
    Ok((options, padding))
}

/// [`parse_options`] into the caller's storage: the options parsed are written over the
/// elements `options` holds (dropping them) and pushed after them, and the list is left holding
/// exactly those options; so a header can be built, or parsed again, in place.
#[inline(always)]
pub(crate) fn parse_options_into(
    area: &[u8],
    base_offset: usize,
    mode: ParseMode,
    options: &mut OptionList,
    padding: &mut InlineBytes<MAX_OPTION_AREA>,
) -> Result<(), Error> {
    let mut placer = Placer {
        list: options,
        len: 0,
    };
    let outcome = parse_area(area, base_offset, mode, &mut placer, padding);
    placer.list.truncate(placer.len);
    outcome
}

/// The loop of [`parse_options_into`].
#[inline(always)]
fn parse_area(
    area: &[u8],
    base_offset: usize,
    mode: ParseMode,
    options: &mut Placer<'_>,
    padding: &mut InlineBytes<MAX_OPTION_AREA>,
) -> Result<(), Error> {
    if area.len() > MAX_OPTION_AREA {
        return Err(Error::TooLong {
            what: "option area",
            length: area.len(),
            max: MAX_OPTION_AREA,
        });
    }
    // Offset of the option starting at `rest` from the start of the header.
    let offset = |rest: &[u8]| base_offset + (area.len() - rest.len());
    let mut rest = area;
    while let Some((&kind, after_kind)) = rest.split_first() {
        match kind {
            0 => {
                if let Some(slot) = options.next_slot(rest.len()) {
                    *slot = TcpOption::Eol;
                }
                // The area is at most 40 bytes (checked above), so this always fits.
                *padding = InlineBytes::from_slice(after_kind).unwrap_or_default();
                return Ok(());
            }
            1 => {
                if let Some(slot) = options.next_slot(rest.len()) {
                    *slot = TcpOption::Nop;
                }
                rest = after_kind;
            }
            _ => match frame(kind, rest) {
                Ok((bytes, next)) => {
                    if let Err(reason) = push_decoded(options, rest.len(), kind, bytes) {
                        let option = malformed(kind, bytes, reason, offset(rest), mode)?;
                        options.place(option, rest.len());
                    }
                    rest = next;
                }
                Err(reason) => {
                    let option = malformed(kind, rest, reason, offset(rest), mode)?;
                    options.place(option, rest.len());
                    return Ok(());
                }
            },
        }
    }
    Ok(())
}

/// Where parsing puts options: over the elements the list already holds, then in new ones.
///
/// An option is written straight into its place (`*slot = TcpOption::Mss { .. }` writes the
/// kind and the field, nothing else). Pushing a value instead would build it in a temporary
/// and copy all 56 bytes of it, and the copy would have to wait for the writes that built it.
struct Placer<'a> {
    list: &'a mut OptionList,
    /// Options placed so far.
    len: usize,
}

impl Placer<'_> {
    /// The place of the next option: the next old element, or a new one (holding a NOP until
    /// the caller writes over it). When the list's storage is full (its 6 inline slots, the
    /// first time), it grows once with room for every option the rest of the area could hold
    /// (at most 40 in all), so a header never allocates more than once.
    #[inline(always)]
    fn next_slot(&mut self, bytes_left: usize) -> Option<&mut TcpOption> {
        if self.len == self.list.len() {
            if self.len == self.list.capacity() {
                make_room(self.list, bytes_left);
            }
            self.list.push(TcpOption::Nop);
        }
        let slot = self.list.get_mut(self.len);
        self.len += 1;
        slot
    }

    /// Places an option built elsewhere.
    #[inline(always)]
    fn place(&mut self, option: TcpOption, bytes_left: usize) {
        if let Some(slot) = self.next_slot(bytes_left) {
            *slot = option;
        }
    }
}

/// A list of 6 NOPs in its inline storage: the places a header's options are parsed into
/// ([`parse_options_into`] writes over them and drops the ones left over).
#[inline(always)]
pub(crate) fn nop_slots() -> OptionList {
    const NOP: TcpOption = TcpOption::Nop;
    OptionList::from_buf([NOP; 6])
}

/// Room for `bytes_left` more options (at most the 40 an area can hold).
#[cold]
#[inline(never)]
fn make_room(options: &mut OptionList, bytes_left: usize) {
    options.reserve_exact(bytes_left.min(MAX_OPTION_AREA));
}

/// Splits the option starting at `rest[0]` (not EOL or NOP) off the area, or says why its
/// framing is broken.
#[inline(always)]
fn frame(kind: u8, rest: &[u8]) -> Result<(&[u8], &[u8]), MalformedReason> {
    let _ = kind;
    let length = *rest.get(1).ok_or(MalformedReason::MissingLength)?;
    if length < 2 {
        return Err(MalformedReason::LengthBelowTwo { length });
    }
    rest.split_at_checked(usize::from(length))
        .ok_or(MalformedReason::Overrun {
            length,
            available: u8::try_from(rest.len()).unwrap_or(u8::MAX),
        })
}

#[cold]
fn malformed(
    kind: u8,
    bytes: &[u8],
    reason: MalformedReason,
    offset: usize,
    mode: ParseMode,
) -> Result<TcpOption, Error> {
    match mode {
        ParseMode::Strict => Err(Error::MalformedOption {
            kind,
            offset,
            reason,
        }),
        ParseMode::Lossless => Ok(TcpOption::Malformed {
            kind,
            bytes: InlineBytes::try_from(bytes)?,
            reason,
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Whole-option methods

impl TcpOption {
    /// Parses `bytes` as exactly one option (strict): bytes left after it are an error
    /// ([`Error::TrailingBytes`]). Use [`parse_prefix`](Self::parse_prefix) to parse one
    /// option from the start of an option area and get the rest.
    ///
    /// ```
    /// use tcpwire::TcpOption;
    /// assert_eq!(TcpOption::parse(&[3, 3, 7])?, TcpOption::WindowScale { shift: 7 });
    /// assert!(TcpOption::parse(&[3, 3, 7, 1]).is_err());
    /// # Ok::<(), tcpwire::Error>(())
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<TcpOption, Error> {
        Self::parse_with(bytes, ParseMode::Strict)
    }

    /// Parses `bytes` as exactly one option, keeping it as [`TcpOption::Malformed`] when it
    /// breaks its specification.
    pub fn parse_lossless(bytes: &[u8]) -> Result<TcpOption, Error> {
        Self::parse_with(bytes, ParseMode::Lossless)
    }

    /// Parses `bytes` as exactly one option in the given mode.
    pub fn parse_with(bytes: &[u8], mode: ParseMode) -> Result<TcpOption, Error> {
        let (option, rest) = Self::parse_prefix(bytes, mode)?;
        if rest.is_empty() {
            Ok(option)
        } else {
            Err(Error::TrailingBytes {
                what: "option",
                length: bytes.len() - rest.len(),
                trailing: rest.len(),
            })
        }
    }

    /// Parses one option from the start of `bytes` in the given mode, returning it and the
    /// rest. EOL is returned on its own; the caller decides what follows it.
    ///
    /// ```
    /// use tcpwire::{ParseMode, TcpOption};
    /// let (opt, rest) = TcpOption::parse_prefix(&[3, 3, 7, 1], ParseMode::Strict)?;
    /// assert_eq!(opt, TcpOption::WindowScale { shift: 7 });
    /// assert_eq!(rest, &[1]);
    /// # Ok::<(), tcpwire::Error>(())
    /// ```
    pub fn parse_prefix(bytes: &[u8], mode: ParseMode) -> Result<(TcpOption, &[u8]), Error> {
        let Some((&kind, after_kind)) = bytes.split_first() else {
            return Err(Error::TooShort { available: 0 });
        };
        match kind {
            0 => Ok((TcpOption::Eol, after_kind)),
            1 => Ok((TcpOption::Nop, after_kind)),
            _ => match frame(kind, bytes) {
                Ok((opt, next)) => match decode_other(kind, opt) {
                    Ok(option) => Ok((option, next)),
                    Err(reason) => Ok((malformed(kind, opt, reason, 0, mode)?, next)),
                },
                Err(reason) => Ok((malformed(kind, bytes, reason, 0, mode)?, &[])),
            },
        }
    }

    /// The kind byte.
    pub fn kind(&self) -> u8 {
        match self {
            Self::Eol => 0,
            Self::Nop => 1,
            Self::Mss { .. } => 2,
            Self::WindowScale { .. } => 3,
            Self::SackPermitted => 4,
            Self::Sack { .. } => 5,
            Self::Echo { .. } => 6,
            Self::EchoReply { .. } => 7,
            Self::Timestamps { .. } => 8,
            Self::PocPermitted => 9,
            Self::PocServiceProfile { .. } => 10,
            Self::Cc { .. } => 11,
            Self::CcNew { .. } => 12,
            Self::CcEcho { .. } => 13,
            Self::AltChecksumRequest { .. } => 14,
            Self::AltChecksumData { .. } => 15,
            Self::Md5Signature { .. } => 19,
            Self::QuickStartResponse { .. } => 27,
            Self::UserTimeout { .. } => 28,
            Self::TcpAo { .. } => 29,
            Self::Mptcp(_) => 30,
            Self::FastOpen { .. } => 34,
            Self::Eno { .. } => 69,
            Self::AccEcnOrder0(_) => 172,
            Self::AccEcnOrder1(_) => 174,
            Self::Custom(c) => c.kind(),
            Self::ExperimentalFastOpen { kind, .. }
            | Self::Experiment { kind, .. }
            | Self::Unknown { kind, .. }
            | Self::Malformed { kind, .. } => *kind,
        }
    }

    /// The kind as an IANA registry value.
    pub fn option_kind(&self) -> TcpOptionKind {
        TcpOptionKind::from_value(self.kind())
    }

    /// The snake_case name of this option's type (the JSON `"type"`), e.g. `"mss"`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ExperimentalFastOpen { .. } => "experimental_fast_open",
            Self::Experiment { .. } => "experiment",
            Self::Unknown { .. } => "unknown",
            Self::Custom(_) => "custom",
            Self::Malformed { .. } => "malformed",
            other => other.option_kind().name(),
        }
    }

    /// How many bytes the option takes on the wire.
    pub fn encoded_len(&self) -> usize {
        match self {
            Self::Eol | Self::Nop => 1,
            Self::Mss { .. } | Self::UserTimeout { .. } => 4,
            Self::WindowScale { .. }
            | Self::PocServiceProfile { .. }
            | Self::AltChecksumRequest { .. } => 3,
            Self::SackPermitted | Self::PocPermitted => 2,
            Self::Sack { blocks } => 2 + 8 * blocks.len(),
            Self::Echo { .. }
            | Self::EchoReply { .. }
            | Self::Cc { .. }
            | Self::CcNew { .. }
            | Self::CcEcho { .. } => 6,
            Self::Timestamps { .. } => 10,
            Self::AltChecksumData { data } | Self::Eno { data } | Self::Unknown { data, .. } => {
                2 + data.len()
            }
            Self::Md5Signature { .. } => 18,
            Self::QuickStartResponse { .. } => 8,
            Self::TcpAo { mac, .. } => 4 + mac.len(),
            Self::Mptcp(m) => m.encoded_len(),
            Self::FastOpen { cookie } => 2 + cookie.len(),
            Self::AccEcnOrder0(c) => {
                2 + 3 * c.in_order(false).iter().take_while(|v| v.is_some()).count()
            }
            Self::AccEcnOrder1(c) => {
                2 + 3 * c.in_order(true).iter().take_while(|v| v.is_some()).count()
            }
            Self::ExperimentalFastOpen { cookie, .. } => 4 + cookie.len(),
            Self::Experiment { data, .. } => 4 + data.len(),
            Self::Custom(c) => c.bytes().len(),
            Self::Malformed { bytes, .. } => bytes.len(),
        }
    }

    /// Whether this is [`TcpOption::Malformed`].
    pub fn is_malformed(&self) -> bool {
        matches!(self, Self::Malformed { .. })
    }

    /// Checks that the option has an exact encoding, and that parsing that encoding gives this
    /// value back: every field fits its bits, every length is one the option allows.
    ///
    /// The guarantee, for every variant: an option that validates writes bytes that lossless
    /// parsing reads back into an equal option. A [`TcpOption::Custom`] is the one option whose
    /// meaning is not in its bytes alone: it reads back equal through a [`Parser`](crate::Parser)
    /// holding the codec that made it; parsers without that codec read the same bytes as the
    /// built-in option (or [`TcpOption::Unknown`]), byte for byte.
    pub fn validate(&self) -> Result<(), Error> {
        let fail = |what: &'static str, detail: String| Err(Error::Unencodable { what, detail });
        let check_len = |what: &'static str, kind: u8, allowed: LengthSet| {
            let len = self.encoded_len();
            match u8::try_from(len) {
                Ok(l) if allowed.contains(l) => Ok(()),
                _ => fail(
                    what,
                    format!("kind {kind} with length {len}; allowed: {allowed}"),
                ),
            }
        };
        match self {
            Self::Sack { .. } => check_len("SACK option", 5, allowed_lengths(5)),
            Self::PocServiceProfile { filler, .. } if *filler > 0x3f => fail(
                "POC service profile",
                format!("filler {filler} is wider than 6 bits"),
            ),
            Self::QuickStartResponse {
                reserved,
                rate_request,
                nonce,
                nonce_reserved,
                ..
            } => {
                if *reserved > 0xf
                    || *rate_request > 0xf
                    || *nonce >= 1 << 30
                    || *nonce_reserved > 3
                {
                    fail(
                        "Quick-Start response",
                        format!("a field is wider than its bits (reserved {reserved} /4, rate request {rate_request} /4, nonce {nonce} /30, nonce_reserved {nonce_reserved} /2)"),
                    )
                } else {
                    Ok(())
                }
            }
            Self::UserTimeout { timeout, .. } if *timeout > 0x7fff => fail(
                "User Timeout",
                format!("timeout {timeout} is wider than 15 bits"),
            ),
            Self::FastOpen { .. } => check_len("TCP Fast Open option", 34, allowed_lengths(34)),
            Self::AccEcnOrder0(c) | Self::AccEcnOrder1(c) => {
                let order1 = matches!(self, Self::AccEcnOrder1(_));
                let values = c.in_order(order1);
                let n = values.iter().take_while(|v| v.is_some()).count();
                if values.iter().skip(n).any(Option::is_some) {
                    fail(
                        "AccECN option",
                        "a counter is present after an absent one in wire order".into(),
                    )
                } else if values.iter().flatten().any(|v| *v >= 1 << 24) {
                    fail("AccECN option", "a counter is wider than 24 bits".into())
                } else {
                    Ok(())
                }
            }
            Self::ExperimentalFastOpen { kind, .. } => {
                check_experiment_kind(*kind)?;
                check_len(
                    "experimental TCP Fast Open option",
                    *kind,
                    EXPERIMENTAL_FAST_OPEN_LENGTHS,
                )
            }
            Self::Experiment { kind, exid, .. } => {
                check_experiment_kind(*kind)?;
                if *exid == EXID_FAST_OPEN {
                    fail(
                        "experiment option",
                        "ExID 0xF989 is TCP Fast Open: use ExperimentalFastOpen".into(),
                    )
                } else {
                    Ok(())
                }
            }
            Self::Unknown { kind, .. } if is_decoded_kind(*kind) => fail(
                "unknown option",
                format!("kind {kind} is decoded by this crate; use its own variant"),
            ),
            Self::Mptcp(m) => m.validate(),
            Self::Custom(c) => c.validate(),
            Self::Malformed {
                kind,
                bytes,
                reason,
            } => {
                if bytes.first() != Some(kind) {
                    return fail(
                        "malformed option",
                        format!("its bytes must start with its kind {kind}"),
                    );
                }
                // The bytes must be malformed exactly as stated: parsed alone, they give this
                // very option back (a framing error then also runs to the end of the bytes).
                match Self::parse_prefix(bytes, ParseMode::Lossless) {
                    Ok((parsed, [])) if parsed == *self => Ok(()),
                    Ok((Self::Malformed { reason: found, bytes: spanned, .. }, _)) => fail(
                        "malformed option",
                        format!(
                            "bytes {bytes} are stated as \"{reason}\", but parse as \"{found}\" over {} bytes",
                            spanned.len()
                        ),
                    ),
                    Ok((parsed, _)) => fail(
                        "malformed option",
                        format!(
                            "bytes {bytes} are stated as \"{reason}\", but begin with a well-formed {} option",
                            parsed.name()
                        ),
                    ),
                    Err(e) => fail("malformed option", format!("bytes {bytes}: {e}")),
                }
            }
            _ => Ok(()),
        }
    }

    /// Writes the option (checked by [`validate`](Self::validate) first) to a new vector.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        self.validate()?;
        let (buf, _) =
            cookie_factory::gen(gen_option(self), Vec::with_capacity(self.encoded_len())).map_err(
                |e| Error::Unencodable {
                    what: "option",
                    detail: e.to_string(),
                },
            )?;
        Ok(buf)
    }
}

fn check_experiment_kind(kind: u8) -> Result<(), Error> {
    if kind == 253 || kind == 254 {
        Ok(())
    } else {
        Err(Error::Unencodable {
            what: "experiment option",
            detail: format!("kind {kind} is not an experiment kind (253 or 254)"),
        })
    }
}

/// The generator for one option: writes it as stored, without checks (see
/// [`TcpOption::validate`]).
pub fn gen_option<'a, W: Write + 'a>(option: &'a TcpOption) -> impl SerializeFn<W> + 'a {
    move |out: WriteContext<W>| -> GenResult<W> {
        match option {
            TcpOption::Eol => gen_u8(0)(out),
            TcpOption::Nop => gen_u8(1)(out),
            TcpOption::Mss { mss } => gen_mss(*mss)(out),
            TcpOption::WindowScale { shift } => gen_window_scale(*shift)(out),
            TcpOption::SackPermitted => gen_kind_len(4, 2)(out),
            TcpOption::Sack { blocks } => gen_sack(blocks)(out),
            TcpOption::Echo { info } => gen_u32_option(6, *info)(out),
            TcpOption::EchoReply { info } => gen_u32_option(7, *info)(out),
            TcpOption::Timestamps { tsval, tsecr } => gen_timestamps(*tsval, *tsecr)(out),
            TcpOption::PocPermitted => gen_kind_len(9, 2)(out),
            TcpOption::PocServiceProfile { start, end, filler } => {
                gen_poc_service_profile(*start, *end, *filler)(out)
            }
            TcpOption::Cc { count } => gen_u32_option(11, *count)(out),
            TcpOption::CcNew { count } => gen_u32_option(12, *count)(out),
            TcpOption::CcEcho { count } => gen_u32_option(13, *count)(out),
            TcpOption::AltChecksumRequest { algorithm } => {
                gen_tuple((gen_kind_len(14, 3), gen_u8(algorithm.value())))(out)
            }
            TcpOption::AltChecksumData { data } => gen_opaque(15, data)(out),
            TcpOption::Md5Signature { digest } => gen_opaque(19, digest)(out),
            TcpOption::QuickStartResponse {
                reserved,
                rate_request,
                ttl_diff,
                nonce,
                nonce_reserved,
            } => gen_quick_start(*reserved, *rate_request, *ttl_diff, *nonce, *nonce_reserved)(out),
            TcpOption::UserTimeout {
                granularity,
                timeout,
            } => gen_user_timeout(*granularity, *timeout)(out),
            TcpOption::TcpAo {
                key_id,
                rnext_key_id,
                mac,
            } => gen_tuple((
                gen_kind_len(29, 4 + mac.len()),
                gen_u8(*key_id),
                gen_u8(*rnext_key_id),
                gen_slice(mac.as_slice()),
            ))(out),
            TcpOption::Mptcp(m) => crate::mptcp::gen_mptcp(m)(out),
            TcpOption::FastOpen { cookie } => gen_opaque(34, cookie)(out),
            TcpOption::Eno { data } => gen_opaque(69, data)(out),
            TcpOption::AccEcnOrder0(c) => gen_accecn(172, c)(out),
            TcpOption::AccEcnOrder1(c) => gen_accecn(174, c)(out),
            TcpOption::ExperimentalFastOpen { kind, cookie } => gen_tuple((
                gen_kind_len(*kind, 4 + cookie.len()),
                gen_u16(EXID_FAST_OPEN),
                gen_slice(cookie.as_slice()),
            ))(out),
            TcpOption::Experiment { kind, exid, data } => gen_tuple((
                gen_kind_len(*kind, 4 + data.len()),
                gen_u16(*exid),
                gen_slice(data.as_slice()),
            ))(out),
            TcpOption::Unknown { kind, data } => gen_opaque(*kind, data)(out),
            TcpOption::Custom(c) => gen_slice(c.bytes())(out),
            TcpOption::Malformed { bytes, .. } => gen_slice(bytes.as_slice())(out),
        }
    }
}
