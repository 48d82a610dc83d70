//! Helpers of the property tests (`tests/properties*.rs`).
#![allow(dead_code)]

use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use tcpwire::option::Malformed;
use tcpwire::{Error, MalformedReason, TcpHeader, TcpOption};

pub const CASES: u64 = 10_000;

pub fn quickcheck() -> QuickCheck {
    QuickCheck::new().tests(CASES).max_tests(CASES * 2)
}

/// Turns a check's outcome into a quickcheck verdict carrying the message.
pub fn verdict(outcome: Result<(), String>) -> TestResult {
    match outcome {
        Ok(()) => TestResult::passed(),
        Err(message) => TestResult::error(message),
    }
}

macro_rules! ensure_eq {
    ($left:expr, $right:expr, $($context:tt)+) => {
        match (&$left, &$right) {
            (left, right) => {
                if left != right {
                    return Err(format!(
                        "{}:\n  left:  {:?}\n  right: {:?}",
                        format!($($context)+),
                        left,
                        right
                    ));
                }
            }
        }
    };
}

/// The first malformed option of a header, as strict parsing reports it: its kind, its offset
/// from the start of the header, and its reason.
pub fn first_malformed(h: &TcpHeader) -> Option<(u8, usize, MalformedReason)> {
    let mut offset = tcpwire::FIXED_HEADER_LEN;
    for option in &h.options {
        if let TcpOption::Malformed(Malformed { kind, reason, .. }) = option {
            return Some((*kind, offset, *reason));
        }
        offset += option.encoded_len();
    }
    None
}

pub fn strict_error(found: Option<(u8, usize, MalformedReason)>) -> Option<Error> {
    found.map(|(kind, offset, reason)| Error::MalformedOption {
        kind,
        offset,
        reason,
    })
}

/// One of `choices`, where a 0 stands for a random value.
pub fn pick<T: Arbitrary + Copy + Default + PartialEq>(g: &mut Gen, choices: &[T]) -> T {
    let choice = *g.choose(choices).unwrap();
    if choice == T::default() {
        T::arbitrary(g)
    } else {
        choice
    }
}
