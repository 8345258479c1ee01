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
