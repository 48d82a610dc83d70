//! The wire rules and generators, for tools that build or check bytes by hand (test-vector
//! makers, fuzzers, differential tests): the option lengths each kind and MPTCP subtype
//! allows, and the cookie-factory generators of headers, segments and options.
//!
//! Everyday parsing and writing does not need this module: [`TcpHeader::parse`] and
//! [`TcpHeader::to_bytes`](crate::TcpHeader::to_bytes) apply the same rules.
//!
//! ```
//! use tcpwire::wire;
//! assert!(wire::allowed_lengths(5).contains(18));
//! assert!(!wire::allowed_lengths(2).contains(5));
//! assert!(wire::is_decoded_kind(21) && !wire::is_decoded_kind(99));
//! assert!(wire::DSS_LENGTHS.contains(28));
//! ```
//!
//! [`TcpHeader::parse`]: crate::TcpHeader::parse

use std::io::Write;

use cookie_factory::combinator::slice as gen_slice;
use cookie_factory::{GenResult, SerializeFn, WriteContext};

use crate::error::LengthSet;
use crate::header::{TcpHeader, TcpSegment, FIXED_HEADER_LEN};
use crate::option::TcpOption;

pub use crate::mptcp::add_addr::add_addr_lengths;
pub use crate::mptcp::dss::DSS_LENGTHS;
pub use crate::mptcp::mp_capable::{
    mp_capable_lengths, MP_CAPABLE_V0_LENGTHS, MP_CAPABLE_V1_LENGTHS,
};
pub use crate::mptcp::mp_fail::LENGTHS as MP_FAIL_LENGTHS;
pub use crate::mptcp::mp_join::MP_JOIN_LENGTHS;
pub use crate::mptcp::mp_prio::LENGTHS as MP_PRIO_LENGTHS;
pub use crate::mptcp::mp_tcprst::LENGTHS as MP_TCPRST_LENGTHS;
pub use crate::mptcp::remove_addr::LENGTHS as REMOVE_ADDR_LENGTHS;
pub use crate::option::gen_option;

/// The option lengths (the Length byte, counting Kind and Length) that kind `kind`'s
/// specification allows. Kinds without a rule (unknown ones) allow 2..=40. For MPTCP (kind 30)
/// this is the outer bound only; the subtype decides further.
pub fn allowed_lengths(kind: u8) -> LengthSet {
    crate::option::allowed_lengths(kind)
}

/// Whether this crate decodes `kind` into a variant of its own (else it is
/// [`TcpOption::Unknown`]).
pub const fn is_decoded_kind(kind: u8) -> bool {
    crate::option::is_decoded_kind(kind)
}

/// The options of `header` with the offset of each one's kind byte from the header's start.
///
/// ```
/// use tcpwire::wire::options_with_offsets;
/// let syn = tcpwire::from_hex(
///     "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307",
/// ).unwrap();
/// let header = tcpwire::TcpHeader::parse(&syn).unwrap();
/// let offsets: Vec<usize> = options_with_offsets(&header).map(|(o, _)| o).collect();
/// assert_eq!(offsets, [20, 24, 26, 36, 37]);
/// ```
pub fn options_with_offsets(header: &TcpHeader) -> impl Iterator<Item = (usize, &TcpOption)> {
    header
        .options
        .iter()
        .scan(FIXED_HEADER_LEN, |start, option| {
            let offset = *start;
            *start += option.encoded_len();
            Some((offset, option))
        })
}

/// The generator for a header: writes it as stored, without checks (see
/// [`TcpHeader::validate`]): the fixed bytes as [`TcpHeader::write_to`] packs them, each option
/// through its kind's writer, the padding.
pub fn gen_header<'a, W: Write + 'a>(h: &'a TcpHeader) -> impl SerializeFn<W> + 'a {
    move |mut out: WriteContext<W>| -> GenResult<W> {
        out = gen_slice(h.fixed_bytes())(out)?;
        for option in &h.options {
            out = gen_option(option)(out)?;
        }
        gen_slice(h.padding.as_slice())(out)
    }
}

/// The generator for a segment: the header (see [`gen_header`]), then the payload.
pub fn gen_segment<'a, W: Write + 'a>(s: &'a TcpSegment) -> impl SerializeFn<W> + 'a {
    move |out: WriteContext<W>| -> GenResult<W> {
        let out = gen_header(&s.header)(out)?;
        gen_slice(&s.payload)(out)
    }
}
