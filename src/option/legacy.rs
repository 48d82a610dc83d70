//! Obsolete kinds still seen in old stacks and test suites: Echo and Echo Reply (6, 7; RFC
//! 1072), the Partial Order options (9, 10; RFC 1693), CC, CC.NEW and CC.ECHO (11..=13; RFC
//! 1644), and the Alternate Checksum options (14, 15; RFC 1146).

use crate::bytes::InlineBytes;
use crate::element::{at_most, check_bits, exactly, put, put_opaque, Borrowed, OptionBody};
use crate::error::{Error, LengthSet, MalformedReason};
use crate::registry::AltChecksumAlgorithm;

/// The options whose body is one 32-bit number, length 6.
macro_rules! u32_options {
    ($($(#[$doc:meta])* $name:ident { $field:ident } $what:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            #[allow(missing_docs)]
            pub $field: u32,
        }

        impl OptionBody for $name {
            const NAME_FOR_ERRORS: &'static str = $what;

            fn lengths(_: u8) -> LengthSet {
                U32_LENGTHS
            }

            fn parse(_: u8, body: &[u8]) -> Result<Self, MalformedReason> {
                exactly(body, U32_LENGTHS).map(|b| Self { $field: u32::from_be_bytes(b) })
            }

            fn encoded_len(&self) -> usize {
                6
            }

            fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
                let [a, b, c, d] = self.$field.to_be_bytes();
                put(out, [kind, 6, a, b, c, d])
            }
        }

        #[cfg(feature = "quickcheck")]
        impl crate::random::Generate for $name {
            fn generate(g: &mut quickcheck::Gen, room: usize) -> Option<Self> {
                let $field = <u32 as quickcheck::Arbitrary>::arbitrary(g);
                (room >= 6).then_some(Self { $field })
            }
        }
    )*};
}

const U32_LENGTHS: LengthSet = LengthSet::exactly(6);

u32_options! {
    /// Kind 6, Echo (RFC 1072, obsolete), length 6: `info`, the 4 bytes of info as a
    /// big-endian number.
    Echo { info } "Echo option";
    /// Kind 7, Echo Reply (RFC 1072, obsolete), length 6: `info`, the 4 bytes of info as a
    /// big-endian number.
    EchoReply { info } "Echo Reply option";
    /// Kind 11, CC (RFC 1644, obsolete), length 6: `count`, the connection count.
    Cc { count } "CC option";
    /// Kind 12, CC.NEW (RFC 1644, obsolete), length 6: `count`, the connection count.
    CcNew { count } "CC.NEW option";
    /// Kind 13, CC.ECHO (RFC 1644, obsolete), length 6: `count`, the connection count.
    CcEcho { count } "CC.ECHO option";
}

/// Kind 10, Partial Order Service Profile (RFC 1693, obsolete), length 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PocServiceProfile {
    /// Start flag (bit 7).
    pub start: bool,
    /// End flag (bit 6).
    pub end: bool,
    /// The low 6 bits, kept as sent.
    pub filler: u8,
}

impl OptionBody for PocServiceProfile {
    const NAME_FOR_ERRORS: &'static str = "POC service profile";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::exactly(3)
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        exactly(body, Self::lengths(kind)).map(|[b]| Self {
            start: b & 0x80 != 0,
            end: b & 0x40 != 0,
            filler: b & 0x3f,
        })
    }

    fn encoded_len(&self) -> usize {
        3
    }

    fn validate(&self, _: u8) -> Result<(), Error> {
        check_bits(Self::NAME_FOR_ERRORS, "filler", u64::from(self.filler), 6)
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let b = (u8::from(self.start) << 7) | (u8::from(self.end) << 6) | (self.filler & 0x3f);
        put(out, [kind, 3, b])
    }
}

/// Kind 14, Alternate Checksum Request (RFC 1146, obsolete), length 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AltChecksumRequest {
    /// The algorithm asked for.
    pub algorithm: AltChecksumAlgorithm,
}

impl OptionBody for AltChecksumRequest {
    const NAME_FOR_ERRORS: &'static str = "Alternate Checksum Request option";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::exactly(3)
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        exactly(body, Self::lengths(kind)).map(|[v]| Self {
            algorithm: AltChecksumAlgorithm::from_value(v),
        })
    }

    fn encoded_len(&self) -> usize {
        3
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put(out, [kind, 3, self.algorithm.value()])
    }
}

/// Kind 15, Alternate Checksum Data (RFC 1146, obsolete), length 2 + data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AltChecksumData {
    /// The checksum bytes.
    pub data: InlineBytes<38>,
}

impl OptionBody for AltChecksumData {
    const NAME_FOR_ERRORS: &'static str = "Alternate Checksum Data option";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::range(2, 40)
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        AltChecksumDataView::view(kind, body).map(Borrowed::to_owned_value)
    }

    fn encoded_len(&self) -> usize {
        2 + self.data.len()
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put_opaque(out, kind, &self.data)
    }
}

/// [`AltChecksumData`] borrowed from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AltChecksumDataView<'a> {
    data: &'a [u8],
}

impl<'a> AltChecksumDataView<'a> {
    /// The checksum bytes.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
}

impl<'a> Borrowed<'a> for AltChecksumDataView<'a> {
    type Owned = AltChecksumData;

    fn view(kind: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        at_most::<38>(body, AltChecksumData::lengths(kind)).map(|data| Self { data })
    }

    fn to_owned_value(self) -> AltChecksumData {
        AltChecksumData {
            data: InlineBytes::from_bounded(self.data),
        }
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use crate::random::*;

    use super::*;

    impl Generate for PocServiceProfile {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let value = Self {
                start: bool::arbitrary(g),
                end: bool::arbitrary(g),
                filler: u8::arbitrary(g) & 0x3f,
            };
            (room >= 3).then_some(value)
        }
    }

    impl Generate for AltChecksumRequest {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let algorithm = AltChecksumAlgorithm::arbitrary(g);
            (room >= 3).then_some(Self { algorithm })
        }
    }

    impl Generate for AltChecksumData {
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

/// The record field and text of the options whose body is one 32-bit number.
macro_rules! u32_forms {
    ($($name:ident { $field:ident } $word:literal;)*) => {$(
        impl<S: Schema> RecordForm<S> for $name {
            fn to_record(&self, r: &mut Record<S>) {
                r.$field = Some(self.$field);
            }

            fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
                Ok(Self {
                    $field: f.need(r.$field.take(), stringify!($field))?,
                })
            }
        }

        impl TextForm for $name {
            fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!($word, " {}"), self.$field)
            }
        }
    )*};
}

u32_forms! {
    Echo { info } "echo";
    EchoReply { info } "echoreply";
    Cc { count } "cc";
    CcNew { count } "ccnew";
    CcEcho { count } "ccecho";
}

impl<S: Schema> RecordForm<S> for PocServiceProfile {
    fn to_record(&self, r: &mut Record<S>) {
        r.start = Some(self.start);
        r.end = Some(self.end);
        r.filler = Some(self.filler);
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            start: f.need(r.start.take(), "start")?,
            end: f.need(r.end.take(), "end")?,
            filler: f.need(r.filler.take(), "filler")?,
        })
    }
}

/// `pocsp start end`, the filler bits when they are not zero.
impl TextForm for PocServiceProfile {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("pocsp")?;
        if self.start {
            f.write_str(" start")?;
        }
        if self.end {
            f.write_str(" end")?;
        }
        match self.filler {
            0 => Ok(()),
            bits => write!(f, " filler {bits}"),
        }
    }
}

impl<S: Schema> RecordForm<S> for AltChecksumRequest {
    fn to_record(&self, r: &mut Record<S>) {
        r.algorithm = Some(self.algorithm);
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            algorithm: f.need(r.algorithm.take(), "algorithm")?,
        })
    }
}

/// `altsum-req` and the algorithm's name (or number when it has none).
impl TextForm for AltChecksumRequest {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let algorithm = self.algorithm;
        if algorithm.is_known() {
            write!(f, "altsum-req {}", algorithm.name())
        } else {
            write!(f, "altsum-req {}", algorithm.value())
        }
    }
}

impl<S: Schema> RecordForm<S> for AltChecksumData {
    fn to_record(&self, r: &mut Record<S>) {
        r.data = bytes(self.data.as_slice());
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            data: f.inline(r.data.take(), "data")?,
        })
    }
}

impl TextForm for AltChecksumData {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("altsum-data")?;
        opt_hex(f, &self.data)
    }
}
