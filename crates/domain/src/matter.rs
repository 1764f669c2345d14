//! One use of a power (a matter, 事项): its steps are done in the order the power lists them,
//! none skipped, none out of turn; each step's time limit runs from the day the step before it
//! was done (the first from the day the matter was opened), in calendar or working days.
//!
//! This is the rule alone, on dates; who may do a step (the post's accounts) and the record of
//! each step belong to the workflow and the store.

use crate::calendar::WorkCalendar;
use crate::power::Power;
use crate::Invalid;
use chrono::NaiveDate;

/// Where one step of a matter stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Done {
        on: NaiveDate,
    },
    /// The step to do now; `due` when the step has a time limit.
    Current {
        due: Option<NaiveDate>,
        overdue: bool,
    },
    /// After the current step.
    Waiting,
    /// Refused by its post with a reason (a signature or a payment): the matter ended here.
    Refused {
        on: NaiveDate,
    },
}

/// The day by which step `index` (0-based) must be done when the step before it was done (or
/// the matter opened) on `from`; `None` for a step without a limit.
pub fn due_on(
    power: &Power,
    index: usize,
    from: NaiveDate,
    calendar: &WorkCalendar,
) -> Option<NaiveDate> {
    let limit = power.steps.get(index)?.limit?;
    Some(if limit.working {
        calendar.add_working_days(from, limit.days)
    } else {
        from + chrono::Days::new(u64::from(limit.days))
    })
}

/// Each step's state, given the days the steps done so far were done (in order) and today.
pub fn progress(
    power: &Power,
    opened_on: NaiveDate,
    done: &[NaiveDate],
    today: NaiveDate,
    calendar: &WorkCalendar,
) -> Vec<StepState> {
    (0..power.steps.len())
        .map(|i| match done.get(i) {
            Some(&on) => StepState::Done { on },
            None if i == done.len() => {
                let from = if i == 0 { opened_on } else { done[i - 1] };
                let due = due_on(power, i, from, calendar);
                StepState::Current {
                    due,
                    overdue: due.is_some_and(|d| today > d),
                }
            }
            None => StepState::Waiting,
        })
        .collect()
}

/// Whether step `step_no` (1-based, as shown) may be done now, `done` steps having been done:
/// only the next one. The refusal names the step that is next.
pub fn may_do(power: &Power, done: usize, step_no: usize) -> Result<(), Invalid> {
    if done >= power.steps.len() {
        return Err(Invalid::new(
            "matter_finished",
            "这件事项的所有步骤都已办完",
            "every step of this matter is done",
        ));
    }
    if step_no == done + 1 {
        return Ok(());
    }
    let next = &power.steps[done];
    if step_no <= done {
        return Err(Invalid::new(
            "step_done",
            format!("第{step_no}步已经办过"),
            format!("step {step_no} is done already"),
        ));
    }
    Err(Invalid::new(
        "step_out_of_turn",
        format!(
            "不能跳过或提前办理：下一步是第{}步“{}”",
            done + 1,
            next.title_zh
        ),
        format!(
            "steps cannot be skipped or taken out of turn: step {} ({}) is next",
            done + 1,
            next.title_en
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::power::PowerList;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn steps_are_done_in_order_and_the_refusal_names_the_next() {
        let list = PowerList::default();
        let p = list.get("reimbursement").unwrap();
        assert!(may_do(p, 0, 1).is_ok());
        assert!(may_do(p, 2, 3).is_ok());
        let skipped = may_do(p, 2, 4).unwrap_err();
        assert_eq!(skipped.code, "step_out_of_turn");
        assert!(
            skipped.zh.contains("第3步“村委会主任审批”"),
            "{}",
            skipped.zh
        );
        assert!(skipped.en.contains("step 3 (The village head approves)"));
        assert_eq!(may_do(p, 2, 1).unwrap_err().code, "step_done");
        assert_eq!(
            may_do(p, p.steps.len(), 1).unwrap_err().code,
            "matter_finished"
        );
    }

    #[test]
    fn each_limit_runs_from_the_step_before_in_calendar_or_working_days() {
        let list = PowerList::default();
        // Homestead: application (no limit) → group meeting (15 days) → village notice (5
        // working days) → township approval (20 working days) → published (5 days).
        let p = list.get("homestead").unwrap();
        let calendar = WorkCalendar::default();
        let opened = day("2025-03-03");
        let states = progress(
            p,
            opened,
            &[day("2025-03-03")],
            day("2025-03-20"),
            &calendar,
        );
        assert_eq!(
            states[0],
            StepState::Done {
                on: day("2025-03-03")
            }
        );
        assert_eq!(
            states[1],
            StepState::Current {
                due: Some(day("2025-03-18")),
                overdue: true
            }
        );
        assert!(states[2..].iter().all(|s| *s == StepState::Waiting));
        // Five working days from Friday 7 March run over the weekend to Friday 14 March.
        let states = progress(
            p,
            opened,
            &[day("2025-03-03"), day("2025-03-07")],
            day("2025-03-14"),
            &calendar,
        );
        assert_eq!(
            states[2],
            StepState::Current {
                due: Some(day("2025-03-14")),
                overdue: false
            }
        );
        // The first step has no limit: never overdue.
        let states = progress(p, opened, &[], day("2026-01-01"), &calendar);
        assert_eq!(
            states[0],
            StepState::Current {
                due: None,
                overdue: false
            }
        );
    }
}
