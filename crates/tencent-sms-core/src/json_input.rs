//! JSON text from JavaScript, read so that every problem can be named.
//!
//! `JSON.stringify` writes a lone UTF-16 surrogate (half of an emoji, say) as a `\udXXX`
//! escape, which serde_json refuses for the whole document, and it nests values as deep as
//! the caller likes, past serde_json's recursion limit. Either way the document would be
//! lost and the error would blame its shape. Here a lone surrogate becomes
//! [`LONE_SURROGATE`], which the readers of each field refuse by name, and values nested
//! deeper than any field the connector reads are skipped (without recursion) and read as
//! `null`, so an unknown key is ignored however deep it goes.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Stands in for a lone surrogate. A Unicode noncharacter: reserved for a program's internal
/// use, so it is never meaningful in a phone number, a sign, a code or a credential.
pub const LONE_SURROGATE: char = '\u{FDD0}';

/// The deepest the connector reads is `templates.<i>.<key>`; values below this depth are
/// never looked at.
const MAX_DEPTH: usize = 16;

/// Parses JSON text as JavaScript produced it; `None` when it is not JSON at all.
pub fn parse_js_json(text: &str) -> Option<Value> {
    let text = mark_lone_surrogates(text);
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let value = Bounded { depth: MAX_DEPTH }
        .deserialize(&mut deserializer)
        .ok()?;
    deserializer.end().ok()?;
    Some(value)
}

/// Whether a string read from [`parse_js_json`] held a lone surrogate.
pub fn holds_lone_surrogate(text: &str) -> bool {
    text.contains(LONE_SURROGATE)
}

/// What to tell about a `field` that held a lone surrogate.
pub fn broken_text(field: &str) -> String {
    format!(
        "{field} is not valid text: it holds a lone UTF-16 surrogate (half of a character such as an emoji)"
    )
}

/// Replaces each `\uXXXX` escape of an unpaired surrogate with the escape of
/// [`LONE_SURROGATE`]; a well-formed pair and every other escape stay as they are.
fn mark_lone_surrogates(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut marked: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        let Some(unit) = escaped_unit(bytes, at) else {
            at += 2; // any other escape: its character can never start a `\u`
            continue;
        };
        let pair_low = escaped_unit(bytes, at + 6).filter(|low| (0xDC00..0xE000).contains(low));
        match unit {
            0xD800..=0xDBFF if pair_low.is_some() => at += 12,
            0xD800..=0xDFFF => {
                let out = marked.get_or_insert_with(|| String::with_capacity(text.len()));
                out.push_str(&text[copied..at]);
                out.push_str("\\ufdd0");
                at += 6;
                copied = at;
            }
            _ => at += 6,
        }
    }
    match marked {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

/// The UTF-16 unit of a `\uXXXX` escape starting at `at`, if one does.
fn escaped_unit(bytes: &[u8], at: usize) -> Option<u32> {
    let escape = bytes.get(at..at + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&escape[2..]).ok()?;
    u32::from_str_radix(hex, 16).ok()
}

/// Builds a `Value` down to `depth` levels and skips whatever lies below.
#[derive(Clone, Copy)]
struct Bounded {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Bounded {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.depth == 0 {
            deserializer.deserialize_ignored_any(IgnoredAny)?;
            return Ok(Value::Null);
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bounded {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = Bounded {
            depth: self.depth - 1,
        };
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = Bounded {
            depth: self.depth - 1,
        };
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            object.insert(key, map.next_value_seed(inner)?);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(depth: usize) -> String {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn ordinary_json_reads_as_serde_json_reads_it() {
        let text = r#"{"a":[1,-2,3.5,"x\n\u00e9\ud83d\ude00",true,null],"b":{"c":{}}}"#;
        assert_eq!(
            parse_js_json(text),
            Some(serde_json::from_str::<Value>(text).unwrap())
        );
    }

    #[test]
    fn a_lone_surrogate_is_marked_and_a_pair_is_kept() {
        let value =
            parse_js_json(r#"{"to":"+86\ud800137","ok":"\ud83d\ude00","low":"\udc00"}"#).unwrap();
        assert!(holds_lone_surrogate(value["to"].as_str().unwrap()));
        assert!(holds_lone_surrogate(value["low"].as_str().unwrap()));
        assert_eq!(value["ok"], json!("😀"));
        let high_then_high = parse_js_json(r#""\ud83d\ud83d\ude00""#).unwrap();
        assert_eq!(high_then_high, json!("\u{FDD0}😀"));
    }

    #[test]
    fn an_escaped_backslash_before_u_is_not_an_escape() {
        let value = parse_js_json(r#""\\ud800""#).unwrap();
        assert_eq!(value, json!("\\ud800"));
    }

    #[test]
    fn values_nested_past_the_depth_read_as_null_without_failing() {
        let text = format!(r#"{{"accessKeyId":"AKID","extra":{}}}"#, nested(100_000));
        let value = parse_js_json(&text).unwrap();
        assert_eq!(value["accessKeyId"], json!("AKID"));
        assert!(serde_json::from_str::<Value>(&text).is_err());
        let mut inner = &value["extra"];
        for _ in 1..MAX_DEPTH {
            inner = &inner[0];
        }
        assert_eq!(inner, &Value::Null);
    }

    #[test]
    fn text_that_is_not_json_is_none() {
        for text in ["", "{", "[1,]", "{} {}", "nul", r#""\x""#] {
            assert_eq!(parse_js_json(text), None, "{text}");
        }
    }
}
