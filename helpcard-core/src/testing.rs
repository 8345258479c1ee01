//! Deterministic randomness for test vectors and reproducible examples. Never for real cards:
//! behind the `testing` feature, which no binary turns on (`scripts/test-all` checks the
//! release binaries' symbols).

use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

/// Yields a recorded byte stream first (so a test vector can list the exact random bytes an
/// issuance consumed), then SHA-256(seed ‖ counter) blocks.
#[derive(Clone, Debug)]
pub struct StreamRng {
    recorded: Vec<u8>,
    position: usize,
    seed: u64,
    counter: u64,
    block: Vec<u8>,
}

impl StreamRng {
    /// A stream derived only from `seed`.
    pub fn from_seed(seed: u64) -> StreamRng {
        StreamRng::from_bytes(Vec::new(), seed)
    }

    /// `recorded` first, then the stream of `seed`.
    pub fn from_bytes(recorded: Vec<u8>, seed: u64) -> StreamRng {
        StreamRng {
            recorded,
            position: 0,
            seed,
            counter: 0,
            block: Vec::new(),
        }
    }

    /// Bytes of the recorded stream consumed so far.
    pub fn consumed(&self) -> usize {
        self.position
    }

    fn next_byte(&mut self) -> u8 {
        if self.position < self.recorded.len() {
            self.position += 1;
            return self.recorded[self.position - 1];
        }
        if self.block.is_empty() {
            let digest = Sha256::new()
                .chain_update(self.seed.to_be_bytes())
                .chain_update(self.counter.to_be_bytes())
                .finalize();
            self.counter += 1;
            self.block = digest.iter().rev().copied().collect();
        }
        self.block.pop().unwrap_or_default()
    }
}

impl RngCore for StreamRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.iter_mut().for_each(|b| *b = self.next_byte());
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

/// Deterministic by design: only for vectors and tests, where reproducibility is the point.
impl CryptoRng for StreamRng {}

// The demo keys and profiles were here before they got their own feature; tests import them
// from either place.
pub use crate::demo::{DEMO_EPOCH, DemoWorld, REFERENCE_PROFILES};
