//! The text model in the form the code carries: the integers of `ja-2.model` (§7.1) regrouped
//! by kind, so that the browser's download is smaller: 222 kB instead of 250 under gzip -9,
//! 200 instead of 221 under Brotli.
//!
//! The model file stays the format; this is only its packing. `text_tests.rs` checks that the
//! committed `ja-2.compact` is exactly [`write`] of the SHA-256-pinned model file and reads back
//! to the same model, and `HELPCARD_WRITE_MODEL=1 cargo test -p helpcard-core compact` rewrites
//! it. In the model file the weights' random low bits sit between the symbols and counts, which
//! keeps a compressor from finding the patterns in either.
//!
//! ```text
//! "HCTC1"
//! W                           number of weights (LEB128)
//! W bytes, W bytes, W bytes   bits 16–23, 8–15 and 0–7 of every weight, in file order
//! then for each of Header, Count, CodePoint, Context, Delta (see `Kind`): the byte length of
//! its stream (LEB128), then its integers in file order as LEB128; code points as the
//! difference to the previous one (the first as it is)
//! ```

use super::model::{Kind, Leb, Numbers};

const MAGIC: &[u8] = b"HCTC1";

/// The streams after the weights, in order.
const STREAMS: [Kind; 5] = [
    Kind::Header,
    Kind::Count,
    Kind::CodePoint,
    Kind::Context,
    Kind::Delta,
];

/// Reads a compact model's integers in model-file order.
pub(crate) struct Compact<'a> {
    /// The weights' high, middle and low bytes.
    planes: [&'a [u8]; 3],
    weights_read: usize,
    streams: [Leb<'a>; 5],
    code_point: u64,
}

impl<'a> Compact<'a> {
    /// Splits a compact model into its streams; `None` if the layout is broken.
    pub(crate) fn new(data: &'a [u8]) -> Option<Compact<'a>> {
        let mut rest = Leb(data.strip_prefix(MAGIC)?);
        let weights = rest.next(Kind::Count)?;
        let planes = [
            take(&mut rest, weights)?,
            take(&mut rest, weights)?,
            take(&mut rest, weights)?,
        ];
        let mut stream = || {
            let len = rest.next(Kind::Count)?;
            take(&mut rest, len).map(Leb)
        };
        let streams = [stream()?, stream()?, stream()?, stream()?, stream()?];
        rest.is_done().then_some(Compact {
            planes,
            weights_read: 0,
            streams,
            code_point: 0,
        })
    }
}

/// The next `len` bytes of `rest`.
fn take<'a>(rest: &mut Leb<'a>, len: u64) -> Option<&'a [u8]> {
    let (head, tail) = rest.0.split_at_checked(usize::try_from(len).ok()?)?;
    rest.0 = tail;
    Some(head)
}

impl Numbers for Compact<'_> {
    fn next(&mut self, kind: Kind) -> Option<u64> {
        if kind == Kind::Weight {
            let i = self.weights_read;
            let [high, middle, low] = self.planes.map(|p| p.get(i).copied().map(u64::from));
            self.weights_read += 1;
            return Some((high? << 16) | (middle? << 8) | low?);
        }
        let stream = STREAMS.iter().position(|&k| k == kind)?;
        let value = self.streams[stream].next(kind)?;
        if kind == Kind::CodePoint {
            self.code_point = self.code_point.checked_add(value)?;
            return Some(self.code_point);
        }
        Some(value)
    }

    fn is_done(&self) -> bool {
        self.weights_read == self.planes[0].len() && self.streams.iter().all(Leb::is_done)
    }
}

/// The compact form of a model file; `None` if the file does not parse or a weight needs more
/// than 24 bits.
#[cfg(test)]
pub(crate) fn write(model_file: &[u8]) -> Option<Vec<u8>> {
    /// Reads a model file, noting every integer with its kind.
    struct Recorder<'a> {
        file: Leb<'a>,
        seen: Vec<(Kind, u64)>,
    }
    impl Numbers for Recorder<'_> {
        fn next(&mut self, kind: Kind) -> Option<u64> {
            let value = self.file.next(kind)?;
            self.seen.push((kind, value));
            Some(value)
        }
        fn is_done(&self) -> bool {
            self.file.is_done()
        }
    }
    fn leb(out: &mut Vec<u8>, mut n: u64) {
        while n >= 0x80 {
            out.push(n as u8 | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    let mut recorder = Recorder {
        file: Leb(model_file.strip_prefix(b"HCTM1")?),
        seen: Vec::new(),
    };
    super::model::Model::read(&mut recorder)?;
    let of = |kind: Kind| {
        recorder
            .seen
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|&(_, v)| v)
    };
    let weights: Vec<u64> = of(Kind::Weight).collect();
    if weights.iter().any(|&w| w >> 24 != 0) {
        return None;
    }
    let mut out = MAGIC.to_vec();
    leb(&mut out, weights.len() as u64);
    for shift in [16, 8, 0] {
        out.extend(weights.iter().map(|w| (w >> shift) as u8));
    }
    let mut previous = 0;
    for kind in STREAMS {
        let mut stream = Vec::new();
        for mut value in of(kind) {
            if kind == Kind::CodePoint {
                (value, previous) = (value - previous, value);
            }
            leb(&mut stream, value);
        }
        leb(&mut out, stream.len() as u64);
        out.extend(stream);
    }
    Some(out)
}
