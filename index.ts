/**
 * @naas/pulumi-proxmox: manage Proxmox VE with Pulumi.
 *
 * The REST client is exported for programs that need to call the API directly.
 */
export {
  ProxmoxClient,
  PveApiError,
  isPveApiError,
  isUpid,
  parseUpid,
  type HttpMethod,
  type ProxmoxClientOptions,
  type PveErrorKind,
  type PveParams,
  type PveParamValue,
  type PveVersion,
  type RequestOptions,
  type TaskResult,
  type Upid,
  type WaitForTaskOptions,
} from "./provider/client";

/** The typed resources and read functions, by namespace (`access`, `cluster`, ...). */
export * from "./sdk";
