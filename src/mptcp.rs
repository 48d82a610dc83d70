//! Multipath TCP options (kind 30). Placeholder: the subtype and its bytes, kept exactly.

use std::io::Write;

use cookie_factory::bytes::be_u8 as gen_u8;
use cookie_factory::combinator::slice as gen_slice;
use cookie_factory::sequence::tuple as gen_tuple;
use cookie_factory::SerializeFn;
use serde::{Deserialize, Serialize};

use crate::bytes::InlineBytes;
use crate::error::{Error, LengthSet, MalformedReason};

/// A Multipath TCP option.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "mptcp", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MptcpOption {
    /// A subtype kept as bytes.
    Unassigned {
        /// The 4-bit subtype.
        subtype: u8,
        /// The low nibble of byte 2.
        nibble: u8,
        /// The bytes after byte 2.
        data: InlineBytes<37>,
    },
}

impl MptcpOption {
    /// Bytes on the wire, Kind and Length included.
    pub fn encoded_len(&self) -> usize {
        match self {
            Self::Unassigned { data, .. } => 3 + data.len(),
        }
    }

    /// Checks the value has an exact encoding.
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            Self::Unassigned {
                subtype, nibble, ..
            } if *subtype > 15 || *nibble > 15 => Err(Error::Unencodable {
                what: "MPTCP option",
                detail: "subtype and nibble are 4 bits".into(),
            }),
            _ => Ok(()),
        }
    }
}

/// Parses a whole MPTCP option (Kind, Length, body).
pub(crate) fn parse_mptcp(bytes: &[u8]) -> Result<MptcpOption, MalformedReason> {
    let length = u8::try_from(bytes.len()).unwrap_or(u8::MAX);
    let (b2, rest) = match bytes.get(2..) {
        Some([b2, rest @ ..]) => (*b2, rest),
        _ => {
            return Err(MalformedReason::BadLength {
                length,
                allowed: LengthSet::range(3, 40),
            })
        }
    };
    let data = InlineBytes::from_slice(rest).ok_or(MalformedReason::BadLength {
        length,
        allowed: LengthSet::range(3, 40),
    })?;
    Ok(MptcpOption::Unassigned {
        subtype: b2 >> 4,
        nibble: b2 & 0xf,
        data,
    })
}

/// Writes a whole MPTCP option.
pub(crate) fn gen_mptcp<'a, W: Write + 'a>(m: &'a MptcpOption) -> impl SerializeFn<W> + 'a {
    let MptcpOption::Unassigned {
        subtype,
        nibble,
        data,
    } = m;
    gen_tuple((
        gen_u8(30),
        gen_u8(u8::try_from(m.encoded_len()).unwrap_or(u8::MAX)),
        gen_u8((subtype << 4) | (nibble & 0xf)),
        gen_slice(data.as_slice()),
    ))
}
