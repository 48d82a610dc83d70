//! The record form of each MPTCP subtype: value to record, record to value.

use std::borrow::Cow;

use super::*;

pub(super) fn record_of_mptcp(m: &MptcpOption) -> Record {
    let mut r = Record {
        subtype: Some(m.subtype().value()),
        mptcp: Some(Cow::Borrowed(m.name())),
        ..Record::default()
    };
    match m {
        MptcpOption::MpCapable(c) => {
            r.version = Some(c.version);
            r.flags = Some(c.flags);
            r.sender_key = c.sender_key.as_ref().and_then(|k| bytes(k));
            r.receiver_key = c.receiver_key.as_ref().and_then(|k| bytes(k));
            r.data_level_length = c.data_level_length;
            r.checksum = c.checksum;
        }
        MptcpOption::MpJoin(j) => match j {
            MpJoin::Syn {
                backup,
                reserved,
                address_id,
                receiver_token,
                sender_random,
            } => {
                r.form = Some(Cow::Borrowed("syn"));
                r.backup = Some(*backup);
                r.reserved = Some(u16::from(*reserved));
                r.address_id = Some(*address_id);
                r.receiver_token = bytes(receiver_token);
                r.sender_random = bytes(sender_random);
            }
            MpJoin::SynAck {
                backup,
                reserved,
                address_id,
                sender_truncated_hmac,
                sender_random,
            } => {
                r.form = Some(Cow::Borrowed("syn_ack"));
                r.backup = Some(*backup);
                r.reserved = Some(u16::from(*reserved));
                r.address_id = Some(*address_id);
                r.sender_truncated_hmac = bytes(sender_truncated_hmac);
                r.sender_random = bytes(sender_random);
            }
            MpJoin::Ack {
                reserved,
                sender_hmac,
            } => {
                r.form = Some(Cow::Borrowed("ack"));
                r.reserved = Some(*reserved);
                r.sender_hmac = bytes(sender_hmac);
            }
        },
        MptcpOption::Dss(d) => {
            r.reserved = Some(u16::from(d.reserved));
            r.data_fin = Some(d.data_fin);
            r.dsn_8_bytes = Some(d.dsn_8_bytes);
            r.data_ack_8_bytes = Some(d.data_ack_8_bytes);
            r.data_ack = d.data_ack.map(U64Text);
            r.mapping = d.mapping;
        }
        MptcpOption::AddAddr(a) => {
            let (address_id, address, port) = match a {
                AddAddr::V0 {
                    address_id,
                    address,
                    port,
                } => {
                    r.version = Some(0);
                    (address_id, address, port)
                }
                AddAddr::V1 {
                    reserved,
                    address_id,
                    address,
                    port,
                    truncated_hmac,
                } => {
                    r.version = Some(1);
                    r.echo = Some(truncated_hmac.is_none());
                    r.reserved = Some(u16::from(*reserved));
                    r.truncated_hmac = truncated_hmac.as_ref().and_then(|h| bytes(h));
                    (address_id, address, port)
                }
            };
            r.address_id = Some(*address_id);
            r.address = Some(*address);
            r.port = *port;
        }
        MptcpOption::RemoveAddr(RemoveAddr {
            reserved,
            address_ids,
        }) => {
            r.reserved = Some(u16::from(*reserved));
            r.address_ids = Some(IdList(*address_ids));
        }
        MptcpOption::MpPrio(MpPrio {
            backup,
            reserved,
            address_id,
        }) => {
            r.backup = Some(*backup);
            r.reserved = Some(u16::from(*reserved));
            r.address_id = *address_id;
        }
        MptcpOption::MpFail(MpFail { reserved, dsn }) => {
            r.reserved = Some(*reserved);
            r.dsn = Some(U64Text(*dsn));
        }
        MptcpOption::MpFastclose(MpFastclose {
            reserved,
            receiver_key,
        }) => {
            r.reserved = Some(*reserved);
            r.receiver_key = bytes(receiver_key);
        }
        MptcpOption::MpTcpRst(MpTcpRst {
            reserved,
            transient,
            reason,
        }) => {
            r.reserved = Some(u16::from(*reserved));
            r.transient = Some(*transient);
            r.reason = Some(Reason::Rst(*reason));
        }
        MptcpOption::MpExperimental(MpExperimental { nibble, data })
        | MptcpOption::Unassigned(Unassigned { nibble, data, .. }) => {
            r.nibble = Some(*nibble);
            r.data = bytes(data.as_slice());
        }
    }
    r
}

/// The MPTCP option a record's `"subtype"` and `"mptcp"` name, taking its fields out of the
/// record.
pub(super) fn mptcp_of_record(r: &mut Record) -> Result<MptcpOption, String> {
    let subtype = r.subtype.take();
    let name = Ctx {
        what: "MPTCP option",
    }
    .need(r.mptcp.take(), "mptcp")?;
    let what = format!("MPTCP option {name:?}");
    let f = Ctx { what: &what };
    let option = match name.as_ref() {
        "mp_capable" => MptcpOption::MpCapable(MpCapable {
            version: f.need(r.version.take(), "version")?,
            flags: f.need(r.flags.take(), "flags")?,
            sender_key: f.opt_array(r.sender_key.take(), "sender_key")?,
            receiver_key: f.opt_array(r.receiver_key.take(), "receiver_key")?,
            data_level_length: r.data_level_length.take(),
            checksum: r.checksum.take(),
        }),
        "mp_join" => {
            let form = f.need(r.form.take(), "form")?;
            let reserved = f.need(r.reserved.take(), "reserved")?;
            MptcpOption::MpJoin(match form.as_ref() {
                "syn" => MpJoin::Syn {
                    backup: f.need(r.backup.take(), "backup")?,
                    reserved: f.narrow(reserved, "reserved")?,
                    address_id: f.need(r.address_id.take(), "address_id")?,
                    receiver_token: f.array(r.receiver_token.take(), "receiver_token")?,
                    sender_random: f.array(r.sender_random.take(), "sender_random")?,
                },
                "syn_ack" => MpJoin::SynAck {
                    backup: f.need(r.backup.take(), "backup")?,
                    reserved: f.narrow(reserved, "reserved")?,
                    address_id: f.need(r.address_id.take(), "address_id")?,
                    sender_truncated_hmac: f
                        .array(r.sender_truncated_hmac.take(), "sender_truncated_hmac")?,
                    sender_random: f.array(r.sender_random.take(), "sender_random")?,
                },
                "ack" => MpJoin::Ack {
                    reserved,
                    sender_hmac: f.array(r.sender_hmac.take(), "sender_hmac")?,
                },
                other => {
                    return Err(f.err(format_args!(
                        "field `form` {other:?} is not \"syn\", \"syn_ack\" or \"ack\""
                    )))
                }
            })
        }
        "dss" => {
            let reserved = f.need(r.reserved.take(), "reserved")?;
            MptcpOption::Dss(Dss {
                reserved: f.narrow(reserved, "reserved")?,
                data_fin: f.need(r.data_fin.take(), "data_fin")?,
                dsn_8_bytes: f.need(r.dsn_8_bytes.take(), "dsn_8_bytes")?,
                data_ack_8_bytes: f.need(r.data_ack_8_bytes.take(), "data_ack_8_bytes")?,
                data_ack: r.data_ack.take().map(|d| d.0),
                mapping: r.mapping.take(),
            })
        }
        "add_addr" => {
            let address_id = f.need(r.address_id.take(), "address_id")?;
            let address = f.need(r.address.take(), "address")?;
            let port = r.port.take();
            match f.need(r.version.take(), "version")? {
                0 => MptcpOption::AddAddr(AddAddr::V0 {
                    address_id,
                    address,
                    port,
                }),
                1 => {
                    let echo = f.need(r.echo.take(), "echo")?;
                    let reserved = f.need(r.reserved.take(), "reserved")?;
                    let truncated_hmac = f.opt_array(r.truncated_hmac.take(), "truncated_hmac")?;
                    if echo != truncated_hmac.is_none() {
                        return Err(f.err(format_args!(
                            "with echo {echo} there must {} a truncated_hmac",
                            if echo { "not be" } else { "be" }
                        )));
                    }
                    MptcpOption::AddAddr(AddAddr::V1 {
                        reserved: f.narrow(reserved, "reserved")?,
                        address_id,
                        address,
                        port,
                        truncated_hmac,
                    })
                }
                v => return Err(f.err(format_args!("field `version` {v} is not 0 or 1"))),
            }
        }
        "remove_addr" => {
            let reserved = f.need(r.reserved.take(), "reserved")?;
            MptcpOption::RemoveAddr(RemoveAddr {
                reserved: f.narrow(reserved, "reserved")?,
                address_ids: f.need(r.address_ids.take(), "address_ids")?.0,
            })
        }
        "mp_prio" => {
            let reserved = f.need(r.reserved.take(), "reserved")?;
            MptcpOption::MpPrio(MpPrio {
                backup: f.need(r.backup.take(), "backup")?,
                reserved: f.narrow(reserved, "reserved")?,
                address_id: r.address_id.take(),
            })
        }
        "mp_fail" => MptcpOption::MpFail(MpFail {
            reserved: f.need(r.reserved.take(), "reserved")?,
            dsn: f.need(r.dsn.take(), "dsn")?.0,
        }),
        "mp_fastclose" => MptcpOption::MpFastclose(MpFastclose {
            reserved: f.need(r.reserved.take(), "reserved")?,
            receiver_key: f.array(r.receiver_key.take(), "receiver_key")?,
        }),
        "mp_tcprst" => {
            let reserved = f.need(r.reserved.take(), "reserved")?;
            MptcpOption::MpTcpRst(MpTcpRst {
                reserved: f.narrow(reserved, "reserved")?,
                transient: f.need(r.transient.take(), "transient")?,
                reason: f.rst_reason(r.reason.take())?,
            })
        }
        "mp_experimental" => MptcpOption::MpExperimental(MpExperimental {
            nibble: f.need(r.nibble.take(), "nibble")?,
            data: f.inline(r.data.take(), "data")?,
        }),
        "unassigned" => {
            let subtype = f.need(subtype, "subtype")?;
            if !(9..=14).contains(&subtype) {
                return Err(f.err(format_args!(
                    "subtype {subtype} is not an unassigned MPTCP subtype (9..=14)"
                )));
            }
            MptcpOption::Unassigned(Unassigned {
                subtype,
                nibble: f.need(r.nibble.take(), "nibble")?,
                data: f.inline(r.data.take(), "data")?,
            })
        }
        other => {
            return Err(format!(
                "unknown MPTCP option {other:?} (a subtype name such as `dss`, or `unassigned`)"
            ))
        }
    };
    if let Some(given) = subtype {
        if given != option.subtype().value() {
            return Err(f.err(format_args!(
                "has subtype {}, not {given}",
                option.subtype().value()
            )));
        }
    }
    Ok(option)
}
