//! Destination numbers the way Tencent reads them: E.164 with `+`, and for mainland China
//! also `0086…`, `86…` or a bare 11-digit number (all +86). The last rule is why an 11-digit
//! US number sent without `+` lands in China, which the official Logto connector does.

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

/// Calling codes the emulator knows, with their ISO 3166 codes.
const COUNTRIES: [(&str, &str); 16] = [
    ("+852", "HK"),
    ("+853", "MO"),
    ("+886", "TW"),
    ("+86", "CN"),
    ("+1", "US"),
    ("+44", "GB"),
    ("+81", "JP"),
    ("+82", "KR"),
    ("+65", "SG"),
    ("+91", "IN"),
    ("+49", "DE"),
    ("+33", "FR"),
    ("+61", "AU"),
    ("+7", "RU"),
    ("+66", "TH"),
    ("+60", "MY"),
];

fn country(e164: &str) -> Option<&'static (&'static str, &'static str)> {
    COUNTRIES
        .iter()
        .find(|(prefix, _)| e164.starts_with(prefix))
}

/// ISO 3166 code for the `IsoCode` field; `DEF` where the emulator does not know it.
pub(crate) fn iso_code(e164: &str) -> &'static str {
    country(e164).map_or("DEF", |(_, iso)| iso)
}

/// The calling code without `+` (`86`), for receipts' `CountryCode`; empty where unknown.
pub(crate) fn calling_code(e164: &str) -> &'static str {
    country(e164).map_or("", |(prefix, _)| &prefix[1..])
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
        assert_eq!(iso_code("+999123456"), "DEF");
    }
}
