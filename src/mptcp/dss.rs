//! Subtype 2, DSS: data ACK and data sequence mapping.

use serde::{Deserialize, Serialize};

use crate::bytes::{u64_string, U64Text};
use crate::element::{check_bits, put};
use crate::error::{Error, LengthSet, MalformedReason};

use super::*;

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

/// DSS is most of an MPTCP connection's options, so it is read with plain slice splits rather
/// than nom combinators: the same checks in less than half the instructions (callgrind: 219 to
/// about 90 per option), which is what brings MPTCP segments near plain ones in the view.
#[inline]
fn parse_dss(length: u8, nibble: u8, body: Body<'_>) -> Result<Dss, MalformedReason> {
    let Some((&flags, mut rest)) = body.split_first() else {
        return Err(MalformedReason::BadLength {
            length,
            allowed: DSS_LENGTHS,
        });
    };
    let allowed = dss_lengths(flags);
    check_length(length, allowed)?;
    let bad = MalformedReason::BadLength { length, allowed };
    let data_ack_8_bytes = flags & 0x02 != 0;
    let mapping_present = flags & 0x04 != 0;
    let dsn_8_bytes = flags & 0x08 != 0;
    // The smaller allowed length is the one without the checksum.
    let with_checksum = mapping_present && allowed.iter().next() != Some(length);
    let data_ack = if flags & 0x01 != 0 {
        Some(take_sequence_number(&mut rest, data_ack_8_bytes).ok_or(bad)?)
    } else {
        None
    };
    let mapping = if mapping_present {
        let dsn = take_sequence_number(&mut rest, dsn_8_bytes).ok_or(bad)?;
        let subflow_seq = u32::from_be_bytes(take(&mut rest).ok_or(bad)?);
        let data_level_length = u16::from_be_bytes(take(&mut rest).ok_or(bad)?);
        let checksum = if with_checksum {
            Some(u16::from_be_bytes(take(&mut rest).ok_or(bad)?))
        } else {
            None
        };
        Some(DssMapping {
            dsn,
            subflow_seq,
            data_level_length,
            checksum,
        })
    } else {
        None
    };
    if !rest.is_empty() {
        return Err(bad);
    }
    Ok(Dss {
        reserved: (nibble << 3) | (flags >> 5),
        data_fin: flags & 0x10 != 0,
        dsn_8_bytes,
        data_ack_8_bytes,
        data_ack,
        mapping,
    })
}

/// The next `N` bytes of `rest`, which moves past them.
#[inline(always)]
fn take<const N: usize>(rest: &mut &[u8]) -> Option<[u8; N]> {
    let (bytes, after) = rest.split_first_chunk::<N>()?;
    *rest = after;
    Some(*bytes)
}

/// A 4- or 8-byte sequence number from the front of `rest`.
#[inline(always)]
fn take_sequence_number(rest: &mut &[u8], eight_bytes: bool) -> Option<u64> {
    if eight_bytes {
        take::<8>(rest).map(u64::from_be_bytes)
    } else {
        take::<4>(rest).map(|b| u64::from(u32::from_be_bytes(b)))
    }
}

/// A data sequence number or data ACK in 8 bytes, or its low 32 bits (`validate` checks that
/// the value fits).
#[inline(always)]
fn put_sequence_number(out: &mut [u8], value: u64, eight_bytes: bool) -> Option<&mut [u8]> {
    if eight_bytes {
        put(out, value.to_be_bytes())
    } else {
        put(out, ((value & 0xffff_ffff) as u32).to_be_bytes())
    }
}

impl Subtype for Dss {
    fn parse(_: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        parse_dss(length, nibble, body)
    }

    fn encoded_len(&self) -> usize {
        Dss::encoded_len(self)
    }

    fn validate(&self) -> Result<(), Error> {
        Dss::validate(self)
    }

    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_mptcp_head(out, self.encoded_len(), 2, self.reserved >> 3)?;
        let mut out = put(out, [self.flags_byte()])?;
        if let Some(ack) = self.data_ack {
            out = put_sequence_number(out, ack, self.data_ack_8_bytes)?;
        }
        if let Some(m) = self.mapping {
            out = put_sequence_number(out, m.dsn, self.dsn_8_bytes)?;
            out = put(out, m.subflow_seq.to_be_bytes())?;
            out = put(out, m.data_level_length.to_be_bytes())?;
            if let Some(checksum) = m.checksum {
                out = put(out, checksum.to_be_bytes())?;
            }
        }
        Some(out)
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use super::super::arbitrary::*;
    use super::*;

    impl Arbitrary for Dss {
        fn arbitrary(g: &mut Gen) -> Self {
            let dsn_8_bytes = flag(g);
            let data_ack_8_bytes = flag(g);
            Dss {
                reserved: bits(g, 7),
                data_fin: flag(g),
                dsn_8_bytes,
                data_ack_8_bytes,
                data_ack: maybe(g, |g| random_sequence_number(g, data_ack_8_bytes)),
                mapping: maybe(g, |g| DssMapping {
                    dsn: random_sequence_number(g, dsn_8_bytes),
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
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};
use crate::text::reserved;

impl<S: Schema<Mapping = DssMapping>> RecordForm<S> for Dss {
    fn to_record(&self, r: &mut Record<S>) {
        r.reserved = Some(u16::from(self.reserved));
        r.data_fin = Some(self.data_fin);
        r.dsn_8_bytes = Some(self.dsn_8_bytes);
        r.data_ack_8_bytes = Some(self.data_ack_8_bytes);
        r.data_ack = self.data_ack.map(U64Text);
        r.mapping = self.mapping;
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        let reserved = f.need(r.reserved.take(), "reserved")?;
        Ok(Self {
            reserved: f.narrow(reserved, "reserved")?,
            data_fin: f.need(r.data_fin.take(), "data_fin")?,
            dsn_8_bytes: f.need(r.dsn_8_bytes.take(), "dsn_8_bytes")?,
            data_ack_8_bytes: f.need(r.data_ack_8_bytes.take(), "data_ack_8_bytes")?,
            data_ack: r.data_ack.take().map(|d| d.0),
            mapping: r.mapping.take(),
        })
    }
}

/// `dss [fin] [ack N] [seq N subseq N len N [csum 0x..]]`, as tcpdump.
impl TextForm for Dss {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("dss")?;
        if self.data_fin {
            f.write_str(" fin")?;
        }
        if let Some(ack) = self.data_ack {
            write!(f, " ack {ack}")?;
        }
        if let Some(m) = &self.mapping {
            write!(
                f,
                " seq {} subseq {} len {}",
                m.dsn, m.subflow_seq, m.data_level_length
            )?;
            if let Some(csum) = m.checksum {
                write!(f, " csum 0x{csum:x}")?;
            }
        }
        reserved(f, self.reserved)
    }
}
