//! Segment authentication: kind 19, MD5 Signature (RFC 2385), and kind 29, the TCP
//! Authentication Option (RFC 5925).

use crate::bytes::InlineBytes;
use crate::element::{exactly, put, put_head, put_opaque, put_slice, OptionBody};
use crate::error::{LengthSet, MalformedReason};

/// Kind 19, MD5 Signature (RFC 2385), length 18.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Md5Signature {
    /// The 16-byte digest.
    pub digest: [u8; 16],
}

impl OptionBody for Md5Signature {
    const NAME_FOR_ERRORS: &'static str = "MD5 signature option";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::exactly(18)
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        exactly(body, Self::lengths(kind)).map(|digest| Self { digest })
    }

    fn encoded_len(&self) -> usize {
        18
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put_opaque(out, kind, &self.digest)
    }
}

/// Kind 29, TCP Authentication Option (RFC 5925), length 4 + MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TcpAo {
    /// KeyID of the MKT used.
    pub key_id: u8,
    /// RNextKeyID: the key the sender would like to receive with.
    pub rnext_key_id: u8,
    /// The message authentication code.
    pub mac: InlineBytes<36>,
}

impl OptionBody for TcpAo {
    const NAME_FOR_ERRORS: &'static str = "TCP-AO option";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::range(4, 40)
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        match body {
            [key_id, rnext_key_id, mac @ ..] => Ok(Self {
                key_id: *key_id,
                rnext_key_id: *rnext_key_id,
                mac: super::opaque(kind, mac, Self::lengths(kind))?,
            }),
            _ => Err(MalformedReason::BadLength {
                length: crate::element::length_of(body),
                allowed: Self::lengths(kind),
            }),
        }
    }

    fn encoded_len(&self) -> usize {
        4 + self.mac.len()
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_head(out, kind, self.encoded_len())?;
        put_slice(put(out, [self.key_id, self.rnext_key_id])?, &self.mac)
    }
}
