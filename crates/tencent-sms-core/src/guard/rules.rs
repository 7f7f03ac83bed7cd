//! The guard's rules about the number itself: its country and its type, from libphonenumber's
//! numbering plans (the `phonenumber` crate), which also know which numbers are invalid.

use phonenumber::metadata::DATABASE;

use crate::guard::config::GuardConfig;
use crate::guard::number_type::NumberType;
use crate::phone::E164;

/// Why a number was refused, by which rule (named by its config key, never its values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NumberRefusal {
    /// libphonenumber says no such number exists in its country.
    Invalid,
    /// `guard.allowedCountries` leaves its country out.
    CountryNotAllowed,
    /// `guard.blockedCountries` names its country.
    CountryBlocked,
    /// `guard.numberTypes` leaves its type out.
    NumberType(NumberType),
}

impl NumberRefusal {
    /// The config key of the rule that refused.
    pub(crate) fn rule(&self) -> &'static str {
        match self {
            Self::Invalid => "guard (an invalid number)",
            Self::CountryNotAllowed => "guard.allowedCountries",
            Self::CountryBlocked => "guard.blockedCountries",
            Self::NumberType(_) => "guard.numberTypes",
        }
    }
}

/// A destination as the guard sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Destination {
    /// ISO 3166-1 alpha-2, when libphonenumber knows the country.
    pub(crate) country: Option<String>,
    pub(crate) kind: NumberType,
    pub(crate) valid: bool,
}

impl Destination {
    pub(crate) fn of(number: &E164) -> Self {
        let Ok(parsed) = phonenumber::parse(None, number.as_str()) else {
            return Self {
                country: None,
                kind: NumberType::Unknown,
                valid: false,
            };
        };
        Self {
            country: parsed.country().id().map(|id| id.as_ref().to_owned()),
            kind: NumberType::of(parsed.number_type(&DATABASE)),
            valid: phonenumber::is_valid(&parsed),
        }
    }
}

/// Checks the country and number-type rules; a config without them lets every number pass.
pub(crate) fn check_number(guard: &GuardConfig, to: &Destination) -> Result<(), NumberRefusal> {
    if guard.checks_numbers() && !to.valid {
        return Err(NumberRefusal::Invalid);
    }
    let country = to.country.as_deref().unwrap_or_default();
    if let Some(allowed) = &guard.allowed_countries {
        if !allowed.iter().any(|c| c == country) {
            return Err(NumberRefusal::CountryNotAllowed);
        }
    }
    if guard.blocked_countries.iter().any(|c| c == country) {
        return Err(NumberRefusal::CountryBlocked);
    }
    if let Some(types) = &guard.number_types {
        if !types.contains(&to.kind) {
            return Err(NumberRefusal::NumberType(to.kind));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::normalize_e164;

    fn destination(number: &str) -> Destination {
        Destination::of(&normalize_e164(number).unwrap())
    }

    #[test]
    fn countries_and_types_come_from_the_numbering_plans() {
        let mainland_mobile = destination("+8613711112222");
        assert_eq!(mainland_mobile.country.as_deref(), Some("CN"));
        assert_eq!(mainland_mobile.kind, NumberType::Mobile);
        assert!(mainland_mobile.valid);
        let hong_kong = destination("+85251234567");
        assert_eq!(hong_kong.country.as_deref(), Some("HK"));
        let uk_premium = destination("+449098790123");
        assert_eq!(uk_premium.kind, NumberType::PremiumRate);
        assert!(!destination("+8612345").valid);
    }

    #[test]
    fn allowed_and_blocked_countries() {
        let guard = GuardConfig {
            allowed_countries: Some(vec!["CN".into(), "HK".into()]),
            blocked_countries: vec!["HK".into()],
            ..GuardConfig::default()
        };
        assert_eq!(check_number(&guard, &destination("+8613711112222")), Ok(()));
        assert_eq!(
            check_number(&guard, &destination("+85251234567")),
            Err(NumberRefusal::CountryBlocked)
        );
        assert_eq!(
            check_number(&guard, &destination("+16502530000")),
            Err(NumberRefusal::CountryNotAllowed)
        );
        assert_eq!(
            check_number(&guard, &destination("+8612345678901")),
            Err(NumberRefusal::Invalid)
        );
    }

    #[test]
    fn only_the_listed_number_types_receive_codes() {
        let guard = GuardConfig {
            number_types: Some(vec![NumberType::Mobile, NumberType::FixedLineOrMobile]),
            ..GuardConfig::default()
        };
        assert_eq!(check_number(&guard, &destination("+8613711112222")), Ok(()));
        assert_eq!(check_number(&guard, &destination("+16502530000")), Ok(()));
        assert_eq!(
            check_number(&guard, &destination("+449098790123")),
            Err(NumberRefusal::NumberType(NumberType::PremiumRate))
        );
    }

    #[test]
    fn without_rules_every_number_passes() {
        let guard = GuardConfig::default();
        assert_eq!(check_number(&guard, &destination("+8612345")), Ok(()));
    }

    #[test]
    fn type_names_round_trip() {
        for name in NumberType::names() {
            assert_eq!(NumberType::from_name(name).unwrap().name(), name);
        }
        assert_eq!(NumberType::from_name("premium"), None);
    }
}
