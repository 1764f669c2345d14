//! Today's date for the procedure's deadlines, injectable so that a test can stand on any day.

use chrono::{DateTime, NaiveDate, Utc};

/// The clock of the use cases. Dates are China Standard Time (UTC+8, no daylight saving): a
/// deadline falls on the day the township sees on its wall calendar.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    fn today(&self) -> NaiveDate {
        (self.now() + chrono::Duration::hours(8)).date_naive()
    }
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant (tests, and replaying a day).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl FixedClock {
    /// Noon, China time, on `day`.
    pub fn on(day: NaiveDate) -> FixedClock {
        FixedClock(day.and_hms_opt(4, 0, 0).expect("a valid time").and_utc())
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
