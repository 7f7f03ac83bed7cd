//! A credential that never shows itself.
//!
//! The Tencent SecretKey is the one value that must not leak through an error, a log line,
//! a panic message or `{:?}`. Keeping it in its own type makes every accidental print
//! harmless and lets the bytes be wiped when the config is dropped.

use std::fmt;
use zeroize::Zeroize;

/// The Tencent SecretKey. `Debug` and `Display` print `[redacted]`; the bytes are zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// Wraps the key; from here on it prints as `[redacted]`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw key, for the signer only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_key() {
        let key = SecretKey::new("super-secret-value");
        assert!(!format!("{key:?}").contains("super-secret-value"));
        assert!(!format!("{key}").contains("super-secret-value"));
        assert_eq!(key.expose(), "super-secret-value");
    }
}
