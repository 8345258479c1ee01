use rand_core::RngCore;

use super::*;
use crate::testing::StreamRng;

#[test]
fn demo_secrets_are_the_recorded_stream_of_the_seed() {
    for seed in [0, 1, 2026] {
        let mut expected = [[0u8; 32]; 3];
        let mut rng = StreamRng::from_seed(seed);
        expected.iter_mut().for_each(|s| rng.fill_bytes(s));
        assert_eq!(DemoWorld::secrets(seed), expected, "seed {seed}");
    }
    assert_ne!(DemoWorld::secrets(0), DemoWorld::secrets(1));
}

#[test]
fn every_demo_card_gets_its_declared_verdict() {
    use crate::card::{self, ResponderKeys};
    use crate::date::UnixTime;
    use crate::view::CardView;
    use crate::vocab::Lang;

    let now = UnixTime(1_800_000_000);
    let set = DemoSet::new(now, &mut StreamRng::from_seed(5)).unwrap();
    let (trust, revs) = set.lists(now).unwrap();
    assert_eq!(set.cards.len(), REFERENCE_PROFILES.len() + 5);
    let keys = ResponderKeys::new(vec![set.world.responder]);
    for c in &set.cards {
        let opened = card::open(&c.bytes, &trust, now, None, Some(&revs));
        let view = CardView::new(&opened, Lang::Ja);
        assert_eq!(view.verdict.code(), c.verdict, "{}", c.name);
        if let Ok(o) = opened {
            assert_eq!(o.content_key(&keys).is_ok(), c.opens, "{}", c.name);
        }
    }
}
