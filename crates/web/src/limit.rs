//! Rate limiting of look-ups per client, in memory and without keeping addresses: a client is
//! known only by a keyed hash of its address, under a key that lives as long as the process.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    key: [u8; 32],
    per_window: u32,
    window: Duration,
    clients: Mutex<HashMap<[u8; 16], (Instant, u32)>>,
}

impl RateLimiter {
    /// At most `per_window` attempts per client in each `window`.
    pub fn new(per_window: u32, window: Duration) -> RateLimiter {
        RateLimiter {
            key: rand::random(),
            per_window,
            window,
            clients: Mutex::new(HashMap::new()),
        }
    }

    fn client_id(&self, key: &[u8]) -> [u8; 16] {
        let hash = blake3::keyed_hash(&self.key, key);
        let mut id = [0u8; 16];
        id.copy_from_slice(&hash.as_bytes()[..16]);
        id
    }

    /// Counts an attempt; false when the client is over its limit.
    pub fn allow(&self, ip: IpAddr) -> bool {
        self.allow_key(ip.to_string().as_bytes())
    }

    /// Counts an attempt on anything else that is limited (a person looked up); false when it
    /// is over its limit. Kept as a keyed hash only, like addresses.
    pub fn allow_key(&self, key: &[u8]) -> bool {
        self.count(key) <= self.per_window
    }

    /// Counts one more for `key` in its window; returns the count.
    pub fn count(&self, key: &[u8]) -> u32 {
        let id = self.client_id(key);
        let now = Instant::now();
        let mut clients = self.clients.lock().expect("rate limiter lock");
        if clients.len() > 100_000 {
            // Forget finished windows rather than grow without bound.
            clients.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = clients.entry(id).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1
    }

    /// Whether `key` has used its allowance in the current window, without counting.
    pub fn used_up(&self, key: &[u8]) -> bool {
        let id = self.client_id(key);
        let clients = self.clients.lock().expect("rate limiter lock");
        clients
            .get(&id)
            .is_some_and(|(start, n)| start.elapsed() < self.window && *n >= self.per_window)
    }

    /// Forgets `key` (a success clears a count of failures).
    pub fn forget(&self, key: &[u8]) {
        let id = self.client_id(key);
        self.clients.lock().expect("rate limiter lock").remove(&id);
    }
}

/// An amount everyone shares per window (reports filed, attachment bytes stored): what one
/// client flooding from many addresses cannot exceed. It also means a flood can use up the
/// window's allowance for honest reporters; the numbers are set far above a county's real
/// traffic (documented in docs/web.md, with the alternatives: 12388, letters, visits).
pub struct Budget {
    per_window: u64,
    window: Duration,
    used: Mutex<(Instant, u64)>,
}

impl Budget {
    pub fn new(per_window: u64, window: Duration) -> Budget {
        Budget {
            per_window,
            window,
            used: Mutex::new((Instant::now(), 0)),
        }
    }

    /// Takes `amount` from this window's budget; false (and nothing taken) when it would
    /// exceed it.
    pub fn take(&self, amount: u64) -> bool {
        let now = Instant::now();
        let mut used = self.used.lock().expect("budget lock");
        if now.duration_since(used.0) >= self.window {
            *used = (now, 0);
        }
        if used.1.saturating_add(amount) > self.per_window {
            return false;
        }
        used.1 += amount;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_budget_refuses_what_would_exceed_it_and_takes_nothing() {
        let budget = Budget::new(10, Duration::from_secs(60));
        assert!(budget.take(6));
        assert!(!budget.take(5));
        assert!(budget.take(4));
        assert!(!budget.take(1));
    }

    #[test]
    fn each_client_gets_its_own_allowance() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!((0..3).all(|_| limiter.allow(a)));
        assert!(!limiter.allow(a));
        assert!(limiter.allow(b));
    }

    #[test]
    fn the_allowance_comes_back_after_the_window() {
        let limiter = RateLimiter::new(1, Duration::from_millis(50));
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(limiter.allow(a));
        assert!(!limiter.allow(a));
        std::thread::sleep(Duration::from_millis(60));
        assert!(limiter.allow(a));
    }

    #[test]
    fn addresses_are_not_kept() {
        let limiter = RateLimiter::new(1, Duration::from_secs(60));
        limiter.allow("192.168.7.7".parse().unwrap());
        let clients = limiter.clients.lock().unwrap();
        let stored: Vec<u8> = clients.keys().flatten().copied().collect();
        assert!(!String::from_utf8_lossy(&stored).contains("192.168"));
        assert!(!stored.windows(4).any(|w| w == [192, 168, 7, 7]));
    }
}
