//! Kinds 253 and 254, RFC 3692-style experiments with an RFC 6994 ExID, and TCP Fast Open
//! carried in one (ExID 0xF989, before kind 34 existed).

use crate::bytes::InlineBytes;
use crate::element::{at_most, put, put_head, put_slice, unencodable, Borrowed, OptionBody};
use crate::error::{Error, LengthSet, MalformedReason};

use super::{OptionView, TcpOption};

/// ExID of TCP Fast Open carried in an RFC 6994 experiment option (before kind 34 existed).
pub const EXID_FAST_OPEN: u16 = 0xF989;

/// Option lengths of the experiment kinds: Kind, Length and a 16-bit ExID at least.
const LENGTHS: LengthSet = LengthSet::range(4, 40);

/// TCP Fast Open inside an experiment option: the same cookie after 2 more bytes, so even, 4 or
/// 8..=20.
const FAST_OPEN_LENGTHS: LengthSet = LengthSet::of(&[4, 8, 10, 12, 14, 16, 18, 20]);

/// TCP Fast Open in an RFC 6994 experiment option (kind 253 or 254, ExID 0xF989).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExperimentalFastOpen {
    /// 253 or 254.
    pub kind: u8,
    /// The cookie; empty for a cookie request.
    pub cookie: InlineBytes<16>,
}

/// Kinds 253 and 254, RFC 3692-style experiments with an RFC 6994 ExID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Experiment {
    /// 253 or 254.
    pub kind: u8,
    /// The 16-bit experiment identifier.
    pub exid: u16,
    /// The experiment's bytes after the ExID.
    pub data: InlineBytes<36>,
}

/// Decodes the body of a kind 253 or 254 option (its length already one of [`LENGTHS`]): the
/// ExID decides between [`ExperimentalFastOpen`] and [`Experiment`].
pub(super) fn decode(kind: u8, body: &[u8]) -> Result<TcpOption, MalformedReason> {
    decode_view(kind, body).map(OptionView::to_owned)
}

/// [`decode`], borrowing the bytes.
pub(super) fn decode_view(kind: u8, body: &[u8]) -> Result<OptionView<'_>, MalformedReason> {
    match body {
        [0xF9, 0x89, ..] => {
            ExperimentalFastOpenView::view(kind, body).map(OptionView::ExperimentalFastOpen)
        }
        _ => ExperimentView::view(kind, body).map(OptionView::Experiment),
    }
}

fn check_experiment_kind(kind: u8) -> Result<(), Error> {
    if kind == 253 || kind == 254 {
        Ok(())
    } else {
        unencodable(
            "experiment option",
            format!("kind {kind} is not an experiment kind (253 or 254)"),
        )
    }
}

impl OptionBody for ExperimentalFastOpen {
    const NAME_FOR_ERRORS: &'static str = "experimental TCP Fast Open option";

    fn lengths(_: u8) -> LengthSet {
        FAST_OPEN_LENGTHS
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        ExperimentalFastOpenView::view(kind, body).map(Borrowed::to_owned_value)
    }

    fn encoded_len(&self) -> usize {
        4 + self.cookie.len()
    }

    fn validate(&self, _: u8) -> Result<(), Error> {
        check_experiment_kind(self.kind)?;
        crate::element::check_length(
            Self::NAME_FOR_ERRORS,
            self.kind,
            self.encoded_len(),
            FAST_OPEN_LENGTHS,
        )
    }

    fn write<'o>(&self, _: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_head(out, self.kind, self.encoded_len())?;
        put_slice(put(out, EXID_FAST_OPEN.to_be_bytes())?, &self.cookie)
    }
}

impl OptionBody for Experiment {
    const NAME_FOR_ERRORS: &'static str = "experiment option";

    fn lengths(_: u8) -> LengthSet {
        LENGTHS
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        ExperimentView::view(kind, body).map(Borrowed::to_owned_value)
    }

    fn encoded_len(&self) -> usize {
        4 + self.data.len()
    }

    fn validate(&self, _: u8) -> Result<(), Error> {
        check_experiment_kind(self.kind)?;
        if self.exid == EXID_FAST_OPEN {
            unencodable(
                Self::NAME_FOR_ERRORS,
                "ExID 0xF989 is TCP Fast Open: use ExperimentalFastOpen".into(),
            )
        } else {
            Ok(())
        }
    }

    fn write<'o>(&self, _: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_head(out, self.kind, self.encoded_len())?;
        put_slice(put(out, self.exid.to_be_bytes())?, &self.data)
    }
}

/// [`ExperimentalFastOpen`] borrowed from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExperimentalFastOpenView<'a> {
    kind: u8,
    cookie: &'a [u8],
}

impl<'a> ExperimentalFastOpenView<'a> {
    /// 253 or 254.
    pub fn kind(&self) -> u8 {
        self.kind
    }

    /// The cookie; empty for a cookie request.
    pub fn cookie(&self) -> &'a [u8] {
        self.cookie
    }
}

impl<'a> Borrowed<'a> for ExperimentalFastOpenView<'a> {
    type Owned = ExperimentalFastOpen;

    fn view(kind: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        let bad = MalformedReason::BadLength {
            length: crate::element::length_of(body),
            allowed: FAST_OPEN_LENGTHS,
        };
        if !FAST_OPEN_LENGTHS.contains(crate::element::length_of(body)) {
            return Err(bad);
        }
        let cookie = body.get(2..).ok_or(bad)?;
        Ok(Self {
            kind,
            cookie: at_most::<16>(cookie, FAST_OPEN_LENGTHS).map_err(|_| bad)?,
        })
    }

    fn to_owned_value(self) -> ExperimentalFastOpen {
        ExperimentalFastOpen {
            kind: self.kind,
            cookie: InlineBytes::from_bounded(self.cookie),
        }
    }
}

/// [`Experiment`] borrowed from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExperimentView<'a> {
    kind: u8,
    exid: u16,
    data: &'a [u8],
}

impl<'a> ExperimentView<'a> {
    /// 253 or 254.
    pub fn kind(&self) -> u8 {
        self.kind
    }

    /// The 16-bit experiment identifier.
    pub fn exid(&self) -> u16 {
        self.exid
    }

    /// The experiment's bytes after the ExID.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
}

impl<'a> Borrowed<'a> for ExperimentView<'a> {
    type Owned = Experiment;

    fn view(kind: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        let bad = MalformedReason::BadLength {
            length: crate::element::length_of(body),
            allowed: LENGTHS,
        };
        match body {
            [e0, e1, data @ ..] => Ok(Self {
                kind,
                exid: u16::from_be_bytes([*e0, *e1]),
                data: at_most::<36>(data, LENGTHS).map_err(|_| bad)?,
            }),
            _ => Err(bad),
        }
    }

    fn to_owned_value(self) -> Experiment {
        Experiment {
            kind: self.kind,
            exid: self.exid,
            data: InlineBytes::from_bounded(self.data),
        }
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use crate::random::*;

    use super::*;

    impl Generate for ExperimentalFastOpen {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            Some(Self {
                kind: *g.choose(&[253, 254])?,
                cookie: crate::option::fast_open::generate::cookie(g, room.checked_sub(4)?),
            })
        }
    }

    /// ExIDs seen in real traffic, or anything but TCP Fast Open's.
    impl Generate for Experiment {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let exid = match u16::arbitrary(g) {
                x if x % 2 == 0 => *g.choose(&[0x00ac, 0xacc0, 0xacc1, 0x0ed0, 0x454e])?,
                EXID_FAST_OPEN => EXID_FAST_OPEN ^ 1,
                x => x,
            };
            let len = length_in(g, 0, room.checked_sub(4)?.min(36));
            Some(Self {
                kind: *g.choose(&[253, 254])?,
                exid,
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

impl<S: Schema> RecordForm<S> for ExperimentalFastOpen {
    fn to_record(&self, r: &mut Record<S>) {
        r.cookie = bytes(self.cookie.as_slice());
    }

    fn from_record(kind: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            kind: f.need(kind, "kind")?,
            cookie: f.inline(r.cookie.take(), "cookie")?,
        })
    }
}

impl TextForm for ExperimentalFastOpen {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        super::fast_open::fast_open_text(f, "exp-tfo", &self.cookie)
    }
}

impl<S: Schema> RecordForm<S> for Experiment {
    fn to_record(&self, r: &mut Record<S>) {
        r.exid = Some(self.exid);
        r.data = bytes(self.data.as_slice());
    }

    fn from_record(kind: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            kind: f.need(kind, "kind")?,
            exid: f.need(r.exid.take(), "exid")?,
            data: f.inline(r.data.take(), "data")?,
        })
    }
}

/// `exp-253 exid 0x1234 0x...`.
impl TextForm for Experiment {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exp-{} exid 0x{:04x}", self.kind, self.exid)?;
        opt_hex(f, &self.data)
    }
}
