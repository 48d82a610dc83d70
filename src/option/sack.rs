//! Kind 4, SACK Permitted, and kind 5, SACK (RFC 2018): 1 to 4 blocks of two sequence numbers.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::element::{put, put_head, Borrowed, OptionBody};
use crate::error::{LengthSet, MalformedReason};

/// The SACK blocks of one SACK option (1..=4 on the wire), stored inline.
pub type SackBlocks = SmallVec<[SackBlock; 4]>;

/// A SACK block: the left and right edges of a received range (RFC 2018).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SackBlock {
    /// First sequence number of the block.
    pub left: u32,
    /// Sequence number just after the block.
    pub right: u32,
}

impl SackBlock {
    /// The block's 8 bytes: left edge, right edge.
    #[inline(always)]
    fn to_bytes(self) -> [u8; 8] {
        ((u64::from(self.left) << 32) | u64::from(self.right)).to_be_bytes()
    }

    /// The block from its 8 bytes.
    #[inline(always)]
    fn from_bytes(bytes: [u8; 8]) -> Self {
        let both = u64::from_be_bytes(bytes);
        SackBlock {
            left: (both >> 32) as u32,
            right: both as u32,
        }
    }
}

/// Kind 5, SACK (RFC 2018), length 2 + 8n for 1..=4 blocks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Sack {
    /// The blocks, in wire order.
    pub blocks: SackBlocks,
}

const LENGTHS: LengthSet = LengthSet::of(&[10, 18, 26, 34]);

impl OptionBody for Sack {
    const NAME_FOR_ERRORS: &'static str = "SACK option";

    #[inline(always)]
    fn lengths(_: u8) -> LengthSet {
        LENGTHS
    }

    /// The body is 8, 16, 24 or 32 bytes (the length rule): one block per 8 bytes.
    #[inline(always)]
    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        SackView::view(kind, body).map(Borrowed::to_owned_value)
    }

    #[inline(always)]
    fn encoded_len(&self) -> usize {
        2 + 8 * self.blocks.len()
    }

    /// Unrolled by block count: a loop over at most 4 blocks is not worth its bookkeeping.
    #[inline(always)]
    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        match self.blocks.as_slice() {
            [a] => put(put(out, [kind, 10])?, a.to_bytes()),
            [a, b] => put(put(put(out, [kind, 18])?, a.to_bytes())?, b.to_bytes()),
            [a, b, c] => put(
                put(put(put(out, [kind, 26])?, a.to_bytes())?, b.to_bytes())?,
                c.to_bytes(),
            ),
            [a, b, c, d] => put(
                put(
                    put(put(put(out, [kind, 34])?, a.to_bytes())?, b.to_bytes())?,
                    c.to_bytes(),
                )?,
                d.to_bytes(),
            ),
            blocks => {
                let mut out = put_head(out, kind, self.encoded_len())?;
                for block in blocks {
                    out = put(out, block.to_bytes())?;
                }
                Some(out)
            }
        }
    }
}

/// [`Sack`] borrowed from the bytes it was read from: 1 to 4 blocks of 8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SackView<'a> {
    blocks: &'a [u8],
}

impl<'a> SackView<'a> {
    /// The blocks, in wire order, decoded as they are read.
    pub fn blocks(&self) -> impl ExactSizeIterator<Item = SackBlock> + 'a {
        self.blocks
            .chunks_exact(8)
            .map(|chunk| SackBlock::from_bytes(chunk.try_into().unwrap_or_default()))
    }

    /// How many blocks there are (1..=4).
    pub fn len(&self) -> usize {
        self.blocks.len() / 8
    }

    /// Whether there are no blocks (never, for a view the parser made).
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

impl<'a> Borrowed<'a> for SackView<'a> {
    type Owned = Sack;

    /// The body is 8, 16, 24 or 32 bytes (the length rule): one block per 8 bytes.
    #[inline(always)]
    fn view(_: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        if body.len() % 8 != 0 || body.is_empty() || body.len() > 32 {
            return Err(MalformedReason::BadLength {
                length: crate::element::length_of(body),
                allowed: LENGTHS,
            });
        }
        Ok(Self { blocks: body })
    }

    #[inline(always)]
    fn to_owned_value(self) -> Sack {
        let mut blocks = SackBlocks::new();
        for chunk in self.blocks.chunks_exact(8) {
            blocks.push(SackBlock::from_bytes(chunk.try_into().unwrap_or_default()));
        }
        Sack { blocks }
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use crate::random::*;

    use super::*;

    /// 1 to 4 blocks, as many as fit.
    impl Generate for Sack {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let most = (room.checked_sub(2)? / 8).min(4);
            if most == 0 {
                return None;
            }
            let n = length_in(g, 1, most);
            let blocks: SackBlocks = (0..n).map(|_| SackBlock::arbitrary(g)).collect();
            Some(Self { blocks })
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};

impl<S: Schema<Blocks = SackBlocks>> RecordForm<S> for Sack {
    fn to_record(&self, r: &mut Record<S>) {
        r.blocks = Some(self.blocks.clone());
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            blocks: f.need(r.blocks.take(), "blocks")?,
        })
    }
}

/// `sack 2 {100:200}{300:400}`.
impl TextForm for Sack {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sack {} ", self.blocks.len())?;
        for b in &self.blocks {
            write!(f, "{{{}:{}}}", b.left, b.right)?;
        }
        Ok(())
    }
}
