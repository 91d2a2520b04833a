//! Date windows: the one place that turns `--from/--to/--as-of` into bounds.

use dateline_core::Date;

/// A range of article dates. `as_of` is the contract's "what had been published by
/// the end of day D"; it and `to` both cap the range, and the earlier one wins.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateWindow {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub as_of: Option<Date>,
}

impl DateWindow {
    /// Inclusive `(lowest, highest)` article date as ISO strings, which compare in
    /// date order as SQLite text.
    pub fn bounds(&self) -> (String, String) {
        let upper = self.last_day();
        (
            self.from
                .map_or_else(|| "0000-01-01".to_string(), |d| d.to_string()),
            upper.map_or_else(|| "9999-12-31".to_string(), |d| d.to_string()),
        )
    }

    /// The last day the window admits (the earlier of `to` and `as_of`), if any.
    pub fn last_day(&self) -> Option<Date> {
        match (self.to, self.as_of) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether an article of `date` is inside the window.
    pub fn contains(&self, date: Date) -> bool {
        let (from, to) = self.bounds();
        let date = date.to_string();
        from <= date && date <= to
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn as_of_caps_the_window_even_when_to_is_later() {
        let w = DateWindow {
            from: None,
            to: Some(date(2031, 5, 1)),
            as_of: Some(date(2031, 4, 1)),
        };
        assert!(w.contains(date(2031, 4, 1)));
        assert!(!w.contains(date(2031, 4, 2)));
    }

    #[test]
    fn open_window_admits_everything() {
        assert!(DateWindow::default().contains(date(1, 1, 1)));
        assert!(DateWindow::default().contains(date(9999, 12, 31)));
    }
}
