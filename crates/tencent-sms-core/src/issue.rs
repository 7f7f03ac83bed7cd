//! One config problem in zod's issue shape, and the checker that collects them: a leaf that
//! the config, the credential sources and the guard's config all report through, so none of
//! them needs the others to say what is wrong.

use serde::Serialize;
use serde_json::{Map, Value};
use tencent_sms_tc3::is_valid_region;

use crate::json_input::{broken_text, holds_lone_surrogate};

/// Longest string accepted for any single field: far above any real value, far below abuse.
const MAX_FIELD_CHARS: usize = 512;

/// One validation problem, serialized exactly like a zod issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigIssue {
    /// zod's issue code: `invalid_type`, `too_small`, `too_big`, `invalid_string`, `custom`.
    pub code: &'static str,
    /// For `invalid_type`: the type wanted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<&'static str>,
    /// For `invalid_type`: the type found, `undefined` when the key is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<&'static str>,
    /// For `invalid_string`: zod's validation name (`regex`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation: Option<&'static str>,
    /// For `too_small`: the least allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<usize>,
    /// For `too_big`: the most allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<usize>,
    /// For `too_small`/`too_big`: what was measured (`string`, `array`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// For `too_small`/`too_big`: whether the bound itself is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inclusive: Option<bool>,
    /// For `too_small`/`too_big`: whether only the bound itself is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<bool>,
    /// The key the issue is about, as zod paths go: names and array indexes.
    pub path: Vec<Value>,
    /// What is wrong, in words an admin reads in the console.
    pub message: String,
}

impl ConfigIssue {
    fn base(code: &'static str, path: &[Value], message: String) -> Self {
        Self {
            code,
            expected: None,
            received: None,
            validation: None,
            minimum: None,
            maximum: None,
            kind: None,
            inclusive: None,
            exact: None,
            path: path.to_vec(),
            message,
        }
    }

    pub(crate) fn invalid_type(
        path: &[Value],
        expected: &'static str,
        value: Option<&Value>,
    ) -> Self {
        let received = zod_type_name(value);
        let message = if received == "undefined" {
            "Required".to_owned()
        } else {
            format!("Expected {expected}, received {received}")
        };
        Self {
            expected: Some(expected),
            received: Some(received),
            ..Self::base("invalid_type", path, message)
        }
    }

    pub(crate) fn too_small(path: &[Value], kind: &'static str, minimum: usize) -> Self {
        Self {
            minimum: Some(minimum),
            ..Self::size("too_small", path, kind, minimum)
        }
    }

    pub(crate) fn too_big(path: &[Value], kind: &'static str, maximum: usize) -> Self {
        Self {
            maximum: Some(maximum),
            ..Self::size("too_big", path, kind, maximum)
        }
    }

    /// What `too_small` and `too_big` share: zod's message and its size fields.
    fn size(code: &'static str, path: &[Value], kind: &'static str, bound: usize) -> Self {
        let side = if code == "too_small" { "least" } else { "most" };
        let message = match kind {
            "string" => format!("String must contain at {side} {bound} character(s)"),
            _ => format!("Array must contain at {side} {bound} element(s)"),
        };
        Self {
            kind: Some(kind),
            inclusive: Some(true),
            exact: Some(false),
            ..Self::base(code, path, message)
        }
    }

    pub(crate) fn regex(path: &[Value], message: String) -> Self {
        Self {
            validation: Some("regex"),
            ..Self::base("invalid_string", path, message)
        }
    }

    /// zod's `custom` issue: a rule no other code names.
    pub fn custom(path: &[Value], message: String) -> Self {
        Self::base("custom", path, message)
    }

    /// `Error in key path "a.b": message`, the way Logto prints zod issues.
    pub fn describe(&self) -> String {
        let path: Vec<String> = self
            .path
            .iter()
            .map(|p| match p {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        if path.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", path.join("."), self.message)
        }
    }
}

/// zod's name for a parsed value type (`ZodParsedType`).
fn zod_type_name(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

pub(crate) fn key(name: &str) -> Value {
    Value::String(name.to_owned())
}

/// Collects issues while reading fields, so every problem is reported together.
pub(crate) struct FieldChecker<'a> {
    pub(crate) issues: &'a mut Vec<ConfigIssue>,
}

impl FieldChecker<'_> {
    /// Records `issue`; `None`, so a reader can end with it.
    pub(crate) fn refuse<T>(&mut self, issue: ConfigIssue) -> Option<T> {
        self.issues.push(issue);
        None
    }

    /// A required string of 1..=MAX_FIELD_CHARS characters.
    pub(crate) fn required_string(
        &mut self,
        object: &Map<String, Value>,
        path: &[Value],
        name: &str,
    ) -> Option<String> {
        let path = [path, &[key(name)]].concat();
        match object.get(name) {
            Some(Value::String(s)) => self.check_length(&path, s).then(|| s.clone()),
            other => self.refuse(ConfigIssue::invalid_type(&path, "string", other)),
        }
    }

    /// An optional object at `path`: `Some(None)` when absent, `null` or `{}` (all "not used":
    /// Logto's console saves an untouched JSON editor as `{}`), `None` after an issue.
    pub(crate) fn optional_object<'v>(
        &mut self,
        value: Option<&'v Value>,
        path: &[Value],
    ) -> Option<Option<&'v Map<String, Value>>> {
        match value {
            None | Some(Value::Null) => Some(None),
            Some(Value::Object(object)) if object.is_empty() => Some(None),
            Some(Value::Object(object)) => Some(Some(object)),
            other => self.refuse(ConfigIssue::invalid_type(path, "object", other)),
        }
    }

    /// An optional string: absent, `null` and `""` all mean "not set" (Logto's form drops
    /// empty fields, and older saved configs may hold `null`).
    pub(crate) fn optional_string(
        &mut self,
        object: &Map<String, Value>,
        path: &[Value],
        name: &str,
    ) -> Option<String> {
        match object.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(_) => self.required_string(object, path, name),
        }
    }

    /// Non-empty, not too long, and whole text (see [`holds_lone_surrogate`]).
    fn check_length(&mut self, path: &[Value], s: &str) -> bool {
        if holds_lone_surrogate(s) {
            let field = path.last().and_then(Value::as_str).unwrap_or("The value");
            self.issues
                .push(ConfigIssue::custom(path, broken_text(field)));
            return false;
        }
        if s.is_empty() {
            self.issues.push(ConfigIssue::too_small(path, "string", 1));
            return false;
        }
        if s.chars().count() > MAX_FIELD_CHARS {
            self.issues
                .push(ConfigIssue::too_big(path, "string", MAX_FIELD_CHARS));
            return false;
        }
        true
    }

    /// Keeps `value` when `valid` holds for it; otherwise reports `<name> <rule>` as a
    /// string-format issue (zod's `invalid_string`) and drops it.
    pub(crate) fn matching(
        &mut self,
        path: &[Value],
        name: &str,
        value: Option<String>,
        valid: impl Fn(&str) -> bool,
        rule: &str,
    ) -> Option<String> {
        let value = value?;
        if valid(&value) {
            return Some(value);
        }
        let path = [path, &[key(name)]].concat();
        self.refuse(ConfigIssue::regex(&path, format!("{name} {rule}")))
    }

    pub(crate) fn digits_only(
        &mut self,
        path: &[Value],
        name: &str,
        value: Option<String>,
    ) -> Option<String> {
        let digits = |v: &str| v.bytes().all(|b| b.is_ascii_digit());
        self.matching(path, name, value, digits, "must contain digits only")
    }

    /// A region of Tencent's shape, e.g. `ap-guangzhou`.
    pub(crate) fn valid_region(
        &mut self,
        path: &[Value],
        region: Option<String>,
    ) -> Option<String> {
        self.matching(
            path,
            "region",
            region,
            is_valid_region,
            "must look like `ap-guangzhou` (lowercase, e.g. ap-guangzhou, ap-singapore)",
        )
    }

    /// The value travels in the `Authorization` header, which carries printable ASCII only
    /// (SecretIds are ASCII letters and digits, so no config that ever worked is refused).
    pub(crate) fn header_safe(
        &mut self,
        path: &[Value],
        name: &str,
        value: Option<String>,
    ) -> Option<String> {
        let printable = |v: &str| v.bytes().all(|b| (b' '..=b'~').contains(&b));
        self.matching(
            path,
            name,
            value,
            printable,
            "must contain printable ASCII characters only (no control characters, no accents or CJK)",
        )
    }
}
