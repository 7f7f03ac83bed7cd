//! Destination numbers the way Tencent reads them: E.164 with `+`, and for mainland China
//! also `0086…`, `86…` or a bare 11-digit number (all +86). The last rule is why an 11-digit
//! US number sent without `+` lands in China, which the official Logto connector does.

use phonenumber::metadata::DATABASE;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedNumber {
    pub e164: String,
    pub mainland: bool,
}

pub(crate) fn parse_destination(raw: &str) -> Option<ParsedNumber> {
    let mainland = |national: &str| {
        (national.len() == 11
            && national.starts_with('1')
            && national.bytes().all(|b| b.is_ascii_digit()))
        .then(|| ParsedNumber {
            e164: format!("+86{national}"),
            mainland: true,
        })
    };
    if let Some(digits) = raw.strip_prefix('+') {
        if !(7..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return match digits.strip_prefix("86") {
            Some(national) => mainland(national),
            None => Some(ParsedNumber {
                e164: raw.to_owned(),
                mainland: false,
            }),
        };
    }
    if let Some(national) = raw.strip_prefix("0086") {
        return mainland(national);
    }
    if raw.len() == 13 {
        if let Some(national) = raw.strip_prefix("86") {
            return mainland(national);
        }
    }
    mainland(raw)
}

/// The calling code (`86`) and the main region (`CN`) of an E.164 number, from libphonenumber's
/// numbering plans (the `phonenumber` crate, as the connector's guard reads them). Calling codes
/// are prefix-free, so the first of the number's 1-, 2- and 3-digit prefixes that is one is
/// the one; only the code table is consulted, no pattern, so a delivery costs a few lookups.
fn country(e164: &str) -> Option<(u16, String)> {
    let digits = e164.strip_prefix('+')?;
    (1..=3.min(digits.len())).find_map(|length| {
        let code: u16 = digits[..length].parse().ok()?;
        let regions = DATABASE.by_code(&code)?;
        let main = regions
            .iter()
            .find(|region| region.is_main_country_for_code())
            .or(regions.first())?;
        Some((code, main.id().to_owned()))
    })
}

/// ISO 3166 code for the `IsoCode` field; `DEF` for a calling code no country has (as Tencent).
pub(crate) fn iso_code(e164: &str) -> String {
    country(e164)
        .map(|(_, region)| region)
        .filter(|region| region.len() == 2)
        .unwrap_or_else(|| "DEF".to_owned())
}

/// The calling code without `+` (`86`), for receipts' `CountryCode`; empty where none.
pub(crate) fn calling_code(e164: &str) -> String {
    country(e164).map_or_else(String::new, |(code, _)| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainland_forms_all_mean_plus_86() {
        for raw in [
            "+8613711112222",
            "008613711112222",
            "8613711112222",
            "13711112222",
        ] {
            assert_eq!(
                parse_destination(raw).unwrap(),
                ParsedNumber {
                    e164: "+8613711112222".into(),
                    mainland: true
                },
                "{raw}"
            );
        }
    }

    #[test]
    fn a_us_number_without_plus_is_read_as_mainland() {
        assert!(parse_destination("16502530000").unwrap().mainland);
        assert!(!parse_destination("+16502530000").unwrap().mainland);
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for raw in [
            "",
            "+",
            "+86123",
            "+861371111222",
            "abc",
            "+1650abc0000",
            "12345",
        ] {
            assert_eq!(parse_destination(raw), None, "{raw}");
        }
    }

    #[test]
    fn iso_codes() {
        assert_eq!(iso_code("+8613711112222"), "CN");
        assert_eq!(iso_code("+85291234567"), "HK");
        assert_eq!(iso_code("+16502530000"), "US");
        assert_eq!(iso_code("+447400123456"), "GB");
        assert_eq!(iso_code("+8536612345"), "MO");
        assert_eq!(iso_code("+999123456"), "DEF");
        assert_eq!(calling_code("+85291234567"), "852");
        assert_eq!(calling_code("+16502530000"), "1");
        assert_eq!(calling_code("+999123456"), "");
    }
}
