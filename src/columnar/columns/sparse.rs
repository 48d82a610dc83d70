//! Builder helpers: mostly-null columns, list columns, flags, values as text.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::Arc;

use arrow_array::builder::{ArrayBuilder, BinaryBuilder, BooleanBuilder, StringBuilder};
use arrow_array::{ArrayRef, ListArray};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::Field;

/// Builders that append a run of nulls at once.
pub(super) trait Nulls: ArrayBuilder {
    fn append_nulls(&mut self, n: usize);
}

impl<T: arrow_array::types::ByteArrayType> Nulls for arrow_array::builder::GenericByteBuilder<T> {
    fn append_nulls(&mut self, n: usize) {
        arrow_array::builder::GenericByteBuilder::append_nulls(self, n)
    }
}

impl Nulls for BooleanBuilder {
    fn append_nulls(&mut self, n: usize) {
        BooleanBuilder::append_nulls(self, n)
    }
}

/// A mostly-null column (an option's fields, the MPTCP ones): nulls are counted and appended
/// as one run before the next value, instead of one at a time in each of dozens of builders.
#[derive(Default)]
pub(super) struct Sparse<B> {
    builder: B,
    nulls: usize,
}

impl<B: Nulls> Sparse<B> {
    pub(super) fn append_null(&mut self) {
        self.nulls += 1;
    }

    pub(super) fn append_nulls(&mut self, n: usize) {
        self.nulls += n;
    }

    pub(super) fn values(&mut self) -> &mut B {
        if self.nulls > 0 {
            self.builder.append_nulls(std::mem::take(&mut self.nulls));
        }
        &mut self.builder
    }

    pub(super) fn finish(&mut self) -> ArrayRef {
        self.values();
        ArrayBuilder::finish(&mut self.builder)
    }
}

impl Sparse<BinaryBuilder> {
    pub(super) fn append_option(&mut self, v: Option<&[u8]>) {
        match v {
            Some(v) => self.values().append_value(v),
            None => self.append_null(),
        }
    }
}

impl Sparse<StringBuilder> {
    pub(super) fn append_option(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.values().append_value(v),
            None => self.append_null(),
        }
    }
}

impl Sparse<BooleanBuilder> {
    pub(super) fn append_option(&mut self, v: Option<bool>) {
        match v {
            Some(v) => self.values().append_value(v),
            None => self.append_null(),
        }
    }
}

/// Makes a list array from offsets (one more than rows; empty for no rows) and validity.
pub(super) fn finish_list(
    item: Arc<Field>,
    offsets: &mut Vec<i32>,
    valid: &mut Vec<bool>,
    values: ArrayRef,
) -> ArrayRef {
    if offsets.is_empty() {
        offsets.push(0);
    }
    let offsets = OffsetBuffer::new(take_keeping_room(offsets).into());
    let nulls = NullBuffer::from(take_keeping_room(valid));
    Arc::new(ListArray::new(item, offsets, values, Some(nulls)))
}

/// The text of the few values seen last (addresses of the flows in progress, flag
/// combinations): formatting an address costs hundreds of instructions, a lookup a few.
pub(super) struct RecentText<K, const N: usize> {
    recent: [(Option<K>, String); N],
    next: usize,
}

impl<K, const N: usize> Default for RecentText<K, N> {
    fn default() -> Self {
        RecentText {
            recent: std::array::from_fn(|_| (None, String::new())),
            next: 0,
        }
    }
}

impl<K: PartialEq + Copy + std::fmt::Display, const N: usize> RecentText<K, N> {
    /// Appends `value` as text (`None` as a null).
    pub(super) fn append(&mut self, builder: &mut StringBuilder, value: Option<K>) {
        let Some(value) = value else {
            return builder.append_null();
        };
        if let Some((_, text)) = self.recent.iter().find(|(k, _)| *k == Some(value)) {
            return builder.append_value(text);
        }
        // The oldest entry gives way.
        self.next = (self.next + 1) % N;
        if let Some((key, text)) = self.recent.get_mut(self.next) {
            *key = Some(value);
            text.clear();
            let _ = write!(text, "{value}");
            builder.append_value(&*text);
        }
    }
}

/// The address columns' text cache: the two ends of a few flows.
pub(super) type AddrText = RecentText<IpAddr, 8>;

/// The nine flag columns, from one word per row: each column is made at once from the words
/// instead of nine builders taking a value per row.
#[derive(Default)]
pub(super) struct FlagColumns {
    words: Vec<u16>,
    valid: Vec<bool>,
}

impl FlagColumns {
    pub(super) fn push(&mut self, flags: Option<crate::Flags>) {
        self.words.push(flags.map_or(0, crate::Flags::bits));
        self.valid.push(flags.is_some());
    }

    /// One column per flag of `order`, the rows appended so far; then empty.
    pub(super) fn finish(&mut self, order: [crate::Flags; 9]) -> [ArrayRef; 9] {
        let words = take_keeping_room(&mut self.words);
        let valid = take_keeping_room(&mut self.valid);
        let nulls = valid.iter().any(|v| !v).then(|| NullBuffer::from(valid));
        order.map(|flag| {
            let mask = flag.bits();
            let values = arrow_buffer::BooleanBuffer::collect_bool(words.len(), |i| {
                words.get(i).is_some_and(|w| w & mask != 0)
            });
            Arc::new(arrow_array::BooleanArray::new(values, nulls.clone())) as ArrayRef
        })
    }
}

/// A fixed-width column as a plain vector and its validity, made into an array when the batch
/// is finished: an append is a push (Arrow's builders check capacity and track nulls on every
/// value, several times the work for the dozens of such columns each row has).
pub(super) struct Values<T: arrow_array::ArrowPrimitiveType> {
    values: Vec<T::Native>,
    valid: Vec<bool>,
    nulls: usize,
}

impl<T: arrow_array::ArrowPrimitiveType> Default for Values<T> {
    fn default() -> Self {
        Values {
            values: Vec::new(),
            valid: Vec::new(),
            nulls: 0,
        }
    }
}

impl<T: arrow_array::ArrowPrimitiveType> Values<T> {
    #[inline]
    pub(super) fn append_value(&mut self, v: T::Native) {
        self.values.push(v);
        self.valid.push(true);
    }

    #[inline]
    pub(super) fn append_null(&mut self) {
        self.values.push(T::Native::default());
        self.valid.push(false);
        self.nulls += 1;
    }

    pub(super) fn append_nulls(&mut self, n: usize) {
        self.values
            .resize(self.values.len() + n, T::Native::default());
        self.valid.resize(self.valid.len() + n, false);
        self.nulls += n;
    }

    #[inline]
    pub(super) fn append_option(&mut self, v: Option<T::Native>) {
        match v {
            Some(v) => self.append_value(v),
            None => self.append_null(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.values.len()
    }

    /// The values so far as an array; then empty, with room for as many.
    pub(super) fn finish(&mut self) -> ArrayRef {
        let values = take_keeping_room(&mut self.values);
        let valid = take_keeping_room(&mut self.valid);
        let nulls = (std::mem::take(&mut self.nulls) > 0).then(|| NullBuffer::from(valid));
        Arc::new(arrow_array::PrimitiveArray::<T>::new(values.into(), nulls))
    }
}

/// Takes a vector's contents, leaving it empty with room for as many: the next batch has about
/// as many rows, and growing every column from nothing again costs a copy per doubling.
pub(super) fn take_keeping_room<T>(v: &mut Vec<T>) -> Vec<T> {
    let room = v.len();
    std::mem::replace(v, Vec::with_capacity(room))
}

/// Finishes a string or binary builder, leaving it with room for as many values and bytes (as
/// [`take_keeping_room`] does for vectors).
pub(super) fn finish_bytes<T: arrow_array::types::ByteArrayType>(
    builder: &mut arrow_array::builder::GenericByteBuilder<T>,
) -> ArrayRef {
    let (items, bytes) = (builder.len(), builder.values_slice().len());
    let array = builder.finish();
    *builder = arrow_array::builder::GenericByteBuilder::with_capacity(items, bytes);
    Arc::new(array)
}
