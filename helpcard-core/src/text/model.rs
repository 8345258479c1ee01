//! The static text model: which characters are likely after which (file layout in
//! `scripts/build-text-model.py`), plus what was already seen in the same part.

use std::collections::{BTreeMap, HashMap};

/// Symbol for the end of a string.
pub(crate) const END: u32 = 0;
/// Symbol for a character outside the model's alphabet (its code point follows).
pub(crate) const ESCAPE: u32 = 1;

/// A sparse row of static weights, with prefix sums for O(log n) interval queries.
#[derive(PartialEq)]
struct Row {
    symbols: Vec<u32>,
    /// `cum[i]` = sum of the weights of `symbols[..i]`.
    cum: Vec<u64>,
}

impl Row {
    fn new(entries: Vec<(u32, u64)>) -> Row {
        let mut cum = vec![0];
        for (_, w) in &entries {
            cum.push(cum[cum.len() - 1] + w);
        }
        Row {
            symbols: entries.into_iter().map(|(s, _)| s).collect(),
            cum,
        }
    }

    /// Sum of the weights of symbols below `s`, and the weight of `s`.
    fn at(&self, s: u32) -> (u64, u64) {
        let i = self.symbols.partition_point(|&x| x < s);
        let own = if self.symbols.get(i) == Some(&s) {
            self.cum[i + 1] - self.cum[i]
        } else {
            0
        };
        (self.cum[i], own)
    }

    fn total(&self) -> u64 {
        self.cum[self.cum.len() - 1]
    }
}

/// The parsed model file.
#[derive(PartialEq)]
pub(crate) struct Model {
    a0: u64,
    a1: u64,
    chars: Vec<char>,
    /// `cum0[s]` = sum of the order-0 weights below symbol `s`; one entry more than symbols.
    cum0: Vec<u64>,
    o1: HashMap<u32, Row>,
    o2: HashMap<(u32, u32), Row>,
}

/// Counts of what a part has coded so far (the model adapts to names and numbers that repeat).
/// Unigram counts live in a Fenwick tree, so every query stays O(log alphabet) however long
/// the part.
pub(crate) struct Seen {
    fenwick: Vec<u64>,
    /// Plain counts beside the tree: a symbol's own count is read on every probe of a search,
    /// and one array read beats two tree queries there (measured: 2× on the worst case).
    counts: Vec<u64>,
    bigram: HashMap<u32, BTreeMap<u32, u64>>,
}

impl Seen {
    pub(crate) fn new(model: &Model) -> Seen {
        Seen {
            fenwick: vec![0; model.symbols() + 1],
            counts: vec![0; model.symbols()],
            bigram: HashMap::new(),
        }
    }

    pub(crate) fn add(&mut self, previous: u32, symbol: u32) {
        self.counts[symbol as usize] += 1;
        let mut i = symbol as usize + 1;
        while i < self.fenwick.len() {
            self.fenwick[i] += 1;
            i += i & i.wrapping_neg();
        }
        *self
            .bigram
            .entry(previous)
            .or_default()
            .entry(symbol)
            .or_default() += 1;
    }

    /// How many symbols below `s` were seen.
    fn below(&self, s: u32) -> u64 {
        let (mut i, mut sum) = (s as usize, 0);
        while i > 0 {
            sum += self.fenwick[i];
            i &= i - 1;
        }
        sum
    }
}

/// The frequency of every symbol in one context: static order-0 weights plus the context's
/// rows and what the part has seen.
pub(crate) struct Distribution<'m> {
    model: &'m Model,
    o1: Option<&'m Row>,
    o2: Option<&'m Row>,
    seen: &'m Seen,
    /// What followed `p1` earlier in the part (built once per symbol, queried per probe).
    after: Row,
    pub(crate) total: u64,
}

impl Model {
    /// Parses a model file; `None` if it is malformed. (The code carries the compact form.)
    #[cfg(test)]
    pub(crate) fn parse(data: &[u8]) -> Option<Model> {
        Model::read(&mut Leb(data.strip_prefix(b"HCTM1")?))
    }

    /// Reads a model's integers in file order (§7.1), from the file or its compact form; `None`
    /// if they break the layout or are not all used.
    pub(crate) fn read(r: &mut impl Numbers) -> Option<Model> {
        let (a0, a1) = (r.next(Kind::Header)?, r.next(Kind::Header)?);
        let n = count(r)?;
        let chars = (0..n)
            .map(|_| char::from_u32(u32::try_from(r.next(Kind::CodePoint)?).ok()?))
            .collect::<Option<Vec<char>>>()?;
        if chars.windows(2).any(|w| w[0] >= w[1]) {
            return None;
        }
        let symbols = n as u32 + 2;
        let mut cum0 = vec![0];
        for _ in 0..symbols {
            let w = r.next(Kind::Weight).filter(|&w| w > 0)?;
            cum0.push(cum0[cum0.len() - 1] + w);
        }
        let mut o1 = HashMap::new();
        for _ in 0..count(r)? {
            let a = symbol(r, symbols)?;
            o1.insert(a, row(r, symbols)?);
        }
        let mut o2 = HashMap::new();
        for _ in 0..count(r)? {
            let (a, b) = (symbol(r, symbols)?, symbol(r, symbols)?);
            o2.insert((a, b), row(r, symbols)?);
        }
        r.is_done().then_some(Model {
            a0,
            a1,
            chars,
            cum0,
            o1,
            o2,
        })
    }

    /// How many symbols the model has (end, escape and the alphabet).
    fn symbols(&self) -> usize {
        self.cum0.len() - 1
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
    pub(crate) fn distribution<'m>(&'m self, p2: u32, p1: u32, seen: &'m Seen) -> Distribution<'m> {
        let o1 = self.o1.get(&p1);
        let o2 = self.o2.get(&(p2, p1));
        let after = Row::new(
            seen.bigram
                .get(&p1)
                .into_iter()
                .flatten()
                .map(|(&s, &n)| (s, n * self.a1))
                .collect(),
        );
        let total = self.cum0[self.cum0.len() - 1]
            + o1.map_or(0, Row::total)
            + o2.map_or(0, Row::total)
            + self.a0 * seen.below(self.symbols() as u32)
            + after.total();
        Distribution {
            model: self,
            o1,
            o2,
            seen,
            after,
            total,
        }
    }
}

impl Distribution<'_> {
    /// `(low, width)` of a symbol's interval.
    pub(crate) fn interval(&self, symbol: u32) -> (u64, u64) {
        let m = self.model;
        let s = symbol as usize;
        let (mut low, mut width) = (m.cum0[s], m.cum0[s + 1] - m.cum0[s]);
        for row in [self.o1, self.o2, Some(&self.after)].into_iter().flatten() {
            let (below, own) = row.at(symbol);
            low += below;
            width += own;
        }
        low += m.a0 * self.seen.below(symbol);
        width += m.a0 * self.seen.counts[s];
        (low, width)
    }

    /// The symbol whose interval holds `target` (which is below `total`): the last symbol
    /// whose interval starts at or below it (intervals are never empty, so starts increase).
    pub(crate) fn find(&self, target: u64) -> u32 {
        let (mut lo, mut hi) = (0u32, self.model.symbols() as u32);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.interval(mid).0 <= target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

/// What an integer of the model file stands for: the compact form keeps each kind in a stream
/// of its own, where a general compressor finds more of its regularity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The adaptive weights A0, A1.
    Header,
    /// The alphabet's size, the number of rows, a row's number of entries.
    Count,
    /// A character of the alphabet.
    CodePoint,
    /// A row's context symbol.
    Context,
    /// The distance from a row entry's symbol to the previous one's.
    Delta,
    /// A static weight.
    Weight,
}

/// A source of the model's integers, in file order.
pub(crate) trait Numbers {
    /// The next integer, which the layout says is of `kind`; `None` at the end or when malformed.
    fn next(&mut self, kind: Kind) -> Option<u64>;

    /// Whether every integer was read.
    fn is_done(&self) -> bool;
}

/// The model file's unsigned LEB128 integers, all kinds in one stream.
pub(crate) struct Leb<'a>(pub(crate) &'a [u8]);

impl Numbers for Leb<'_> {
    fn next(&mut self, _: Kind) -> Option<u64> {
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

    fn is_done(&self) -> bool {
        self.0.is_empty()
    }
}

fn count(r: &mut impl Numbers) -> Option<usize> {
    usize::try_from(r.next(Kind::Count)?).ok()
}

fn symbol(r: &mut impl Numbers, symbols: u32) -> Option<u32> {
    u32::try_from(r.next(Kind::Context)?)
        .ok()
        .filter(|&s| s < symbols)
}

/// A row: symbols strictly increasing (delta-coded), each with its weight.
fn row(r: &mut impl Numbers, symbols: u32) -> Option<Row> {
    let mut last = None::<u32>;
    let entries = (0..count(r)?)
        .map(|_| {
            let delta = u32::try_from(r.next(Kind::Delta)?).ok()?;
            let s = match last {
                None => delta,
                Some(l) => l.checked_add(delta).filter(|&s| s > l)?,
            };
            last = Some(s);
            let weight = r.next(Kind::Weight)?;
            (s < symbols).then_some((s, weight))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Row::new(entries))
}
