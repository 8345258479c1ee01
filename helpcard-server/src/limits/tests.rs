use std::net::{IpAddr, Ipv4Addr};

use super::*;

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))
}

#[test]
fn an_address_gets_its_burst_then_its_rate_and_others_are_not_held_up() {
    let b = Buckets::new(
        Rate {
            per_second: 1.0,
            burst: 3.0,
        },
        Rate {
            per_second: 100.0,
            burst: 100.0,
        },
    );
    let got: Vec<bool> = (0..5).map(|_| b.allow(ip(1), 0.0)).collect();
    assert_eq!(got, [true, true, true, false, false]);
    assert!(b.allow(ip(2), 0.0), "another address has its own bucket");
    assert!(!b.allow(ip(1), 0.5));
    assert!(b.allow(ip(1), 1.5), "refilled at one a second");
}

#[test]
fn the_service_as_a_whole_is_limited_too() {
    let b = Buckets::new(
        Rate {
            per_second: 10.0,
            burst: 10.0,
        },
        Rate {
            per_second: 1.0,
            burst: 4.0,
        },
    );
    let got: usize = (0..10).filter(|i| b.allow(ip(*i), 0.0)).count();
    assert_eq!(got, 4, "four addresses at once use up the global burst");
}

#[test]
fn pending_ceremonies_are_bounded_expire_and_are_used_once() {
    let p: Pending<u32> = Pending::new(3, 300);
    for i in 0..3 {
        assert!(p.insert(format!("c{i}"), i, 10));
    }
    assert!(!p.insert("c3".into(), 3, 20), "full of live ceremonies");
    assert_eq!(p.take("c1", 20), Some(1));
    assert_eq!(p.take("c1", 20), None, "a ceremony is used once");
    assert!(p.insert("c4".into(), 4, 20));
    // After the lifetime every old entry leaves, however many there were.
    assert!(p.insert("c5".into(), 5, 400));
    assert_eq!(p.take("c0", 400), None);
    assert_eq!(p.take("c4", 400), None, "expired");
    assert_eq!(p.take("c5", 400), Some(5));
    assert!(p.is_empty());
}

#[test]
fn a_flood_of_ceremonies_stays_linear_and_bounded() {
    // 200,000 sign-in starts, as an unauthenticated flood would make: the store never holds
    // more than its cap, and each insert costs O(1) (the old code scanned every entry on every
    // insert; 80,000 took 51 s per 20,000).
    let p: Pending<[u8; 64]> = Pending::new(10_000, 300);
    let mut refused = 0;
    for i in 0..200_000u64 {
        if !p.insert(format!("{i:064x}"), [0; 64], i / 1000) {
            refused += 1;
        }
        assert!(p.len() <= 10_000);
    }
    assert!(refused > 0, "the cap was reached");
}

#[test]
fn refusals_are_tallied_into_one_line() {
    let t = Tally::default();
    assert_eq!(t.take(), None);
    for code in ["bad_origin", "no_session", "bad_origin"] {
        t.count(code);
    }
    assert_eq!(t.take().as_deref(), Some("bad_origin=2 no_session=1"));
    assert_eq!(t.take(), None);
}
