//! Subtypes kept as bytes: 15, MP_EXPERIMENTAL (reserved for private use), and 9..=14, not
//! assigned by IANA.

use std::io::Write;

use cookie_factory::combinator::slice as gen_slice;
use cookie_factory::sequence::tuple as gen_tuple;
use cookie_factory::SerializeFn;

use crate::bytes::InlineBytes;
use crate::element::{check_bits, unencodable};
use crate::error::{Error, MalformedReason};

use super::{gen_head, inline_data, Subtype, MAX_MPTCP_DATA};

/// Subtype 15, MP_EXPERIMENTAL (reserved for private use), any length: kept as bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MpExperimental {
    /// The low nibble of byte 2.
    pub nibble: u8,
    /// The bytes after byte 2.
    pub data: InlineBytes<MAX_MPTCP_DATA>,
}

/// Subtypes 9..=14, not assigned by IANA: kept as bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Unassigned {
    /// The subtype (9..=14); in JSON it is the outer `"subtype"`.
    pub subtype: u8,
    /// The low nibble of byte 2.
    pub nibble: u8,
    /// The bytes after byte 2.
    pub data: InlineBytes<MAX_MPTCP_DATA>,
}

impl Subtype for MpExperimental {
    fn parse(_: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        Ok(Self {
            nibble,
            data: inline_data(length, body)?,
        })
    }

    fn encoded_len(&self) -> usize {
        3 + self.data.len()
    }

    fn validate(&self) -> Result<(), Error> {
        check_bits("MP_EXPERIMENTAL", "nibble", u64::from(self.nibble), 4)
    }

    fn gen<'a, W: Write + 'a>(&'a self) -> impl SerializeFn<W> + 'a {
        gen_tuple((
            gen_head(self.encoded_len(), 15, self.nibble),
            gen_slice(self.data.as_slice()),
        ))
    }
}

impl Subtype for Unassigned {
    fn parse(subtype: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        Ok(Self {
            subtype,
            nibble,
            data: inline_data(length, body)?,
        })
    }

    fn encoded_len(&self) -> usize {
        3 + self.data.len()
    }

    fn validate(&self) -> Result<(), Error> {
        let subtype = self.subtype;
        if !(9..=14).contains(&subtype) {
            return unencodable(
                "unassigned MPTCP subtype",
                format!("subtype {subtype} is not one of the unassigned subtypes 9..=14"),
            );
        }
        check_bits(
            "unassigned MPTCP subtype",
            "nibble",
            u64::from(self.nibble),
            4,
        )
    }

    fn gen<'a, W: Write + 'a>(&'a self) -> impl SerializeFn<W> + 'a {
        gen_tuple((
            gen_head(self.encoded_len(), self.subtype, self.nibble),
            gen_slice(self.data.as_slice()),
        ))
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use super::super::arbitrary::*;
    use super::*;

    impl Arbitrary for MpExperimental {
        fn arbitrary(g: &mut Gen) -> Self {
            Self {
                nibble: bits(g, 4),
                data: data(g, 0),
            }
        }
    }

    /// Subtypes 9..=14.
    impl Arbitrary for Unassigned {
        fn arbitrary(g: &mut Gen) -> Self {
            Self {
                subtype: 9 + u8::arbitrary(g) % 6,
                nibble: bits(g, 4),
                data: data(g, 0),
            }
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::bytes;
use crate::record::{Ctx, Record, Schema};
use crate::text::opt_hex;

impl<S: Schema> RecordForm<S> for MpExperimental {
    fn to_record(&self, r: &mut Record<S>) {
        r.nibble = Some(self.nibble);
        r.data = bytes(self.data.as_slice());
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            nibble: f.need(r.nibble.take(), "nibble")?,
            data: f.inline(r.data.take(), "data")?,
        })
    }
}

impl TextForm for MpExperimental {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("experimental")?;
        opaque_text(f, self.nibble, &self.data)
    }
}

impl<S: Schema> RecordForm<S> for Unassigned {
    fn to_record(&self, r: &mut Record<S>) {
        r.nibble = Some(self.nibble);
        r.data = bytes(self.data.as_slice());
    }

    /// The subtype is the record's `"subtype"`, which must be one of 9..=14.
    fn from_record(subtype: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        let subtype = f.need(subtype, "subtype")?;
        if !(9..=14).contains(&subtype) {
            return Err(f.err(format_args!(
                "subtype {subtype} is not an unassigned MPTCP subtype (9..=14)"
            )));
        }
        Ok(Self {
            subtype,
            nibble: f.need(r.nibble.take(), "nibble")?,
            data: f.inline(r.data.take(), "data")?,
        })
    }
}

impl TextForm for Unassigned {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown-{}", self.subtype)?;
        opaque_text(f, self.nibble, &self.data)
    }
}

/// ` nibble N` when it is not zero, then the bytes.
fn opaque_text(f: &mut std::fmt::Formatter<'_>, nibble: u8, data: &[u8]) -> std::fmt::Result {
    if nibble != 0 {
        write!(f, " nibble {nibble}")?;
    }
    opt_hex(f, data)
}
