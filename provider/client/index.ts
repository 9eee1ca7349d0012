/**
 * The Proxmox VE REST client: public exports.
 */
export { ProxmoxClient, type RequestOptions } from "./client";
export type { ProxmoxClientOptions } from "./options";
export { PveApiError, isPveApiError, type PveErrorKind, type HttpMethod } from "./errors";
export type { PveParams, PveParamValue } from "./encode";
export { parseUpid, isUpid, type Upid } from "./upid";
export type { TaskResult, WaitForTaskOptions } from "./tasks";
export type { PveVersion } from "./capabilities";
export { lockKeyFor, nodeOf, runsInDaemon } from "./lock-keys";
