//! The record form of each TCP option: value to record, record to value.

use std::borrow::Cow;

use super::*;

pub(super) fn record_of_option(o: &TcpOption) -> Record {
    let mut r = match o {
        TcpOption::Mptcp(m) => record_of_mptcp(m),
        _ => Record::default(),
    };
    r.kind = Some(o.kind());
    r.type_name = Some(Cow::Borrowed(o.name()));
    match o {
        TcpOption::Eol
        | TcpOption::Nop
        | TcpOption::SackPermitted
        | TcpOption::PocPermitted
        | TcpOption::Mptcp(_) => {}
        TcpOption::Mss(Mss { mss }) => r.mss = Some(*mss),
        TcpOption::WindowScale(WindowScale { shift }) => r.shift = Some(*shift),
        TcpOption::Sack(Sack { blocks }) => r.blocks = Some(blocks.clone()),
        TcpOption::Echo(Echo { info }) | TcpOption::EchoReply(EchoReply { info }) => {
            r.info = Some(*info)
        }
        TcpOption::Timestamps(Timestamps { tsval, tsecr }) => {
            r.tsval = Some(*tsval);
            r.tsecr = Some(*tsecr);
        }
        TcpOption::PocServiceProfile(PocServiceProfile { start, end, filler }) => {
            r.start = Some(*start);
            r.end = Some(*end);
            r.filler = Some(*filler);
        }
        TcpOption::Cc(Cc { count })
        | TcpOption::CcNew(CcNew { count })
        | TcpOption::CcEcho(CcEcho { count }) => r.count = Some(*count),
        TcpOption::AltChecksumRequest(AltChecksumRequest { algorithm }) => {
            r.algorithm = Some(*algorithm)
        }
        TcpOption::AltChecksumData(AltChecksumData { data }) | TcpOption::Eno(Eno { data }) => {
            r.data = bytes(data.as_slice())
        }
        TcpOption::Md5Signature(Md5Signature { digest }) => r.digest = bytes(digest),
        TcpOption::Snack(Snack {
            hole_offset,
            hole_size,
        }) => {
            r.hole_offset = Some(*hole_offset);
            r.hole_size = Some(*hole_size);
        }
        TcpOption::QuickStartResponse(QuickStartResponse {
            reserved,
            rate_request,
            ttl_diff,
            nonce,
            nonce_reserved,
        }) => {
            r.reserved = Some(u16::from(*reserved));
            r.rate_request = Some(*rate_request);
            r.ttl_diff = Some(*ttl_diff);
            r.nonce = Some(*nonce);
            r.nonce_reserved = Some(*nonce_reserved);
        }
        TcpOption::UserTimeout(UserTimeout {
            granularity,
            timeout,
        }) => {
            r.granularity = Some(*granularity);
            r.timeout = Some(*timeout);
        }
        TcpOption::TcpAo(TcpAo {
            key_id,
            rnext_key_id,
            mac,
        }) => {
            r.key_id = Some(*key_id);
            r.rnext_key_id = Some(*rnext_key_id);
            r.mac = bytes(mac.as_slice());
        }
        TcpOption::FastOpen(FastOpen { cookie })
        | TcpOption::ExperimentalFastOpen(ExperimentalFastOpen { cookie, .. }) => {
            r.cookie = bytes(cookie.as_slice())
        }
        TcpOption::AccEcnOrder0(c) | TcpOption::AccEcnOrder1(c) => {
            r.ee0b = c.ee0b;
            r.eceb = c.eceb;
            r.ee1b = c.ee1b;
        }
        TcpOption::Experiment(Experiment { exid, data, .. }) => {
            r.exid = Some(*exid);
            r.data = bytes(data.as_slice());
        }
        TcpOption::Unknown(Unknown { data, .. }) => r.data = bytes(data.as_slice()),
        TcpOption::Custom(c) => {
            r.name = Some(c.name().to_owned());
            r.mptcp_subtype = c.mptcp_subtype().map(MptcpSubtype::value);
            r.bytes = bytes(c.bytes());
            let fields = c.fields();
            if !fields.is_empty() {
                r.fields = Some(CodecFields(fields));
            }
        }
        TcpOption::Malformed(Malformed {
            bytes: b, reason, ..
        }) => {
            r.bytes = Some(*b);
            r.reason = Some(Reason::Malformed(*reason));
        }
    }
    r
}

pub(super) fn option_of_record(record: Record) -> Result<TcpOption, String> {
    let Some(type_name) = record.type_name.clone() else {
        return Err(match record.kind {
            Some(kind) => format!("option of kind {kind}: missing field `type`"),
            None => "option: missing fields `kind` and `type`".into(),
        });
    };
    let mut record = record;
    let kind = record.kind.take();
    record.type_name = None;
    let what = format!("option type {type_name:?}");
    let f = Ctx { what: &what };
    let r = &mut record;
    let option = match type_name.as_ref() {
        "eol" => TcpOption::Eol,
        "nop" => TcpOption::Nop,
        "mss" => TcpOption::Mss(Mss {
            mss: f.need(r.mss.take(), "mss")?,
        }),
        "window_scale" => TcpOption::WindowScale(WindowScale {
            shift: f.need(r.shift.take(), "shift")?,
        }),
        "sack_permitted" => TcpOption::SackPermitted,
        "sack" => TcpOption::Sack(Sack {
            blocks: f.need(r.blocks.take(), "blocks")?,
        }),
        "echo" => TcpOption::Echo(Echo {
            info: f.need(r.info.take(), "info")?,
        }),
        "echo_reply" => TcpOption::EchoReply(EchoReply {
            info: f.need(r.info.take(), "info")?,
        }),
        "timestamps" => TcpOption::Timestamps(Timestamps {
            tsval: f.need(r.tsval.take(), "tsval")?,
            tsecr: f.need(r.tsecr.take(), "tsecr")?,
        }),
        "poc_permitted" => TcpOption::PocPermitted,
        "poc_service_profile" => TcpOption::PocServiceProfile(PocServiceProfile {
            start: f.need(r.start.take(), "start")?,
            end: f.need(r.end.take(), "end")?,
            filler: f.need(r.filler.take(), "filler")?,
        }),
        "cc" => TcpOption::Cc(Cc {
            count: f.need(r.count.take(), "count")?,
        }),
        "cc_new" => TcpOption::CcNew(CcNew {
            count: f.need(r.count.take(), "count")?,
        }),
        "cc_echo" => TcpOption::CcEcho(CcEcho {
            count: f.need(r.count.take(), "count")?,
        }),
        "alt_checksum_request" => TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: f.need(r.algorithm.take(), "algorithm")?,
        }),
        "alt_checksum_data" => TcpOption::AltChecksumData(AltChecksumData {
            data: f.inline(r.data.take(), "data")?,
        }),
        "snack" => TcpOption::Snack(Snack {
            hole_offset: f.need(r.hole_offset.take(), "hole_offset")?,
            hole_size: f.need(r.hole_size.take(), "hole_size")?,
        }),
        "md5_signature" => TcpOption::Md5Signature(Md5Signature {
            digest: f.array(r.digest.take(), "digest")?,
        }),
        "quick_start_response" => {
            let reserved = f.need(r.reserved.take(), "reserved")?;
            TcpOption::QuickStartResponse(QuickStartResponse {
                reserved: f.narrow(reserved, "reserved")?,
                rate_request: f.need(r.rate_request.take(), "rate_request")?,
                ttl_diff: f.need(r.ttl_diff.take(), "ttl_diff")?,
                nonce: f.need(r.nonce.take(), "nonce")?,
                nonce_reserved: f.need(r.nonce_reserved.take(), "nonce_reserved")?,
            })
        }
        "user_timeout" => TcpOption::UserTimeout(UserTimeout {
            granularity: f.need(r.granularity.take(), "granularity")?,
            timeout: f.need(r.timeout.take(), "timeout")?,
        }),
        "tcp_ao" => TcpOption::TcpAo(TcpAo {
            key_id: f.need(r.key_id.take(), "key_id")?,
            rnext_key_id: f.need(r.rnext_key_id.take(), "rnext_key_id")?,
            mac: f.inline(r.mac.take(), "mac")?,
        }),
        "mptcp" => TcpOption::Mptcp(mptcp_of_record(r)?),
        "fast_open" => TcpOption::FastOpen(FastOpen {
            cookie: f.inline(r.cookie.take(), "cookie")?,
        }),
        "eno" => TcpOption::Eno(Eno {
            data: f.inline(r.data.take(), "data")?,
        }),
        "accecn_order0" | "accecn_order1" => {
            let c = AccEcnCounters {
                ee0b: r.ee0b.take(),
                eceb: r.eceb.take(),
                ee1b: r.ee1b.take(),
            };
            if type_name == "accecn_order0" {
                TcpOption::AccEcnOrder0(c)
            } else {
                TcpOption::AccEcnOrder1(c)
            }
        }
        "experimental_fast_open" => TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
            kind: f.need(kind, "kind")?,
            cookie: f.inline(r.cookie.take(), "cookie")?,
        }),
        "experiment" => TcpOption::Experiment(Experiment {
            kind: f.need(kind, "kind")?,
            exid: f.need(r.exid.take(), "exid")?,
            data: f.inline(r.data.take(), "data")?,
        }),
        "unknown" => TcpOption::Unknown(Unknown {
            kind: f.need(kind, "kind")?,
            data: f.inline(r.data.take(), "data")?,
        }),
        "custom" => {
            let name = f.need(r.name.take(), "name")?;
            let bytes = f.need(r.bytes.take(), "bytes")?;
            r.fields = None;
            let custom = CustomOption::opaque(&name, bytes.as_slice(), r.mptcp_subtype.take())
                .map_err(|e| f.err(format_args!("{e}")))?;
            TcpOption::Custom(custom)
        }
        "malformed" => {
            let bytes = f.need(r.bytes.take(), "bytes")?;
            let reason = match f.need(r.reason.take(), "reason")? {
                Reason::Malformed(m) => m,
                Reason::Rst(_) => {
                    return Err(f.err(format_args!(
                        "field `reason` must be an object with a `problem`"
                    )))
                }
            };
            TcpOption::Malformed(Malformed {
                kind: f.need(kind.or_else(|| bytes.first().copied()), "kind")?,
                bytes,
                reason,
            })
        }
        other => {
            return Err(format!(
                "unknown option type {other:?} (a snake_case option name such as `mss`, or `unknown`, `experiment`, `custom`, `malformed`)"
            ))
        }
    };
    if let Some(given) = kind {
        if option.kind() != given {
            return Err(f.err(format_args!("has kind {}, not {given}", option.kind())));
        }
    }
    f.done(r, option)
}
