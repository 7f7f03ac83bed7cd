//! Reading a request's parameters as Tencent does: absent and `null` are the same, a value of
//! the wrong type is `InvalidParameter`. A leaf the API surface and each action use.

use serde_json::Value;

use crate::api_error::ApiError;

pub(crate) fn missing(name: &str) -> ApiError {
    ApiError::missing(name)
}

fn invalid(name: &str) -> ApiError {
    ApiError::new(
        "InvalidParameter",
        format!("The parameter `{name}` has the wrong type."),
    )
}

pub(crate) fn string_param<'a>(params: &'a Value, name: &str) -> Result<Option<&'a str>, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(name)),
    }
}

pub(crate) fn string_list(params: &Value, name: &str) -> Result<Option<Vec<String>>, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| invalid(name)))
            .collect::<Result<_, _>>()
            .map(Some),
        Some(_) => Err(invalid(name)),
    }
}
