//! Kind 2, Maximum Segment Size (RFC 9293): length 4, a 16-bit size.

use crate::element::{exactly, put, OptionBody};
use crate::error::{LengthSet, MalformedReason};

/// Kind 2, Maximum Segment Size (RFC 9293), length 4.
///
/// ```
/// use tcpwire::{option::Mss, TcpOption};
/// let option = TcpOption::parse(&[2, 4, 0x05, 0xb4])?;
/// assert_eq!(option, TcpOption::Mss(Mss { mss: 1460 }));
/// # Ok::<(), tcpwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mss {
    /// The largest segment the sender will receive.
    pub mss: u16,
}

const LENGTHS: LengthSet = LengthSet::exactly(4);

impl OptionBody for Mss {
    const NAME_FOR_ERRORS: &'static str = "MSS option";

    #[inline(always)]
    fn lengths(_: u8) -> LengthSet {
        LENGTHS
    }

    #[inline(always)]
    fn parse(_: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        exactly(body, LENGTHS).map(|b| Self {
            mss: u16::from_be_bytes(b),
        })
    }

    #[inline(always)]
    fn encoded_len(&self) -> usize {
        4
    }

    #[inline(always)]
    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let [m0, m1] = self.mss.to_be_bytes();
        put(out, [kind, 4, m0, m1])
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::Gen;

    use crate::random::*;

    use super::*;

    /// Often a size real stacks send.
    impl Generate for Mss {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let mss = realistic_u16(g, &[1460, 1440, 1400, 1380, 536, 8960, 65495]);
            (room >= 4).then_some(Self { mss })
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};

impl<S: Schema> RecordForm<S> for Mss {
    fn to_record(&self, r: &mut Record<S>) {
        r.mss = Some(self.mss);
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            mss: f.need(r.mss.take(), "mss")?,
        })
    }
}

impl TextForm for Mss {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "mss {}", self.mss)
    }
}
