//! The `guard` config key, read with every issue at its path (`guard.perIp.max`, …).

use serde_json::{Map, Value};
use tencent_sms_tc3::SecretKey;

use crate::guard::number_type::NumberType;
use crate::issue::{key, ConfigIssue, FieldChecker};
use crate::schema::GUARD_RULES;

/// Largest `max` of a limit, and of `internationalDailyLimit`.
const MAX_COUNT: u64 = 10_000_000;
/// Longest window: a week.
const MAX_WINDOW_SECONDS: u64 = 7 * 86_400;
/// `perPrefix.digits` when left out: the last four digits vary, the range stays.
const DEFAULT_PREFIX_DIGITS: u64 = 4;
const MAX_PREFIX_DIGITS: u64 = 8;
/// The widest IPv6 network `perIp` may treat as one client: a /32 is a whole provider.
const MIN_IPV6_PREFIX: u64 = 32;

/// At most `max` sends per fixed window of `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Sends allowed per window.
    pub max: u64,
    /// The window, in seconds.
    pub window_seconds: u64,
}

/// The SMS abuse guard; everything optional, and no `guard` key means no guard.
#[derive(Debug, Clone, Default)]
pub struct GuardConfig {
    /// ISO 3166-1 alpha-2 codes a destination's country must be one of, if set.
    pub allowed_countries: Option<Vec<String>>,
    /// ISO 3166-1 alpha-2 codes a destination's country must not be.
    pub blocked_countries: Vec<String>,
    /// The number types that may receive codes, if set.
    pub number_types: Option<Vec<NumberType>>,
    /// Sends per end-user IP (`data.ip`).
    pub per_ip: Option<Limit>,
    /// `perIp.ipv6Prefix`: how many leading bits of an IPv6 address are one client (64 when
    /// unset: a home or a cloud host is handed a whole /64).
    pub ipv6_prefix: Option<u8>,
    /// Sends per number range, and how many trailing digits a range leaves out.
    pub per_prefix: Option<(Limit, u32)>,
    /// International sends per Beijing day.
    pub international_daily_limit: Option<u64>,
    /// Where counters are shared between replicas; it may hold a password, so it never prints.
    pub redis_url: Option<SecretKey>,
    /// `mode: "monitor"`: what the guard would refuse is logged and sent anyway, to roll the
    /// guard out safely (`"enforce"`, the default, refuses).
    pub monitor: bool,
    /// Numbers, or number prefixes, in E.164 (`+8613700000000`, `+44`) that no rule applies to:
    /// test phones, an office.
    pub exempt: Vec<String>,
    /// `byType`: rules of one Logto message type, which apply on top of these (they only
    /// narrow), with counters of their own. Only the rule keys are set in them.
    pub by_type: Vec<(&'static str, GuardConfig)>,
}

impl GuardConfig {
    /// The rules of `message_type` (`guard.byType`), if it has any.
    pub(crate) fn rules_of_type(&self, message_type: &str) -> Option<&GuardConfig> {
        self.by_type
            .iter()
            .find(|(name, _)| *name == message_type)
            .map(|(_, rules)| rules)
    }

    /// Whether any rule is about the number itself (its country or type).
    pub(crate) fn checks_numbers(&self) -> bool {
        self.allowed_countries.is_some()
            || !self.blocked_countries.is_empty()
            || self.number_types.is_some()
    }

    /// Whether `number` (E.164) is exempt from every rule.
    pub fn exempts(&self, number: &str) -> bool {
        self.exempt
            .iter()
            .any(|prefix| number.starts_with(prefix.as_str()))
    }

    /// The IPv6 prefix length `perIp` counts by.
    pub(crate) fn ipv6_prefix(&self) -> u8 {
        self.ipv6_prefix
            .unwrap_or(crate::guard::ip::DEFAULT_IPV6_PREFIX)
    }

    /// Whether any rule needs counters.
    pub(crate) fn counts(&self) -> bool {
        self.per_ip.is_some()
            || self.per_prefix.is_some()
            || self.international_daily_limit.is_some()
    }
}

/// `guard`: absent, `null` or `{}` for none.
pub(crate) fn read_guard(
    checker: &mut FieldChecker<'_>,
    value: Option<&Value>,
) -> Option<Option<GuardConfig>> {
    let path = [key("guard")];
    let Some(object) = checker.optional_object(value, &path)? else {
        return Some(None);
    };
    let before = checker.issues.len();
    // Issues in the documented order: the rules, then the guard's settings.
    let rules = read_rules(checker, object, &path);
    let guard = GuardConfig {
        redis_url: read_redis_url(checker, object, &path),
        monitor: read_mode(checker, object, &path),
        exempt: read_exempt(checker, object, &path),
        by_type: read_by_type(checker, object.get("byType"), &path),
        ..rules
    };
    (checker.issues.len() == before).then_some(Some(guard))
}

/// The rules of `object` at `path` (the whole guard's, or a message type's).
fn read_rules(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    path: &[Value],
) -> GuardConfig {
    GuardConfig {
        allowed_countries: read_countries(checker, object, path, "allowedCountries"),
        blocked_countries: read_countries(checker, object, path, "blockedCountries")
            .unwrap_or_default(),
        number_types: read_number_types(checker, object, path),
        per_ip: read_limit(checker, object, path, "perIp").map(|(limit, _)| limit),
        ipv6_prefix: read_ipv6_prefix(checker, object, path),
        per_prefix: read_limit(checker, object, path, "perPrefix")
            .map(|(limit, digits)| (limit, digits as u32)),
        international_daily_limit: read_count(
            checker,
            object.get("internationalDailyLimit"),
            &[path, &[key("internationalDailyLimit")]].concat(),
            1..=MAX_COUNT,
        ),
        ..GuardConfig::default()
    }
}

/// `byType`: an object from Logto message types to their own rules.
fn read_by_type(
    checker: &mut FieldChecker<'_>,
    value: Option<&Value>,
    path: &[Value],
) -> Vec<(&'static str, GuardConfig)> {
    let path = [path, &[key("byType")]].concat();
    let Some(Some(types)) = checker.optional_object(value, &path) else {
        return Vec::new();
    };
    let mut by_type = Vec::new();
    for (name, rules) in types {
        let at = [&path[..], &[key(name)]].concat();
        let known = crate::template::LOGTO_MESSAGE_TYPES
            .into_iter()
            .find(|known| known == name);
        let Some(message_type) = known else {
            checker.issues.push(ConfigIssue::custom(
                &at,
                format!(
                    "guard.byType takes Logto's message types: {}",
                    crate::template::LOGTO_MESSAGE_TYPES.join(", ")
                ),
            ));
            continue;
        };
        let Some(Some(rules)) = checker.optional_object(Some(rules), &at) else {
            continue;
        };
        for other in rules.keys().filter(|k| !GUARD_RULES.contains(&k.as_str())) {
            checker.issues.push(ConfigIssue::custom(
                &[&at[..], &[key(other)]].concat(),
                format!(
                    "a message type's rules are {}; {other} is the whole guard's",
                    GUARD_RULES.join(", ")
                ),
            ));
        }
        by_type.push((message_type, read_rules(checker, rules, &at)));
    }
    by_type
}

/// A list of ISO 3166-1 alpha-2 codes that libphonenumber knows, upper-cased.
fn read_countries(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    path: &[Value],
    name: &str,
) -> Option<Vec<String>> {
    let items = read_list(checker, object, path, name)?;
    let path = [path, &[key(name)]].concat();
    let mut codes = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let item_path = [&path[..], &[Value::from(index)]].concat();
        let code = item.as_str().map(str::to_ascii_uppercase);
        match code.filter(|c| c.len() == 2 && c.parse::<phonenumber::country::Id>().is_ok()) {
            Some(code) => codes.push(code),
            None => checker.issues.push(ConfigIssue::regex(
                &item_path,
                format!(
                    "{name} entries must be ISO 3166-1 alpha-2 country codes such as CN, HK or US"
                ),
            )),
        }
    }
    Some(codes)
}

fn read_number_types(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    path: &[Value],
) -> Option<Vec<NumberType>> {
    let items = read_list(checker, object, path, "numberTypes")?;
    let mut types = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match item.as_str().and_then(NumberType::from_name) {
            Some(kind) => types.push(kind),
            None => checker.issues.push(ConfigIssue::regex(
                &[path, &[key("numberTypes"), Value::from(index)]].concat(),
                format!(
                    "numberTypes entries must be one of {}",
                    NumberType::names().collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
    Some(types)
}

/// A non-empty array at `name`, or `None` (absent, or an issue recorded).
fn read_list<'v>(
    checker: &mut FieldChecker<'_>,
    object: &'v Map<String, Value>,
    path: &[Value],
    name: &str,
) -> Option<&'v Vec<Value>> {
    let path = [path, &[key(name)]].concat();
    match object.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) if !items.is_empty() => Some(items),
        Some(Value::Array(_)) => checker.refuse(ConfigIssue::too_small(&path, "array", 1)),
        other => checker.refuse(ConfigIssue::invalid_type(&path, "array", other)),
    }
}

/// `{ max, windowSeconds, digits? }`: the limit and `digits` (used by `perPrefix`).
fn read_limit(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    path: &[Value],
    name: &str,
) -> Option<(Limit, u64)> {
    let path = [path, &[key(name)]].concat();
    let limit = match object.get(name) {
        None | Some(Value::Null) => return None,
        Some(Value::Object(limit)) => limit,
        other => {
            return checker.refuse(ConfigIssue::invalid_type(&path, "object", other));
        }
    };
    let field = |name: &str| [&path[..], &[key(name)]].concat();
    let max = read_count(
        checker,
        limit.get("max").or(Some(&Value::Null)),
        &field("max"),
        1..=MAX_COUNT,
    );
    let window = read_count(
        checker,
        limit.get("windowSeconds").or(Some(&Value::Null)),
        &field("windowSeconds"),
        1..=MAX_WINDOW_SECONDS,
    );
    let digits = match limit.get("digits") {
        None | Some(Value::Null) => Some(DEFAULT_PREFIX_DIGITS),
        digits => read_count(checker, digits, &field("digits"), 1..=MAX_PREFIX_DIGITS),
    };
    Some((
        Limit {
            max: max?,
            window_seconds: window?,
        },
        digits?,
    ))
}

/// A whole number in `range`; `Some(&Value::Null)` means required but missing.
fn read_count(
    checker: &mut FieldChecker<'_>,
    value: Option<&Value>,
    path: &[Value],
    range: std::ops::RangeInclusive<u64>,
) -> Option<u64> {
    let value = value?;
    match value.as_u64() {
        Some(n) if range.contains(&n) => Some(n),
        Some(_) | None if value.is_number() => checker.refuse(ConfigIssue::custom(
            path,
            format!(
                "must be a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        )),
        _ => checker.refuse(ConfigIssue::invalid_type(path, "number", Some(value))),
    }
}

/// `perIp.ipv6Prefix`, when `perIp` is an object that has it.
fn read_ipv6_prefix(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    path: &[Value],
) -> Option<u8> {
    let value = object.get("perIp")?.as_object()?.get("ipv6Prefix")?;
    if value.is_null() {
        return None;
    }
    let path = [path, &[key("perIp"), key("ipv6Prefix")]].concat();
    read_count(checker, Some(value), &path, MIN_IPV6_PREFIX..=128).map(|bits| bits as u8)
}

/// `mode`: `"enforce"` (the default) or `"monitor"`.
fn read_mode(checker: &mut FieldChecker<'_>, object: &Map<String, Value>, path: &[Value]) -> bool {
    match checker.optional_string(object, path, "mode").as_deref() {
        None | Some("enforce") => false,
        Some("monitor") => true,
        Some(_) => {
            checker.issues.push(ConfigIssue::custom(
                &[path, &[key("mode")]].concat(),
                "guard.mode must be enforce or monitor".to_owned(),
            ));
            false
        }
    }
}

/// `exempt`: E.164 numbers or prefixes, `+` and 1 to 15 digits.
fn read_exempt(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    path: &[Value],
) -> Vec<String> {
    let Some(items) = read_list(checker, object, path, "exempt") else {
        return Vec::new();
    };
    let mut exempt = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let prefix = item.as_str().filter(|text| {
            text.strip_prefix('+').is_some_and(|digits| {
                (1..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
            })
        });
        match prefix {
            Some(prefix) => exempt.push(prefix.to_owned()),
            None => checker.issues.push(ConfigIssue::regex(
                &[path, &[key("exempt"), Value::from(index)]].concat(),
                "exempt entries must be E.164 numbers or prefixes: + and 1 to 15 digits, e.g. +8613700000000 or +44".to_owned(),
            )),
        }
    }
    exempt
}

fn read_redis_url(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    path: &[Value],
) -> Option<SecretKey> {
    let url = checker.optional_string(object, path, "redisUrl")?;
    let at = [path, &[key("redisUrl")]].concat();
    if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
        return checker.refuse(ConfigIssue::regex(
            &at,
            "redisUrl must be a redis:// or rediss:// URL".to_owned(),
        ));
    }
    match redis_url_problem(&url) {
        // Never the URL itself in the message: it may hold a password.
        Some(problem) => checker.refuse(ConfigIssue::custom(&at, problem)),
        None => Some(SecretKey::new(url)),
    }
}

/// What is wrong with the parameters Logto's `REDIS_URL` takes (`cluster`, `host`, `certroot`),
/// if anything.
fn redis_url_problem(url: &str) -> Option<String> {
    let query = url.split_once('?').map_or("", |(_, query)| query);
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let port_ok = |value: &str| {
            value.rsplit_once(':').is_some_and(|(host, port)| {
                !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0)
            })
        };
        match name {
            "cluster" if !matches!(value, "1" | "true" | "yes" | "0" | "false" | "no") => {
                return Some(
                    "redisUrl: cluster must be 1 (or true, yes) for a Redis Cluster".to_owned(),
                )
            }
            "host" if !port_ok(value) => {
                return Some(format!(
                    "redisUrl: each host= names another cluster node as host:port, not {value}"
                ))
            }
            "certroot" if value.is_empty() => {
                return Some("redisUrl: certroot names the CA file (PEM) to trust".to_owned())
            }
            _ => {}
        }
    }
    None
}
