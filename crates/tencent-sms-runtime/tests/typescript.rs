//! The TypeScript declarations of what the addon returns are generated from the Rust types
//! themselves (ts-rs): `lib/returned.d.ts`, which `index.d.ts` re-exports. This test fails when
//! the file differs from what the types say; `UPDATE_TYPES=1 cargo test --test typescript`
//! writes it.

use tencent_sms_core::{SendResult, SiteName};
use tencent_sms_runtime::{Check, CredentialReport, DeliveryStatus, Receipt};
use ts_rs::{Config, TS};

fn declarations() -> String {
    // JSON numbers: the counts and Unix times the addon returns fit a double.
    let config = Config::new().with_large_int("number");
    let declarations = [
        SendResult::decl(&config),
        SiteName::decl(&config),
        DeliveryStatus::decl(&config),
        Receipt::decl(&config),
        Check::decl(&config),
        CredentialReport::decl(&config),
    ];
    let mut text = String::from(
        "// Generated from the Rust types by crates/tencent-sms-runtime/tests/typescript.rs (ts-rs):\n\
         // what the addon returns. Do not edit; UPDATE_TYPES=1 cargo test --test typescript rewrites it.\n",
    );
    for declaration in declarations {
        text.push_str("\nexport ");
        text.push_str(&declaration);
        text.push('\n');
    }
    text
}

#[test]
fn the_returned_types_file_is_what_the_rust_types_say() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../lib/returned.d.ts");
    let generated = declarations();
    if std::env::var_os("UPDATE_TYPES").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        on_disk, generated,
        "lib/returned.d.ts is stale: UPDATE_TYPES=1 cargo test -p tencent-sms-runtime --test typescript"
    );
}
