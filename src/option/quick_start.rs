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

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};
use crate::text::reserved;

impl<S: Schema> RecordForm<S> for QuickStartResponse {
    fn to_record(&self, r: &mut Record<S>) {
        r.reserved = Some(u16::from(self.reserved));
        r.rate_request = Some(self.rate_request);
        r.ttl_diff = Some(self.ttl_diff);
        r.nonce = Some(self.nonce);
        r.nonce_reserved = Some(self.nonce_reserved);
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        let reserved = f.need(r.reserved.take(), "reserved")?;
        Ok(Self {
            reserved: f.narrow(reserved, "reserved")?,
            rate_request: f.need(r.rate_request.take(), "rate_request")?,
            ttl_diff: f.need(r.ttl_diff.take(), "ttl_diff")?,
            nonce: f.need(r.nonce.take(), "nonce")?,
            nonce_reserved: f.need(r.nonce_reserved.take(), "nonce_reserved")?,
        })
    }
}

/// `qs-resp rate N ttl-diff N nonce 0x..`, reserved bits when they are not zero.
impl TextForm for QuickStartResponse {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "qs-resp rate {} ttl-diff {} nonce 0x{:08x}",
            self.rate_request, self.ttl_diff, self.nonce
        )?;
        reserved(f, self.reserved)?;
        match self.nonce_reserved {
            0 => Ok(()),
            bits => write!(f, " nonce-reserved {bits}"),
        }
    }
}
