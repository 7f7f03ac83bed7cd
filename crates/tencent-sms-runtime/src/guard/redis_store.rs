//! The guard's Redis: which server `guard.redisUrl` names and how to trust it, its connection,
//! and one round trip that counts a send.
//!
//! `redisUrl` is written as Logto writes its own `REDIS_URL`, so one string serves both: a
//! `certroot` query parameter names a PEM file of the CA that issued the server's certificate
//! (managed Redis services hand out their own), trusted for this connection only (the roots
//! Tencent's certificate is checked against stay the platform's); `cluster=1`, with more
//! nodes as `host=host:port`, names a Redis Cluster.
//!
//! On a cluster, one send's counters must live in one hash slot to be counted in one round
//! trip (a script may only touch keys of one slot). Every counter key carries its SMS app as a
//! hash tag (`tencent-sms-guard:{1400006666}:ip:…`), so all of an app's counters live in one
//! slot: on one master (and its replicas). That is one small script per send on that master,
//! far below what one Redis node serves; the cluster adds availability, not spread, for the
//! guard. Slot moves (`MOVED`, `ASK`), restarts and failovers are followed by the cluster
//! client, inside the send's one bound.

use std::path::{Path, PathBuf};

use redis::aio::ConnectionManager;
use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;
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
/// Logto's `REDIS_URL` parameter that names a cluster, and the one that names its other nodes.
const CLUSTER_PARAMETER: &str = "cluster";
const HOST_PARAMETER: &str = "host";

/// Where a counter lives in Redis: its key and window, under the connector's own prefix, with
/// its SMS app (the key's first part) as the hash tag, so a send's counters share a slot.
pub(crate) fn storage_key(hit: &Hit) -> String {
    let (app, rest) = hit.key.split_once(':').unwrap_or((&hit.key, ""));
    format!("tencent-sms-guard:{{{app}}}:{rest}:{}", hit.window.index)
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

/// What `redisUrl` names: the node, or the cluster's nodes, as redis-rs takes them, and the CA
/// file to trust.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    nodes: Vec<String>,
    cluster: bool,
    ca: Option<PathBuf>,
}

/// `redisUrl` read as Logto reads `REDIS_URL`; the error never carries the URL.
fn parse_target(url: &str) -> Result<Target, String> {
    let mut parsed = url::Url::parse(url).map_err(|_| "redisUrl is not a URL".to_owned())?;
    let (mut ca, mut cluster, mut hosts, mut kept) = (None, false, Vec::new(), Vec::new());
    for (name, value) in parsed.query_pairs() {
        match name.as_ref() {
            CA_PARAMETER => ca = Some(PathBuf::from(value.into_owned())),
            CLUSTER_PARAMETER => cluster = matches!(value.as_ref(), "1" | "true" | "yes"),
            HOST_PARAMETER => hosts.push(value.into_owned()),
            _ => kept.push((name.into_owned(), value.into_owned())),
        }
    }
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    if !cluster {
        return Ok(Target {
            nodes: vec![parsed.into()],
            cluster,
            ca,
        });
    }
    // A cluster has no databases: every node is the first one's scheme and credentials at its
    // own address.
    parsed.set_path("");
    let mut nodes = vec![parsed.to_string()];
    for host in hosts {
        let (name, port) = host
            .rsplit_once(':')
            .and_then(|(name, port)| Some((name, port.parse::<u16>().ok()?)))
            .ok_or_else(|| format!("redisUrl: host={host} is not host:port"))?;
        let mut node = parsed.clone();
        node.set_host(Some(name))
            .and_then(|()| {
                node.set_port(Some(port))
                    .map_err(|()| url::ParseError::InvalidPort)
            })
            .map_err(|_| format!("redisUrl: host={host} is not host:port"))?;
        nodes.push(node.into());
    }
    Ok(Target { nodes, cluster, ca })
}

/// The `certroot` CA, read off the runtime's threads, as redis-rs takes it.
async fn certificates(ca: &Path) -> Result<redis::TlsCertificates, String> {
    let pem = read_file(ca, MAX_CA_BYTES).await.map_err(|e| match e {
        FileError::NotFound => format!("the certroot file {} does not exist", ca.display()),
        FileError::Unreadable(why) => format!("certroot: {why}"),
    })?;
    Ok(redis::TlsCertificates {
        client_tls: None,
        root_cert: Some(pem.into_bytes()),
    })
}

/// A connection to the guard's Redis: one node, reconnecting by itself, or a cluster,
/// following its slots. Cheap to clone: clones share the connection.
#[derive(Clone)]
pub(crate) enum Link {
    Node(ConnectionManager),
    Cluster(ClusterConnection),
}

impl Link {
    async fn query<T: redis::FromRedisValue>(
        &mut self,
        command: &redis::Cmd,
    ) -> redis::RedisResult<T> {
        match self {
            Self::Node(connection) => command.query_async(connection).await,
            Self::Cluster(connection) => command.query_async(connection).await,
        }
    }
}

/// A connection to what `url` names, made with the guard's bounds. The CA of `certroot`, when
/// given, is the only root the connection trusts.
pub(crate) async fn connect(url: &SecretKey) -> Result<Link, String> {
    let target = parse_target(url.expose())?;
    let certs = match &target.ca {
        Some(ca) => Some(certificates(ca).await?),
        None => None,
    };
    let failed = |e: redis::RedisError| describe_redis_error(&e);
    if target.cluster {
        let mut builder = ClusterClientBuilder::new(target.nodes)
            .connection_timeout(REDIS_TIMEOUT)
            .response_timeout(REDIS_TIMEOUT)
            .retries(1);
        if let Some(certs) = certs {
            builder = builder.certs(certs);
        }
        let client = builder.build().map_err(failed)?;
        return client
            .get_async_connection()
            .await
            .map(Link::Cluster)
            .map_err(failed);
    }
    let node = target.nodes.into_iter().next().unwrap_or_default();
    let client = match certs {
        Some(certs) => redis::Client::build_with_tls(node, certs),
        None => redis::Client::open(node),
    }
    .map_err(failed)?;
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(Some(REDIS_TIMEOUT))
        .set_response_timeout(Some(REDIS_TIMEOUT))
        .set_number_of_retries(1);
    client
        .get_connection_manager_with_config(config)
        .await
        .map(Link::Node)
        .map_err(failed)
}

/// Counts `hits` with [`COUNT_SCRIPT`]; when Redis answers with a refusal, reads the counts
/// it holds instead (a read is allowed where a write is not: `maxmemory` with `noeviction`).
pub(crate) async fn count(
    connection: &mut Link,
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
    let error = match connection.query::<Vec<u64>>(&eval).await {
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
    let held = connection
        .query::<Vec<Option<u64>>>(&mget)
        .await
        .ok()
        .map(|held| held.into_iter().map(Option::unwrap_or_default).collect());
    Err(NotCounted { reason, held })
}

/// Whether the Redis at `url` (a node or a cluster) answers a `PING` within
/// [`REDIS_TIMEOUT`] × 4 (for the doctor); the error never carries the URL.
pub(crate) async fn answers(url: &SecretKey) -> Result<(), String> {
    let attempt = async {
        let mut link = connect(url).await?;
        link.query::<String>(&redis::cmd("PING"))
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
        let target =
            parse_target("rediss://:pw@redis.internal:6380/0?certroot=/etc/ca.pem&protocol=resp3")
                .unwrap();
        assert_eq!(
            target,
            Target {
                nodes: vec!["rediss://:pw@redis.internal:6380/0?protocol=resp3".to_owned()],
                cluster: false,
                ca: Some(PathBuf::from("/etc/ca.pem")),
            }
        );
        let plain = parse_target("redis://127.0.0.1:6379/0").unwrap();
        assert_eq!(plain.nodes, ["redis://127.0.0.1:6379/0"]);
    }

    #[test]
    fn a_cluster_is_read_as_logto_writes_it() {
        let target =
            parse_target("redis://:pw@10.0.0.1:7000?cluster=1&host=10.0.0.2:7001&host=node-3:7002")
                .unwrap();
        assert!(target.cluster);
        assert_eq!(
            target.nodes,
            [
                "redis://:pw@10.0.0.1:7000",
                "redis://:pw@10.0.0.2:7001",
                "redis://:pw@node-3:7002"
            ]
        );
        let bad = parse_target("redis://:secret@h:1?cluster=1&host=nope").unwrap_err();
        assert_eq!(bad, "redisUrl: host=nope is not host:port");
    }

    #[test]
    fn a_sends_counters_share_its_apps_hash_tag() {
        use tencent_sms_core::guard::{CountedRule, Window};
        let hit = |rule, key: &str| Hit {
            rule,
            scope: None,
            key: key.to_owned(),
            window: Window::containing(0, 60, 0),
            max: 1,
        };
        assert_eq!(
            storage_key(&hit(CountedRule::PerIp, "1400006666:ip:203.0.113.9")),
            "tencent-sms-guard:{1400006666}:ip:203.0.113.9:0"
        );
        assert_eq!(
            storage_key(&hit(
                CountedRule::InternationalDaily,
                "1400006666:international"
            )),
            "tencent-sms-guard:{1400006666}:international:0"
        );
    }

    #[test]
    fn redis_errors_never_carry_the_url() {
        let url = "rediss://user:hunter2@redis.internal:6380/0";
        let error = redis::Client::open("bogus://user:hunter2@host").unwrap_err();
        let text = describe_redis_error(&error);
        assert!(!text.contains("hunter2") && !text.contains(url), "{text}");
        let not_a_url = parse_target("redis//user:hunter2@").unwrap_err();
        assert!(!not_a_url.contains("hunter2"), "{not_a_url}");
    }
}
