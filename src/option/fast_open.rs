//! Kind 34, TCP Fast Open (RFC 7413): a cookie request (length 2) or a 4..=16-byte cookie.

use crate::bytes::InlineBytes;
use crate::element::{at_most, put_opaque, Borrowed, OptionBody};
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
        FastOpenView::view(kind, body).map(Borrowed::to_owned_value)
    }

    fn encoded_len(&self) -> usize {
        2 + self.cookie.len()
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put_opaque(out, kind, &self.cookie)
    }
}

/// [`FastOpen`] borrowed from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FastOpenView<'a> {
    cookie: &'a [u8],
}

impl<'a> FastOpenView<'a> {
    /// The cookie; empty for a cookie request.
    pub fn cookie(&self) -> &'a [u8] {
        self.cookie
    }
}

impl<'a> Borrowed<'a> for FastOpenView<'a> {
    type Owned = FastOpen;

    fn view(_: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        at_most::<16>(body, LENGTHS).map(|cookie| Self { cookie })
    }

    fn to_owned_value(self) -> FastOpen {
        FastOpen {
            cookie: InlineBytes::from_bounded(self.cookie),
        }
    }
}

#[cfg(feature = "quickcheck")]
pub(crate) mod generate {
    use quickcheck::Gen;

    use crate::random::*;

    use super::*;

    /// A TCP Fast Open cookie fitting in `room` bytes: empty (a cookie request) or an even
    /// 4..=16 bytes (RFC 7413 s4.1.1).
    pub(crate) fn cookie(g: &mut Gen, room: usize) -> InlineBytes<16> {
        if room < 4 || one_in(g, 4) {
            InlineBytes::new()
        } else {
            let len = if one_in(g, 2) {
                // Linux and Chrome send 8 bytes.
                8.min(room)
            } else {
                length_in(g, 4, room.min(16))
            };
            // Even lengths only; `room` is at least 4, so this stays at least 4.
            inline_bytes(g, len & !1)
        }
    }

    impl Generate for FastOpen {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            Some(Self {
                cookie: cookie(g, room.checked_sub(2)?),
            })
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::bytes;
use crate::record::{Ctx, Record, Schema};
use crate::text::hex;

impl<S: Schema> RecordForm<S> for FastOpen {
    fn to_record(&self, r: &mut Record<S>) {
        r.cookie = bytes(self.cookie.as_slice());
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            cookie: f.inline(r.cookie.take(), "cookie")?,
        })
    }
}

impl TextForm for FastOpen {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fast_open_text(f, "tfo", &self.cookie)
    }
}

/// `tfo cookiereq` for an empty cookie, else `tfo cookie 0x...` (`name` for `tfo`).
pub(super) fn fast_open_text(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    cookie: &[u8],
) -> std::fmt::Result {
    if cookie.is_empty() {
        write!(f, "{name} cookiereq")
    } else {
        write!(f, "{name} cookie ")?;
        hex(f, cookie)
    }
}
