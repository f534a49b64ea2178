//! Event dates: a date that a sentence states ("on July 31", "last
//! December", "in September", "on Friday", "yesterday"), normalized to ISO
//! 8601 relative to the article's date. A day gives `YYYY-MM-DD`, a month
//! `YYYY-MM`, a year `YYYY`. Without an article date only dates that carry
//! their own year are normalized.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

const MONTHS: [(&str, u32); 23] = [
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
    ("jun", 6),
    ("jul", 7),
];

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// Reads an article date: ISO (`2017-07-31`, with or without a time), or
/// `July 31, 2017` / `31 July 2017`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(d) = s
        .get(..10)
        .and_then(|p| NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
    {
        return Some(d);
    }
    for fmt in ["%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(d);
        }
    }
    None
}

fn month(w: &str) -> Option<u32> {
    let w = w.strip_suffix('.').unwrap_or(w);
    MONTHS.iter().find(|(m, _)| *m == w).map(|&(_, n)| n)
}

fn day(w: &str) -> Option<u32> {
    let w = w
        .trim_end_matches("st")
        .trim_end_matches("nd")
        .trim_end_matches("rd")
        .trim_end_matches("th");
    w.parse::<u32>().ok().filter(|d| (1..=31).contains(d))
}

fn year(w: &str) -> Option<i32> {
    w.parse::<i32>().ok().filter(|y| (1900..=2100).contains(y))
}

/// The month `m` nearest the anchor in the given direction (the anchor's own
/// month counts for both).
fn month_near(anchor: NaiveDate, m: u32, future: bool) -> (i32, u32) {
    let y = anchor.year();
    let cur = anchor.month();
    match (future, m.cmp(&cur)) {
        (true, std::cmp::Ordering::Less) => (y + 1, m),
        (false, std::cmp::Ordering::Greater) => (y - 1, m),
        _ => (y, m),
    }
}

/// The date stated in `words` (lower-cased tokens of one sentence), if any.
/// `future` says the event is planned, so an open date points forward.
pub fn event_date(words: &[String], anchor: Option<NaiveDate>, future: bool) -> Option<String> {
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    for i in 0..words.len() {
        let cur = w(i);
        let before = if i > 0 { w(i - 1) } else { "" };
        if let Some(m) = month(cur) {
            let has_day = day(w(i + 1)).is_some();
            // "may" is a modal far more often than a month.
            let month_context = matches!(
                before,
                "in" | "since" | "until" | "last" | "next" | "early" | "late" | "mid"
            );
            if cur == "may" && !has_day && !month_context {
                continue;
            }
            // Bare abbreviations ("dec") only before a day.
            let short = cur.len() <= 4 && !matches!(cur, "june" | "july" | "may");
            if short && !cur.ends_with('.') && !has_day {
                continue;
            }
            // "July 31, 2017", "July 31", "July 2017", "last December", "in September"
            if let Some(d) = day(w(i + 1)) {
                let y = year(w(i + 2)).or_else(|| year(w(i + 3)).filter(|_| w(i + 2) == ","));
                let y = match (y, anchor) {
                    (Some(y), _) => y,
                    (None, Some(a)) => month_near(a, m, future).0,
                    (None, None) => continue,
                };
                if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                    return Some(date.format("%Y-%m-%d").to_string());
                }
                continue;
            }
            if let Some(y) = year(w(i + 1)) {
                return Some(format!("{y:04}-{m:02}"));
            }
            if let Some(a) = anchor {
                let (y, m) = match before {
                    "last" | "past" => {
                        let (y, m2) = month_near(a, m, false);
                        if m2 == a.month() && y == a.year() {
                            (y - 1, m)
                        } else {
                            (y, m2)
                        }
                    }
                    "next" | "coming" => {
                        let (y, m2) = month_near(a, m, true);
                        if m2 == a.month() && y == a.year() {
                            (y + 1, m)
                        } else {
                            (y, m2)
                        }
                    }
                    _ => month_near(a, m, future),
                };
                return Some(format!("{y:04}-{m:02}"));
            }
            continue;
        }
        // "31 July 2017"
        if let (Some(d), Some(m)) = (day(cur), month(w(i + 1))) {
            if let Some(y) = year(w(i + 2)).or_else(|| anchor.map(|a| month_near(a, m, future).0)) {
                if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                    return Some(date.format("%Y-%m-%d").to_string());
                }
            }
            continue;
        }
        let Some(a) = anchor else {
            // "in 2015"
            if matches!(before, "in" | "since" | "during") {
                if let Some(y) = year(cur) {
                    return Some(format!("{y:04}"));
                }
            }
            continue;
        };
        if let Some(&(_, wd)) = WEEKDAYS.iter().find(|(n, _)| *n == cur) {
            let mut d = a;
            let step = if future || before == "next" {
                Duration::days(1)
            } else {
                Duration::days(-1)
            };
            for _ in 0..7 {
                if d.weekday() == wd {
                    break;
                }
                d += step;
            }
            return Some(d.format("%Y-%m-%d").to_string());
        }
        let rel = match cur {
            "yesterday" => Some(a - Duration::days(1)),
            "today" => Some(a),
            "tomorrow" => Some(a + Duration::days(1)),
            _ => None,
        };
        if let Some(d) = rel {
            return Some(d.format("%Y-%m-%d").to_string());
        }
        if matches!(before, "in" | "since" | "during") {
            if let Some(y) = year(cur) {
                return Some(format!("{y:04}"));
            }
        }
        if matches!(cur, "last" | "next") {
            let sign = if cur == "last" { -1 } else { 1 };
            match w(i + 1) {
                "year" => return Some(format!("{:04}", a.year() + sign)),
                "month" => {
                    let d = a.with_day(1)?
                        + Duration::days(sign as i64 * 15 + if sign < 0 { -1 } else { 31 });
                    return Some(format!("{:04}-{:02}", d.year(), d.month()));
                }
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(s: &str, anchor: &str, future: bool) -> Option<String> {
        let words: Vec<String> = s.split_whitespace().map(|w| w.to_lowercase()).collect();
        event_date(&words, parse_date(anchor), future)
    }

    #[test]
    fn days_months_and_years_relative_to_the_article() {
        let a = "2017-08-02";
        assert_eq!(
            ev("on July 31 Putin announced", a, false).as_deref(),
            Some("2017-07-31")
        );
        assert_eq!(
            ev("expelled them last December", a, false).as_deref(),
            Some("2016-12")
        );
        assert_eq!(
            ev("will meet in September", a, true).as_deref(),
            Some("2017-09")
        );
        assert_eq!(ev("met in March", a, false).as_deref(), Some("2017-03"));
        assert_eq!(
            ev("will meet in March", a, true).as_deref(),
            Some("2018-03")
        );
        assert_eq!(
            ev("said on Friday", a, false).as_deref(),
            Some("2017-07-28")
        );
        assert_eq!(
            ev("will visit on Friday", a, true).as_deref(),
            Some("2017-08-04")
        );
        assert_eq!(
            ev("arrested yesterday", a, false).as_deref(),
            Some("2017-08-01")
        );
        assert_eq!(
            ev("annexed Crimea in 2014", a, false).as_deref(),
            Some("2014")
        );
        assert_eq!(
            ev("on Oct. 2 , 2018 he vanished", a, false).as_deref(),
            Some("2018-10-02")
        );
        assert_eq!(ev("he may meet her", a, false), None);
        assert_eq!(ev("met in May", a, false).as_deref(), Some("2017-05"));
    }

    #[test]
    fn without_an_article_date_only_full_dates() {
        assert_eq!(
            ev("on July 31 , 2017 he left", "", false).as_deref(),
            Some("2017-07-31")
        );
        assert_eq!(ev("on July 31 he left", "", false), None);
        assert_eq!(ev("in 2014 it annexed", "", false).as_deref(), Some("2014"));
        assert_eq!(
            parse_date("July 31, 2017"),
            NaiveDate::from_ymd_opt(2017, 7, 31)
        );
    }
}
