//! Temporary credentials for roles, in the shapes of the two services Tencent's SDKs get them
//! from: the CVM metadata service (`GET /latest/meta-data/cam/security-credentials/`, the
//! role's name; `…/<name>`, its credentials) and STS `AssumeRoleWithWebIdentity` (unsigned:
//! `Authorization: SKIP`). Each answer issues new credentials with the role's lifetime, which
//! the SMS API then accepts with their token until they expire.

use chrono::{TimeZone, Utc};
use hyper::{HeaderMap, Response, StatusCode};
use serde_json::Value;
use tencent_sms_wire::{
    AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse, MetadataCredentials,
    StsCredentials, STS_VERSION,
};

use crate::api_error::ApiError;
use crate::http::{respond, Body};
use crate::options::EmulatedRole;
use crate::state::EmulatorState;
use crate::verify::header;

/// Where the metadata service lists roles, as on a CVM instance.
pub(crate) const METADATA_ROLES_PATH: &str = "/latest/meta-data/cam/security-credentials/";

fn iso8601(unix: i64) -> String {
    Utc.timestamp_opt(unix, 0)
        .single()
        .map(|at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// `GET /latest/meta-data/cam/security-credentials/[<role>]`: the first role's name, or that
/// role's new credentials; 404 as on an instance without the role.
pub(crate) fn metadata(state: &EmulatorState, path: &str, now: i64) -> Response<Body> {
    let name = path.strip_prefix(METADATA_ROLES_PATH).unwrap_or_default();
    let roles = &state.options.roles;
    if name.is_empty() {
        return match roles.first() {
            Some(role) => respond(StatusCode::OK, "text/plain", role.name.clone()),
            None => not_found(),
        };
    }
    let Some(role) = roles.iter().find(|role| role.name == name) else {
        return not_found();
    };
    let credential = state.issue(role, now);
    let expires_at = credential.expires_at.unwrap_or(now);
    let body = MetadataCredentials {
        tmp_secret_id: credential.secret_id,
        tmp_secret_key: credential.secret_key,
        token: credential.token.unwrap_or_default(),
        expired_time: expires_at,
        expiration: iso8601(expires_at),
        code: Some("Success".to_owned()),
    };
    respond(
        StatusCode::OK,
        "application/json",
        serde_json::to_vec(&body).expect("JSON serializes"),
    )
}

fn not_found() -> Response<Body> {
    respond(
        StatusCode::NOT_FOUND,
        "text/html",
        "<html><body>404 Not Found</body></html>\n",
    )
}

/// The role a `RoleArn` names: `qcs::cam::uin/<uin>:roleName/<name>`, or the bare name.
fn role_named<'a>(roles: &'a [EmulatedRole], arn: &str) -> Option<&'a EmulatedRole> {
    let name = arn.rsplit_once(":roleName/").map_or(arn, |(_, name)| name);
    roles.iter().find(|role| role.name == name)
}

/// STS `AssumeRoleWithWebIdentity`: new credentials for the role, checked as STS does (its own
/// version, `Authorization: SKIP`, the parameters, the web-identity token).
pub(crate) fn assume_role_with_web_identity(
    state: &EmulatorState,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<Value, ApiError> {
    if header(headers, "x-tc-version") != Some(STS_VERSION) {
        return Err(ApiError::new(
            "NoSuchVersion",
            format!("AssumeRoleWithWebIdentity is version {STS_VERSION}."),
        ));
    }
    if header(headers, "authorization") != Some("SKIP") {
        return Err(ApiError::new(
            "AuthFailure.InvalidAuthorization",
            "AssumeRoleWithWebIdentity is not signed: send `Authorization: SKIP`.",
        ));
    }
    let request: AssumeRoleWithWebIdentityRequest = serde_json::from_slice(body).map_err(|_| {
        ApiError::new(
            "MissingParameter",
            "ProviderId, WebIdentityToken, RoleArn and RoleSessionName are required.",
        )
    })?;
    if request.provider_id.is_empty() || request.role_session_name.is_empty() {
        return Err(ApiError::new(
            "InvalidParameter",
            "ProviderId and RoleSessionName must not be empty.",
        ));
    }
    let role = role_named(&state.options.roles, &request.role_arn).ok_or_else(|| {
        ApiError::new(
            "InvalidParameter.RoleNotExist",
            format!("The role {} does not exist.", request.role_arn),
        )
    })?;
    let token_ok = match &role.web_identity_token {
        Some(expected) => *expected == request.web_identity_token,
        None => !request.web_identity_token.is_empty(),
    };
    if !token_ok {
        return Err(ApiError::new(
            "InvalidParameter.WebIdentityTokenError",
            "The web identity token is not valid.",
        ));
    }
    let lifetime = request
        .duration_seconds
        .map_or(role.lifetime_seconds, |asked| {
            asked.min(role.lifetime_seconds)
        });
    let issued = state.issue(
        &EmulatedRole {
            lifetime_seconds: lifetime,
            ..role.clone()
        },
        now,
    );
    let expires_at = issued.expires_at.unwrap_or(now);
    let answer = AssumeRoleWithWebIdentityResponse {
        credentials: Some(StsCredentials {
            token: issued.token.unwrap_or_default(),
            tmp_secret_id: issued.secret_id,
            tmp_secret_key: issued.secret_key,
        }),
        expired_time: Some(expires_at),
        expiration: Some(iso8601(expires_at)),
        error: None,
        request_id: None,
    };
    Ok(serde_json::to_value(answer).expect("an answer serializes"))
}
