//! The extraction budget: a token bucket of derived ids.
//!
//! Even a fully compromised frontend can only extract keys as fast as this bucket refills,
//! which bounds the damage and makes abuse visible (throttled calls are counted and audited).
//! Hand-written rather than taken from a rate-limiting crate: it is twenty lines, takes the
//! clock as an argument (so tests need no sleeping), and keeps the keyvault's dependency list
//! short for its auditors.

use std::time::Instant;

use seal_protocol::vault::MAX_IDS_PER_CALL;

use crate::Error;

/// Default refill rate, ids per second.
pub const DEFAULT_RATE: u32 = 200;
/// Default bucket size, ids.
pub const DEFAULT_BURST: u32 = 2000;

/// A token bucket refilled continuously at `rate` tokens per second up to `burst`.
#[derive(Debug)]
pub struct Budget {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl Budget {
    /// A full bucket. The burst must hold at least one maximal call.
    pub fn new(rate: u32, burst: u32, now: Instant) -> Result<Self, Error> {
        if rate == 0 {
            return Err(Error::Config(
                "--budget-rate must be at least 1 id per second".into(),
            ));
        }
        if (burst as usize) < MAX_IDS_PER_CALL {
            return Err(Error::Config(format!(
                "--budget-burst must be at least {MAX_IDS_PER_CALL} (one full call)"
            )));
        }
        Ok(Self {
            rate: f64::from(rate),
            burst: f64::from(burst),
            tokens: f64::from(burst),
            last: now,
        })
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.last = now;
    }

    /// Takes `n` tokens, or says in how many milliseconds enough will be back.
    pub fn try_take(&mut self, n: u64, now: Instant) -> Result<(), u64> {
        self.refill(now);
        let n = n as f64;
        if n <= self.tokens {
            self.tokens -= n;
            Ok(())
        } else {
            Err((((n - self.tokens) / self.rate) * 1000.0).ceil() as u64)
        }
    }

    /// Whole tokens available now.
    pub fn available(&mut self, now: Instant) -> u64 {
        self.refill(now);
        self.tokens.floor() as u64
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn spends_refills_and_caps() {
        let start = Instant::now();
        let mut budget = Budget::new(10, 100, start).unwrap();
        assert_eq!(budget.available(start), 100);
        budget.try_take(100, start).unwrap();
        // Empty: 5 ids need half a second at 10 ids/s.
        assert_eq!(budget.try_take(5, start), Err(500));
        let later = start + Duration::from_millis(500);
        budget.try_take(5, later).unwrap();
        assert_eq!(budget.available(later), 0);
        // Refill stops at the burst.
        assert_eq!(budget.available(later + Duration::from_secs(3600)), 100);
    }

    #[test]
    fn configuration_limits() {
        let now = Instant::now();
        assert!(Budget::new(0, 1000, now).is_err());
        assert!(Budget::new(1, 99, now).is_err());
        assert!(Budget::new(1, 100, now).is_ok());
    }
}
