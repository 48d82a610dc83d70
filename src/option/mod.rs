//! TCP options: the [`TcpOption`] value, one file per kind (or small family of kinds), and the
//! table that registers them.
//!
//! Each kind's file holds its type, its length rule, its parser and its writer side by side
//! (one implementation of the crate's `OptionBody` trait); the table below (`option_table!`)
//! turns those into [`TcpOption`]'s variants and every method that dispatches on the kind:
//! decoding, [`kind`](TcpOption::kind), [`name`](TcpOption::name),
//! [`encoded_len`](TcpOption::encoded_len), [`validate`](TcpOption::validate) and the writer.
//! So a kind's rules exist once; adding a kind is one file and one line in the table (see
//! ARCHITECTURE.md).
//!
//! ```
//! use tcpwire::{option::{Mss, Timestamps}, TcpOption};
//! let ts = TcpOption::Timestamps(Timestamps { tsval: 1, tsecr: 2 });
//! assert_eq!((ts.kind(), ts.name(), ts.encoded_len()), (8, "timestamps", 10));
//! assert_eq!(TcpOption::parse(&[2, 4, 5, 0xb4])?, TcpOption::Mss(Mss { mss: 1460 }));
//! # Ok::<(), tcpwire::Error>(())
//! ```

mod accecn;
mod area;
mod auth;
pub(crate) mod custom;
mod eno;
mod experiment;
mod fast_open;
mod legacy;
mod mss;
mod quick_start;
mod sack;
mod snack;
mod timestamps;
mod unknown;
mod user_timeout;
mod window_scale;

use std::io::Write;

use cookie_factory::SerializeFn;

use crate::element::{gen_by, put, Borrowed, OptionBody, OwnKind};
use crate::error::{Error, LengthSet, MalformedReason};
use crate::mptcp::{MptcpOption, MptcpView};
use crate::registry::TcpOptionKind;

pub use accecn::AccEcnCounters;
use area::{frame, malformed};
pub(crate) use area::{nop_slots, padding_of, parse_options_into};
pub use area::{parse_options, OptionIter, OptionList, ParseMode, INLINE_OPTIONS, MAX_OPTION_AREA};
pub use auth::{Md5Signature, TcpAo, TcpAoView};
pub use custom::CustomOption;
pub use eno::{Eno, EnoView};
pub use experiment::{
    Experiment, ExperimentView, ExperimentalFastOpen, ExperimentalFastOpenView, EXID_FAST_OPEN,
};
pub use fast_open::{FastOpen, FastOpenView};
pub use legacy::{
    AltChecksumData, AltChecksumDataView, AltChecksumRequest, Cc, CcEcho, CcNew, Echo, EchoReply,
    PocServiceProfile,
};
pub use mss::Mss;
pub use quick_start::QuickStartResponse;
pub use sack::{Sack, SackBlock, SackBlocks, SackView};
pub use snack::Snack;
pub use timestamps::Timestamps;
pub use unknown::{Malformed, MalformedView, Unknown, UnknownView};
pub use user_timeout::{Granularity, UserTimeout};
pub use window_scale::WindowScale;

/// Builds [`TcpOption`] and its dispatch from the table of kinds: units (kinds without a
/// body), kinds with a type of their own under a fixed kind number, and types that carry their
/// kind in the value (experiments, unknown, custom, malformed options).
macro_rules! option_table {
    (
        units { $( $(#[$udoc:meta])* $unit:ident = $ukind:literal, length $ulen:literal, $uname:literal; )* }
        kinds { $( $(#[$doc:meta])* $variant:ident($ty:ty, $vty:ty) = $kind:literal, $name:literal; )* }
        own_kind { $( $(#[$odoc:meta])* $ovariant:ident($oty:ty, $ovty:ty), $oname:literal; )* }
        owned_only { $( $(#[$cdoc:meta])* $cvariant:ident($cty:ty), $cname:literal; )* }
    ) => {
        /// One TCP option, fully decoded. Every bit on the wire is a field; lengths are derived
        /// from the content.
        ///
        /// In JSON every option is an object with `"kind"` (the number), `"type"` (the
        /// snake_case [`name`](Self::name)) and its fields; byte strings are lowercase hex.
        ///
        /// ```
        /// use tcpwire::{option::Timestamps, TcpOption};
        /// let ts = TcpOption::Timestamps(Timestamps { tsval: 1, tsecr: 2 });
        /// assert_eq!(ts.kind(), 8);
        /// assert_eq!(ts.to_bytes().unwrap(), [8, 10, 0, 0, 0, 1, 0, 0, 0, 2]);
        /// assert_eq!(
        ///     serde_json::to_string(&ts).unwrap(),
        ///     r#"{"kind":8,"type":"timestamps","tsval":1,"tsecr":2}"#
        /// );
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum TcpOption {
            $( $(#[$udoc])* $unit, )*
            $( $(#[$doc])* $variant($ty), )*
            $( $(#[$odoc])* $ovariant($oty), )*
            $( $(#[$cdoc])* $cvariant($cty), )*
        }

        /// One TCP option borrowed from the header it was read from, fully decoded: what
        /// [`TcpHeaderView::options`](crate::TcpHeaderView::options) yields. Kinds whose value
        /// is a few numbers hold their owned type (it is `Copy` and small); kinds that keep
        /// bytes hold a borrowed twin (`SackView`, `FastOpenView`, `MptcpView`, ...), and a
        /// malformed option is an item too ([`MalformedView`], with its offset).
        /// [`to_owned`](Self::to_owned) gives the [`TcpOption`] lossless parsing gives, since
        /// both run each kind's one parser.
        ///
        /// ```
        /// use tcpwire::{option::{Mss, OptionView}, TcpHeaderView};
        /// let syn = tcpwire::from_hex("c35001bb0000000100000000600200000000000002040218")?;
        /// let view = TcpHeaderView::parse(&syn)?;
        /// let first = view.options().next().unwrap();
        /// assert_eq!(first, OptionView::Mss(Mss { mss: 536 }));
        /// assert_eq!((first.kind(), first.name()), (2, "mss"));
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum OptionView<'a> {
            $( $(#[$udoc])* $unit, )*
            $( $(#[$doc])* $variant($vty), )*
            $( $(#[$odoc])* $ovariant($ovty), )*
        }

        impl<'a> OptionView<'a> {
            /// The kind byte.
            pub fn kind(&self) -> u8 {
                match self {
                    $( Self::$unit => $ukind, )*
                    $( Self::$variant(_) => $kind, )*
                    $( Self::$ovariant(v) => v.kind(), )*
                }
            }

            /// The snake_case name of this option's type, as [`TcpOption::name`].
            pub fn name(&self) -> &'static str {
                match self {
                    $( Self::$unit => $uname, )*
                    $( Self::$variant(_) => $name, )*
                    $( Self::$ovariant(_) => $oname, )*
                }
            }

            /// The owned option: what lossless parsing gives for the same bytes.
            pub fn to_owned(self) -> TcpOption {
                match self {
                    $( Self::$unit => TcpOption::$unit, )*
                    $( Self::$variant(v) => TcpOption::$variant(v.to_owned_value()), )*
                    $( Self::$ovariant(v) => TcpOption::$ovariant(v.to_owned_value()), )*
                }
            }

            /// Whether this is [`OptionView::Malformed`].
            pub fn is_malformed(&self) -> bool {
                matches!(self, Self::Malformed(_))
            }

            /// [`decode`](Self::decode) for any kind.
            #[inline(never)]
            fn decode_any(kind: u8, option: &'a [u8]) -> Result<Self, MalformedReason> {
                let length = u8::try_from(option.len()).unwrap_or(u8::MAX);
                let body = option.get(2..).unwrap_or_default();
                match kind {
                    $( $ukind => {
                        check_length(length, LengthSet::exactly($ulen))?;
                        Ok(Self::$unit)
                    } )*
                    $( $kind => {
                        check_length(length, <$ty as OptionBody>::lengths($kind))?;
                        <$vty as Borrowed>::view($kind, body).map(Self::$variant)
                    } )*
                    253 | 254 => {
                        check_length(length, Experiment::lengths(kind))?;
                        experiment::decode_view(kind, body)
                    }
                    _ => UnknownView::view(kind, body).map(Self::Unknown),
                }
            }
        }

        impl TcpOption {
            /// The kind byte.
            pub fn kind(&self) -> u8 {
                match self {
                    $( Self::$unit => $ukind, )*
                    $( Self::$variant(_) => $kind, )*
                    $( Self::$ovariant(v) => v.own_kind(), )*
                    $( Self::$cvariant(v) => v.own_kind(), )*
                }
            }

            /// The snake_case name of this option's type (the JSON `"type"`), e.g. `"mss"`.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Self::$unit => $uname, )*
                    $( Self::$variant(_) => $name, )*
                    $( Self::$ovariant(_) => $oname, )*
                    $( Self::$cvariant(_) => $cname, )*
                }
            }

            /// How many bytes the option takes on the wire.
            #[inline]
            pub fn encoded_len(&self) -> usize {
                match self {
                    $( Self::$unit => $ulen, )*
                    $( Self::$variant(v) => OptionBody::encoded_len(v), )*
                    $( Self::$ovariant(v) => OptionBody::encoded_len(v), )*
                    $( Self::$cvariant(v) => OptionBody::encoded_len(v), )*
                }
            }

            /// Checks that the option has an exact encoding, and that parsing that encoding
            /// gives this value back: every field fits its bits, every length is one the option
            /// allows.
            ///
            /// The guarantee, for every variant: an option that validates writes bytes that
            /// lossless parsing reads back into an equal option. A [`TcpOption::Custom`] is the
            /// one option whose meaning is not in its bytes alone: it reads back equal through
            /// a [`Parser`](crate::Parser) holding the codec that made it; parsers without that
            /// codec read the same bytes as the built-in option (or [`TcpOption::Unknown`]),
            /// byte for byte.
            #[inline]
            pub fn validate(&self) -> Result<(), Error> {
                match self {
                    $( Self::$unit => Ok(()), )*
                    $( Self::$variant(v) => OptionBody::validate(v, $kind), )*
                    $( Self::$ovariant(v) => OptionBody::validate(v, v.own_kind()), )*
                    $( Self::$cvariant(v) => OptionBody::validate(v, v.own_kind()), )*
                }
            }

            /// Writes the option as stored (after [`validate`](Self::validate)) at the start of
            /// `out`, returning the rest of `out` (`None` when it is too short).
            #[inline]
            pub(crate) fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
                match self {
                    $( Self::$unit => put_unit(out, $ukind, $ulen), )*
                    $( Self::$variant(v) => OptionBody::write(v, $kind, out), )*
                    $( Self::$ovariant(v) => OptionBody::write(v, v.own_kind(), out), )*
                    $( Self::$cvariant(v) => OptionBody::write(v, v.own_kind(), out), )*
                }
            }

            /// Decodes one option of any kind whose framing is sound, as
            /// [`decode_into`](Self::decode_into) does.
            #[inline(never)]
            fn decode_any(
                kind: u8,
                option: &[u8],
                slot: &mut impl Slot,
            ) -> Result<(), MalformedReason> {
                let length = u8::try_from(option.len()).unwrap_or(u8::MAX);
                let body = option.get(2..).unwrap_or_default();
                match kind {
                    $( $ukind => {
                        check_length(length, LengthSet::exactly($ulen))?;
                        place(slot, Self::$unit);
                    } )*
                    $( $kind => place(slot, Self::$variant(decode_body::<$ty>($kind, length, body)?)), )*
                    253 | 254 => {
                        check_length(length, Experiment::lengths(kind))?;
                        place(slot, experiment::decode(kind, body)?);
                    }
                    _ => place(slot, Self::Unknown(Unknown::parse(kind, body)?)),
                }
                Ok(())
            }
        }

        /// The option lengths (the Length byte, counting Kind and Length) that kind `kind`'s
        /// specification allows. Kinds without a rule (unknown ones) allow 2..=40. For MPTCP
        /// (kind 30) this is the outer bound only; the subtype decides further.
        pub(crate) fn allowed_lengths(kind: u8) -> LengthSet {
            match kind {
                $( $ukind => LengthSet::exactly($ulen), )*
                $( $kind => <$ty as OptionBody>::lengths($kind), )*
                253 | 254 => Experiment::lengths(kind),
                _ => Unknown::lengths(kind),
            }
        }

        /// Whether this crate decodes `kind` into a variant of its own (else it is
        /// [`TcpOption::Unknown`]).
        pub(crate) const fn is_decoded_kind(kind: u8) -> bool {
            matches!(kind, $( $ukind )|* | $( $kind )|* | 253 | 254)
        }

        /// Every kind the table decodes, with its name (for the registry test).
        #[cfg(test)]
        const DECODED: &[(u8, &str)] = &[ $( ($ukind, $uname), )* $( ($kind, $name), )* ];

        impl TcpOption {
            /// Sets the option's own fields in its serde record (each kind's `RecordForm`).
            pub(crate) fn fields_to_record<S: OptionSchema>(&self, r: &mut Record<S>) {
                match self {
                    $( Self::$unit => {} )*
                    $( Self::$variant(v) => RecordForm::<S>::to_record(v, r), )*
                    $( Self::$ovariant(v) => RecordForm::<S>::to_record(v, r), )*
                    $( Self::$cvariant(v) => RecordForm::<S>::to_record(v, r), )*
                }
            }

            /// The option whose `"type"` is `name`, its fields taken out of `r` by its kind's
            /// `RecordForm`; `None` when no kind has that name.
            pub(crate) fn from_record_named<S: OptionSchema>(
                name: &str,
                kind: Option<u8>,
                r: &mut Record<S>,
                f: &Ctx<'_>,
            ) -> Option<Result<Self, String>> {
                Some(match name {
                    $( $uname => Ok(Self::$unit), )*
                    $( $name => <$ty as RecordForm<S>>::from_record(kind, r, f).map(Self::$variant), )*
                    $( $oname => <$oty as RecordForm<S>>::from_record(kind, r, f).map(Self::$ovariant), )*
                    $( $cname => <$cty as RecordForm<S>>::from_record(kind, r, f).map(Self::$cvariant), )*
                    _ => return None,
                })
            }

            /// Writes the option's text (each kind's `TextForm`).
            pub(crate) fn write_text(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $( Self::$unit => f.write_str(unit_text($ukind)), )*
                    $( Self::$variant(v) => TextForm::text(v, $kind, f), )*
                    $( Self::$ovariant(v) => TextForm::text(v, v.own_kind(), f), )*
                    $( Self::$cvariant(v) => TextForm::text(v, v.own_kind(), f), )*
                }
            }
        }
    };
}

option_table! {
    units {
        /// Kind 0, End of Option List (RFC 9293). Whatever follows is the header's padding.
        Eol = 0, length 1, "eol";
        /// Kind 1, No-Operation (RFC 9293).
        Nop = 1, length 1, "nop";
        /// Kind 4, SACK Permitted (RFC 2018), length 2.
        SackPermitted = 4, length 2, "sack_permitted";
        /// Kind 9, Partial Order Connection Permitted (RFC 1693, obsolete), length 2.
        PocPermitted = 9, length 2, "poc_permitted";
    }
    kinds {
        /// Kind 2, Maximum Segment Size (RFC 9293), length 4.
        Mss(Mss, Mss) = 2, "mss";
        /// Kind 3, Window Scale (RFC 7323), length 3.
        WindowScale(WindowScale, WindowScale) = 3, "window_scale";
        /// Kind 5, SACK (RFC 2018), length 2 + 8n for 1..=4 blocks.
        Sack(Sack, SackView<'a>) = 5, "sack";
        /// Kind 6, Echo (RFC 1072, obsolete), length 6.
        Echo(Echo, Echo) = 6, "echo";
        /// Kind 7, Echo Reply (RFC 1072, obsolete), length 6.
        EchoReply(EchoReply, EchoReply) = 7, "echo_reply";
        /// Kind 8, Timestamps (RFC 7323), length 10.
        Timestamps(Timestamps, Timestamps) = 8, "timestamps";
        /// Kind 10, Partial Order Service Profile (RFC 1693, obsolete), length 3.
        PocServiceProfile(PocServiceProfile, PocServiceProfile) = 10, "poc_service_profile";
        /// Kind 11, CC (RFC 1644, obsolete), length 6.
        Cc(Cc, Cc) = 11, "cc";
        /// Kind 12, CC.NEW (RFC 1644, obsolete), length 6.
        CcNew(CcNew, CcNew) = 12, "cc_new";
        /// Kind 13, CC.ECHO (RFC 1644, obsolete), length 6.
        CcEcho(CcEcho, CcEcho) = 13, "cc_echo";
        /// Kind 14, Alternate Checksum Request (RFC 1146, obsolete), length 3.
        AltChecksumRequest(AltChecksumRequest, AltChecksumRequest) = 14, "alt_checksum_request";
        /// Kind 15, Alternate Checksum Data (RFC 1146, obsolete), length 2 + data.
        AltChecksumData(AltChecksumData, AltChecksumDataView<'a>) = 15, "alt_checksum_data";
        /// Kind 19, MD5 Signature (RFC 2385), length 18.
        Md5Signature(Md5Signature, Md5Signature) = 19, "md5_signature";
        /// Kind 21, SCPS Selective Negative Acknowledgement (CCSDS 714.0-B-2), length 6.
        Snack(Snack, Snack) = 21, "snack";
        /// Kind 27, Quick-Start Response (RFC 4782), length 8.
        QuickStartResponse(QuickStartResponse, QuickStartResponse) = 27, "quick_start_response";
        /// Kind 28, User Timeout (RFC 5482), length 4.
        UserTimeout(UserTimeout, UserTimeout) = 28, "user_timeout";
        /// Kind 29, TCP Authentication Option (RFC 5925), length 4 + MAC.
        TcpAo(TcpAo, TcpAoView<'a>) = 29, "tcp_ao";
        /// Kind 30, Multipath TCP (RFC 6824, RFC 8684).
        Mptcp(MptcpOption, MptcpView<'a>) = 30, "mptcp";
        /// Kind 34, TCP Fast Open (RFC 7413): length 2 (cookie request) or 6..=18.
        FastOpen(FastOpen, FastOpenView<'a>) = 34, "fast_open";
        /// Kind 69, Encryption Negotiation (RFC 8547), suboptions kept as bytes.
        Eno(Eno, EnoView<'a>) = 69, "eno";
        /// Kind 172, AccECN Order 0 (RFC 9768): counters in the order EE0B, ECEB, EE1B.
        AccEcnOrder0(AccEcnCounters, AccEcnCounters) = 172, "accecn_order0";
        /// Kind 174, AccECN Order 1 (RFC 9768): counters in the order EE1B, ECEB, EE0B.
        AccEcnOrder1(AccEcnCounters, AccEcnCounters) = 174, "accecn_order1";
    }
    own_kind {
        /// TCP Fast Open in an RFC 6994 experiment option (kind 253 or 254, ExID 0xF989).
        ExperimentalFastOpen(ExperimentalFastOpen, ExperimentalFastOpenView<'a>), "experimental_fast_open";
        /// Kinds 253 and 254, RFC 3692-style experiments with an RFC 6994 ExID.
        Experiment(Experiment, ExperimentView<'a>), "experiment";
        /// Any kind this crate does not decode, with its bytes after Kind and Length.
        Unknown(Unknown, UnknownView<'a>), "unknown";
        /// An option that breaks its framing or its specification, kept byte for byte.
        Malformed(Malformed, MalformedView<'a>), "malformed";
    }
    owned_only {
        /// An option decoded by a codec registered with a [`Parser`](crate::Parser), kept with
        /// its exact bytes (never produced by the default parsers).
        Custom(CustomOption), "custom";
    }
}

impl TcpOption {
    /// Decodes one option whose framing is sound (`option` is the whole option, Kind, Length
    /// and body, and its length is its Length byte, 2..=40) straight into the place `slot`
    /// gives: the length checked against the kind's rule, then the kind's parser. Writing in
    /// place (rather than returning the value) spares a copy of the whole `TcpOption`.
    ///
    /// The kinds of nearly every real header are inlined into the option loop; they run the
    /// very parsers the table registers (`decode_body` over their types), so this list
    /// decides speed, never behaviour. Every other kind takes the table's `decode_any`.
    #[inline(always)]
    pub(crate) fn decode_into(
        kind: u8,
        option: &[u8],
        slot: &mut impl Slot,
    ) -> Result<(), MalformedReason> {
        let length = u8::try_from(option.len()).unwrap_or(u8::MAX);
        let body = option.get(2..).unwrap_or_default();
        match kind {
            2 => place(slot, Self::Mss(decode_body::<Mss>(2, length, body)?)),
            3 => place(slot, Self::WindowScale(decode_body(3, length, body)?)),
            4 if length == 2 => place(slot, Self::SackPermitted),
            5 => place(slot, Self::Sack(decode_body(5, length, body)?)),
            8 => place(slot, Self::Timestamps(decode_body(8, length, body)?)),
            _ => return Self::decode_any(kind, option, slot),
        }
        Ok(())
    }
}

impl<'a> OptionView<'a> {
    /// Decodes one option whose framing is sound (`option` is the whole option, its length
    /// its Length byte), borrowing its bytes: the length checked against the kind's rule, then
    /// the kind's parser (the one the owned value is made by). The common kinds are inlined
    /// into the caller's loop, as in [`TcpOption::decode_into`]; the list decides speed only.
    #[inline(always)]
    pub(crate) fn decode(kind: u8, option: &'a [u8]) -> Result<Self, MalformedReason> {
        let length = u8::try_from(option.len()).unwrap_or(u8::MAX);
        let body = option.get(2..).unwrap_or_default();
        match kind {
            2 => decode_body::<Mss>(2, length, body).map(Self::Mss),
            3 => decode_body(3, length, body).map(Self::WindowScale),
            4 if length == 2 => Ok(Self::SackPermitted),
            5 => {
                check_length(length, Sack::lengths(5))?;
                SackView::view(5, body).map(Self::Sack)
            }
            8 => decode_body(8, length, body).map(Self::Timestamps),
            _ => Self::decode_any(kind, option),
        }
    }
}

impl TcpOption {
    /// Writes the option when it validates (the check [`validate`](Self::validate) makes,
    /// through the kind's own `validate` and `write`) and may stand where it is (EOL, or a
    /// malformed option whose length cannot be trusted, ends the list: `last` says whether
    /// this one does); `None` otherwise, which the header writer then reports through
    /// `validate`. The common kinds (those of nearly every real header) are inlined into the
    /// header writer's loop; every other kind runs the same `validate` and `write` through the
    /// table, so the list decides speed, never behaviour.
    #[inline(always)]
    pub(crate) fn write_checked<'o>(&self, out: &'o mut [u8], last: bool) -> Option<&'o mut [u8]> {
        match self {
            Self::Nop => put(out, [1]),
            Self::Eol if last => put(out, [0]),
            Self::Mss(v) => checked_write(v, 2, out),
            Self::WindowScale(v) => checked_write(v, 3, out),
            Self::SackPermitted => put(out, [4, 2]),
            Self::Sack(v) => checked_write(v, 5, out),
            Self::Timestamps(v) => checked_write(v, 8, out),
            _ => self.write_checked_any(out, last),
        }
    }

    /// [`write_checked`](Self::write_checked) for any option.
    #[inline(never)]
    fn write_checked_any<'o>(&self, out: &'o mut [u8], last: bool) -> Option<&'o mut [u8]> {
        if !last && self.ends_list() {
            return None;
        }
        self.validate().ok()?;
        self.write(out)
    }

    /// Whether nothing may follow this option: EOL, or a malformed option whose framing is
    /// broken (its length cannot be trusted, so it runs to the end of the area).
    pub(crate) fn ends_list(&self) -> bool {
        match self {
            Self::Eol => true,
            Self::Malformed(m) => m.reason.is_framing(),
            _ => false,
        }
    }
}

/// A kind's `write` after its `validate`.
#[inline(always)]
fn checked_write<'o, T: OptionBody>(v: &T, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
    v.validate(kind).ok()?;
    v.write(kind, out)
}

/// A kind's value from its body, after its length rule.
#[inline(always)]
fn decode_body<T: OptionBody>(kind: u8, length: u8, body: &[u8]) -> Result<T, MalformedReason> {
    check_length(length, T::lengths(kind))?;
    T::parse(kind, body)
}

/// `Ok` when `allowed` holds `length`.
#[inline(always)]
fn check_length(length: u8, allowed: LengthSet) -> Result<(), MalformedReason> {
    if allowed.contains(length) {
        Ok(())
    } else {
        Err(MalformedReason::BadLength { length, allowed })
    }
}

/// Where decoding puts an option: the next place of a header's option list, or one value.
pub(crate) trait Slot {
    /// The place for the next option (`None`: drop it, which the list never asks for).
    fn next(&mut self) -> Option<&mut TcpOption>;
}

/// One option, for parsing a single option.
struct One(TcpOption);

impl Slot for One {
    #[inline(always)]
    fn next(&mut self) -> Option<&mut TcpOption> {
        Some(&mut self.0)
    }
}

/// Puts a decoded option where the caller wants it.
#[inline(always)]
fn place(slot: &mut impl Slot, value: TcpOption) {
    if let Some(place) = slot.next() {
        *place = value;
    }
}

/// Writes a kind without a body (EOL, NOP: one byte; SACK permitted, POC permitted: Kind and
/// Length 2).
#[inline(always)]
fn put_unit(out: &mut [u8], kind: u8, len: usize) -> Option<&mut [u8]> {
    if len == 1 {
        put(out, [kind])
    } else {
        put(out, [kind, 2])
    }
}

impl OwnKind for ExperimentalFastOpen {
    fn own_kind(&self) -> u8 {
        self.kind
    }
}

impl OwnKind for Experiment {
    fn own_kind(&self) -> u8 {
        self.kind
    }
}

impl OwnKind for Unknown {
    fn own_kind(&self) -> u8 {
        self.kind
    }
}

impl OwnKind for Malformed {
    fn own_kind(&self) -> u8 {
        self.kind
    }
}

impl OwnKind for CustomOption {
    fn own_kind(&self) -> u8 {
        self.kind()
    }
}

impl TcpOption {
    /// Parses `bytes` as exactly one option (strict): bytes left after it are an error
    /// ([`Error::TrailingBytes`]). Use [`parse_prefix`](Self::parse_prefix) to parse one
    /// option from the start of an option area and get the rest.
    ///
    /// ```
    /// use tcpwire::{option::WindowScale, TcpOption};
    /// assert_eq!(TcpOption::parse(&[3, 3, 7])?, TcpOption::WindowScale(WindowScale { shift: 7 }));
    /// assert!(TcpOption::parse(&[3, 3, 7, 1]).is_err());
    /// # Ok::<(), tcpwire::Error>(())
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<TcpOption, Error> {
        Self::parse_with(bytes, ParseMode::Strict)
    }

    /// Parses `bytes` as exactly one option, keeping it as [`TcpOption::Malformed`] when it
    /// breaks its specification.
    pub fn parse_lossless(bytes: &[u8]) -> Result<TcpOption, Error> {
        Self::parse_with(bytes, ParseMode::Lossless)
    }

    /// Parses `bytes` as exactly one option in the given mode.
    pub fn parse_with(bytes: &[u8], mode: ParseMode) -> Result<TcpOption, Error> {
        let (option, rest) = Self::parse_prefix(bytes, mode)?;
        if rest.is_empty() {
            Ok(option)
        } else {
            Err(Error::TrailingBytes {
                what: "option",
                length: bytes.len() - rest.len(),
                trailing: rest.len(),
            })
        }
    }

    /// Parses one option from the start of `bytes` in the given mode, returning it and the
    /// rest. EOL is returned on its own; the caller decides what follows it.
    ///
    /// ```
    /// use tcpwire::{option::WindowScale, ParseMode, TcpOption};
    /// let (opt, rest) = TcpOption::parse_prefix(&[3, 3, 7, 1], ParseMode::Strict)?;
    /// assert_eq!(opt, TcpOption::WindowScale(WindowScale { shift: 7 }));
    /// assert_eq!(rest, &[1]);
    /// # Ok::<(), tcpwire::Error>(())
    /// ```
    pub fn parse_prefix(bytes: &[u8], mode: ParseMode) -> Result<(TcpOption, &[u8]), Error> {
        let Some((&kind, after_kind)) = bytes.split_first() else {
            return Err(Error::TooShort { available: 0 });
        };
        match kind {
            0 => Ok((TcpOption::Eol, after_kind)),
            1 => Ok((TcpOption::Nop, after_kind)),
            _ => match frame(bytes) {
                Ok((opt, next)) => {
                    let mut option = One(TcpOption::Nop);
                    match Self::decode_into(kind, opt, &mut option) {
                        Ok(()) => Ok((option.0, next)),
                        Err(reason) => Ok((malformed(kind, opt, reason, 0, mode)?, next)),
                    }
                }
                Err(reason) => Ok((malformed(kind, bytes, reason, 0, mode)?, &[])),
            },
        }
    }

    /// The kind as an IANA registry value.
    pub fn option_kind(&self) -> TcpOptionKind {
        TcpOptionKind::from_value(self.kind())
    }

    /// Whether this is [`TcpOption::Malformed`].
    pub fn is_malformed(&self) -> bool {
        matches!(self, Self::Malformed(_))
    }

    /// Writes the option (checked by [`validate`](Self::validate) first) to a new vector.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        self.validate()?;
        let mut buf = [0u8; MAX_OPTION_AREA];
        let len = self.encoded_len();
        let dst = buf.get_mut(..len).ok_or(Error::TooLong {
            what: "option",
            length: len,
            max: MAX_OPTION_AREA,
        })?;
        match self.write(dst) {
            Some([]) => Ok(dst.to_vec()),
            _ => Err(Error::Unencodable {
                what: "option",
                detail: format!("{} does not write its encoded length {len}", self.name()),
            }),
        }
    }
}

/// Any MPTCP option is a TCP option of kind 30.
impl From<MptcpOption> for TcpOption {
    fn from(value: MptcpOption) -> Self {
        Self::Mptcp(value)
    }
}

/// The generator for one option: writes it as stored, without checks (see
/// [`TcpOption::validate`]), through the same writer as
/// [`TcpHeader::write_to`](crate::TcpHeader::write_to).
pub fn gen_option<'a, W: Write + 'a>(option: &'a TcpOption) -> impl SerializeFn<W> + 'a {
    gen_by(option.encoded_len(), move |dst| {
        let len = dst.len();
        option.write(dst).map(|rest| len - rest.len())
    })
}

// Serde record and text form.

use std::fmt;

use crate::element::{RecordForm, TextForm};
use crate::mptcp::{DssMapping, MpCapableFlags};
use crate::record::{Ctx, Record, Schema};
use custom::CodecFields;

/// A record schema whose nested fields hold the option types' own values, as every kind's
/// `RecordForm` in this module needs.
pub(crate) trait OptionSchema:
    Schema<
    Blocks = SackBlocks,
    Granularity = Granularity,
    Flags = MpCapableFlags,
    Mapping = DssMapping,
    Fields = CodecFields,
>
{
}

impl<S> OptionSchema for S where
    S: Schema<
        Blocks = SackBlocks,
        Granularity = Granularity,
        Flags = MpCapableFlags,
        Mapping = DssMapping,
        Fields = CodecFields,
    >
{
}

/// The text of the kinds without a body, as tcpdump words them.
fn unit_text(kind: u8) -> &'static str {
    match kind {
        0 => "eol",
        1 => "nop",
        4 => "sackOK",
        _ => "pocOK",
    }
}

#[cfg(test)]
mod tests;
