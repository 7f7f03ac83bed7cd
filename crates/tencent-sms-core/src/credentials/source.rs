//! `credentials`: where a site's signing keys come from. `config` (the default) is the
//! `accessKeyId`/`accessKeySecret` of the form; every other source keeps the keys out of
//! Logto's database, as Tencent's SDKs do: the process environment, a profile file, the CVM
//! instance role, or the TKE OIDC role (temporary credentials that rotate by themselves).

use serde_json::{Map, Value};

use crate::issue::{key, ConfigIssue, FieldChecker};

/// Where a site's keys come from. Exhaustive on purpose: the runtime reads every source,
/// and a new one must not compile until it can be read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CredentialSource {
    /// `accessKeyId` and `accessKeySecret` of the config.
    Config,
    /// `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and `TENCENTCLOUD_SESSION_TOKEN`.
    Environment,
    /// A section of the INI profile file.
    Profile {
        /// The section, `default` unless `credentials.profile` names another.
        name: String,
    },
    /// The CVM instance role, from the metadata service.
    CvmRole {
        /// `credentials.roleName`, else the role the metadata service names.
        role_name: Option<String>,
    },
    /// The TKE OIDC role, through STS `AssumeRoleWithWebIdentity`.
    OidcRole,
    /// Environment, profile, CVM role, OIDC role: the first one that is configured.
    Chain {
        /// The profile section to look for.
        profile: String,
        /// The CVM role name, if given.
        role_name: Option<String>,
    },
}

/// The names `credentials.source` accepts, in the documented order.
pub(crate) const SOURCE_NAMES: [&str; 6] = [
    "config",
    "environment",
    "profile",
    "cvmRole",
    "oidcRole",
    "chain",
];

const DEFAULT_PROFILE: &str = "default";

impl CredentialSource {
    /// The name `credentials.source` gives it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::Environment => "environment",
            Self::Profile { .. } => "profile",
            Self::CvmRole { .. } => "cvmRole",
            Self::OidcRole => "oidcRole",
            Self::Chain { .. } => "chain",
        }
    }

    /// Whether the keys are the config's own.
    pub fn is_config(&self) -> bool {
        matches!(self, Self::Config)
    }

    /// Where an operator replaces the keys this source gives: the variables, the profile file
    /// and section, the role. Names only, never a value.
    pub fn where_keys_live(&self) -> String {
        match self {
            Self::Config => "the config's accessKeyId and accessKeySecret".to_owned(),
            Self::Environment => "TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY in Logto's environment".to_owned(),
            Self::Profile { name } => format!("section [{name}] of the profile file (TENCENTCLOUD_CREDENTIALS_FILE, else ~/.tencentcloud/credentials)"),
            Self::CvmRole { role_name: Some(role) } => format!("the CVM role {role}: its CAM policies"),
            Self::CvmRole { role_name: None } => "the CVM role bound to this instance: its CAM policies".to_owned(),
            Self::OidcRole => "the TKE OIDC role TKE_ROLE_ARN names: its CAM policies".to_owned(),
            Self::Chain { profile, .. } => format!("the first source of the chain that is set: TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY, profile section [{profile}], the CVM role, the TKE OIDC role"),
        }
    }
}

/// `credentials` at `path`: `Some(None)` when absent, `null` or `{}`, `None` after an issue.
pub(crate) fn read_credentials(
    checker: &mut FieldChecker<'_>,
    object: &Map<String, Value>,
    path: &[Value],
) -> Option<Option<CredentialSource>> {
    let path = [path, &[key("credentials")]].concat();
    let Some(credentials) = checker.optional_object(object.get("credentials"), &path)? else {
        return Some(None);
    };
    let before = checker.issues.len();
    let source = checker.optional_string(credentials, &path, "source");
    let profile = checker.optional_string(credentials, &path, "profile");
    let role_name = checker.optional_string(credentials, &path, "roleName");
    if checker.issues.len() != before {
        return None;
    }
    let at = |name: &str| [&path[..], &[key(name)]].concat();
    let source = match source.as_deref() {
        None | Some("config") => CredentialSource::Config,
        Some("environment") => CredentialSource::Environment,
        Some("profile") => CredentialSource::Profile {
            name: profile
                .clone()
                .unwrap_or_else(|| DEFAULT_PROFILE.to_owned()),
        },
        Some("cvmRole") => CredentialSource::CvmRole {
            role_name: role_name.clone(),
        },
        Some("oidcRole") => CredentialSource::OidcRole,
        Some("chain") => CredentialSource::Chain {
            profile: profile
                .clone()
                .unwrap_or_else(|| DEFAULT_PROFILE.to_owned()),
            role_name: role_name.clone(),
        },
        Some(_) => {
            return checker.refuse(ConfigIssue::custom(
                &at("source"),
                format!(
                    "credentials.source must be one of {}",
                    SOURCE_NAMES.join(", ")
                ),
            ))
        }
    };
    let takes_profile = matches!(
        source,
        CredentialSource::Profile { .. } | CredentialSource::Chain { .. }
    );
    let takes_role = matches!(
        source,
        CredentialSource::CvmRole { .. } | CredentialSource::Chain { .. }
    );
    if profile.is_some() && !takes_profile {
        return checker.refuse(ConfigIssue::custom(
            &at("profile"),
            format!(
                "credentials.profile is for the sources profile and chain, not {}",
                source.name()
            ),
        ));
    }
    if role_name.is_some() && !takes_role {
        return checker.refuse(ConfigIssue::custom(
            &at("roleName"),
            format!(
                "credentials.roleName is for the sources cvmRole and chain, not {}",
                source.name()
            ),
        ));
    }
    Some(Some(source))
}
