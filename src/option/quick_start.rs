//! Kind 27, Quick-Start Response (RFC 4782): length 8.

use crate::element::{exactly, put, unencodable, OptionBody};
use crate::error::{Error, LengthSet, MalformedReason};

/// Kind 27, Quick-Start Response (RFC 4782), length 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuickStartResponse {
    /// The 4 reserved bits before the rate request.
    pub reserved: u8,
    /// The 4-bit rate request.
    pub rate_request: u8,
    /// TTL difference.
    pub ttl_diff: u8,
    /// The 30-bit QS nonce.
    pub nonce: u32,
    /// The 2 reserved bits after the nonce.
    pub nonce_reserved: u8,
}

impl OptionBody for QuickStartResponse {
    const NAME_FOR_ERRORS: &'static str = "Quick-Start response";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::exactly(8)
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        exactly(body, Self::lengths(kind)).map(|[rate, ttl_diff, n0, n1, n2, n3]| {
            let nonce = u32::from_be_bytes([n0, n1, n2, n3]);
            Self {
                reserved: rate >> 4,
                rate_request: rate & 0x0f,
                ttl_diff,
                nonce: nonce >> 2,
                nonce_reserved: (nonce & 0x3) as u8,
            }
        })
    }

    fn encoded_len(&self) -> usize {
        8
    }

    fn validate(&self, _: u8) -> Result<(), Error> {
        let Self {
            reserved,
            rate_request,
            nonce,
            nonce_reserved,
            ..
        } = *self;
        if reserved > 0xf || rate_request > 0xf || nonce >= 1 << 30 || nonce_reserved > 3 {
            unencodable(
                Self::NAME_FOR_ERRORS,
                format!("a field is wider than its bits (reserved {reserved} /4, rate request {rate_request} /4, nonce {nonce} /30, nonce_reserved {nonce_reserved} /2)"),
            )
        } else {
            Ok(())
        }
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let rate = (self.reserved << 4) | (self.rate_request & 0x0f);
        let [n0, n1, n2, n3] =
            ((self.nonce << 2) | u32::from(self.nonce_reserved & 0x3)).to_be_bytes();
        put(out, [kind, 8, rate, self.ttl_diff, n0, n1, n2, n3])
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use crate::random::*;

    use super::*;

    impl Generate for QuickStartResponse {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let value = Self {
                reserved: u8::arbitrary(g) & 0xf,
                rate_request: u8::arbitrary(g) & 0xf,
                ttl_diff: u8::arbitrary(g),
                nonce: u32::arbitrary(g) & 0x3fff_ffff,
                nonce_reserved: u8::arbitrary(g) & 0x3,
            };
            (room >= 8).then_some(value)
        }
    }
}
