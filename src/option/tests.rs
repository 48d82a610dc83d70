//! Unit tests of the option table: names, and the inlined decoders and writers against the
//! table's.

use super::*;

/// The table's names are the IANA registry's names: one name per kind across the crate.
#[test]
fn table_names_are_the_registry_names() {
    for &(kind, name) in DECODED {
        assert_eq!(TcpOptionKind::from_value(kind).name(), name, "kind {kind}");
        assert!(is_decoded_kind(kind));
    }
    assert!(!is_decoded_kind(99) && is_decoded_kind(253));
}

/// The inlined kinds of `decode_into` decode exactly as the table's `decode_any`: every
/// kind, every length, a few fillings.
#[test]
fn the_inlined_decoders_agree_with_the_table() {
    for kind in 2..=255u8 {
        for length in 2..=40u8 {
            for fill in [0x00, 0x5a, 0xff] {
                let mut option = vec![fill; usize::from(length)];
                option[0] = kind;
                option[1] = length;
                let (mut fast, mut table) = (One(TcpOption::Nop), One(TcpOption::Nop));
                let fast_result = TcpOption::decode_into(kind, &option, &mut fast);
                let table_result = TcpOption::decode_any(kind, &option, &mut table);
                assert_eq!(fast_result, table_result, "{option:02x?}");
                assert_eq!(fast.0, table.0, "{option:02x?}");
            }
        }
    }
}

/// The inlined writers of `write_checked` write what `validate` then `write` write, and
/// refuse what `validate` refuses.
#[test]
fn the_inlined_writers_agree_with_the_table() {
    let blocks = |n: usize| Sack {
        blocks: (0..n as u32)
            .map(|i| SackBlock { left: i, right: !i })
            .collect(),
    };
    let options = [
        TcpOption::Nop,
        TcpOption::Eol,
        TcpOption::SackPermitted,
        TcpOption::Mss(Mss { mss: 1460 }),
        TcpOption::WindowScale(WindowScale { shift: 15 }),
        TcpOption::Timestamps(Timestamps { tsval: 1, tsecr: 2 }),
        TcpOption::Sack(blocks(0)),
        TcpOption::Sack(blocks(1)),
        TcpOption::Sack(blocks(4)),
        TcpOption::Sack(blocks(5)),
    ];
    for option in options {
        let mut fast = [0u8; 48];
        let mut table = [0u8; 48];
        let fast_len = option
            .write_checked(&mut fast, true)
            .map(|rest| 48 - rest.len());
        let table_len = option
            .validate()
            .ok()
            .and_then(|()| option.write(&mut table))
            .map(|rest| 48 - rest.len());
        assert_eq!(fast_len, table_len, "{option:?}");
        assert_eq!(fast, table, "{option:?}");
    }
}
