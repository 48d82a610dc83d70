//! The generators' knobs, measured: kinds, malformed share, canonical padding. Every profile
//! keeps the generators' guarantee (valid values that parse back to themselves).

use quickcheck::{Gen, QuickCheck};
use tcpwire::harness::{
    check_wellformed, ArbitraryWith, CommonKinds, GenConfig, Kinds, MptcpOnly, WellFormed,
};
use tcpwire::{TcpHeader, TcpOption, TcpSegment};

const N: usize = 10_000;

/// The kinds of [`Kinds::Common`].
fn is_common(kind: u8) -> bool {
    matches!(kind, 0..=5 | 8)
}

/// Shares (in %) over `N` headers from `config`, after checking each one is valid and parses
/// back to itself: holding a malformed option, holding a kind outside the common ones, not
/// passing `check_wellformed`.
struct Shares {
    malformed: f64,
    uncommon: f64,
    not_wellformed: f64,
}

fn measure(config: &GenConfig) -> Shares {
    let mut g = Gen::new(100);
    let (mut malformed, mut uncommon, mut not_wellformed) = (0, 0, 0);
    for _ in 0..N {
        let segment = TcpSegment::arbitrary_with(&mut g, config);
        segment.header.validate().unwrap();
        let bytes = segment.to_bytes().unwrap();
        assert_eq!(TcpSegment::parse_lossless(&bytes).unwrap(), segment);
        let h = &segment.header;
        malformed += usize::from(h.has_malformed());
        uncommon += usize::from(h.options.iter().any(|o| !is_common(o.kind())));
        not_wellformed += usize::from(check_wellformed(&bytes, None).is_err());
    }
    let pct = |n: usize| n as f64 * 100.0 / N as f64;
    let shares = Shares {
        malformed: pct(malformed),
        uncommon: pct(uncommon),
        not_wellformed: pct(not_wellformed),
    };
    eprintln!(
        "{config:?}: malformed {:.1} %, uncommon kind {:.1} %, not well-formed {:.1} %",
        shares.malformed, shares.uncommon, shares.not_wellformed
    );
    shares
}

#[test]
fn the_default_mix_holds_malformed_and_uncommon_options() {
    let s = measure(&GenConfig::default());
    // The full mix the plain Arbitrary impls give: both kinds of corner are frequent.
    assert!((8.0..25.0).contains(&s.malformed), "{}", s.malformed);
    assert!((25.0..60.0).contains(&s.uncommon), "{}", s.uncommon);
    assert!(
        s.not_wellformed > s.malformed,
        "garbage padding is counted too"
    );
}

#[test]
fn well_formed_profiles_give_only_well_formed_segments() {
    for kinds in [Kinds::Any, Kinds::Common, Kinds::Mptcp] {
        let s = measure(&GenConfig::well_formed().kinds(kinds));
        assert_eq!(s.malformed, 0.0, "{kinds:?}");
        assert_eq!(s.not_wellformed, 0.0, "{kinds:?}");
    }
}

#[test]
fn malformed_rate_zero_gives_no_malformed_option_even_with_any_padding() {
    let s = measure(&GenConfig::new().malformed_percent(0));
    assert_eq!(s.malformed, 0.0);
    assert!(s.not_wellformed > 0.0, "padding is still free");
}

#[test]
fn the_malformed_rate_is_the_measured_share() {
    for (kinds, percent) in [
        (Kinds::Any, 30u8),
        (Kinds::Common, 10),
        (Kinds::Mptcp, 50),
        (Kinds::Any, 100),
    ] {
        let s = measure(&GenConfig::new().kinds(kinds).malformed_percent(percent));
        // 10,000 draws: the standard deviation is at most 0.5 points.
        assert!(
            (s.malformed - f64::from(percent)).abs() < 2.5,
            "{kinds:?} at {percent} %: measured {} %",
            s.malformed
        );
    }
}

#[test]
fn common_kinds_only_gives_no_other_kind() {
    let config = GenConfig::new().kinds(Kinds::Common);
    let s = measure(&config);
    assert_eq!(s.uncommon, 0.0);
    // The natural mix of malformed options stays, with common kinds.
    assert!(s.malformed > 2.0, "{}", s.malformed);
    let s = measure(&config.malformed_percent(40));
    assert_eq!(s.uncommon, 0.0);
    assert!((s.malformed - 40.0).abs() < 2.5, "{}", s.malformed);
}

#[test]
fn mptcp_only_gives_mptcp_options_with_nop_and_eol_around_them() {
    let mut g = Gen::new(100);
    for config in [
        GenConfig::new().kinds(Kinds::Mptcp),
        GenConfig::well_formed().kinds(Kinds::Mptcp),
        GenConfig::new().kinds(Kinds::Mptcp).malformed_percent(100),
    ] {
        let mut subtypes = std::collections::BTreeSet::new();
        for _ in 0..N {
            let h = TcpHeader::arbitrary_with(&mut g, &config);
            assert!(
                h.options.iter().all(|o| matches!(o.kind(), 0 | 1 | 30)),
                "{h:?}"
            );
            assert!(h.options.iter().any(|o| o.kind() == 30), "{h:?}");
            assert_eq!(
                TcpHeader::parse_lossless(&h.to_bytes().unwrap()).unwrap(),
                h
            );
            for o in &h.options {
                if let TcpOption::Mptcp(m) = o {
                    subtypes.insert(u8::from(m.subtype()));
                }
            }
        }
        if config.malformed_percent != Some(100) {
            assert_eq!(subtypes.len(), 16, "{config:?}: {subtypes:?}");
        }
    }
}

#[test]
fn single_options_follow_the_profile() {
    let mut g = Gen::new(100);
    let mptcp = GenConfig::new().kinds(Kinds::Mptcp).malformed_percent(50);
    let mut malformed = 0;
    for _ in 0..N {
        let o = TcpOption::arbitrary_with(&mut g, &mptcp);
        assert_eq!(o.kind(), 30, "{o:?}");
        let (parsed, _) =
            tcpwire::parse_options(&o.to_bytes().unwrap(), 20, tcpwire::ParseMode::Lossless)
                .unwrap();
        assert_eq!(parsed.first(), Some(&o));
        malformed += usize::from(o.is_malformed());
    }
    let share = malformed as f64 * 100.0 / N as f64;
    eprintln!("MPTCP single options at 50 %: {share:.1} % malformed");
    assert!((share - 50.0).abs() < 2.5, "{share}");
    let common = GenConfig::well_formed().kinds(Kinds::Common);
    for _ in 0..N {
        let o = TcpOption::arbitrary_with(&mut g, &common);
        assert!(is_common(o.kind()) && !o.is_malformed(), "{o:?}");
    }
}

#[test]
fn the_wrappers_work_as_quickcheck_arguments_and_shrink_within_their_profile() {
    fn realistic(h: CommonKinds<TcpHeader>) -> bool {
        h.0.options.iter().all(|o| is_common(o.kind()))
            && check_wellformed(&h.0.to_bytes().unwrap(), None).is_ok()
    }
    fn mptcp(s: MptcpOnly<TcpSegment>) -> bool {
        s.0.header.options.iter().any(|o| o.kind() == 30)
    }
    fn well_formed(o: WellFormed<TcpOption>) -> bool {
        !o.0.is_malformed()
    }
    let mut qc = QuickCheck::new().tests(2_000);
    qc.quickcheck(realistic as fn(CommonKinds<TcpHeader>) -> bool);
    qc.quickcheck(mptcp as fn(MptcpOnly<TcpSegment>) -> bool);
    qc.quickcheck(well_formed as fn(WellFormed<TcpOption>) -> bool);

    // Shrinking keeps the profile: every shrink of an MPTCP-only header still holds MPTCP.
    let mut g = Gen::new(100);
    for _ in 0..200 {
        let h = <MptcpOnly<TcpHeader> as quickcheck::Arbitrary>::arbitrary(&mut g);
        for smaller in quickcheck::Arbitrary::shrink(&h).take(50) {
            assert!(smaller.0.options.iter().any(|o| o.kind() == 30));
            assert!(smaller.0.validate().is_ok());
        }
    }
}
