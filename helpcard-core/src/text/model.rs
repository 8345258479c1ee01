//! The static text model: which characters are likely after which (file layout in
//! `scripts/build-text-model.py`), plus what was already seen in the same part.

use std::collections::{BTreeMap, HashMap};

/// Symbol for the end of a string.
pub(crate) const END: u32 = 0;
/// Symbol for a character outside the model's alphabet (its code point follows).
pub(crate) const ESCAPE: u32 = 1;

type Row = Vec<(u32, u64)>;

/// The parsed model file.
pub(crate) struct Model {
    a0: u64,
    a1: u64,
    chars: Vec<char>,
    w0: Vec<u64>,
    /// `cum0[s]` = sum of `w0` below `s`; one entry more than symbols.
    cum0: Vec<u64>,
    o1: HashMap<u32, Row>,
    o2: HashMap<(u32, u32), Row>,
}

/// Counts of what a part has coded so far (the model adapts to names and numbers that repeat).
#[derive(Default)]
pub(crate) struct Seen {
    unigram: BTreeMap<u32, u64>,
    bigram: BTreeMap<u32, BTreeMap<u32, u64>>,
}

impl Seen {
    pub(crate) fn add(&mut self, previous: u32, symbol: u32) {
        *self.unigram.entry(symbol).or_default() += 1;
        *self
            .bigram
            .entry(previous)
            .or_default()
            .entry(symbol)
            .or_default() += 1;
    }
}

/// The frequency of every symbol in one context: static order-0 weights plus sparse extras.
pub(crate) struct Distribution<'m> {
    model: &'m Model,
    /// Extra weight per symbol, sorted by symbol, no duplicates.
    extras: Vec<(u32, u64)>,
    pub(crate) total: u64,
}

impl Model {
    /// Parses a model file; `None` if it is malformed.
    pub(crate) fn parse(data: &[u8]) -> Option<Model> {
        let mut r = Reader(data.strip_prefix(b"HCTM1")?);
        let (a0, a1) = (r.int()?, r.int()?);
        let n = r.len()?;
        let chars = (0..n)
            .map(|_| char::from_u32(u32::try_from(r.int()?).ok()?))
            .collect::<Option<Vec<char>>>()?;
        if chars.windows(2).any(|w| w[0] >= w[1]) {
            return None;
        }
        let symbols = n as u32 + 2;
        let w0 = (0..symbols)
            .map(|_| r.int().filter(|&w| w > 0))
            .collect::<Option<Vec<u64>>>()?;
        let mut cum0 = vec![0];
        for w in &w0 {
            cum0.push(cum0.last()? + w);
        }
        let mut o1 = HashMap::new();
        for _ in 0..r.len()? {
            let a = r.symbol(symbols)?;
            o1.insert(a, r.row(symbols)?);
        }
        let mut o2 = HashMap::new();
        for _ in 0..r.len()? {
            let (a, b) = (r.symbol(symbols)?, r.symbol(symbols)?);
            o2.insert((a, b), r.row(symbols)?);
        }
        r.0.is_empty().then_some(Model {
            a0,
            a1,
            chars,
            w0,
            cum0,
            o1,
            o2,
        })
    }

    /// The symbol for a character, or [`ESCAPE`].
    pub(crate) fn symbol(&self, c: char) -> u32 {
        self.chars
            .binary_search(&c)
            .map_or(ESCAPE, |i| i as u32 + 2)
    }

    /// The character of a symbol of 2 or more.
    pub(crate) fn char(&self, symbol: u32) -> char {
        self.chars[symbol as usize - 2]
    }

    /// Every symbol's frequency after `p2, p1`, given what the part has seen.
    pub(crate) fn distribution(&self, p2: u32, p1: u32, seen: &Seen) -> Distribution<'_> {
        let mut extras: Vec<(u32, u64)> = Vec::new();
        extras.extend(self.o1.get(&p1).into_iter().flatten());
        extras.extend(self.o2.get(&(p2, p1)).into_iter().flatten());
        extras.extend(seen.unigram.iter().map(|(&s, &n)| (s, n * self.a0)));
        if let Some(row) = seen.bigram.get(&p1) {
            extras.extend(row.iter().map(|(&s, &n)| (s, n * self.a1)));
        }
        // Four sorted runs: the stable sort merges them in linear-ish time.
        extras.sort_by_key(|&(s, _)| s);
        extras.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        let total =
            self.cum0.last().copied().unwrap_or(0) + extras.iter().map(|e| e.1).sum::<u64>();
        Distribution {
            model: self,
            extras,
            total,
        }
    }
}

impl Distribution<'_> {
    /// `(low, width)` of a symbol's interval.
    pub(crate) fn interval(&self, symbol: u32) -> (u64, u64) {
        let s = symbol as usize;
        let below: u64 = self
            .extras
            .iter()
            .take_while(|e| e.0 < symbol)
            .map(|e| e.1)
            .sum();
        let own = self
            .extras
            .iter()
            .find(|e| e.0 == symbol)
            .map_or(0, |e| e.1);
        (self.model.cum0[s] + below, self.model.w0[s] + own)
    }

    /// The symbol whose interval holds `target` (which is below `total`).
    pub(crate) fn find(&self, target: u64) -> u32 {
        let cum0 = &self.model.cum0;
        // Between two symbols with extras, the cumulative frequency is `cum0` plus a constant.
        let (mut start, mut added) = (0usize, 0u64);
        for &(symbol, extra) in &self.extras {
            let s = symbol as usize;
            if target < cum0[s] + added {
                break;
            }
            if target < cum0[s + 1] + added + extra {
                return symbol;
            }
            added += extra;
            start = s + 1;
        }
        // The symbol is the last `s >= start` with `cum0[s] + added <= target`.
        let above = cum0[start..].partition_point(|&c| c + added <= target);
        (start + above - 1) as u32
    }
}

/// Reads the model file's unsigned LEB128 integers.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn int(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.0.split_first()?;
            self.0 = rest;
            value |= u64::from(byte & 0x7F) << shift;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.int()?).ok()
    }

    fn symbol(&mut self, symbols: u32) -> Option<u32> {
        u32::try_from(self.int()?).ok().filter(|&s| s < symbols)
    }

    fn row(&mut self, symbols: u32) -> Option<Row> {
        let mut last = 0u32;
        (0..self.len()?)
            .map(|_| {
                last = last.checked_add(u32::try_from(self.int()?).ok()?)?;
                let weight = self.int()?;
                (last < symbols).then_some((last, weight))
            })
            .collect()
    }
}
