//! Links the addon the way Node loads it (napi-rs's setup: the platform's linker flags).

fn main() {
    napi_build::setup();
}
