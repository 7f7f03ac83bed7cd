//! Tencent's reviews of templates and signs looked up for errors, briefly remembered, so that a
//! burst of refused sends asks Tencent once. Kept by the client, read by `diagnosis`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// How long a review looked up for an error is reused.
const REVIEW_CACHE_FOR: Duration = Duration::from_secs(60);
/// Reviews kept at most.
const REVIEWS_KEPT: usize = 256;

/// Reviews looked up for errors, briefly remembered so a burst of refused sends asks once.
#[derive(Debug, Default)]
pub(crate) struct ReviewCache {
    entries: Mutex<HashMap<String, (Instant, Option<String>)>>,
}

impl ReviewCache {
    pub(crate) fn get(&self, key: &str) -> Option<Option<String>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < REVIEW_CACHE_FOR)
            .map(|(_, review)| review.clone())
    }

    pub(crate) fn put(&self, key: String, review: Option<String>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= REVIEWS_KEPT {
            entries.retain(|_, (at, _)| at.elapsed() < REVIEW_CACHE_FOR);
        }
        if entries.len() < REVIEWS_KEPT {
            entries.insert(key, (Instant::now(), review));
        }
    }
}
