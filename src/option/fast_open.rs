//! Kind 34, TCP Fast Open (RFC 7413): a cookie request (length 2) or a 4..=16-byte cookie.

use crate::bytes::InlineBytes;
use crate::element::{put_opaque, OptionBody};
use crate::error::{LengthSet, MalformedReason};

/// Kind 34, TCP Fast Open (RFC 7413): length 2 (cookie request) or 6..=18.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FastOpen {
    /// The cookie; empty for a cookie request.
    pub cookie: InlineBytes<16>,
}

/// RFC 7413 s4.1.1: a cookie request (2), or a 4..=16-byte cookie; the length MUST be even.
pub(crate) const LENGTHS: LengthSet = LengthSet::of(&[2, 6, 8, 10, 12, 14, 16, 18]);

impl OptionBody for FastOpen {
    const NAME_FOR_ERRORS: &'static str = "TCP Fast Open option";

    fn lengths(_: u8) -> LengthSet {
        LENGTHS
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        super::opaque(kind, body, LENGTHS).map(|cookie| Self { cookie })
    }

    fn encoded_len(&self) -> usize {
        2 + self.cookie.len()
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put_opaque(out, kind, &self.cookie)
    }
}
