// Generated from the Rust types by crates/tencent-sms-runtime/tests/typescript.rs (ts-rs):
// what the addon returns. Do not edit; UPDATE_TYPES=1 cargo test --test typescript rewrites it.

export type TencentSmsSendResult = { 
/**
 * Tencent's `RequestId`, for support tickets.
 */
requestId: string, 
/**
 * Tencent's `SerialNo` of the message.
 */
serialNo: string, 
/**
 * The number as Tencent recorded it (E.164).
 */
phoneNumber: string, 
/**
 * Billed messages (a long text is split and billed per part).
 */
fee: number, 
/**
 * The destination's country code, e.g. `CN`.
 */
isoCode: string, };

export type SiteName = "main" | "international";

export type DeliveryStatus = "delivered" | "failed" | "pending";

export type DeliveryReceipt = { 
/**
 * The `SerialNo` SendSms returned.
 */
serialNo: string, 
/**
 * E.164.
 */
phoneNumber: string, 
/**
 * Whether the phone got it.
 */
status: DeliveryStatus, 
/**
 * The carrier's code, e.g. `DELIVRD`.
 */
description: string, 
/**
 * When it was sent (Unix seconds), when known.
 */
sentAt: number | null, 
/**
 * When the phone received it (Unix seconds).
 */
receivedAt: number | null, 
/**
 * The site it came through: `main` or `international`.
 */
site: SiteName, };

export type DoctorCheck = { 
/**
 * What was checked, e.g. `template:1000001`.
 */
id: string, 
/**
 * Whether it passed.
 */
ok: boolean, 
/**
 * Whether it could not run (a check it depends on failed); `ok` is then false and the
 * message says which.
 */
skipped?: boolean, 
/**
 * The config key to change, e.g. `templates[2].templateCode`.
 */
key?: string, 
/**
 * What was found, and what to do.
 */
message: string, };

export type CredentialReport = { 
/**
 * The site: `main` or `international`.
 */
site: SiteName, 
/**
 * `credentials.source`.
 */
source: string, 
/**
 * The source that gave the keys (the chain's choice, else `source` itself).
 */
used: string, };
