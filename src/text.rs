//! The pieces the text forms of options share (each kind's text form is in its own file; the
//! header and segment lines are in `display.rs`).

use std::fmt::{self, Formatter};

use crate::bytes::write_hex;

/// `0x` and the bytes in lowercase hex.
pub(crate) fn hex(f: &mut Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    f.write_str("0x")?;
    write_hex(f, bytes)
}

/// ` 0x...` when there are bytes, nothing otherwise.
pub(crate) fn opt_hex(f: &mut Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    if bytes.is_empty() {
        Ok(())
    } else {
        f.write_str(" ")?;
        hex(f, bytes)
    }
}

/// ` reserved N` when N is not zero.
pub(crate) fn reserved(f: &mut Formatter<'_>, value: impl Into<u64>) -> fmt::Result {
    match value.into() {
        0 => Ok(()),
        v => write!(f, " reserved {v}"),
    }
}
