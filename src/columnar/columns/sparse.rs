//! Builder helpers: mostly-null columns, list columns, addresses as text.

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

impl<T: arrow_array::ArrowPrimitiveType> Nulls for arrow_array::builder::PrimitiveBuilder<T> {
    fn append_nulls(&mut self, n: usize) {
        arrow_array::builder::PrimitiveBuilder::append_nulls(self, n)
    }
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

impl<T: arrow_array::ArrowPrimitiveType> Sparse<arrow_array::builder::PrimitiveBuilder<T>> {
    pub(super) fn append_option(&mut self, v: Option<T::Native>) {
        match v {
            Some(v) => self.values().append_value(v),
            None => self.append_null(),
        }
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
    let offsets = OffsetBuffer::new(std::mem::take(offsets).into());
    let nulls = NullBuffer::from(std::mem::take(valid));
    Arc::new(ListArray::new(item, offsets, values, Some(nulls)))
}

pub(super) fn append_ip(builder: &mut StringBuilder, ip: Option<IpAddr>) {
    match ip {
        Some(ip) => {
            // Writing into the builder appends to the value in progress: no String per row.
            let _ = write!(builder, "{ip}");
            builder.append_value("");
        }
        None => builder.append_null(),
    }
}
