//! Kind 69, Encryption Negotiation (RFC 8547): suboptions kept as bytes.

use crate::bytes::InlineBytes;
use crate::element::{at_most, put_opaque, Borrowed, OptionBody};
use crate::error::{LengthSet, MalformedReason};

/// Kind 69, Encryption Negotiation (RFC 8547), suboptions kept as bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Eno {
    /// The suboption bytes.
    pub data: InlineBytes<38>,
}

impl OptionBody for Eno {
    const NAME_FOR_ERRORS: &'static str = "ENO option";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::range(2, 40)
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        EnoView::view(kind, body).map(Borrowed::to_owned_value)
    }

    fn encoded_len(&self) -> usize {
        2 + self.data.len()
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put_opaque(out, kind, &self.data)
    }
}

/// [`Eno`] borrowed from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnoView<'a> {
    data: &'a [u8],
}

impl<'a> EnoView<'a> {
    /// The suboption bytes.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
}

impl<'a> Borrowed<'a> for EnoView<'a> {
    type Owned = Eno;

    fn view(kind: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        at_most::<38>(body, Eno::lengths(kind)).map(|data| Self { data })
    }

    fn to_owned_value(self) -> Eno {
        Eno {
            data: InlineBytes::from_bounded(self.data),
        }
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::Gen;

    use crate::random::*;

    use super::*;

    impl Generate for Eno {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let len = length_in(g, 0, room.checked_sub(2)?.min(38));
            Some(Self {
                data: inline_bytes(g, len),
            })
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::bytes;
use crate::record::{Ctx, Record, Schema};
use crate::text::opt_hex;

impl<S: Schema> RecordForm<S> for Eno {
    fn to_record(&self, r: &mut Record<S>) {
        r.data = bytes(self.data.as_slice());
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            data: f.inline(r.data.take(), "data")?,
        })
    }
}

impl TextForm for Eno {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("eno")?;
        opt_hex(f, &self.data)
    }
}
