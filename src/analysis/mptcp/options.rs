//! The options after the handshake: DSS (data sequence numbers and ACKs widened to 64 bits),
//! ADD_ADDR, REMOVE_ADDR, MP_PRIO, MP_FAIL, MP_FASTCLOSE, MP_TCPRST.

use super::report::{AddressAction, AddressRecord, Annotation, Event, FallbackReason, Verdict};
use super::state::{idx, widen, MappingIn, MptcpFlowState};
use super::{crypto, Ctx};
use crate::flow::Side;
use crate::mptcp::{AddAddr, MptcpOption};
use crate::mptcp::{MpFail, MpFastclose, MpPrio, MpTcpRst, RemoveAddr};

impl Ctx<'_, '_> {
    pub(super) fn other_option(
        &mut self,
        st: &mut MptcpFlowState,
        m: &MptcpOption,
        ann: &mut Annotation,
    ) {
        let side = self.side;
        let cs = Self::conn_side(st, side);
        let frame = self.seg.frame;
        match m {
            MptcpOption::Dss(d) => {
                if let Some(ack) = d.data_ack {
                    let wide = match self.conn(st) {
                        Some(conn) => {
                            let reference = conn.dirs[idx(cs)]
                                .last_ack
                                .or_else(|| conn.idsn(cs.peer()).map(|i| i.wrapping_add(1)));
                            let wide = if d.data_ack_8_bytes {
                                Some(ack)
                            } else {
                                reference.map(|r| widen(r, ack as u32))
                            };
                            if let Some(w) = wide {
                                conn.dirs[idx(cs)].last_ack = Some(w);
                                ann.relative_data_ack =
                                    conn.idsn(cs.peer()).map(|i| w.wrapping_sub(i));
                            }
                            wide
                        }
                        None => d.data_ack_8_bytes.then_some(ack),
                    };
                    ann.data_ack = wide;
                }
                if let Some(mapping) = d.mapping {
                    let wide = match self.conn(st) {
                        Some(conn) => {
                            let reference = conn.dirs[idx(cs)]
                                .last_dsn
                                .or_else(|| conn.idsn(cs).map(|i| i.wrapping_add(1)));
                            let wide = if d.dsn_8_bytes {
                                Some(mapping.dsn)
                            } else {
                                reference.map(|r| widen(r, mapping.dsn as u32))
                            };
                            if let Some(w) = wide {
                                conn.dirs[idx(cs)].last_dsn = Some(w);
                                ann.relative_dsn = conn.idsn(cs).map(|i| w.wrapping_sub(i));
                            }
                            wide
                        }
                        None => d.dsn_8_bytes.then_some(mapping.dsn),
                    };
                    ann.dsn = wide;
                    if mapping.data_level_length == 0 {
                        if let Some(dsn) = wide {
                            self.event(st, Event::InfiniteMapping { dsn }, ann);
                        }
                        if !st.infinite {
                            st.infinite = true;
                            st.fallback = true;
                            self.fallback(st, FallbackReason::InfiniteMapping, ann);
                        }
                    } else if let Some(dsn) = wide {
                        let mapping = MappingIn {
                            dsn,
                            ssn: mapping.subflow_seq,
                            len: mapping.data_level_length,
                            data_fin: d.data_fin,
                            checksum: mapping.checksum,
                        };
                        self.mapping(st, mapping, ann);
                    }
                }
            }
            MptcpOption::AddAddr(a) => {
                let (address_id, address, port, hmac) = match *a {
                    AddAddr::V0 {
                        address_id,
                        address,
                        port,
                    } => (address_id, address, port, None),
                    AddAddr::V1 {
                        address_id,
                        address,
                        port,
                        truncated_hmac,
                        ..
                    } => (address_id, address, port, truncated_hmac),
                };
                let echo = matches!(
                    a,
                    AddAddr::V1 {
                        truncated_hmac: None,
                        ..
                    }
                );
                let verdict = hmac.map(|h| {
                    let keys = self
                        .conn(st)
                        .and_then(|c| Some((c.keys[idx(cs)]?, c.keys[idx(cs.peer())]?)));
                    match keys {
                        Some((ks, kr)) => Verdict::of(
                            crypto::add_addr_hmac(ks, kr, address_id, address, port) == h,
                        ),
                        None => Verdict::UnknownKey,
                    }
                });
                ann.add_addr_hmac = verdict;
                let max = self.config.max_addresses;
                if let Some(conn) = self.conn(st) {
                    if let Some(v) = verdict {
                        conn.verdicts.add_addr_hmac.add(v);
                    }
                    if conn.addresses.len() < max {
                        conn.addresses.push(AddressRecord {
                            frame,
                            by: cs,
                            action: if echo {
                                AddressAction::Echo
                            } else {
                                AddressAction::Announce
                            },
                            address_id,
                            address: Some(address),
                            port,
                            hmac: verdict,
                        });
                    }
                }
                let event = Event::AddAddr {
                    address_id,
                    address,
                    port,
                    echo,
                };
                self.event(st, event, ann);
            }
            MptcpOption::RemoveAddr(RemoveAddr { address_ids, .. }) => {
                let max = self.config.max_addresses;
                for &address_id in address_ids.as_slice() {
                    let mut live = Vec::new();
                    if let Some(conn) = self.conn(st) {
                        for rec in &conn.subflows {
                            let id = if rec.opened_by == cs {
                                rec.client_address_id
                            } else {
                                rec.server_address_id
                            };
                            if id == Some(address_id) && !rec.fin && !rec.rst {
                                live.push(rec.subflow);
                            }
                        }
                        if conn.addresses.len() < max {
                            conn.addresses.push(AddressRecord {
                                frame,
                                by: cs,
                                action: AddressAction::Remove,
                                address_id,
                                address: None,
                                port: None,
                                hmac: None,
                            });
                        }
                    }
                    let event = Event::RemoveAddr {
                        address_id,
                        live_subflows: live,
                    };
                    self.event(st, event, ann);
                }
            }
            MptcpOption::MpPrio(MpPrio { backup, .. }) => {
                let mut changed = true;
                if let Some(conn) = self.conn(st) {
                    if let Some(rec) = st.record.and_then(|i| conn.subflows.get_mut(i)) {
                        let flag = match side {
                            Side::Client => &mut rec.client_backup,
                            Side::Server => &mut rec.server_backup,
                        };
                        changed = *flag != *backup;
                        *flag = *backup;
                    }
                }
                let event = Event::MpPrio {
                    backup: *backup,
                    changed,
                };
                self.event(st, event, ann);
            }
            MptcpOption::MpFail(MpFail { dsn, .. }) => {
                let (mapping_frame, mapping_checksum) = self
                    .conn(st)
                    .and_then(|c| c.dirs[idx(cs.peer())].mapping_at(*dsn))
                    .map_or((None, None), |r| (Some(r.frame), r.checksum));
                let event = Event::MpFail {
                    dsn: *dsn,
                    mapping_frame,
                    mapping_checksum,
                };
                self.event(st, event, ann);
            }
            MptcpOption::MpFastclose(MpFastclose { receiver_key, .. }) => {
                let key = match self.conn(st).map(|c| c.keys[idx(cs.peer())]) {
                    Some(Some(k)) => Verdict::of(k == *receiver_key),
                    _ => Verdict::UnknownKey,
                };
                if let Some(conn) = self.conn(st) {
                    conn.verdicts.fastclose_key.add(key);
                }
                self.event(st, Event::MpFastclose { key }, ann);
            }
            MptcpOption::MpTcpRst(MpTcpRst {
                transient, reason, ..
            }) => {
                let event = Event::MpTcpRst {
                    reason: *reason,
                    transient: *transient,
                };
                self.event(st, event, ann);
            }
            _ => {}
        }
    }
}
