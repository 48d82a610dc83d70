//! The `tcpwire` command line: TCP segments of captures as NDJSON, hex to JSON and back,
//! byte-exact round-trip checks, and option statistics. Run `tcpwire --help`.
#![forbid(unsafe_code)]
// Standard error is written through `cli::warn`, which never panics on a closed or full stream.
#![deny(clippy::print_stderr, clippy::print_stdout)]

mod cli;

use std::io;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cli::Exit;

/// TCP segments to typed JSON and back to the very same bytes.
#[derive(Parser, Debug)]
#[command(name = "tcpwire", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXIT_CODES: &str = "\
Exit codes: 0 ok (also when the reader of standard output went away, as under `head`); 1
findings (mismatches, error lines, parse errors with --strict); 2 usage error, unreadable input,
a file that is not a capture, or standard output that cannot be written (a full disk). Errors go
to standard error; a closed standard error loses them and changes nothing else.";

#[derive(Subcommand, Debug)]
enum Command {
    /// One JSON line per TCP segment of pcap/pcapng captures (NDJSON).
    Pcap(cli::pcap::Args),
    /// Decode TCP segments given as hex into JSON, one line each.
    Decode(cli::codec::DecodeArgs),
    /// Encode JSON segments (from `decode` or `pcap`) read from standard input into hex.
    Encode(cli::codec::EncodeArgs),
    /// Re-serialize every TCP segment of captures and compare with the captured bytes.
    Roundtrip(cli::roundtrip::Args),
    /// Count option kinds, MPTCP subtypes, malformed options, flags and bad checksums.
    Stats(cli::stats::Args),
    /// One record per Multipath TCP connection: keys, subflows, HMAC and DSS checksum verdicts.
    Mptcp(cli::mptcp::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Pcap(args) => cli::pcap::run(args),
        Command::Decode(args) => cli::codec::run_decode(args),
        Command::Encode(args) => cli::codec::run_encode(args),
        Command::Roundtrip(args) => cli::roundtrip::run(args),
        Command::Stats(args) => cli::stats::run(args),
        Command::Mptcp(args) => cli::mptcp::run(args),
    };
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        // The reader of our output went away (`| head`): stop quietly.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            cli::warn(&format!("tcpwire: writing output: {e}"));
            ExitCode::from(Exit::BadInput as u8)
        }
    }
}
