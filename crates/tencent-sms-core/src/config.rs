//! The connector config and its validation.
//!
//! Logto shows the guard's `ZodError` to the admin, so validation reports **every** problem at
//! once in zod's issue shape (`code`, `path`, `message`, `expected`/`received`), and the JS shim
//! wraps the issues in the host's `ZodError`. Every config the official connector's guard
//! accepts and that could ever have worked against Tencent is accepted here.

use serde_json::{Map, Value};

use crate::credentials::{read_credentials, CredentialSource};
use crate::endpoint::Endpoint;
use crate::environment::Environment;
use crate::failure::ConnectorFailure;
use crate::guard::{read_guard, GuardConfig};
use crate::issue::{key, ConfigIssue, FieldChecker};
use crate::remedy::SentTemplate;
use crate::template::{Template, CODE_PARAM, REQUIRED_USAGE_TYPES, TEMPLATE_CODE_PLACEHOLDER};
use tencent_sms_tc3::SecretKey;

const MAX_TEMPLATES: usize = 100;

/// A validated connector config.
#[derive(Debug, Clone)]
pub struct ConnectorConfig {
    /// The top-level account: every send's, or mainland China's when there is an
    /// international site.
    pub site: Site,
    /// `internationalSite`: a second account (Tencent's international site) for numbers
    /// outside mainland China, its keys left out taken from the top level.
    pub international_site: Option<Site>,
    /// The templates, in the order the admin listed them.
    pub templates: Vec<Template>,
    /// `guard`: the SMS abuse and cost guard, off when absent.
    pub guard: Option<GuardConfig>,
}

impl ConnectorConfig {
    /// The site a destination is sent through.
    pub fn site_for(&self, international_destination: bool) -> &Site {
        match &self.international_site {
            Some(site) if international_destination => site,
            _ => &self.site,
        }
    }

    /// Whether `site` is this config's `internationalSite` (an error then points under it).
    pub fn is_international_site(&self, site: &Site) -> bool {
        self.international_site
            .as_ref()
            .is_some_and(|international| std::ptr::eq(international, site))
    }

    /// Every site this config sends through (`getUsage` counts them all).
    pub fn sites(&self) -> impl Iterator<Item = &Site> {
        std::iter::once(&self.site).chain(&self.international_site)
    }

    /// The name an operator reads for `site`, in the send log, receipts, the doctor and the
    /// command line alike.
    pub fn site_name(&self, site: &Site) -> SiteName {
        if self.is_international_site(site) {
            SiteName::International
        } else {
            SiteName::Main
        }
    }
}

/// The two sites, as an operator reads them everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum SiteName {
    /// The top-level fields: Tencent's China site, or the only account.
    Main,
    /// `internationalSite`: the account for numbers outside mainland China.
    International,
}

impl SiteName {
    /// `main` or `international`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Main => "main",
            Self::International => "international",
        }
    }

    /// The prefix of this site's config keys: `internationalSite.` or nothing.
    pub fn key_prefix(self) -> &'static str {
        match self {
            Self::Main => "",
            Self::International => "internationalSite.",
        }
    }
}

/// One Tencent Cloud SMS account as the connector uses it: key, app, region, endpoint, sign.
#[derive(Debug, Clone)]
pub struct Site {
    /// Where the signing keys come from; with any source but `config` the two keys below are
    /// empty and the keys are looked up when a request is signed.
    pub credentials: CredentialSource,
    /// Tencent's SecretId, printable ASCII.
    pub access_key_id: String,
    /// Tencent's SecretKey; never printed.
    pub access_key_secret: SecretKey,
    /// The sign name sent with mainland messages unless a template names its own.
    pub sign_name: String,
    /// The SMS app, digits only.
    pub sdk_app_id: String,
    /// The API region, e.g. `ap-guangzhou`.
    pub region: String,
    /// Where requests go; Tencent's China site by default.
    pub endpoint: Endpoint,
    /// Where a request goes when `endpoint` cannot be reached (nothing was sent there):
    /// `backupEndpoint`, else the region's own host for Tencent's default endpoint.
    pub backup_endpoint: Option<Endpoint>,
    /// Sent as `SenderId` with international messages.
    pub sender_id: Option<String>,
    /// The config key an operator edits to change this site's SecretKey: `accessKeySecret`
    /// (under `internationalSite` for that site), or the masked form field
    /// [`INTERNATIONAL_SECRET`].
    pub secret_key_field: &'static str,
}

impl Site {
    /// A Tencent refusal of a request through this site (`international_site`: the config's
    /// `internationalSite`), pointed at the key to change where the operator set it:
    /// `credentials` for keys from another source, the masked field for a SecretKey typed
    /// there. `template` is the one that was sent, `None` for a read-only call.
    pub fn refusal_at_key(
        &self,
        failure: ConnectorFailure,
        template: Option<SentTemplate>,
        international_site: bool,
    ) -> ConnectorFailure {
        let failure = failure
            .pointing_at_config(template)
            .keys_from(&self.credentials)
            .through_site(international_site);
        match self.secret_key_field {
            "accessKeySecret" => failure,
            field => failure.secret_typed_at(field),
        }
    }
}

/// The console's masked field for the international site's SecretKey: a secret typed into the
/// `internationalSite` JSON editor is shown in clear text, one typed here is not.
pub const INTERNATIONAL_SECRET: &str = "internationalAccessKeySecret";

/// Validates a raw config as stored by Logto, reporting every issue at once. `environment`
/// is what Logto's process environment allows (plain-HTTP hosts), which the config alone never can.
pub fn validate_config(
    input: &Value,
    environment: &Environment,
) -> Result<ConnectorConfig, Vec<ConfigIssue>> {
    let Value::Object(object) = input else {
        return Err(vec![ConfigIssue::invalid_type(&[], "object", Some(input))]);
    };
    let mut issues = Vec::new();
    let mut checker = FieldChecker {
        issues: &mut issues,
    };
    let fields = read_fields(&mut checker, object, environment);
    let international = read_international_site(
        &mut checker,
        object,
        fields.site.credentials.as_ref(),
        environment,
    );
    let guard = read_guard(&mut checker, object.get("guard"));
    let config = fields.complete(international, guard);
    match config {
        Some(config) if issues.is_empty() => Ok(config),
        _ => Err(issues),
    }
}

/// The config key of the second site.
const INTERNATIONAL_SITE: &str = "internationalSite";

/// One site's fields as read: `None` where absent or an issue was recorded.
#[derive(Default)]
struct SiteFields {
    credentials: Option<CredentialSource>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    sign_name: Option<String>,
    sdk_app_id: Option<String>,
    region: Option<String>,
    endpoint: Option<Endpoint>,
    backup_endpoint: Option<Endpoint>,
    sender_id: Option<String>,
    /// Where `access_key_secret` was read, when not at the site's own `accessKeySecret`.
    secret_key_field: Option<&'static str>,
}

/// The top level's fields.
struct Fields {
    site: SiteFields,
    templates: Option<Vec<Template>>,
}

impl SiteFields {
    /// A site from these fields, each one left out taken from `fallback`.
    fn or(self, fallback: &Site) -> Site {
        let credentials = self
            .credentials
            .unwrap_or_else(|| fallback.credentials.clone());
        // Keys go with the config source only: another source's site has none to inherit.
        let keys = credentials.is_config();
        Site {
            access_key_id: self
                .access_key_id
                .or_else(|| keys.then(|| fallback.access_key_id.clone()))
                .unwrap_or_default(),
            access_key_secret: self
                .access_key_secret
                .map(SecretKey::new)
                .or_else(|| keys.then(|| fallback.access_key_secret.clone()))
                .unwrap_or_else(|| SecretKey::new(String::new())),
            credentials,
            sign_name: self.sign_name.unwrap_or_else(|| fallback.sign_name.clone()),
            sdk_app_id: self
                .sdk_app_id
                .unwrap_or_else(|| fallback.sdk_app_id.clone()),
            // The endpoint and its backup go together: a site that names its own endpoint does
            // not fail over to the other site's backup.
            endpoint: self
                .endpoint
                .clone()
                .unwrap_or_else(|| fallback.endpoint.clone()),
            backup_endpoint: match (self.endpoint, self.backup_endpoint) {
                (_, Some(backup)) => Some(backup),
                (None, None) => fallback.backup_endpoint.clone(),
                (Some(endpoint), None) => {
                    endpoint.default_backup(self.region.as_ref().unwrap_or(&fallback.region))
                }
            },
            region: self.region.unwrap_or_else(|| fallback.region.clone()),
            sender_id: self.sender_id.or_else(|| fallback.sender_id.clone()),
            secret_key_field: self.secret_key_field.unwrap_or("accessKeySecret"),
        }
    }
}

impl Fields {
    /// The config, when every required field was read.
    fn complete(
        self,
        international: Option<SiteFields>,
        guard: Option<Option<GuardConfig>>,
    ) -> Option<ConnectorConfig> {
        let site = self.site;
        let region = site.region?;
        let endpoint = site.endpoint.unwrap_or_default();
        let credentials = site.credentials.unwrap_or(CredentialSource::Config);
        let (access_key_id, access_key_secret) = match credentials.is_config() {
            true => (site.access_key_id?, site.access_key_secret?),
            false => Default::default(),
        };
        let site = Site {
            credentials,
            access_key_id,
            access_key_secret: SecretKey::new(access_key_secret),
            sign_name: site.sign_name?,
            sdk_app_id: site.sdk_app_id?,
            backup_endpoint: site
                .backup_endpoint
                .or_else(|| endpoint.default_backup(&region)),
            region,
            endpoint,
            sender_id: site.sender_id,
            secret_key_field: "accessKeySecret",
        };
        Some(ConnectorConfig {
            international_site: international.map(|fields| fields.or(&site)),
            site,
            templates: self.templates?,
            guard: guard?,
        })
    }
}

/// The fields in the order their issues are reported (the official connector's order).
fn read_fields(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    environment: &Environment,
) -> Fields {
    let account = read_account(checker, object, &[], Presence::Required, None);
    let templates = read_templates(checker, object.get("templates"));
    Fields {
        site: read_delivery(checker, object, &[], account, environment),
        templates,
    }
}

/// `internationalSite`: absent, `null` or `{}` for none; otherwise an object whose keys are
/// all optional and checked by the top level's rules, at paths under `internationalSite`.
///
/// Its SecretKey may instead be typed into the console's masked field [`INTERNATIONAL_SECRET`]
/// at the top level; one of the two, and only with an international site.
fn read_international_site(
    checker: &mut FieldChecker<'_>,
    top_level: &Map<String, Value>,
    top_level_credentials: Option<&CredentialSource>,
    environment: &Environment,
) -> Option<SiteFields> {
    let path = [key(INTERNATIONAL_SITE)];
    let masked = checker.optional_string(top_level, &[], INTERNATIONAL_SECRET);
    let object = checker
        .optional_object(top_level.get(INTERNATIONAL_SITE), &path)
        .flatten();
    let Some(object) = object else {
        if masked.is_some() {
            checker.issues.push(ConfigIssue::custom(
                &[key(INTERNATIONAL_SECRET)],
                format!("{INTERNATIONAL_SECRET} is the SecretKey of the international site: fill in internationalSite too, or leave this empty"),
            ));
        }
        return None;
    };
    let mut site = object.clone();
    if let Some(secret) = masked {
        if object.contains_key("accessKeySecret") {
            checker.issues.push(ConfigIssue::custom(
                &[key(INTERNATIONAL_SECRET)],
                "the international site's SecretKey is given twice, here and in internationalSite.accessKeySecret: keep one (this masked field, so it is not shown in clear text)".to_owned(),
            ));
        } else {
            site.insert("accessKeySecret".to_owned(), Value::String(secret));
        }
    }
    let account = read_account(
        checker,
        &site,
        &path,
        Presence::Optional,
        top_level_credentials,
    );
    let from_masked = masked_secret_used(object, top_level);
    Some(SiteFields {
        secret_key_field: from_masked.then_some(INTERNATIONAL_SECRET),
        ..read_delivery(checker, &site, &path, account, environment)
    })
}

/// Whether the international site's SecretKey comes from the masked top-level field.
fn masked_secret_used(site: &Map<String, Value>, top_level: &Map<String, Value>) -> bool {
    !site.contains_key("accessKeySecret")
        && matches!(top_level.get(INTERNATIONAL_SECRET), Some(Value::String(s)) if !s.is_empty())
}

/// Whether a site's keys must be there (the top level) or may be left out (`internationalSite`).
#[derive(Clone, Copy)]
enum Presence {
    Required,
    Optional,
}

/// A site's account keys, by the same rules wherever the site is: `credentials`,
/// `accessKeyId`, `accessKeySecret`, `signName`, `sdkAppId`, `region`. The keys are required
/// only where they are the source (`credentials.source` is `config`, the default, here or in
/// `inherited`, the top level's), and refused beside any other source: never ignored.
fn read_account(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    path: &[Value],
    presence: Presence,
    inherited: Option<&CredentialSource>,
) -> SiteFields {
    let read = read_credentials(checker, object, path);
    // A `credentials` with an issue of its own says nothing yet about the keys.
    let understood = read.is_some();
    let credentials = read.flatten();
    let effective = credentials.as_ref().or(inherited);
    let keys_are_the_source = understood && effective.is_none_or(CredentialSource::is_config);
    let key_presence = match (keys_are_the_source, inherited) {
        // A site that uses keys while the top level's source has none must have its own.
        (true, Some(top)) if !top.is_config() => Presence::Required,
        (true, _) => presence,
        (false, _) => Presence::Optional,
    };
    let string = |checker: &mut FieldChecker<'_>, name: &str, presence: Presence| match presence {
        Presence::Required => checker.required_string(object, path, name),
        Presence::Optional => checker.optional_string(object, path, name),
    };
    let access_key_id = string(checker, "accessKeyId", key_presence);
    let access_key_id = checker.header_safe(path, "accessKeyId", access_key_id);
    let access_key_secret = string(checker, "accessKeySecret", key_presence);
    if let Some(source) = effective.filter(|source| !source.is_config()) {
        if access_key_id.is_some() || access_key_secret.is_some() {
            checker.issues.push(ConfigIssue::custom(
                &[path, &[key("accessKeyId")]].concat(),
                format!(
                    "accessKeyId and accessKeySecret must be empty when credentials.source is {}: the keys come from there, and keys left here would be ignored. Remove them, or set credentials.source to config",
                    source.name()
                ),
            ));
        }
    }
    let sign_name = string(checker, "signName", presence);
    let sdk_app_id = string(checker, "sdkAppId", presence);
    let sdk_app_id = checker.digits_only(path, "sdkAppId", sdk_app_id);
    let region = string(checker, "region", presence);
    SiteFields {
        credentials,
        access_key_id,
        access_key_secret,
        sign_name,
        sdk_app_id,
        region: checker.valid_region(path, region),
        endpoint: None,
        backup_endpoint: None,
        sender_id: None,
        secret_key_field: None,
    }
}

/// A site's optional delivery keys, `endpoint`, `backupEndpoint` and `senderId`, added to its
/// account.
fn read_delivery(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    path: &[Value],
    account: SiteFields,
    environment: &Environment,
) -> SiteFields {
    let endpoint = read_endpoint(checker, object, path, "endpoint", environment);
    let backup_endpoint = read_endpoint(checker, object, path, "backupEndpoint", environment);
    SiteFields {
        endpoint,
        backup_endpoint,
        sender_id: checker.optional_string(object, path, "senderId"),
        ..account
    }
}

/// `endpoint` or `backupEndpoint` (`name`), when set and valid; `None` (the default, or the
/// top level's) when absent.
fn read_endpoint(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    path: &[Value],
    name: &str,
    environment: &Environment,
) -> Option<Endpoint> {
    let raw = checker.optional_string(object, path, name)?;
    Endpoint::parse(&raw, &environment.allow_http_hosts)
        .map_err(|error| {
            let path = [path, &[key(name)]].concat();
            checker
                .issues
                .push(ConfigIssue::custom(&path, error.to_string()));
        })
        .ok()
}

/// `templates`: an array of at most [`MAX_TEMPLATES`] entries covering every required usage type.
fn read_templates(checker: &mut FieldChecker<'_>, value: Option<&Value>) -> Option<Vec<Template>> {
    let path = [key("templates")];
    let Some(Value::Array(items)) = value else {
        return checker.refuse(ConfigIssue::invalid_type(&path, "array", value));
    };
    if items.len() > MAX_TEMPLATES {
        return checker.refuse(ConfigIssue::too_big(&path, "array", MAX_TEMPLATES));
    }
    let before = checker.issues.len();
    let templates: Vec<Template> = items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| read_template(checker, index, item))
        .collect();
    let missing = missing_usage_types(items);
    if !missing.is_empty() {
        checker.issues.push(ConfigIssue::custom(
            &path,
            format!(
                "Template with UsageType ({}) should be provided!",
                missing.join(", ")
            ),
        ));
    }
    (checker.issues.len() == before).then_some(templates)
}

/// `templates.<index>`, or `None` with its issues recorded.
fn read_template(checker: &mut FieldChecker<'_>, index: usize, item: &Value) -> Option<Template> {
    let item_path = [key("templates"), Value::from(index)];
    let Value::Object(object) = item else {
        return checker.refuse(ConfigIssue::invalid_type(&item_path, "object", Some(item)));
    };
    let usage_type = checker.required_string(object, &item_path, "usageType");
    let template_code = checker.required_string(object, &item_path, "templateCode");
    // The admin console pre-fills unused rows with this placeholder; the official connector
    // accepts it, so it is kept and treated as "no template for this usage type".
    let template_code = match template_code {
        Some(code) if code == TEMPLATE_CODE_PLACEHOLDER => Some(code),
        other => checker.digits_only(&item_path, "templateCode", other),
    };
    let international = read_international(checker, object, &item_path);
    let sign_name = checker.optional_string(object, &item_path, "signName");
    let locale = checker.optional_string(object, &item_path, "locale");
    let locale = checker.matching(
        &item_path,
        "locale",
        locale,
        is_language_tag,
        "must be a BCP 47 language tag such as en, zh-CN or zh-TW",
    );
    let params = read_params(checker, object, &item_path);
    Some(Template {
        index,
        usage_type: usage_type?,
        template_code: template_code?,
        international: international?,
        sign_name,
        locale,
        params: params?,
    })
}

/// `ll`, `lll`, then subtags of 1–8 letters or digits: `en`, `zh-CN`, `zh-Hant-TW`.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|part| {
            (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Tencent fills at most this many placeholders per template.
const MAX_PARAMS: usize = 10;
/// Tencent refuses a verification-code template's value that is not 0–6 digits.
const MAX_PARAM_DIGITS: usize = 6;

/// `params`: absent or `null` for the code alone; else 1–10 entries, each `{code}` or a
/// value Tencent accepts in a verification-code template (0–6 digits). `Some(None)` is
/// "absent"; `None` means an issue was recorded.
fn read_params(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    item_path: &[Value],
) -> Option<Option<Vec<String>>> {
    let path = [item_path, &[key("params")]].concat();
    let items = match object.get("params") {
        None | Some(Value::Null) => return Some(None),
        Some(Value::Array(items)) => items,
        other => {
            return checker.refuse(ConfigIssue::invalid_type(&path, "array", other));
        }
    };
    if items.is_empty() || items.len() > MAX_PARAMS {
        let issue = if items.is_empty() {
            ConfigIssue::too_small(&path, "array", 1)
        } else {
            ConfigIssue::too_big(&path, "array", MAX_PARAMS)
        };
        return checker.refuse(issue);
    }
    let before = checker.issues.len();
    let params: Vec<String> = items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| read_param(checker, &path, index, item))
        .collect();
    (checker.issues.len() == before).then_some(Some(params))
}

fn read_param(
    checker: &mut FieldChecker<'_>,
    params_path: &[Value],
    index: usize,
    item: &Value,
) -> Option<String> {
    let path = [params_path, &[Value::from(index)]].concat();
    let Value::String(param) = item else {
        return checker.refuse(ConfigIssue::invalid_type(&path, "string", Some(item)));
    };
    let digits = param.len() <= MAX_PARAM_DIGITS && param.bytes().all(|b| b.is_ascii_digit());
    if param == CODE_PARAM || digits {
        return Some(param.clone());
    }
    checker.refuse(ConfigIssue::regex(
        &path,
        format!(
            "must be {CODE_PARAM} (the verification code) or a number of at most {MAX_PARAM_DIGITS} digits: Tencent refuses any other value in a verification-code template"
        ),
    ))
}

/// `international`: absent or `null` means `false`.
fn read_international(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    item_path: &[Value],
) -> Option<bool> {
    match object.get("international") {
        None | Some(Value::Null) => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        other => {
            let path = [item_path, &[key("international")]].concat();
            checker.refuse(ConfigIssue::invalid_type(&path, "boolean", other))
        }
    }
}

/// The required usage types no entry names.
fn missing_usage_types(items: &[Value]) -> Vec<&'static str> {
    REQUIRED_USAGE_TYPES
        .iter()
        .copied()
        .filter(|required| {
            !items
                .iter()
                .any(|item| item.get("usageType").and_then(Value::as_str) == Some(*required))
        })
        .collect()
}
