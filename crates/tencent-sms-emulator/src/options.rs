//! What the emulator knows: credentials, SMS apps with their sign names and templates, and
//! the frequency limit. The defaults are the demo's and are documented in the README.

use serde::{Deserialize, Serialize};

pub const DEMO_SECRET_ID: &str = "AKIDLogtoEmulatorDemo";
pub const DEMO_SECRET_KEY: &str = "logto-emulator-demo-secret";
pub const DEMO_SDK_APP_ID: &str = "1400000000";
pub const DEMO_SIGN_NAME: &str = "Logto";
pub const DEMO_MAINLAND_TEMPLATE_ID: &str = "1000001";
pub const DEMO_INTERNATIONAL_TEMPLATE_ID: &str = "2000001";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Credential {
    pub secret_id: String,
    pub secret_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmulatedTemplate {
    pub template_id: String,
    /// The approved text, with `{1}`, `{2}`… placeholders.
    pub content: String,
    #[serde(default)]
    pub international: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmulatedApp {
    pub sdk_app_id: String,
    #[serde(default)]
    pub sign_names: Vec<String>,
    #[serde(default)]
    pub templates: Vec<EmulatedTemplate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EmulatorOptions {
    /// The address to listen on; loopback unless you really mean otherwise.
    pub host: String,
    /// 0 picks a free port.
    pub port: u16,
    pub credentials: Vec<Credential>,
    pub apps: Vec<EmulatedApp>,
    /// The same number gets at most one message per this many seconds; 0 turns it off.
    pub frequency_limit_seconds: u64,
    /// How far `X-TC-Timestamp` may be from the emulator's clock (Tencent: 5 minutes).
    pub max_clock_skew_seconds: i64,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 0,
            credentials: vec![Credential {
                secret_id: DEMO_SECRET_ID.to_owned(),
                secret_key: DEMO_SECRET_KEY.to_owned(),
            }],
            apps: vec![EmulatedApp {
                sdk_app_id: DEMO_SDK_APP_ID.to_owned(),
                sign_names: vec![DEMO_SIGN_NAME.to_owned()],
                templates: vec![
                    EmulatedTemplate {
                        template_id: DEMO_MAINLAND_TEMPLATE_ID.to_owned(),
                        content: "Your verification code is {1}. It is valid for 10 minutes."
                            .to_owned(),
                        international: false,
                    },
                    EmulatedTemplate {
                        template_id: DEMO_INTERNATIONAL_TEMPLATE_ID.to_owned(),
                        content: "Your Logto verification code is {1}.".to_owned(),
                        international: true,
                    },
                ],
            }],
            frequency_limit_seconds: 30,
            max_clock_skew_seconds: 300,
        }
    }
}
