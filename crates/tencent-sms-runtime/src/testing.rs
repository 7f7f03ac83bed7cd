//! Test helpers that need the runtime (the `testing` feature): an HTTP client on the
//! connector's own TLS setup, and a port that refuses connections. The config fixtures are
//! the core's (`tencent_sms_core::testing`).

/// A reqwest client builder on the connector's own TLS setup (ring, the platform verifier):
/// the workspace builds reqwest without a default crypto provider, so `reqwest::Client::new()`
/// would panic, and a bench client should pay exactly what the connector pays.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    let tls = crate::tls::client_config(Vec::new()).expect("the platform verifier loads");
    reqwest::Client::builder().tls_backend_preconfigured(tls)
}

/// [`http_client_builder`] with reqwest's defaults.
pub fn http_client() -> reqwest::Client {
    http_client_builder()
        .build()
        .expect("the test HTTP client builds")
}

/// `reqwest::get` on [`http_client`]: `reqwest::get` itself would panic for want of a
/// crypto provider.
pub async fn get(url: impl reqwest::IntoUrl) -> reqwest::Result<reqwest::Response> {
    http_client().get(url).send().await
}

/// A loopback port that refuses connections for as long as this value lives.
///
/// Binding port 0 and closing the listener is racy when tests run in parallel: the kernel may
/// hand the same port to another test's server a moment later, and the "refused" send then
/// succeeds. A socket that is bound but never listens keeps the port reserved (it is bound
/// without `SO_REUSEADDR`, so no other socket can take it) while every connection to it is
/// refused.
#[derive(Debug)]
pub struct RefusedPort {
    _reserved: tokio::net::TcpSocket,
    /// The reserved port on `127.0.0.1`.
    pub port: u16,
}

impl RefusedPort {
    /// Reserves a port on `127.0.0.1`.
    pub fn reserve() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket opens");
        socket
            .bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
            .expect("a loopback port binds");
        let port = socket
            .local_addr()
            .expect("a bound socket has an address")
            .port();
        Self {
            _reserved: socket,
            port,
        }
    }
}
