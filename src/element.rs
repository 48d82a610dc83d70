//! What every wire element (a TCP option kind, an MPTCP subtype) implements, and the byte
//! writers they share.
//!
//! Each kind's file implements [`OptionBody`] once; the table in `option/mod.rs` (and in
//! `mptcp/mod.rs` for the subtypes) turns those implementations into the enum's dispatch:
//! decoding, `kind()`, `encoded_len()`, `validate()`, the writer and the allowed lengths all
//! come from the one implementation, so no second copy of a rule exists to drift.
//!
//! Writers write into a byte slice and return the rest of it (`None` when it is too short);
//! the header writer runs them straight into the caller's buffer, and the cookie-factory
//! generators run them into a stack buffer.

use std::fmt;

use crate::error::{Error, LengthSet, MalformedReason};
use crate::record::{Ctx, Record, Schema};

/// The wire rules of one option kind (or one MPTCP subtype), implemented once in its file.
///
/// `kind` is the kind number the table registers the type under (several kinds can share a
/// type, such as the two AccECN orders); the writer writes that number, so the kind a value is
/// read under and the kind it is written with cannot differ.
pub(crate) trait OptionBody: Sized {
    /// The option lengths (the Length byte, Kind and Length counted) the kind allows.
    fn lengths(kind: u8) -> LengthSet;

    /// Decodes the body (the bytes after Kind and Length) of an option of `kind` whose length
    /// is one of [`lengths`](Self::lengths).
    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason>;

    /// Bytes on the wire, Kind and Length included.
    fn encoded_len(&self) -> usize;

    /// Checks that the value has an exact encoding that parses back to it. The default: the
    /// encoded length is one the kind allows.
    #[inline(always)]
    fn validate(&self, kind: u8) -> Result<(), Error> {
        check_length(
            Self::NAME_FOR_ERRORS,
            kind,
            self.encoded_len(),
            Self::lengths(kind),
        )
    }

    /// What the value is called in error messages ("SACK option").
    const NAME_FOR_ERRORS: &'static str;

    /// Writes the whole option (Kind, Length, body) at the start of `out`, as stored (after
    /// [`validate`](Self::validate)), and returns the rest of `out`.
    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]>;
}

/// `Ok` when `len` is one of `allowed`, else an [`Error::Unencodable`] naming both.
#[inline(always)]
pub(crate) fn check_length(
    what: &'static str,
    kind: u8,
    len: usize,
    allowed: LengthSet,
) -> Result<(), Error> {
    match u8::try_from(len) {
        Ok(l) if allowed.contains(l) => Ok(()),
        _ => Err(bad_length(what, kind, len, allowed)),
    }
}

#[cold]
#[inline(never)]
fn bad_length(what: &'static str, kind: u8, len: usize, allowed: LengthSet) -> Error {
    Error::Unencodable {
        what,
        detail: format!("kind {kind} with length {len}; allowed: {allowed}"),
    }
}

/// `Ok` when `value` fits in `bits` bits, else an [`Error::Unencodable`] naming the field.
pub(crate) fn check_bits(
    what: &'static str,
    field: &str,
    value: u64,
    bits: u32,
) -> Result<(), Error> {
    if value >> bits == 0 {
        Ok(())
    } else {
        unencodable(what, format!("{field} {value} is wider than {bits} bits"))
    }
}

/// An [`Error::Unencodable`].
pub(crate) fn unencodable<T>(what: &'static str, detail: String) -> Result<T, Error> {
    Err(Error::Unencodable { what, detail })
}

/// The option's Length byte as a number (saturating; lengths over 40 never get this far).
#[inline(always)]
pub(crate) fn length_of(body: &[u8]) -> u8 {
    u8::try_from(body.len() + 2).unwrap_or(u8::MAX)
}

/// Writes `bytes` at the start of `out`, returning the rest of it (`None` when it is too short).
#[inline(always)]
pub(crate) fn put<const N: usize>(out: &mut [u8], bytes: [u8; N]) -> Option<&mut [u8]> {
    let (dst, rest) = out.split_first_chunk_mut::<N>()?;
    *dst = bytes;
    Some(rest)
}

/// Writes `bytes` at the start of `out`, returning the rest of it.
#[inline(always)]
pub(crate) fn put_slice<'o>(out: &'o mut [u8], bytes: &[u8]) -> Option<&'o mut [u8]> {
    let (dst, rest) = out.split_at_mut_checked(bytes.len())?;
    dst.copy_from_slice(bytes);
    Some(rest)
}

/// Kind and Length (lengths are checked by `validate` first; saturate rather than wrap).
#[inline(always)]
pub(crate) fn put_head(out: &mut [u8], kind: u8, len: usize) -> Option<&mut [u8]> {
    put(out, [kind, u8::try_from(len).unwrap_or(u8::MAX)])
}

/// Kind, Length and `data` as it is: the writer of every opaque option.
#[inline(always)]
pub(crate) fn put_opaque<'o>(out: &'o mut [u8], kind: u8, data: &[u8]) -> Option<&'o mut [u8]> {
    put_slice(put_head(out, kind, 2 + data.len())?, data)
}

/// A body of fixed size `N` as an array, or the option's length as a bad one.
#[inline(always)]
pub(crate) fn exactly<const N: usize>(
    body: &[u8],
    allowed: LengthSet,
) -> Result<[u8; N], MalformedReason> {
    body.try_into().map_err(|_| MalformedReason::BadLength {
        length: length_of(body),
        allowed,
    })
}

/// A cookie-factory writer running a slice writer: the generators of the public API
/// (`gen_option`, `gen_header`) write through the very writers the header writer uses.
pub(crate) fn gen_by<'a, W: std::io::Write + 'a>(
    len: usize,
    write: impl Fn(&mut [u8]) -> Option<usize> + 'a,
) -> impl cookie_factory::SerializeFn<W> + 'a {
    move |out: cookie_factory::WriteContext<W>| {
        let mut buf = [0u8; 40];
        let dst = buf
            .get_mut(..len)
            .ok_or(cookie_factory::GenError::BufferTooSmall(len))?;
        let written = write(dst).ok_or(cookie_factory::GenError::BufferTooSmall(len))?;
        let mut out = out;
        std::io::Write::write_all(&mut out, dst.get(..written).unwrap_or_default())?;
        Ok(out)
    }
}

/// A kind's value read from the wire without copying its bytes: the form the zero-copy view
/// ([`TcpHeaderView`](crate::TcpHeaderView)) yields.
///
/// A kind whose value is a few numbers is its own borrowed form (the blanket impl below: `view`
/// is its `parse`). A kind that keeps bytes has a twin holding `&'a [u8]`, and its owned
/// `parse` is that twin's `view` then `to_owned_value`: the view and the owned value read the
/// bytes by one rule, written once.
pub(crate) trait Borrowed<'a>: Copy {
    /// The owned value.
    type Owned;

    /// Decodes the body (the bytes after Kind and Length) of an option of `kind` whose length
    /// is one the kind allows, borrowing its bytes.
    fn view(kind: u8, body: &'a [u8]) -> Result<Self, MalformedReason>;

    /// The owned value: the bytes copied into inline storage.
    fn to_owned_value(self) -> Self::Owned;
}

impl<'a, T: OptionBody + Copy> Borrowed<'a> for T {
    type Owned = T;

    #[inline(always)]
    fn view(kind: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        T::parse(kind, body)
    }

    #[inline(always)]
    fn to_owned_value(self) -> T {
        self
    }
}

/// `body` when it has at most `N` bytes (what an `InlineBytes<N>` holds), else the option's
/// length as a bad one.
#[inline(always)]
pub(crate) fn at_most<const N: usize>(
    body: &[u8],
    allowed: LengthSet,
) -> Result<&[u8], MalformedReason> {
    if body.len() <= N {
        Ok(body)
    } else {
        Err(MalformedReason::BadLength {
            length: length_of(body),
            allowed,
        })
    }
}

/// A type that carries its kind number in the value (experiments, unknown, custom and
/// malformed options), so the table cannot fix it.
pub(crate) trait OwnKind {
    /// The kind byte.
    fn own_kind(&self) -> u8;
}

/// The serde record form of one option kind (or MPTCP subtype), implemented once in its file:
/// which fields of the flat [`Record`] the kind uses, and how its value is read back from them.
/// The table dispatches to it by the record's `"type"` (or `"mptcp"`) name.
pub(crate) trait RecordForm<S: Schema>: Sized {
    /// Sets the value's own fields in `r` (the table sets `"kind"` and `"type"`).
    fn to_record(&self, r: &mut Record<S>);

    /// Takes the kind's fields out of `r`, checking them (errors name the type through `f`).
    /// `kind` is the record's `"kind"` (for a subtype its `"subtype"`) when it was given; the
    /// types that carry their kind in the value read it from there. Fields left in `r` are
    /// ones that do not belong to the kind: the caller refuses them.
    fn from_record(kind: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String>;
}

/// The tcpdump-like text of one option kind (or MPTCP subtype), implemented once in its file,
/// as it appears inside `options [..]`. `kind` is the kind number the table registers the type
/// under (for a subtype, its subtype number).
pub(crate) trait TextForm {
    /// Writes the text.
    fn text(&self, kind: u8, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}
