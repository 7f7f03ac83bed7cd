//! Reading a request's parameters as Tencent does, into the wire types both ends share: absent
//! and `null` are the same, a value of the wrong type is `InvalidParameter` naming the
//! parameter, and a required one left out is `MissingParameter`. A leaf the API surface and
//! each action use.

use serde::Deserialize;
use serde_json::Value;

use crate::api_error::ApiError;

/// The parameters as the action's wire type `T`, borrowing from `params`.
pub(crate) fn typed<'a, T: Deserialize<'a>>(params: &'a Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(params).map_err(|error| {
        let name = match error.path().iter().next() {
            Some(serde_path_to_error::Segment::Map { key }) => key.clone(),
            _ => "(body)".to_owned(),
        };
        ApiError::new(
            "InvalidParameter",
            format!("The parameter `{name}` has the wrong type."),
        )
    })
}

/// A required parameter: its value, or Tencent's `MissingParameter` naming it.
pub(crate) fn required<T>(value: Option<T>, name: &str) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::missing(name))
}
