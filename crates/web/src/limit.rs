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

    fn client_id(&self, ip: IpAddr) -> [u8; 16] {
        let hash = blake3::keyed_hash(&self.key, ip.to_string().as_bytes());
        let mut id = [0u8; 16];
        id.copy_from_slice(&hash.as_bytes()[..16]);
        id
    }

    /// Counts an attempt; false when the client is over its limit.
    pub fn allow(&self, ip: IpAddr) -> bool {
        let id = self.client_id(ip);
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
        entry.1 <= self.per_window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
