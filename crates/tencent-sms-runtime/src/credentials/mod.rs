//! Reading the keys a site's `credentials.source` names (`fetch`) and keeping temporary ones
//! fresh (`cache`). Which source a config names is the core's (`tencent_sms_core::credentials`).

mod cache;
mod fetch;

pub(crate) use cache::{CredentialCache, Current};
pub(crate) use fetch::{fetch, Http, ServiceAddresses};
