// Types of `tencent-sms-emulator` (lib/emulator.js).

/** The config `connectorConfig()` returns: what the Tencent SMS connector expects. */
export type EmulatorConnectorConfig = {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  sdkAppId: string;
  region: string;
  endpoint: string;
  templates: { usageType: string; templateCode: string; international?: boolean }[];
};

/** A key pair; with `token` (and `expiresAt`, Unix seconds) it is temporary: requests must carry the token in X-TC-Token. */
export type EmulatorCredential = { secretId: string; secretKey: string; token?: string; expiresAt?: number };
/** A CAM role the emulator's metadata service and STS (`AssumeRoleWithWebIdentity`) issue temporary credentials for. */
export type EmulatorRole = { name: string; lifetimeSeconds?: number; webIdentityToken?: string };
/** `statusCode`: 0 approved and live (default), 1 under review, 2 approved not live, -1 rejected; only 0 sends. */
export type EmulatorTemplate = { templateId: string; content: string; international?: boolean; statusCode?: number; reviewReply?: string };
export type EmulatorSignReview = { signName: string; statusCode: number; reviewReply?: string };
export type EmulatorApp = { sdkAppId: string; signNames?: string[]; templates?: EmulatorTemplate[]; signReviews?: EmulatorSignReview[] };

export type EmulatorOptions = {
  /** 0 (default) picks a free port; the emulator listens on 127.0.0.1. */
  port?: number;
  credentials?: EmulatorCredential[];
  apps?: EmulatorApp[];
  /**
   * Roles to hand out temporary credentials for: as the CVM metadata service at
   * `<url>/latest/meta-data/cam/security-credentials/` and as STS `AssumeRoleWithWebIdentity`
   * (`POST /`, `RoleArn` ending in `:roleName/<name>`). None by default.
   */
  roles?: EmulatorRole[];
  /** Messages to numbers starting with `prefix` fail at the carrier, with `description`. */
  deliveryFailures?: { prefix: string; description: string }[];
  /** The same number gets at most one message per this many seconds (default 30; 0 = off). */
  frequencyLimitSeconds?: number;
  /** Allowed distance of X-TC-Timestamp from the emulator's clock (default 300). */
  maxClockSkewSeconds?: number;
  /**
   * How long (ms) a connection may take to send a request's headers or body, or stay idle
   * between requests, before it is closed. 100–600000; default 10000.
   */
  readTimeoutMs?: number;
  /**
   * The loopback address to listen on: `127.0.0.1` (default), any `127.x.y.z`, `::1` or
   * `localhost`. Any other address only with `listenOnNetwork`: on loopback the inbox needs no
   * login and the demo secret is public.
   */
  host?: string;
  /**
   * Listen on a network address on purpose (a container beside Logto): the page, the control
   * API and the event stream then require `accessToken` (a bearer token, or the page's login);
   * the SMS API stays open. Default false.
   */
  listenOnNetwork?: boolean;
  /** With `listenOnNetwork`: 16+ characters from A–Z a–z 0–9 - . _ ~ + / =. */
  accessToken?: string;
  /**
   * Serve HTTPS instead of plain HTTP with this certificate: PEM, the server's certificate first
   * (then any intermediates), and its private key (PKCS#8, SEC1 or PKCS#1). Clients must trust it
   * (for the connector: `SSL_CERT_FILE`/`SSL_CERT_DIR`).
   */
  tls?: { certificateChain: string; privateKey: string } | null;
};

export type DeliveredMessage = {
  phoneNumber: string;
  /** The destination's country or region, e.g. `CN`, `US`. */
  isoCode: string;
  sdkAppId: string;
  signName: string | null;
  templateId: string;
  params: string[];
  content: string;
  requestId: string;
  serialNo: string;
  receivedAt: string;
  /** The delivery receipt. */
  delivery: { status: 'delivered' | 'failed'; description: string };
};

/** An API request the emulator refused, and Tencent's code for why. */
export type Refusal = {
  receivedAt: string;
  action: string | null;
  code: string;
  message: string;
  /** Set when one number of a SendSms request was refused (in `SendStatusSet`). */
  phoneNumber: string | null;
  requestId: string;
};

export type EmulatorFault =
  | { kind: 'httpStatus'; status: number }
  | { kind: 'htmlPage'; status?: number }
  | { kind: 'truncatedJson' }
  | { kind: 'invalidJson' }
  | { kind: 'oversize'; bytes?: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'resetBeforeBody' }
  | { kind: 'resetAfterBody' }
  | { kind: 'tencentError'; code: string; message?: string }
  | { kind: 'sendStatusCode'; code: string; message?: string };

export type RunningEmulator = {
  /** `http://127.0.0.1:<port>`, usable as the connector's `endpoint`. */
  url: string;
  port: number;
  options: Required<EmulatorOptions>;
  connectorConfig(): EmulatorConnectorConfig;
  messages(): Promise<DeliveredMessage[]>;
  /** The refused API requests, oldest first (the newest 200). */
  refusals(): Promise<Refusal[]>;
  /** Empties the inbox, the refusals, pending faults and the frequency-limit memory. */
  clear(): void;
  /** Applies the fault to the next `count` (default 1) API requests. */
  injectFault(fault: EmulatorFault & { count?: number }): void;
  apiRequests(): number;
  /** How many temporary credentials the metadata service and STS have handed out. */
  credentialRequests(): number;
  /** Lets Node exit while the emulator is open. */
  unref(): void;
  close(): Promise<void>;
};

export declare const emulatorDefaults: Omit<Required<EmulatorOptions>, 'accessToken'>;
export declare function emulatorConnectorConfig(url: string, options?: EmulatorOptions): EmulatorConnectorConfig;
export declare function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator>;
