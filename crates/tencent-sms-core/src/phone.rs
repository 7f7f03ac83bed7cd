//! Destination numbers in E.164.
//!
//! Logto passes digits with the country code and no `+` (`8613711112222`, `16502530000`).
//! Tencent reads an 11-digit number without `+` as a mainland number, so a US `1…` number
//! sent as-is goes to the wrong country; always sending `+<country><number>` fixes that.

/// A destination number, normalized to `+` and 7–15 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct E164(String);

impl E164 {
    /// `+` and the digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Mainland China (`+86`) numbers need mainland templates and a sign name; everything
    /// else (Hong Kong `+852`, Macau `+853`, Taiwan `+886`, …) is international. Country
    /// codes are prefix-free, so the prefix alone decides.
    pub fn is_mainland_china(&self) -> bool {
        self.0.starts_with("+86")
    }
}

/// Why a number was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    /// Nothing but separators.
    Empty,
    /// A letter or a symbol other than the separators.
    InvalidCharacter,
    /// Fewer than 7 or more than 15 digits.
    WrongLength {
        /// The digits found.
        digits: usize,
    },
}

impl std::fmt::Display for PhoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("the phone number is empty"),
            Self::InvalidCharacter => f.write_str(
                "the phone number may only hold digits, an optional leading + or 00, spaces, '-', '(' and ')'",
            ),
            Self::WrongLength { digits } => write!(
                f,
                "the phone number has {digits} digits; E.164 numbers have 7 to 15 digits including the country code"
            ),
        }
    }
}

/// Strips spaces, `-`, `(`, `)`; turns a `00` prefix into `+`; adds a missing `+`; requires
/// 7–15 digits after the `+`.
pub fn normalize_e164(input: &str) -> Result<E164, PhoneError> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    if compact.is_empty() {
        return Err(PhoneError::Empty);
    }
    let digits = compact
        .strip_prefix('+')
        .or_else(|| compact.strip_prefix("00"))
        .unwrap_or(&compact);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PhoneError::InvalidCharacter);
    }
    if !(7..=15).contains(&digits.len()) {
        return Err(PhoneError::WrongLength {
            digits: digits.len(),
        });
    }
    Ok(E164(without_trunk_prefix(digits)))
}

/// `+` and the national significant number libphonenumber finds in `digits`: a user who
/// writes `+44 (0)7400 123456` means `+44 7400 123456`, and Tencent (and the guard's
/// counters) must see that one number, not a second spelling with the trunk `0`.
///
/// Only digits with a `0` right after a one- to three-digit country code can hold a trunk
/// prefix, so only those pay for a parse. Where libphonenumber keeps the `0` (Italy's fixed
/// lines) or the number without it is not valid, the digits are sent as written.
fn without_trunk_prefix(digits: &str) -> String {
    let as_written = format!("+{digits}");
    if !digits.get(1..4).is_some_and(|after| after.contains('0')) {
        return as_written;
    }
    match phonenumber::parse(None, &as_written) {
        Ok(number) if phonenumber::is_valid(&number) => {
            number.format().mode(phonenumber::Mode::E164).to_string()
        }
        _ => as_written,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_plus_logto_leaves_out() {
        assert_eq!(
            normalize_e164("8613711112222").unwrap().as_str(),
            "+8613711112222"
        );
        assert_eq!(
            normalize_e164("16502530000").unwrap().as_str(),
            "+16502530000"
        );
    }

    #[test]
    fn strips_punctuation_and_00() {
        assert_eq!(
            normalize_e164("+1 (650) 253-0000").unwrap().as_str(),
            "+16502530000"
        );
        assert_eq!(
            normalize_e164("0086 137 1111 2222").unwrap().as_str(),
            "+8613711112222"
        );
    }

    #[test]
    fn refuses_letters_and_bad_lengths() {
        assert_eq!(normalize_e164(""), Err(PhoneError::Empty));
        assert_eq!(normalize_e164(" - "), Err(PhoneError::Empty));
        assert_eq!(
            normalize_e164("86137abc2222"),
            Err(PhoneError::InvalidCharacter)
        );
        assert_eq!(
            normalize_e164("++8613711112222"),
            Err(PhoneError::InvalidCharacter)
        );
        assert_eq!(
            normalize_e164("123456"),
            Err(PhoneError::WrongLength { digits: 6 })
        );
        assert_eq!(
            normalize_e164("1234567890123456"),
            Err(PhoneError::WrongLength { digits: 16 })
        );
        assert!(normalize_e164("1234567").is_ok());
    }

    #[test]
    fn a_trunk_prefix_after_the_country_code_is_dropped() {
        for written in [
            "+44 (0)7400 123456",
            "+44 07400 123456",
            "0044 (0) 7400-123456",
        ] {
            assert_eq!(
                normalize_e164(written).unwrap().as_str(),
                "+447400123456",
                "{written}"
            );
        }
        assert_eq!(
            normalize_e164("+49 (0)151 23456789").unwrap().as_str(),
            "+4915123456789"
        );
        // Italy's fixed lines keep their 0; an invalid number is left as written.
        assert_eq!(
            normalize_e164("+39 06 6982 1234").unwrap().as_str(),
            "+390669821234"
        );
        assert_eq!(
            normalize_e164("+4401").unwrap_err(),
            PhoneError::WrongLength { digits: 4 }
        );
        assert_eq!(
            normalize_e164("+20 100 123 4567").unwrap().as_str(),
            "+201001234567"
        );
    }

    #[test]
    fn only_plus_86_is_mainland() {
        assert!(normalize_e164("8613711112222").unwrap().is_mainland_china());
        assert!(!normalize_e164("85291234567").unwrap().is_mainland_china());
        assert!(!normalize_e164("16502530000").unwrap().is_mainland_china());
        assert!(!normalize_e164("886912345678").unwrap().is_mainland_china());
    }
}
