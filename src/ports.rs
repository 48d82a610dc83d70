//! TCP port numbers and their service names.
//!
//! Source: the TCP entries of the IANA "Service Name and Transport Protocol Port Number
//! Registry", as copied into Wireshark's `services` file (Debian libwireshark-data
//! 4.0.17-0+deb12u3, file dated 2024-08-28). `tools/gen_ports.py` turns that file into the
//! sorted table in `src/ports_table.rs`: 5,947 ports, 686 of them system ports (0-1023), one
//! name per port (the registry's first for TCP; a registered range such as x11's 6000-6063
//! names every port in it). A port with no TCP service name in the registry (unassigned,
//! reserved, or only registered for UDP) has none here: [`service_name`] never guesses.
//!
//! ```
//! use tcpwire::ports::{service_name, Port};
//! assert_eq!(service_name(443), Some("https"));
//! assert_eq!(service_name(5432), Some("postgresql"));
//! assert_eq!(service_name(15), None); // "Unassigned [was netstat]"
//! assert_eq!(Port(22).to_string(), "22 (ssh)");
//! assert_eq!(Port(15).to_string(), "15");
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

include!("ports_table.rs");

/// The IANA service name of a TCP port, or `None` when the registry has none for TCP.
pub fn service_name(port: u16) -> Option<&'static str> {
    TCP_SERVICE_NAMES
        .binary_search_by_key(&port, |&(p, _)| p)
        .ok()
        .and_then(|i| TCP_SERVICE_NAMES.get(i))
        .map(|&(_, name)| name)
}

/// Every TCP port with a service name, in port order.
pub fn known_ports() -> impl Iterator<Item = (u16, &'static str)> {
    TCP_SERVICE_NAMES.iter().copied()
}

/// A TCP port number that displays with its service name: `443 (https)`, or just `15` when it
/// has none. Serializes as the bare number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Port(pub u16);

impl Port {
    /// The IANA service name, if the port has one ([`service_name`]).
    pub fn service_name(self) -> Option<&'static str> {
        service_name(self.0)
    }

    /// Whether the port is a system port (0-1023, RFC 6335 s6).
    pub const fn is_system(self) -> bool {
        self.0 < 1024
    }
}

impl From<u16> for Port {
    fn from(port: u16) -> Self {
        Port(port)
    }
}

impl From<Port> for u16 {
    fn from(port: Port) -> u16 {
        port.0
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.service_name() {
            Some(name) => write!(f, "{} ({name})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_strictly_sorted() {
        assert!(TCP_SERVICE_NAMES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn counts_match_the_generator_header() {
        assert_eq!(TCP_SERVICE_NAMES.len(), 5947);
        assert_eq!(known_ports().filter(|&(p, _)| p < 1024).count(), 686);
    }
}
