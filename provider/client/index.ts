/**
 * The Proxmox VE REST client: public exports. The engine imports the client only from here.
 */
export { ProxmoxClient, type RequestOptions } from "./client";
export type { ProxmoxClientOptions } from "./options";
export { PveApiError, isPveApiError, type PveErrorKind, type HttpMethod } from "./errors";
// The kind of a failure, as the client's one classification (`classify.ts`) decided it.
export { errorKindOf, isNotFound, wasRetried } from "./errors";
// The secret-looking parameters of a call, whose values stay out of its errors and task log.
export { secretParamValues } from "./redact";
// TOTP codes, and PVE's reading of `otpauth://totp/` URIs.
export { parseOtpauthTotp, totp, type OtpauthTotp, type TotpAlgorithm } from "./totp";
export type { PveParams, PveParamValue } from "./encode";
export { parseUpid, isUpid, type Upid } from "./upid";
export type { TaskResult, WaitForTaskOptions } from "./tasks";
export type { PveVersion } from "./capabilities";
export { lockKeyFor, nodeOf, runsInDaemon } from "./lock-keys";
