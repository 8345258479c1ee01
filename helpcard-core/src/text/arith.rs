//! A binary arithmetic coder with 48-bit state (the classic Witten–Neal–Cleary construction,
//! integer only, so every implementation produces the same bits).
//!
//! Each symbol is coded as an interval `[low, low + width)` of a frequency `total`; totals must
//! stay below 2^46. The encoder ends with a single `1` bit, pads with zero bits to a byte and
//! drops trailing zero bytes: the decoder reads zero bits past the end, so the stream is the
//! shortest one that decodes, and re-encoding a decoded text gives the same bytes.

const STATE_BITS: u32 = 48;
const FULL: u64 = 1 << STATE_BITS;
const HALF: u64 = FULL >> 1;
const QUARTER: u64 = HALF >> 1;
const MASK: u64 = FULL - 1;
/// Largest frequency total the coder accepts (the narrowest possible range).
pub(crate) const MAX_TOTAL: u64 = QUARTER + 2;

/// One renormalisation step of [`Range::update`].
enum Step {
    /// The top bit of the interval is settled: this bit.
    Shift(u64),
    /// The interval straddles the middle; the next settled bit is deferred.
    Underflow,
}

/// The coder state shared by encoder and decoder.
struct Range {
    low: u64,
    high: u64,
}

impl Range {
    fn new() -> Range {
        Range { low: 0, high: MASK }
    }

    /// Narrows to the symbol's interval, then renormalises, reporting each step.
    fn update(&mut self, total: u64, low: u64, width: u64, mut step: impl FnMut(Step)) {
        debug_assert!(width > 0 && low + width <= total && total <= MAX_TOTAL);
        let range = u128::from(self.high - self.low + 1);
        let scale = |cum: u64| (u128::from(cum) * range / u128::from(total)) as u64;
        let base = self.low;
        self.low = base + scale(low);
        self.high = base + scale(low + width) - 1;
        while (self.low ^ self.high) & HALF == 0 {
            step(Step::Shift(self.low >> (STATE_BITS - 1)));
            self.low = (self.low << 1) & MASK;
            self.high = ((self.high << 1) & MASK) | 1;
        }
        while self.low & !self.high & QUARTER != 0 {
            step(Step::Underflow);
            self.low = (self.low << 1) ^ HALF;
            self.high = ((self.high ^ HALF) << 1) | HALF | 1;
        }
    }
}

/// Writes symbols as bits.
pub(crate) struct Encoder {
    range: Range,
    pending: u64,
    bits: BitWriter,
}

impl Encoder {
    pub(crate) fn new() -> Encoder {
        Encoder {
            range: Range::new(),
            pending: 0,
            bits: BitWriter::default(),
        }
    }

    pub(crate) fn encode(&mut self, total: u64, low: u64, width: u64) {
        let (bits, pending) = (&mut self.bits, &mut self.pending);
        self.range.update(total, low, width, |step| match step {
            Step::Shift(bit) => {
                bits.push(bit);
                for _ in 0..*pending {
                    bits.push(bit ^ 1);
                }
                *pending = 0;
            }
            Step::Underflow => *pending += 1,
        });
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.bits.push(1);
        for _ in 0..self.pending {
            self.bits.push(0);
        }
        let mut out = self.bits.bytes;
        if self.bits.used > 0 {
            out.push(self.bits.current << (8 - self.bits.used));
        }
        while out.last() == Some(&0) {
            out.pop();
        }
        out
    }
}

#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    current: u8,
    used: u32,
}

impl BitWriter {
    fn push(&mut self, bit: u64) {
        self.current = (self.current << 1) | bit as u8;
        self.used += 1;
        if self.used == 8 {
            self.bytes.push(self.current);
            self.current = 0;
            self.used = 0;
        }
    }
}

/// Reads symbols back. It re-encodes every symbol it reads on the side, so that
/// [`Decoder::finish_matches_input`] can tell whether the input is exactly what the encoder writes for
/// those symbols, without a second pass.
pub(crate) struct Decoder<'a> {
    range: Range,
    code: u64,
    input: &'a [u8],
    position: usize,
    mirror: Encoder,
}

impl<'a> Decoder<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Decoder<'a> {
        let mut d = Decoder {
            range: Range::new(),
            code: 0,
            input,
            position: 0,
            mirror: Encoder::new(),
        };
        for _ in 0..STATE_BITS {
            d.code = (d.code << 1) | next_bit(input, &mut d.position);
        }
        d
    }

    /// The value in `[0, total)` that identifies the next symbol.
    pub(crate) fn target(&self, total: u64) -> u64 {
        let range = u128::from(self.range.high - self.range.low + 1);
        let offset = u128::from(self.code - self.range.low);
        ((offset + 1) * u128::from(total) - 1).div_euclid(range) as u64
    }

    /// Consumes the symbol found for the last [`Decoder::target`].
    pub(crate) fn consume(&mut self, total: u64, low: u64, width: u64) {
        self.mirror.encode(total, low, width);
        // Each renormalisation step takes one fresh input bit.
        let (mut code, input, position) = (self.code, self.input, &mut self.position);
        self.range.update(total, low, width, |step| {
            let bit = next_bit(input, position);
            code = match step {
                Step::Shift(_) => ((code << 1) & MASK) | bit,
                Step::Underflow => (code & HALF) | ((code << 1) & (MASK >> 1)) | bit,
            };
        });
        self.code = code;
    }
}

impl Decoder<'_> {
    /// Whether the input is exactly the encoder's output for the symbols read (no bits after
    /// the end, no trailing zero bytes).
    pub(crate) fn finish_matches_input(self) -> bool {
        self.mirror.finish() == self.input
    }
}

/// The bit at `position` (zero past the end), advancing `position`.
fn next_bit(input: &[u8], position: &mut usize) -> u64 {
    let byte = input.get(*position / 8).copied().unwrap_or(0);
    let bit = byte >> (7 - *position % 8) & 1;
    *position += 1;
    u64::from(bit)
}
