//! Bounds on what a client without a session can make the service do: requests per address
//! and in all ([`Buckets`]), unfinished passkey ceremonies ([`Pending`]), and audit rows
//! ([`Tally`]: refusals without a session are counted and written as one row a minute, so a
//! flood of them cannot grow the audit log by a row each).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

/// A token bucket: `burst` requests at once, refilled at `per_second`.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: f64,
}

/// Requests allowed per client address and for the whole service.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// Requests a second, sustained.
    pub per_second: f64,
    /// Requests at once.
    pub burst: f64,
}

impl Rate {
    fn take(&self, bucket: &mut Bucket, now: f64) -> bool {
        bucket.tokens = (bucket.tokens + (now - bucket.at) * self.per_second).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    fn full(&self, now: f64) -> Bucket {
        Bucket {
            tokens: self.burst,
            at: now,
        }
    }
}

/// Most addresses remembered; past it, full buckets (addresses that have not been limited
/// lately) are forgotten first, then all.
const MAX_ADDRESSES: usize = 100_000;

/// Per-address and global token buckets for requests that come without a session.
pub struct Buckets {
    per_address: Rate,
    global: Rate,
    state: Mutex<(HashMap<IpAddr, Bucket>, Bucket)>,
}

impl Buckets {
    /// Buckets with these rates.
    pub fn new(per_address: Rate, global: Rate) -> Buckets {
        Buckets {
            per_address,
            global,
            state: Mutex::new((HashMap::new(), global.full(0.0))),
        }
    }

    /// Takes a token for `address` at `now` (seconds, any monotonic origin); false when the
    /// address or the service is over its rate.
    pub fn allow(&self, address: IpAddr, now: f64) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (addresses, global) = &mut *state;
        if addresses.len() >= MAX_ADDRESSES && !addresses.contains_key(&address) {
            let rate = self.per_address;
            // An address whose bucket has refilled is no different from a new one.
            addresses.retain(|_, b| b.tokens + (now - b.at) * rate.per_second < rate.burst);
            if addresses.len() >= MAX_ADDRESSES {
                addresses.clear();
            }
        }
        let bucket = addresses
            .entry(address)
            .or_insert_with(|| self.per_address.full(now));
        // The address's own limit first: one noisy client does not use up the global budget.
        self.per_address.take(bucket, now) && self.global.take(global, now)
    }
}

/// Entries by id with their start, and ids in start order.
type Entries<T> = (HashMap<String, (u64, T)>, VecDeque<(u64, String)>);

/// Unfinished ceremonies, by id: at most `cap`, each for at most `ttl` seconds. Inserting and
/// taking are O(1) amortised (expired entries leave from the front of a queue in start order).
pub struct Pending<T> {
    cap: usize,
    ttl: u64,
    state: Mutex<Entries<T>>,
}

impl<T> Pending<T> {
    /// A store of at most `cap` entries living `ttl` seconds.
    pub fn new(cap: usize, ttl: u64) -> Pending<T> {
        Pending {
            cap,
            ttl,
            state: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    /// Stores `value` under `id` at `now`; false (nothing stored) when the store is full of
    /// unexpired entries.
    pub fn insert(&self, id: String, value: T, now: u64) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (map, order) = &mut *state;
        while let Some((started, _)) = order.front() {
            if now < started + self.ttl && map.len() < self.cap {
                break;
            }
            if now < started + self.ttl {
                // Full of live entries.
                return false;
            }
            if let Some((_, old)) = order.pop_front() {
                map.remove(&old);
            }
        }
        if map.len() >= self.cap {
            return false;
        }
        order.push_back((now, id.clone()));
        map.insert(id, (now, value));
        true
    }

    /// Takes the entry `id` if it has not expired (a ceremony is used once).
    pub fn take(&self, id: &str, now: u64) -> Option<T> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state
            .0
            .remove(id)
            .filter(|(started, _)| now < started + self.ttl)
            .map(|(_, v)| v)
    }

    /// Entries held (expired ones included until they leave the queue).
    pub fn len(&self) -> usize {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0.len()
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Refusals counted by code between two audit rows.
#[derive(Default)]
pub struct Tally {
    counts: Mutex<BTreeMap<&'static str, u64>>,
}

impl Tally {
    /// Counts one refusal.
    pub fn count(&self, code: &'static str) {
        *self
            .counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(code)
            .or_default() += 1;
    }

    /// The counts since the last call (`code=n code=n`), or `None` when there were none.
    pub fn take(&self) -> Option<String> {
        let counts = std::mem::take(&mut *self.counts.lock().unwrap_or_else(|e| e.into_inner()));
        (!counts.is_empty()).then(|| {
            counts
                .iter()
                .map(|(code, n)| format!("{code}={n}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

#[cfg(test)]
mod tests;
