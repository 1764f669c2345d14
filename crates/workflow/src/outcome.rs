//! What a use case did: changed something, found it already done, or refused with a reason the
//! user reads. Errors (`anyhow::Error`) are for what went wrong underneath (the database), never
//! for a rule of procedure: a refusal is an answer, not a failure.

/// Why a use case refused, in both languages of the interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub zh: String,
    pub en: String,
}

impl Refusal {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Refusal {
        Refusal {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The reason in the user's language.
    pub fn text(&self, zh: bool) -> &str {
        if zh {
            &self.zh
        } else {
            &self.en
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.zh, self.en)
    }
}

/// The outcome of a use case that changes something.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a refusal must reach the user"]
pub enum Outcome<T = ()> {
    /// Done now; `T` is what it made (an id, a count, a new state).
    Changed(T),
    /// Nothing to do: the change was made before (a second click, a stale form).
    AlreadyDone(Refusal),
    /// Not allowed, with the reason.
    Refused(Refusal),
    /// To this actor the thing does not exist: absent, outside their jurisdiction, or kept from
    /// them by the conflict-of-interest policy (the three look the same, on purpose).
    NotFound,
}

impl<T> Outcome<T> {
    pub fn refused(zh: impl Into<String>, en: impl Into<String>) -> Outcome<T> {
        Outcome::Refused(Refusal::new(zh, en))
    }

    pub fn already_done(zh: impl Into<String>, en: impl Into<String>) -> Outcome<T> {
        Outcome::AlreadyDone(Refusal::new(zh, en))
    }

    /// The same outcome with what was made turned by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Outcome::Changed(t) => Outcome::Changed(f(t)),
            Outcome::AlreadyDone(r) => Outcome::AlreadyDone(r),
            Outcome::Refused(r) => Outcome::Refused(r),
            Outcome::NotFound => Outcome::NotFound,
        }
    }

    /// What was made, if the use case changed something.
    pub fn changed(self) -> Option<T> {
        match self {
            Outcome::Changed(t) => Some(t),
            _ => None,
        }
    }

    /// The message for a use case that did not change anything.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            Outcome::Changed(_) => None,
            Outcome::AlreadyDone(r) | Outcome::Refused(r) => Some(r.clone()),
            Outcome::NotFound => Some(Refusal::new("未找到", "not found")),
        }
    }
}

/// Returns `Outcome::Refused` from the enclosing use case unless `$condition` holds.
macro_rules! require {
    ($condition:expr, $zh:expr, $en:expr $(,)?) => {
        if !$condition {
            return Ok($crate::Outcome::refused($zh, $en));
        }
    };
}
pub(crate) use require;
