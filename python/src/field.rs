//! One field of an option's serde record, without building the record's dict.
//!
//! Reading `option.tsval` through the whole record cost about a microsecond (a dict, a string
//! per key, every value made into a Python object); [`pick`] serializes the option into a
//! serializer that keeps only the value of the field asked for and makes that one value a
//! Python object. The record form is the one serializer of an option's fields, so the attribute
//! and `to_dict()` cannot disagree.

use pyo3::prelude::*;
use pythonize::{pythonize, PythonizeError};
use serde::ser::{self, Impossible, Serialize, SerializeStruct, Serializer};

/// The value of the record field `name` as pythonize makes it (hex text for bytes, as in the
/// JSON form), or `None` when the option's record has no such field.
pub(crate) fn pick<'py, T: Serialize>(
    py: Python<'py>,
    value: &T,
    name: &str,
) -> Result<Option<Bound<'py, PyAny>>, PythonizeError> {
    value.serialize(Picker { py, name })
}

/// A serializer for an option's record (a struct in the human-readable form).
struct Picker<'py, 'n> {
    py: Python<'py>,
    name: &'n str,
}

/// The fields of the record, as they go by.
struct Picking<'py, 'n> {
    py: Python<'py>,
    name: &'n str,
    found: Option<Bound<'py, PyAny>>,
}

impl<'py> SerializeStruct for Picking<'py, '_> {
    type Ok = Option<Bound<'py, PyAny>>;
    type Error = PythonizeError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), PythonizeError> {
        if self.found.is_none() && key == self.name {
            self.found = Some(pythonize(self.py, value)?);
        }
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, PythonizeError> {
        Ok(self.found)
    }
}

/// Every option's human-readable form is a record (a struct); any other form is an error.
fn no_record<T>() -> Result<T, PythonizeError> {
    Err(ser::Error::custom("the option's form is not a record"))
}

impl<'py, 'n> Serializer for Picker<'py, 'n> {
    type Ok = Option<Bound<'py, PyAny>>;
    type Error = PythonizeError;
    type SerializeSeq = Impossible<Self::Ok, PythonizeError>;
    type SerializeTuple = Impossible<Self::Ok, PythonizeError>;
    type SerializeTupleStruct = Impossible<Self::Ok, PythonizeError>;
    type SerializeTupleVariant = Impossible<Self::Ok, PythonizeError>;
    type SerializeMap = Impossible<Self::Ok, PythonizeError>;
    type SerializeStruct = Picking<'py, 'n>;
    type SerializeStructVariant = Impossible<Self::Ok, PythonizeError>;

    fn is_human_readable(&self) -> bool {
        true
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Picking<'py, 'n>, PythonizeError> {
        Ok(Picking {
            py: self.py,
            name: self.name,
            found: None,
        })
    }

    fn serialize_bool(self, _: bool) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_i8(self, _: i8) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_i16(self, _: i16) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_i32(self, _: i32) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_i64(self, _: i64) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_u8(self, _: u8) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_u16(self, _: u16) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_u32(self, _: u32) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_u64(self, _: u64) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_f32(self, _: f32) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_f64(self, _: f64) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_char(self, _: char) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_str(self, _: &str) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_none(self) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_unit(self) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, PythonizeError> {
        no_record()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, PythonizeError> {
        no_record()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, PythonizeError> {
        no_record()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, PythonizeError> {
        no_record()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, PythonizeError> {
        no_record()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, PythonizeError> {
        no_record()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, PythonizeError> {
        no_record()
    }
}
