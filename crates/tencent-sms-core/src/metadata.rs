//! The connector metadata Logto reads: identical to the official connector's in every field
//! Logto uses (same id, so saved connector rows keep working), plus form items for the new
//! optional fields. Kept as a data file so the diff against the official one is easy to read.

#[cfg(test)]
use serde_json::Value;

/// The official connector's id: saved connector rows find this connector by it.
#[cfg(test)]
const CONNECTOR_ID: &str = "tencent-short-message-service";

/// The metadata as JSON text, handed to JavaScript as it is.
pub const METADATA_JSON: &str = include_str!("metadata.json");

#[cfg(test)]
fn metadata() -> Value {
    serde_json::from_str(METADATA_JSON).expect("metadata.json is valid JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_official_id_and_marks_the_secret_confidential() {
        let m = metadata();
        assert_eq!(m["id"], CONNECTOR_ID);
        assert_eq!(m["target"], "tencent-sms");
        let secret = m["formItems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == "accessKeySecret")
            .unwrap();
        assert_eq!(secret["isConfidential"], true);
    }

    #[test]
    fn the_forms_default_templates_are_logtos_message_types_in_order() {
        let m = metadata();
        let templates = m["formItems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == "templates")
            .unwrap();
        let types: Vec<&str> = templates["defaultValue"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["usageType"].as_str().unwrap())
            .collect();
        assert_eq!(types, crate::template::LOGTO_MESSAGE_TYPES);
    }
}
