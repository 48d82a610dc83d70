//! The values of a `tcpwire pcap` line that every line has and that serde would write through
//! the formatting machinery: the capture timestamp and the IP addresses.

use serde::ser::{self, Serialize};

/// A capture timestamp as a JSON line carries it: `"secs.nanos"`, the nanoseconds zero-padded
/// to nine digits (what `Frame::timestamp_string` gives, without building a `String`).
pub struct Timestamp(pub (u64, u32));

impl Serialize for Timestamp {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (secs, nanos) = self.0;
        let mut text = Text::default();
        text.push(itoa::Buffer::new().format(secs).as_bytes());
        text.push(b".");
        let mut digits = itoa::Buffer::new();
        let nanos = digits.format(nanos).as_bytes();
        for _ in nanos.len()..9 {
            text.push(b"0");
        }
        text.push(nanos);
        s.serialize_str(text.as_str())
    }
}

/// An IP address as a JSON line carries it (its `Display` form, as serde writes it), without
/// the formatting machinery.
pub struct Addr(pub std::net::IpAddr);

impl Serialize for Addr {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            std::net::IpAddr::V4(v4) if s.is_human_readable() => {
                let mut text = Text::default();
                let mut digits = itoa::Buffer::new();
                for (i, octet) in v4.octets().into_iter().enumerate() {
                    if i > 0 {
                        text.push(b".");
                    }
                    text.push(digits.format(octet).as_bytes());
                }
                s.serialize_str(text.as_str())
            }
            std::net::IpAddr::V6(v6) if s.is_human_readable() => {
                let mut text = Text::default();
                put_ipv6(&mut text, v6);
                s.serialize_str(text.as_str())
            }
            other => other.serialize(s),
        }
    }
}

/// An IPv6 address as std's `Display` writes it (RFC 5952): IPv4-mapped addresses as
/// `::ffff:a.b.c.d`, else the groups in lowercase hex without leading zeros, the longest run
/// of two or more zero groups (the first of equal runs) as `::`. A unit test compares it with
/// `Display` on every pattern of zero groups.
fn put_ipv6(text: &mut Text, v6: std::net::Ipv6Addr) {
    if let Some(v4) = v6.to_ipv4_mapped() {
        text.push(b"::ffff:");
        let mut digits = itoa::Buffer::new();
        for (i, octet) in v4.octets().into_iter().enumerate() {
            if i > 0 {
                text.push(b".");
            }
            text.push(digits.format(octet).as_bytes());
        }
        return;
    }
    let groups = v6.segments();
    // The longest run of zero groups: (start, length).
    let (mut longest, mut current) = ((0, 0), (0, 0));
    for (i, &group) in groups.iter().enumerate() {
        if group == 0 {
            if current.1 == 0 {
                current.0 = i;
            }
            current.1 += 1;
            if current.1 > longest.1 {
                longest = current;
            }
        } else {
            current = (0, 0);
        }
    }
    let put_groups = |text: &mut Text, groups: &[u16]| {
        for (i, &group) in groups.iter().enumerate() {
            if i > 0 {
                text.push(b":");
            }
            put_hex_group(text, group);
        }
    };
    if longest.1 > 1 {
        put_groups(text, groups.get(..longest.0).unwrap_or_default());
        text.push(b"::");
        put_groups(
            text,
            groups.get(longest.0 + longest.1..).unwrap_or_default(),
        );
    } else {
        put_groups(text, &groups);
    }
}

/// A 16-bit group in lowercase hex without leading zeros (`{:x}`).
fn put_hex_group(text: &mut Text, group: u16) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let nibbles = [
        group >> 12,
        (group >> 8) & 0xf,
        (group >> 4) & 0xf,
        group & 0xf,
    ];
    let first = nibbles.iter().position(|&n| n != 0).unwrap_or(3);
    for &n in nibbles.get(first..).unwrap_or_default() {
        text.push(&[DIGITS[usize::from(n)]]);
    }
}

/// A short ASCII text built on the stack (room for a timestamp or an IP address: at most 39
/// characters, or 45 for an IPv4-mapped IPv6 one).
struct Text {
    buf: [u8; 48],
    len: usize,
}

impl Default for Text {
    fn default() -> Self {
        Text {
            buf: [0; 48],
            len: 0,
        }
    }
}

impl Text {
    /// Appends `bytes` (at most the room left; the texts built here always fit).
    fn push(&mut self, bytes: &[u8]) {
        let end = (self.len + bytes.len()).min(self.buf.len());
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(bytes.get(..end - self.len).unwrap_or_default());
            self.len = end;
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}
