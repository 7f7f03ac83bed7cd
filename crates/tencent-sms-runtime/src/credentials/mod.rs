//! Reading the keys a site's `credentials.source` names (`fetch`) and keeping temporary ones
//! fresh (`cache`). Which source a config names is the core's (`tencent_sms_core::credentials`).

mod cache;
mod fetch;

pub(crate) use cache::{
    CredentialCache, Current, FAILURE_SHARED_SECONDS, REFRESH_AHEAD_SECONDS, RELOAD_SECONDS,
};
pub(crate) use fetch::{
    fetch, Http, ServiceAddresses, MAX_ANSWER_BYTES, MAX_FILE_BYTES, METADATA_TIMEOUT, STS_TIMEOUT,
};
