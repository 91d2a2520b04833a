use jiff::civil::Date;

/// `YYMMDD` or `YYYYMMDD`; a two-digit year ≤ 30 is 20YY, otherwise 19YY.
pub fn parse_date(digits: &str) -> Option<Date> {
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |s: &str| s.parse::<i16>().ok();
    let (year, rest) = match digits.len() {
        6 => {
            let yy = number(&digits[..2])?;
            (if yy <= 30 { 2000 + yy } else { 1900 + yy }, &digits[2..])
        }
        8 => (number(&digits[..4])?, &digits[4..]),
        _ => return None,
    };
    Date::new(year, number(&rest[..2])? as i8, number(&rest[2..])? as i8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn two_digit_years_pivot_at_30() {
        assert_eq!(parse_date("300101"), Some(date(2030, 1, 1)));
        assert_eq!(parse_date("310101"), Some(date(1931, 1, 1)));
        assert_eq!(parse_date("080508"), Some(date(2008, 5, 8)));
        assert_eq!(parse_date("19991231"), Some(date(1999, 12, 31)));
        assert_eq!(parse_date("991341"), None);
        assert_eq!(parse_date("99123"), None);
        assert_eq!(parse_date("9912a1"), None);
    }
}
