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
