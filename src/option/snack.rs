//! Kind 21, Selective Negative Acknowledgement (SNACK) of SCPS-TP (CCSDS 714.0-B-2): length
//! 6, the offset and the size of one hole in the receiver's sequence space.

use crate::element::{exactly, put, OptionBody};
use crate::error::{LengthSet, MalformedReason};

/// Kind 21, SCPS Selective Negative Acknowledgement (CCSDS 714.0-B-2, IANA "Selective Negative
/// Acknowledgements"), length 6: the receiver reports one hole, in units of the sender's
/// maximum segment size, counted from the acknowledgment number.
///
/// ```
/// use tcpwire::{option::Snack, TcpOption};
/// let option = TcpOption::parse(&[21, 6, 0, 2, 0, 1])?;
/// assert_eq!(option, TcpOption::Snack(Snack { hole_offset: 2, hole_size: 1 }));
/// assert_eq!(option.name(), "snack");
/// # Ok::<(), tcpwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Snack {
    /// Where the hole starts, after the acknowledgment number (16 bits).
    pub hole_offset: u16,
    /// How long the hole is (16 bits).
    pub hole_size: u16,
}

const LENGTHS: LengthSet = LengthSet::exactly(6);

impl OptionBody for Snack {
    const NAME_FOR_ERRORS: &'static str = "SNACK option";

    fn lengths(_: u8) -> LengthSet {
        LENGTHS
    }

    fn parse(_: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        exactly(body, LENGTHS).map(|[o0, o1, s0, s1]| Self {
            hole_offset: u16::from_be_bytes([o0, o1]),
            hole_size: u16::from_be_bytes([s0, s1]),
        })
    }

    fn encoded_len(&self) -> usize {
        6
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let [o0, o1] = self.hole_offset.to_be_bytes();
        let [s0, s1] = self.hole_size.to_be_bytes();
        put(out, [kind, 6, o0, o1, s0, s1])
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use crate::random::*;

    use super::*;

    impl Generate for Snack {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let hole_offset = u16::arbitrary(g);
            let hole_size = u16::arbitrary(g);
            (room >= 6).then_some(Self {
                hole_offset,
                hole_size,
            })
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};

impl<S: Schema> RecordForm<S> for Snack {
    fn to_record(&self, r: &mut Record<S>) {
        r.hole_offset = Some(self.hole_offset);
        r.hole_size = Some(self.hole_size);
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            hole_offset: f.need(r.hole_offset.take(), "hole_offset")?,
            hole_size: f.need(r.hole_size.take(), "hole_size")?,
        })
    }
}

impl TextForm for Snack {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "snack offset {} size {}",
            self.hole_offset, self.hole_size
        )
    }
}
