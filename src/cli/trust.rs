//! Checksum verdicts and signature keys on the command line: the key flags of `pcap`
//! (`--md5-key`, `--md5-keys`, `--ao-key`, `--ao-keys`), the verifier they make, and the
//! checksum verdict counts of `stats` and `roundtrip` (`--strict-checksums`).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tcpwire::capture::{examine, CapturedSegment, Examined};
use tcpwire::checksum::ChecksumVerdict;
use tcpwire::signature::ao::{AoKey, AoVerifier};
use tcpwire::signature::md5::{self, Md5Keys};
use tcpwire::signature::{KeyScope, SignatureVerdict};

/// The key flags.
#[derive(clap::Args, Debug, Default)]
pub struct KeyArgs {
    /// A TCP-MD5 key (repeatable): `SECRET` for every segment, `ADDR[/LEN]=SECRET` for
    /// segments from or to a peer, `ADDR,ADDR=SECRET` for one pair of addresses. Segment lines
    /// then carry "md5": valid|invalid|no_key|unsigned.
    #[arg(long, value_name = "[SCOPE=]SECRET")]
    pub md5_key: Vec<String>,
    /// A file of TCP-MD5 keys, one `--md5-key` value per line (# starts a comment line).
    #[arg(long, value_name = "FILE")]
    pub md5_keys: Option<PathBuf>,
    /// A TCP-AO master key tuple (repeatable):
    /// `id=N[,rnext=N][,alg=hmac-sha-1-96|aes-128-cmac-96][,peer=ADDR[/LEN]][,options=include|exclude],secret=TEXT`
    /// (the secret last: the rest of the value). Segment lines then carry "ao": valid|invalid|no_key|unsigned.
    #[arg(long, value_name = "KEY")]
    pub ao_key: Vec<String>,
    /// A file of TCP-AO keys, one `--ao-key` value per line (# starts a comment line).
    #[arg(long, value_name = "FILE")]
    pub ao_keys: Option<PathBuf>,
}

/// A TCP-MD5 key in its text form: `[SCOPE=]SECRET` (a text whose part before the first `=`
/// is not a scope is a secret for every segment).
fn md5_key(spec: &str) -> (KeyScope, Vec<u8>) {
    if let Some((scope, secret)) = spec.split_once('=') {
        if !scope.trim().is_empty() {
            if let Ok(scope) = scope.parse::<KeyScope>() {
                return (scope, secret.as_bytes().to_vec());
            }
        }
    }
    (KeyScope::Any, spec.as_bytes().to_vec())
}

/// The non-comment, non-blank lines of a key file (trailing line ends removed, nothing else).
fn key_lines(path: &Path, flag: &str) -> Result<Vec<String>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{flag} {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// What verifies signatures in a `pcap` run: nothing unless keys were given.
pub struct Verifier {
    md5: Option<Md5Keys>,
    ao: Option<AoVerifier>,
}

/// The signature verdicts of one segment: `None` for a kind no key was given for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Verdicts {
    /// TCP-MD5.
    pub md5: Option<SignatureVerdict>,
    /// TCP-AO.
    pub ao: Option<SignatureVerdict>,
}

impl Verifier {
    /// The verifier the flags ask for; `None` when no key was given (the common case costs
    /// nothing per segment).
    pub fn from_args(args: &KeyArgs) -> Result<Option<Verifier>, String> {
        let mut md5_specs = args.md5_key.clone();
        if let Some(path) = &args.md5_keys {
            md5_specs.extend(key_lines(path, "--md5-keys")?);
        }
        let mut ao_specs = args.ao_key.clone();
        if let Some(path) = &args.ao_keys {
            ao_specs.extend(key_lines(path, "--ao-keys")?);
        }
        if md5_specs.is_empty() && ao_specs.is_empty() {
            return Ok(None);
        }
        let md5 = (!md5_specs.is_empty()).then(|| {
            let mut keys = Md5Keys::new();
            for spec in &md5_specs {
                let (scope, secret) = md5_key(spec);
                keys.add(scope, secret);
            }
            keys
        });
        let ao = if ao_specs.is_empty() {
            None
        } else {
            let keys = ao_specs
                .iter()
                .map(|s| s.parse::<AoKey>().map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            Some(AoVerifier::new(keys))
        };
        Ok(Some(Verifier { md5, ao }))
    }

    /// The verdicts for a segment's line: a kind without keys is left out (`None`); a segment
    /// cut short gets `Some(None)` (null: its bytes are not all there).
    pub fn line_verdicts(
        &mut self,
        frame: &tcpwire::capture::Frame,
        segment: &CapturedSegment<'_>,
    ) -> LineVerdicts {
        let verdicts = (!segment.tcp.truncated).then(|| {
            let (secs, nanos) = frame.timestamp;
            let time_ns = secs
                .saturating_mul(1_000_000_000)
                .saturating_add(u64::from(nanos));
            self.verify(
                time_ns,
                segment.tcp.src,
                segment.tcp.dst,
                segment.tcp.segment,
            )
        });
        LineVerdicts {
            md5: self.md5.is_some().then(|| verdicts.and_then(|v| v.md5)),
            ao: self.ao.is_some().then(|| verdicts.and_then(|v| v.ao)),
        }
    }

    /// The verdicts on a segment captured whole, sent from `src` to `dst` at `time_ns`.
    pub fn verify(&mut self, time_ns: u64, src: IpAddr, dst: IpAddr, segment: &[u8]) -> Verdicts {
        Verdicts {
            md5: self
                .md5
                .as_ref()
                .map(|keys| md5::verify(src, dst, segment, keys)),
            ao: self
                .ao
                .as_mut()
                .map(|ao| ao.verify(time_ns, src, dst, segment)),
        }
    }
}

/// The signature fields of a `pcap` line: `None` leaves the field out, `Some(None)` is null.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineVerdicts {
    /// TCP-MD5.
    pub md5: Option<Option<SignatureVerdict>>,
    /// TCP-AO.
    pub ao: Option<Option<SignatureVerdict>>,
}

/// Segments counted by checksum verdict, in [`ChecksumVerdict::ALL`] order.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChecksumCounts {
    counts: [u64; 5],
}

impl ChecksumCounts {
    /// Counts one verdict (taken strictly, `offload` as `bad`, when `strict`).
    pub fn add(&mut self, verdict: ChecksumVerdict, strict: bool) {
        let verdict = if strict { verdict.strict() } else { verdict };
        if let Some(slot) = ChecksumVerdict::ALL
            .iter()
            .position(|v| *v == verdict)
            .and_then(|i| self.counts.get_mut(i))
        {
            *slot += 1;
        }
    }

    /// (name, count) for every verdict.
    pub fn rows(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        ChecksumVerdict::ALL
            .iter()
            .zip(self.counts)
            .map(|(v, n)| (v.name(), n))
    }

    /// The counts as a JSON object keyed by verdict name.
    pub fn to_json(self) -> ChecksumCountsJson {
        let [ok, offload, zero, bad, not_checkable] = self.counts;
        ChecksumCountsJson {
            ok,
            offload,
            zero,
            bad,
            not_checkable,
        }
    }

    /// "ok N, offload N, ..." for a summary line.
    pub fn summary(&self) -> String {
        self.rows()
            .map(|(name, n)| format!("{name} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The checksum counts in JSON, one field per verdict name.
#[derive(Serialize)]
pub struct ChecksumCountsJson {
    ok: u64,
    offload: u64,
    zero: u64,
    bad: u64,
    not_checkable: u64,
}

/// `roundtrip --strict-checksums`: every segment's checksum verdict, taken strictly; the
/// segments not `ok` (nor `not_checkable`) are findings, the first ones listed by frame.
#[derive(Debug, Default)]
pub struct StrictChecksums {
    counts: ChecksumCounts,
    findings: Vec<(u64, ChecksumVerdict)>,
    more: u64,
}

impl StrictChecksums {
    /// Checks one frame's segment, if it holds one whose header parses.
    pub fn record(&mut self, frame: &tcpwire::capture::Frame) {
        if let Examined::Segment(segment) = examine(frame, tcpwire::ParseMode::Lossless) {
            let verdict = segment.checksum.strict();
            self.counts.add(verdict, false);
            if !matches!(verdict, ChecksumVerdict::Ok | ChecksumVerdict::NotCheckable) {
                if self.findings.len() < tcpwire::harness::MAX_DETAILED {
                    self.findings.push((frame.number, verdict));
                } else {
                    self.more += 1;
                }
            }
        }
    }

    /// The number of segments whose checksum is a finding.
    pub fn findings(&self) -> u64 {
        self.findings.len() as u64 + self.more
    }

    /// The counts line and the findings.
    pub fn write(&self, out: &mut impl std::io::Write, name: &str) -> std::io::Result<()> {
        writeln!(out, "{name}: checksums: {}", self.counts.summary())?;
        for (frame, verdict) in &self.findings {
            writeln!(out, "{name}: frame {frame}: checksum {verdict}")?;
        }
        if self.more > 0 {
            writeln!(
                out,
                "{name}: ... {} more checksum findings not shown",
                self.more
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_key_forms() {
        assert_eq!(md5_key("secret"), (KeyScope::Any, b"secret".to_vec()));
        assert_eq!(md5_key("a=b"), (KeyScope::Any, b"a=b".to_vec()));
        assert_eq!(
            md5_key("10.0.0.0/8=s=t"),
            (
                KeyScope::Peer("10.0.0.0/8".parse().unwrap()),
                b"s=t".to_vec()
            )
        );
        assert_eq!(
            md5_key("10.0.0.1,10.0.0.2=x"),
            (
                KeyScope::Pair("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()),
                b"x".to_vec()
            )
        );
        assert_eq!(md5_key("*=x"), (KeyScope::Any, b"x".to_vec()));
    }
}
