//! Validated configs, remembered by a hash of their JSON.
//!
//! Logto passes the same saved config on every send; validating it again each time is most of
//! the per-send work that is not I/O. Keys are SHA-256 digests, so the cache never holds the
//! config text (and with it the secret) as a plain string; evicted configs zero their secret.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use tencent_sms_core::ConnectorConfig;

use crate::process_env::validate_config;
use tencent_sms_core::failure::ConnectorFailure;
use tencent_sms_core::json_input::parse_js_json;

/// A handful of configs covers every real deployment (one SMS connector, plus console tests).
const CAPACITY: usize = 16;

/// Validated configs by the SHA-256 of their JSON text.
#[derive(Debug, Default)]
pub(crate) struct ConfigCache {
    entries: Mutex<HashMap<[u8; 32], Arc<ConnectorConfig>>>,
}

impl ConfigCache {
    /// The validated config for `json`, validating (and remembering) it on first sight.
    /// Invalid configs are not remembered, so their issues are always reported afresh.
    pub(crate) fn get_or_validate(
        &self,
        json: &str,
    ) -> Result<Arc<ConnectorConfig>, ConnectorFailure> {
        let key: [u8; 32] = Sha256::digest(json.as_bytes()).into();
        if let Some(config) = self.lock().get(&key) {
            return Ok(config.clone());
        }
        let value = parse_js_json(json).unwrap_or(serde_json::Value::Null);
        let config = Arc::new(validate_config(&value).map_err(ConnectorFailure::invalid_config)?);
        let mut entries = self.lock();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, config.clone());
        Ok(config)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Arc<ConnectorConfig>>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_json(secret: &str) -> String {
        let templates = tencent_sms_core::testing::four_templates("1");
        serde_json::json!({ "accessKeyId": "AKID", "accessKeySecret": secret, "signName": "Logto", "sdkAppId": "1",
            "region": "ap-guangzhou", "templates": templates })
        .to_string()
    }

    #[test]
    fn the_same_json_is_validated_once_and_a_changed_one_again() {
        let cache = ConfigCache::default();
        let a = cache.get_or_validate(&config_json("one-secret")).unwrap();
        let b = cache.get_or_validate(&config_json("one-secret")).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let c = cache
            .get_or_validate(&config_json("another-secret"))
            .unwrap();
        assert_eq!(c.site.access_key_secret.expose(), "another-secret");
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn invalid_configs_are_not_remembered_and_capacity_is_bounded() {
        let cache = ConfigCache::default();
        assert!(cache.get_or_validate("{}").is_err());
        assert!(cache.is_empty());
        for i in 0..(CAPACITY * 3) {
            cache
                .get_or_validate(&config_json(&format!("secret-{i}")))
                .unwrap();
        }
        assert!(cache.len() <= CAPACITY);
    }
}
