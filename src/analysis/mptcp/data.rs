//! Mapped data: where each payload byte sits in the data sequence space (reinjections,
//! order) and the DSS checksum of each mapping.

use super::report::{Annotation, DssChecksum, Verdict};
use super::state::{self, idx, Mapping, MappingIn, MptcpFlowState};
use super::{crypto, Ctx};

impl Ctx<'_, '_> {
    /// A mapping of `len` data-level bytes from `dsn` (64 bits) onto the subflow from relative
    /// sequence number `ssn`: reinjection and order checks, and the start of its checksum.
    pub(super) fn mapping(
        &mut self,
        st: &mut MptcpFlowState,
        mapping: MappingIn,
        ann: &mut Annotation,
    ) {
        let MappingIn {
            dsn,
            ssn,
            len,
            data_fin,
            checksum,
        } = mapping;
        let side = self.side;
        let cs = Self::conn_side(st, side);
        let mut checksums = st.checksums;
        let conn_id = st.conn;
        let data_len = len.saturating_sub(u16::from(data_fin));
        let recent = &mut st.recent[idx(side)];
        if recent.back() != Some(&(dsn, ssn, data_len)) {
            if recent.len() >= state::RECENT_MAPPINGS {
                recent.pop_front();
            }
            recent.push_back((dsn, ssn, data_len));
        }
        let slot = &mut st.maps[idx(side)];
        if slot
            .as_ref()
            .is_some_and(|m| m.dsn == dsn && m.ssn == ssn && m.len == len)
        {
            return; // Linux repeats a mapping on each segment it covers.
        }
        let frame = self.seg.frame;
        let subflow = self.subflow;
        let max_ranges = self.config.max_ranges;
        if let Some(conn) = conn_id.and_then(|c| self.conns.get_mut(&c)) {
            checksums |= conn.checksums;
            if let Some(old) = slot.take() {
                if !old.done {
                    conn.unchecked_mappings += 1;
                }
                *self.buffered = self.buffered.saturating_sub(old.buf.capacity());
            }
            conn.dirs[idx(cs)].record_mapping(dsn, len, subflow, frame, max_ranges);
        }
        let Some(checksum) = checksum.filter(|_| checksums) else {
            return;
        };
        let want = usize::from(data_len);
        let buf = if *self.buffered + want <= self.config.max_buffered_bytes {
            *self.buffered += want;
            Vec::with_capacity(want)
        } else {
            Vec::new()
        };
        let lost = buf.capacity() < want;
        *slot = Some(Mapping {
            dsn,
            ssn,
            len,
            data_len,
            checksum,
            frame,
            buf,
            done: false,
            lost,
        });
        if data_len == 0 {
            // A DATA_FIN alone: the checksum covers the pseudo-header only.
            self.complete(st, ann);
        }
    }

    /// Places the segment's payload in the data sequence space through the subflow's latest
    /// mapping: reinjection (data first sent on another subflow) and data-level order.
    pub(super) fn payload_order(
        &mut self,
        st: &MptcpFlowState,
        rel: Option<u32>,
        ann: &mut Annotation,
    ) {
        let side = self.side;
        let Some(rel) = rel else { return };
        let found = st.recent[idx(side)]
            .iter()
            .rev()
            .map(|&(dsn, ssn, len)| (dsn, len, rel.wrapping_sub(ssn)))
            .find(|&(_, len, offset)| offset < u32::from(len));
        let Some((dsn, len, offset)) = found else {
            return; // in no mapping known
        };
        let seg_len = (self.seg.payload_len as u64).min(u64::from(u32::from(len) - offset));
        let seg_dsn = dsn.wrapping_add(u64::from(offset));
        ann.payload_dsn = Some(seg_dsn);
        let (frame, subflow, max) = (self.seg.frame, self.subflow, self.config.max_ranges);
        let cs = Self::conn_side(st, side);
        let Some(conn) = self.conn(st) else {
            return;
        };
        match conn.dirs[idx(cs)].record_segment(seg_dsn, seg_len, subflow, frame, max) {
            state::Placement::Reinjection(of) => {
                ann.reinjection_of = of;
                conn.reinjections += 1;
            }
            state::Placement::Reordered => {
                ann.out_of_order = true;
                conn.out_of_order += 1;
            }
            state::Placement::New | state::Placement::Retransmission => {}
        }
    }

    /// Adds the segment's payload to its direction's pending mapping; when that completes the
    /// mapping, checks its checksum.
    pub(super) fn feed(
        &mut self,
        st: &mut MptcpFlowState,
        rel_seq: Option<u32>,
        ann: &mut Annotation,
    ) {
        let side = self.side;
        let Some(m) = st.maps[idx(side)].as_mut() else {
            return;
        };
        if m.done {
            return;
        }
        let Some(rel) = rel_seq else {
            m.lost = true;
            return;
        };
        if m.add(rel, self.seg.payload, self.seg.payload_len) {
            self.complete(st, ann);
        }
    }

    /// Gives the verdict of the direction's pending mapping, whose data is all there (or lost).
    fn complete(&mut self, st: &mut MptcpFlowState, ann: &mut Annotation) {
        let side = self.side;
        let cs = Self::conn_side(st, side);
        let Some(m) = st.maps[idx(side)].as_mut() else {
            return;
        };
        m.done = true;
        let verdict = if m.lost {
            None
        } else {
            Some(Verdict::of(crypto::dss_checksum_ok(
                m.dsn, m.ssn, m.len, &m.buf, m.checksum,
            )))
        };
        *self.buffered = self.buffered.saturating_sub(m.buf.capacity());
        let (dsn, len, frame) = (m.dsn, m.len, m.frame);
        m.buf = Vec::new();
        let conn = st.conn.and_then(|c| self.conns.get_mut(&c));
        match verdict {
            Some(verdict) => {
                ann.dss_checksum = Some(DssChecksum {
                    verdict,
                    dsn,
                    length: len,
                    mapping_frame: frame,
                });
                if let Some(conn) = conn {
                    conn.verdicts.dss_checksum.add(verdict);
                    conn.dirs[idx(cs)].set_checksum(dsn, verdict);
                }
            }
            None => {
                if let Some(conn) = conn {
                    conn.unchecked_mappings += 1;
                }
            }
        }
    }
}
