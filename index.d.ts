// Types of `connector-tencent-sms-rs` (lib/index.js), the module Logto imports.

import type { ConnectorMetadata, CreateConnector, SmsConnector } from '@logto/connector-kit';
import type { CredentialReport, DeliveryReceipt, DoctorCheck, TencentSmsSendResult } from './lib/returned.js';

// What the addon returns: generated from the Rust types (lib/returned.d.ts), not written here.
export type { CredentialReport, DeliveryReceipt, DeliveryStatus, DoctorCheck, SiteName, TencentSmsSendResult } from './lib/returned.js';

/** One Tencent template for one Logto message type. */
export type TencentSmsTemplate = {
  /** A Logto TemplateType: SignIn, Register, ForgotPassword, Generic, MfaVerification, … */
  usageType: string;
  /** The Tencent template id, digits only (`<template-code>` means "not configured"). */
  templateCode: string;
  /** An international template, used for numbers outside mainland China. */
  international?: boolean;
  /** Overrides the global sign name for this template. */
  signName?: string;
  /** The template's language (BCP 47: `en`, `zh-CN`); preferred for users of that language. */
  locale?: string;
  /** Values for `{1}`, `{2}`, …: `"{code}"` for the code, else 0–6 digits sent as written. */
  params?: string[];
};

/** A second Tencent Cloud account for numbers outside mainland China; left-out keys come from the top level. */
export type TencentSmsSite = Partial<{
  accessKeyId: string;
  accessKeySecret: string;
  credentials: TencentSmsCredentials;
  sdkAppId: string;
  region: string;
  endpoint: string;
  backupEndpoint: string;
  signName: string;
  senderId: string;
}>;

/** Where a site's keys come from; `config` (the default) is `accessKeyId`/`accessKeySecret`. */
export type TencentSmsCredentials =
  | { source: 'config' | 'environment' | 'oidcRole' }
  | { source: 'profile'; profile?: string }
  | { source: 'cvmRole'; roleName?: string }
  | { source: 'chain'; profile?: string; roleName?: string };

/** The connector config, as saved by Logto's admin console. */
export type TencentSmsConfig = {
  /** Tencent Cloud SecretId; empty with a `credentials.source` other than `config`. */
  accessKeyId?: string;
  /** Tencent Cloud SecretKey; empty with a `credentials.source` other than `config`. */
  accessKeySecret?: string;
  /** Where the keys come from instead, so that they never sit in Logto's database. */
  credentials?: TencentSmsCredentials;
  signName: string;
  /** Digits only. */
  sdkAppId: string;
  /** e.g. `ap-guangzhou`. */
  region: string;
  /** Must include Register, SignIn, ForgotPassword and Generic. */
  templates: TencentSmsTemplate[];
  /** A host or `https://host[:port]`; `http://` for loopback only. Default `sms.tencentcloudapi.com`. */
  endpoint?: string;
  /** Where a send goes when `endpoint` cannot be reached; same rules as `endpoint`. */
  backupEndpoint?: string;
  /** Sent with international messages only. */
  senderId?: string;
  /** Tencent's international site, for numbers outside mainland China; `{}` is none. */
  internationalSite?: TencentSmsSite;
  /** The international site's SecretKey, from the console's masked field; not beside `internationalSite.accessKeySecret`. */
  internationalAccessKeySecret?: string;
  /** The SMS abuse and cost guard; off when absent or `{}`. */
  guard?: TencentSmsGuardRules & {
    /** `monitor`: log what would be refused and send anyway. Default `enforce`. */
    mode?: 'enforce' | 'monitor';
    /** E.164 numbers or prefixes that no rule applies to. */
    exempt?: string[];
    /** `redis://` or `rediss://`: counters shared by every Logto replica. */
    redisUrl?: string;
    /** Rules of one Logto message type, on top of the guard's (they only narrow), counted apart. */
    byType?: Partial<Record<string, TencentSmsGuardRules>>;
  };
};

/** The guard's rules, which `guard.byType` takes per message type too. */
export type TencentSmsGuardRules = {
  allowedCountries?: string[];
  blockedCountries?: string[];
  numberTypes?: string[];
  /** IPv6 addresses count per /64 unless `ipv6Prefix` (32–128) says otherwise. */
  perIp?: { max: number; windowSeconds: number; ipv6Prefix?: number };
  perPrefix?: { max: number; windowSeconds: number; digits?: number };
  /** International sends per Beijing day. */
  internationalDailyLimit?: number;
};

/** A zod issue (`code`, `path`, `message`, …). */
export type ConfigIssue = {
  code: string;
  path: Array<string | number>;
  message: string;
  expected?: string;
  received?: string;
  [key: string]: unknown;
};

/** A zod-compatible guard; `error` is the host's `ZodError` when `zod` resolves. */
export type TencentSmsConfigGuard = {
  safeParse(input: unknown): { success: true; data: TencentSmsConfig } | { success: false; error: { name: 'ZodError'; issues: ConfigIssue[] } };
  parse(input: unknown): TencentSmsConfig;
};

export declare const metadata: ConnectorMetadata;
export declare const configGuard: TencentSmsConfigGuard;

export type TencentSmsConnector = Omit<SmsConnector, 'configGuard' | 'sendMessage' | 'getUsage'> & {
  /** Billed messages since `startFrom` (default: the last 30 days; at most one year back). */
  getUsage: (startFrom?: Date) => Promise<number>;
  configGuard: TencentSmsConfigGuard;
  sendMessage: (
    data: { to: string; type: string; payload: { code?: string } & Record<string, unknown>; ip?: string },
    config?: unknown,
  ) => Promise<TencentSmsSendResult>;
};

declare const createConnector: (options: Parameters<CreateConnector<SmsConnector>>[0]) => Promise<TencentSmsConnector>;
export default createConnector;

/** Reads each site's keys as a send would and says where they came from; never the keys. */
export declare const describeCredentials: (config: unknown) => Promise<CredentialReport[]>;

/** Checks a config against the live account with read-only calls; never sends an SMS. */
export declare const doctor: (config: unknown) => Promise<{ ok: boolean; checks: DoctorCheck[] }>;

/** Delivery receipts of `to` since `sinceSeconds` (Unix), from every site. */
export declare const deliveryStatus: (config: unknown, to: string, sinceSeconds: number) => Promise<DeliveryReceipt[]>;

/**
 * The mainland China number (`+86…`) that `digits` probably meant, when a person typed a mainland
 * mobile without 86; `null` for a number valid as typed. For the command line.
 */
export declare const mainlandNumberMeant: (digits: string) => string | null;
