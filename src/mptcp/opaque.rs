//! Subtypes kept as bytes: 15, MP_EXPERIMENTAL (reserved for private use), and 9..=14, not
//! assigned by IANA.

use crate::bytes::InlineBytes;
use crate::element::{check_bits, put_slice, unencodable};
use crate::error::{Error, MalformedReason};

use super::{inline_data, put_mptcp_head, BorrowedSubtype, Subtype, MAX_MPTCP_DATA};

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
    fn parse(subtype: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        MpExperimentalView::view(subtype, length, nibble, body).map(BorrowedSubtype::to_owned_value)
    }

    fn encoded_len(&self) -> usize {
        3 + self.data.len()
    }

    fn validate(&self) -> Result<(), Error> {
        check_bits("MP_EXPERIMENTAL", "nibble", u64::from(self.nibble), 4)
    }

    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put_slice(
            put_mptcp_head(out, self.encoded_len(), 15, self.nibble)?,
            &self.data,
        )
    }
}

impl Subtype for Unassigned {
    fn parse(subtype: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        UnassignedView::view(subtype, length, nibble, body).map(BorrowedSubtype::to_owned_value)
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

    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_mptcp_head(out, self.encoded_len(), self.subtype, self.nibble)?;
        put_slice(out, &self.data)
    }
}

/// [`MpExperimental`] borrowed from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MpExperimentalView<'a> {
    nibble: u8,
    data: &'a [u8],
}

impl<'a> MpExperimentalView<'a> {
    /// The low nibble of byte 2.
    pub fn nibble(&self) -> u8 {
        self.nibble
    }

    /// The bytes after byte 2.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
}

impl<'a> BorrowedSubtype<'a> for MpExperimentalView<'a> {
    type Owned = MpExperimental;

    fn view(_: u8, length: u8, nibble: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        Ok(Self {
            nibble,
            data: inline_data(length, body)?,
        })
    }

    fn to_owned_value(self) -> MpExperimental {
        MpExperimental {
            nibble: self.nibble,
            data: InlineBytes::from_bounded(self.data),
        }
    }
}

/// [`Unassigned`] borrowed from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnassignedView<'a> {
    subtype: u8,
    nibble: u8,
    data: &'a [u8],
}

impl<'a> UnassignedView<'a> {
    /// The subtype (9..=14).
    pub fn subtype(&self) -> u8 {
        self.subtype
    }

    /// The low nibble of byte 2.
    pub fn nibble(&self) -> u8 {
        self.nibble
    }

    /// The bytes after byte 2.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
}

impl<'a> BorrowedSubtype<'a> for UnassignedView<'a> {
    type Owned = Unassigned;

    fn view(subtype: u8, length: u8, nibble: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        Ok(Self {
            subtype,
            nibble,
            data: inline_data(length, body)?,
        })
    }

    fn to_owned_value(self) -> Unassigned {
        Unassigned {
            subtype: self.subtype,
            nibble: self.nibble,
            data: InlineBytes::from_bounded(self.data),
        }
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
