//! Connection-level analyses over the [flow table](crate::flow) (feature `analysis`).
//!
//! [`mptcp`] groups Multipath TCP subflows into connections, widens data sequence numbers to 64
//! bits and checks every MP_JOIN and ADD_ADDR HMAC and every DSS checksum.
//!
//! ```
//! use tcpwire::analysis::mptcp::{MptcpAnalyzer, Segment};
//! use tcpwire::flow::Endpoint;
//! use tcpwire::mptcp::{MpCapable, MpCapableFlags};
//! use tcpwire::{MptcpOption, TcpHeader, TcpOption};
//!
//! let client = Endpoint::new([10, 0, 0, 1].into(), 40000);
//! let server = Endpoint::new([10, 0, 0, 2].into(), 80);
//! let capable = |sender_key, receiver_key| {
//!     TcpOption::Mptcp(MptcpOption::MpCapable(MpCapable {
//!         version: 1,
//!         flags: MpCapableFlags { hmac_sha256: true, ..Default::default() },
//!         sender_key,
//!         receiver_key,
//!         data_level_length: None,
//!         checksum: None,
//!     }))
//! };
//! let (ck, sk) = ([1; 8], [2; 8]);
//! let syn = TcpHeader::builder().seq(100).syn().option(capable(None, None)).build()?;
//! let syn_ack = TcpHeader::builder().seq(900).ack_number(101).syn().ack()
//!     .option(capable(Some(sk), None)).build()?;
//! let ack = TcpHeader::builder().seq(101).ack_number(901).ack()
//!     .option(capable(Some(ck), Some(sk))).build()?;
//!
//! let mut analyzer = MptcpAnalyzer::default();
//! for (frame, (src, dst, header)) in
//!     [(client, server, &syn), (server, client, &syn_ack), (client, server, &ack)].into_iter().enumerate()
//! {
//!     let segment = Segment { frame: frame as u64 + 1, time_ns: 0, src, dst, header, payload: &[], payload_len: 0 };
//!     let annotation = analyzer.segment(&segment).expect("an MPTCP subflow");
//!     assert_eq!(annotation.subflow, 0);
//! }
//! let connections = analyzer.finish();
//! assert_eq!(connections.len(), 1);
//! assert_eq!(connections[0].server_token, Some(tcpwire::analysis::mptcp::crypto::token(
//!     tcpwire::analysis::mptcp::crypto::Version::V1, sk)));
//! # Ok::<(), tcpwire::Error>(())
//! ```

pub mod mptcp;
