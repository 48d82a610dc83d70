//! The MPTCP columns: the `mptcp_options` list and the fields the top-level `mptcp_*` columns
//! take from it.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::Arc;

use arrow_array::builder::{BinaryBuilder, BooleanBuilder, StringBuilder};
use arrow_array::types::{UInt16Type, UInt32Type, UInt64Type, UInt8Type};
use arrow_array::{ArrayRef, StructArray};
use arrow_schema::{DataType, Field};

use crate::mptcp::{AddAddr, MpJoin, MptcpOption};
use crate::MptcpSubtype;

use super::mptcp_fields;
use super::sparse::{finish_bytes, finish_list, Sparse, Values};

/// The MPTCP fields of one option, as `mptcp_options` and the `mptcp_*` columns hold them.
#[derive(Default, Clone, Copy)]
pub(super) struct MptcpFields<'a> {
    pub(super) subtype: u8,
    pub(super) version: Option<u8>,
    pub(super) flags: Option<u8>,
    pub(super) sender_key: Option<&'a [u8]>,
    pub(super) receiver_key: Option<&'a [u8]>,
    pub(super) token: Option<&'a [u8]>,
    pub(super) nonce: Option<&'a [u8]>,
    pub(super) hmac: Option<&'a [u8]>,
    pub(super) backup: Option<bool>,
    pub(super) address_id: Option<u8>,
    pub(super) address: Option<IpAddr>,
    pub(super) port: Option<u16>,
    pub(super) echo: Option<bool>,
    pub(super) data_ack: Option<u64>,
    pub(super) dsn: Option<u64>,
    pub(super) subflow_seq: Option<u32>,
    pub(super) data_level_length: Option<u16>,
    pub(super) checksum: Option<u16>,
    pub(super) data_fin: Option<bool>,
    pub(super) address_ids: Option<&'a [u8]>,
    pub(super) reason: Option<u8>,
    pub(super) transient: Option<bool>,
}

impl<'a> MptcpFields<'a> {
    /// The fields of `m`; `raw` is the option's bytes (its subtype nibble is the one counted).
    pub(super) fn of(m: &'a MptcpOption, raw: &[u8]) -> MptcpFields<'a> {
        let subtype = raw.get(2).map_or(m.subtype().value(), |byte| byte >> 4);
        let mut f = MptcpFields {
            subtype,
            ..MptcpFields::default()
        };
        match m {
            MptcpOption::MpCapable(c) => {
                f.version = Some(c.version);
                f.flags = Some(c.flags.to_byte());
                f.sender_key = c.sender_key.as_ref().map(|k| &k[..]);
                f.receiver_key = c.receiver_key.as_ref().map(|k| &k[..]);
                f.data_level_length = c.data_level_length;
                f.checksum = c.checksum;
            }
            MptcpOption::MpJoin(MpJoin::Syn {
                backup,
                address_id,
                receiver_token,
                sender_random,
                ..
            }) => {
                f.backup = Some(*backup);
                f.address_id = Some(*address_id);
                f.token = Some(receiver_token);
                f.nonce = Some(sender_random);
            }
            MptcpOption::MpJoin(MpJoin::SynAck {
                backup,
                address_id,
                sender_truncated_hmac,
                sender_random,
                ..
            }) => {
                f.backup = Some(*backup);
                f.address_id = Some(*address_id);
                f.hmac = Some(sender_truncated_hmac);
                f.nonce = Some(sender_random);
            }
            MptcpOption::MpJoin(MpJoin::Ack { sender_hmac, .. }) => f.hmac = Some(sender_hmac),
            MptcpOption::Dss(d) => {
                f.flags = Some(d.flags_byte());
                f.data_fin = Some(d.data_fin);
                f.data_ack = d.data_ack;
                if let Some(mapping) = &d.mapping {
                    f.dsn = Some(mapping.dsn);
                    f.subflow_seq = Some(mapping.subflow_seq);
                    f.data_level_length = Some(mapping.data_level_length);
                    f.checksum = mapping.checksum;
                }
            }
            MptcpOption::AddAddr(a) => {
                f.version = Some(match a {
                    AddAddr::V0 { .. } => 0,
                    _ => 1,
                });
                f.address_id = Some(a.address_id());
                f.address = Some(a.address());
                f.port = a.port();
                f.echo = Some(a.is_echo());
                if let AddAddr::V1 {
                    truncated_hmac: Some(hmac),
                    ..
                } = a
                {
                    f.hmac = Some(hmac);
                }
            }
            MptcpOption::RemoveAddr(r) => f.address_ids = Some(&r.address_ids),
            MptcpOption::MpPrio(p) => {
                f.backup = Some(p.backup);
                f.address_id = p.address_id;
            }
            MptcpOption::MpFail(m) => f.dsn = Some(m.dsn),
            MptcpOption::MpFastclose(m) => f.receiver_key = Some(&m.receiver_key),
            MptcpOption::MpTcpRst(r) => {
                f.transient = Some(r.transient);
                f.reason = Some(r.reason.value());
            }
            _ => {}
        }
        f
    }

    /// Fills each field still empty in `self` from `other` (the first option that has a field
    /// gives the top-level column).
    pub(super) fn fill_from(&mut self, other: &MptcpFields<'a>) {
        macro_rules! fill {
            ($($field:ident),*) => { $( if self.$field.is_none() { self.$field = other.$field; } )* };
        }
        fill!(
            version,
            sender_key,
            receiver_key,
            token,
            nonce,
            hmac,
            address_id,
            data_ack,
            dsn,
            subflow_seq,
            data_level_length,
            data_fin
        );
        if self.checksum.is_none() && other.dsn.is_some() {
            self.checksum = other.checksum;
        }
    }
}

/// The `mptcp_options` list column: one struct per MPTCP option of a row, in wire order.
#[derive(Default)]
pub(super) struct MptcpColumns {
    offsets: Vec<i32>,
    valid: Vec<bool>,
    count: i32,
    offset: Values<UInt8Type>,
    length: Values<UInt8Type>,
    subtype: Values<UInt8Type>,
    subtype_name: StringBuilder,
    version: Values<UInt8Type>,
    flags: Values<UInt8Type>,
    sender_key: Sparse<BinaryBuilder>,
    receiver_key: Sparse<BinaryBuilder>,
    token: Sparse<BinaryBuilder>,
    nonce: Sparse<BinaryBuilder>,
    hmac: Sparse<BinaryBuilder>,
    backup: Sparse<BooleanBuilder>,
    address_id: Values<UInt8Type>,
    address: Sparse<StringBuilder>,
    port: Values<UInt16Type>,
    echo: Sparse<BooleanBuilder>,
    data_ack: Values<UInt64Type>,
    dsn: Values<UInt64Type>,
    subflow_seq: Values<UInt32Type>,
    data_level_length: Values<UInt16Type>,
    checksum: Values<UInt16Type>,
    data_fin: Sparse<BooleanBuilder>,
    address_ids: Sparse<BinaryBuilder>,
    reason: Values<UInt8Type>,
    transient: Sparse<BooleanBuilder>,
}

impl MptcpColumns {
    /// Appends the MPTCP option at `offset` (`length` bytes) of the current row.
    pub(super) fn push(&mut self, offset: usize, length: usize, f: &MptcpFields<'_>) {
        self.count += 1;
        self.offset
            .append_value(offset.try_into().unwrap_or(u8::MAX));
        self.length
            .append_value(length.try_into().unwrap_or(u8::MAX));
        self.subtype.append_value(f.subtype);
        self.subtype_name
            .append_value(MptcpSubtype::from_value(f.subtype).name());
        self.version.append_option(f.version);
        self.flags.append_option(f.flags);
        self.sender_key.append_option(f.sender_key);
        self.receiver_key.append_option(f.receiver_key);
        self.token.append_option(f.token);
        self.nonce.append_option(f.nonce);
        self.hmac.append_option(f.hmac);
        self.backup.append_option(f.backup);
        self.address_id.append_option(f.address_id);
        match f.address {
            Some(ip) => {
                let _ = write!(self.address.values(), "{ip}");
                self.address.values().append_value("");
            }
            None => self.address.append_null(),
        }
        self.port.append_option(f.port);
        self.echo.append_option(f.echo);
        self.data_ack.append_option(f.data_ack);
        self.dsn.append_option(f.dsn);
        self.subflow_seq.append_option(f.subflow_seq);
        self.data_level_length.append_option(f.data_level_length);
        self.checksum.append_option(f.checksum);
        self.data_fin.append_option(f.data_fin);
        self.address_ids.append_option(f.address_ids);
        self.reason.append_option(f.reason);
        self.transient.append_option(f.transient);
    }

    /// Ends the current row (`valid`: false for an error row, whose list is null).
    pub(super) fn end_row(&mut self, valid: bool) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.offsets.push(self.count);
        self.valid.push(valid);
    }

    pub(super) fn finish(&mut self) -> ArrayRef {
        let columns: Vec<ArrayRef> = vec![
            self.offset.finish(),
            self.length.finish(),
            self.subtype.finish(),
            finish_bytes(&mut self.subtype_name),
            self.version.finish(),
            self.flags.finish(),
            self.sender_key.finish(),
            self.receiver_key.finish(),
            self.token.finish(),
            self.nonce.finish(),
            self.hmac.finish(),
            self.backup.finish(),
            self.address_id.finish(),
            self.address.finish(),
            self.port.finish(),
            self.echo.finish(),
            self.data_ack.finish(),
            self.dsn.finish(),
            self.subflow_seq.finish(),
            self.data_level_length.finish(),
            self.checksum.finish(),
            self.data_fin.finish(),
            self.address_ids.finish(),
            self.reason.finish(),
            self.transient.finish(),
        ];
        self.count = 0;
        let values = Arc::new(StructArray::new(mptcp_fields(), columns, None));
        let item = Arc::new(Field::new("item", DataType::Struct(mptcp_fields()), true));
        finish_list(item, &mut self.offsets, &mut self.valid, values)
    }
}
