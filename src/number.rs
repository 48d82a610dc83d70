//! Big-endian numbers and fixed byte arrays as nom parsers over byte slices.
//!
//! The same parsers as `nom::number::complete::be_u8..be_u64` and `nom::bytes::complete::take`
//! (same signature, same `Eof` error on short input, usable in every nom combinator), written
//! over `&[u8]` alone. nom's are generic over its `Input` trait, whose slice methods are not
//! inlined across crates: every field of every option paid a function call. These compile to a
//! length check and one load.

use nom::error::{Error, ErrorKind};
use nom::IResult;

/// The first `N` bytes as an array, and the rest.
#[inline(always)]
pub(crate) fn array<const N: usize>(input: &[u8]) -> IResult<&[u8], [u8; N]> {
    match input.split_first_chunk::<N>() {
        Some((bytes, rest)) => Ok((rest, *bytes)),
        None => Err(nom::Err::Error(Error::new(input, ErrorKind::Eof))),
    }
}

/// One byte.
#[inline(always)]
pub(crate) fn be_u8(input: &[u8]) -> IResult<&[u8], u8> {
    array::<1>(input).map(|(rest, [b])| (rest, b))
}

/// A big-endian 16-bit number.
#[inline(always)]
pub(crate) fn be_u16(input: &[u8]) -> IResult<&[u8], u16> {
    array(input).map(|(rest, b)| (rest, u16::from_be_bytes(b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nom::Parser;

    type NomResult<'a, T> = IResult<&'a [u8], T>;

    /// Each parser gives what nom's own gives, on every prefix of a buffer (short input
    /// included: the same `Eof` error at the same position).
    #[test]
    fn same_results_as_nom() {
        let data: Vec<u8> = (0u8..12)
            .map(|i| i.wrapping_mul(37).wrapping_add(5))
            .collect();
        for end in 0..=data.len() {
            let input = &data[..end];
            let nom_u8: NomResult<'_, u8> = nom::number::complete::be_u8(input);
            let nom_u16: NomResult<'_, u16> = nom::number::complete::be_u16(input);
            let nom_take: NomResult<'_, &[u8]> = nom::bytes::complete::take(3usize)(input);
            assert_eq!(be_u8(input), nom_u8, "{end}");
            assert_eq!(be_u16(input), nom_u16, "{end}");
            let ours = array::<3>(input).map(|(rest, a)| (rest, a.to_vec()));
            let theirs = nom_take.map(|(rest, t)| (rest, t.to_vec()));
            match (ours, theirs) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{end}"),
                (Err(nom::Err::Error(a)), Err(nom::Err::Error(b))) => {
                    assert_eq!(a.input, b.input, "{end}");
                    assert_eq!(a.code, ErrorKind::Eof);
                }
                (a, b) => panic!("{end}: {a:?} vs {b:?}"),
            }
        }
    }

    /// They compose like nom's: a tuple of them is a parser.
    #[test]
    fn compose_in_tuples() {
        let (rest, (a, b, c)) = (be_u8, be_u16, array::<4>)
            .parse(&[1, 2, 3, 4, 5, 6, 7, 8][..])
            .unwrap();
        assert_eq!((a, b, c, rest), (1, 0x0203, [4, 5, 6, 7], &[8][..]));
    }
}
