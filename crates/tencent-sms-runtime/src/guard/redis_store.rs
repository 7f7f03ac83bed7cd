//! The guard's Redis: which server `guard.redisUrl` names and how to trust it, its connection,
//! and one round trip that counts a send.
//!
//! `redisUrl` is written as Logto writes its own `REDIS_URL`, so one string serves both: a
//! `certroot` query parameter names a PEM file of the CA that issued the server's certificate
//! (managed Redis services hand out their own). That CA is trusted for this connection only;
//! the roots Tencent's certificate is checked against stay the platform's.

use std::path::PathBuf;

use redis::aio::ConnectionManager;
use tencent_sms_core::guard::Hit;
use tencent_sms_tc3::SecretKey;

use super::counters::REDIS_TIMEOUT;
use crate::bounded_read::{read_file, FileError};

/// Increments each counter in turn and stops at the first one past its limit, as the local
/// path does, so a send refused by one rule uses up none of the rules after it; all in one
/// round trip. KEYS: the counters; ARGV: each one's TTL and limit. Returns the counts made.
const COUNT_SCRIPT: &str = r"
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[2 * i - 1])
  counts[i] = count
  if count > tonumber(ARGV[2 * i]) then break end
end
return counts
";

/// The most a `certroot` CA file may hold: a bundle of a few dozen certificates.
const MAX_CA_BYTES: usize = 1024 * 1024;

/// Logto's `REDIS_URL` parameter that names the CA file.
const CA_PARAMETER: &str = "certroot";

/// Where a counter lives in Redis: its key and window, under the connector's own prefix.
pub(crate) fn storage_key(hit: &Hit) -> String {
    format!("tencent-sms-guard:{}:{}", hit.key, hit.window.index)
}

/// Why Redis did not count a send.
#[derive(Debug)]
pub(crate) struct NotCounted {
    /// What went wrong, never with the URL (it may hold a password).
    pub(crate) reason: String,
    /// When Redis answered but refused to count (out of memory, a read-only replica): the
    /// counts it holds, so the process's own counting starts from them and the limit holds.
    pub(crate) held: Option<Vec<u64>>,
}

impl NotCounted {
    fn unusable(reason: String) -> Self {
        Self { reason, held: None }
    }
}

/// `redisUrl` split into what redis-rs connects to and the CA file it names.
fn split_url(url: &str) -> Result<(String, Option<PathBuf>), String> {
    let mut parsed = url::Url::parse(url).map_err(|_| "redisUrl is not a URL".to_owned())?;
    let mut ca = None;
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter_map(|(name, value)| {
            if name == CA_PARAMETER {
                ca = Some(PathBuf::from(value.into_owned()));
                return None;
            }
            Some((name.into_owned(), value.into_owned()))
        })
        .collect();
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    Ok((parsed.into(), ca))
}

/// A client for `url`: its `certroot` CA, read off the runtime's threads, is the only root
/// the connection trusts when given.
async fn client(url: &SecretKey) -> Result<redis::Client, String> {
    let (target, ca) = split_url(url.expose())?;
    let Some(ca) = ca else {
        return redis::Client::open(target).map_err(|e| describe_redis_error(&e));
    };
    let pem = read_file(&ca, MAX_CA_BYTES).await.map_err(|e| match e {
        FileError::NotFound => format!("the certroot file {} does not exist", ca.display()),
        FileError::Unreadable(why) => format!("certroot: {why}"),
    })?;
    let certificates = redis::TlsCertificates {
        client_tls: None,
        root_cert: Some(pem.into_bytes()),
    };
    redis::Client::build_with_tls(target, certificates).map_err(|e| describe_redis_error(&e))
}

/// A connection that reconnects by itself, made with the guard's bounds.
pub(crate) async fn connect(url: &SecretKey) -> Result<ConnectionManager, String> {
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(Some(REDIS_TIMEOUT))
        .set_response_timeout(Some(REDIS_TIMEOUT))
        .set_number_of_retries(1);
    client(url)
        .await?
        .get_connection_manager_with_config(config)
        .await
        .map_err(|e| describe_redis_error(&e))
}

/// Counts `hits` with [`COUNT_SCRIPT`]; when Redis answers with a refusal, reads the counts
/// it holds instead (a read is allowed where a write is not: `maxmemory` with `noeviction`).
pub(crate) async fn count(
    connection: &mut ConnectionManager,
    hits: &[Hit],
    now: i64,
) -> Result<Vec<u64>, NotCounted> {
    let mut eval = redis::cmd("EVAL");
    eval.arg(COUNT_SCRIPT).arg(hits.len());
    for hit in hits {
        eval.arg(storage_key(hit));
    }
    for hit in hits {
        eval.arg((hit.window.ends_at - now).max(1) + 1).arg(hit.max);
    }
    let error = match eval.query_async::<Vec<u64>>(connection).await {
        Ok(counts) if (1..=hits.len()).contains(&counts.len()) => return Ok(counts),
        Ok(_) => {
            return Err(NotCounted::unusable(
                "Redis answered with the wrong number of counts".to_owned(),
            ))
        }
        Err(error) => error,
    };
    let reason = describe_redis_error(&error);
    if error.is_io_error() || error.is_timeout() || error.is_connection_dropped() {
        return Err(NotCounted::unusable(reason));
    }
    let mut mget = redis::cmd("MGET");
    for hit in hits {
        mget.arg(storage_key(hit));
    }
    let held = mget
        .query_async::<Vec<Option<u64>>>(connection)
        .await
        .ok()
        .map(|held| held.into_iter().map(Option::unwrap_or_default).collect());
    Err(NotCounted { reason, held })
}

/// Whether the Redis at `url` answers a `PING` within [`REDIS_TIMEOUT`] × 4 (for the doctor);
/// the error never carries the URL.
pub(crate) async fn answers(url: &SecretKey) -> Result<(), String> {
    let attempt = async {
        let mut connection = client(url)
            .await?
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| describe_redis_error(&e))?;
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
            .map(|_| ())
            .map_err(|e| describe_redis_error(&e))
    };
    tokio::time::timeout(REDIS_TIMEOUT * 4, attempt)
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "Redis did not answer within {} ms",
                (REDIS_TIMEOUT * 4).as_millis()
            ))
        })
}

/// What went wrong, without the URL (it may hold a password): the error's kind and code (for
/// a refusal, e.g. `OOM`), or for I/O errors the operating system's reason.
pub(crate) fn describe_redis_error(error: &redis::RedisError) -> String {
    match (error.kind(), error.code()) {
        (redis::ErrorKind::Io, _) => format!("I/O error: {}", io_reason(error)),
        (_, Some(code)) => format!("Redis refused: {code}"),
        (kind, None) => format!("{kind:?}"),
    }
}

fn io_reason(error: &redis::RedisError) -> String {
    let mut current: &(dyn std::error::Error + 'static) = error;
    while let Some(source) = current.source() {
        current = source;
    }
    match current.downcast_ref::<std::io::Error>() {
        Some(io) => io.kind().to_string(),
        None => "connection failed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certroot_is_taken_out_of_the_url_and_the_rest_kept() {
        let (target, ca) =
            split_url("rediss://:pw@redis.internal:6380/0?certroot=/etc/ca.pem&protocol=resp3")
                .unwrap();
        assert_eq!(target, "rediss://:pw@redis.internal:6380/0?protocol=resp3");
        assert_eq!(ca, Some(PathBuf::from("/etc/ca.pem")));
        let (plain, none) = split_url("redis://127.0.0.1:6379/0").unwrap();
        assert_eq!((plain.as_str(), none), ("redis://127.0.0.1:6379/0", None));
    }

    #[test]
    fn redis_errors_never_carry_the_url() {
        let url = "rediss://user:hunter2@redis.internal:6380/0";
        let error = redis::Client::open("bogus://user:hunter2@host").unwrap_err();
        let text = describe_redis_error(&error);
        assert!(!text.contains("hunter2") && !text.contains(url), "{text}");
        let not_a_url = split_url("redis//user:hunter2@").unwrap_err();
        assert!(!not_a_url.contains("hunter2"), "{not_a_url}");
    }
}
