/**
 * UPIDs ("unique process ids") name PVE worker tasks and, importantly, the node that runs them.
 */
import { PveApiError } from "./errors";
import { cleanServerText } from "./sanitize";

/** A decoded UPID. Numbers are decoded from hex, as `PVE::UPID::decode` does. */
export interface Upid {
  /** The node that runs the task: task status and log must be read from this node. */
  node: string;
  pid: number;
  /** Process start in clock ticks since boot (8 or 9 hex digits). */
  pstart: number;
  /** Unix time the task started. */
  starttime: number;
  /** Task type, e.g. `qmstart`, `vzdump`. */
  type: string;
  /** Task id, usually the VMID; may be empty or contain '-' and '>'. */
  id: string;
  /** The user that started the task, without the token part. */
  user: string;
  /** The API token name, for tasks started with a token (`user@realm!tokenid`). */
  tokenid?: string;
}

// PVE::UPID::decode, verbatim.
const UPID_RE = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

/** True when `value` looks like a UPID (PVE returns other strings too, e.g. volume ids). */
export function isUpid(value: unknown): value is string {
  return typeof value === "string" && UPID_RE.test(value);
}

/**
 * Decodes a UPID such as `UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:qmstart:100:root@pam:`.
 * @throws PveApiError of kind `validation` when the string is not a UPID.
 */
export function parseUpid(upid: string): Upid {
  const m = UPID_RE.exec(upid);
  if (!m) throw new PveApiError({ kind: "validation", message: `not a valid UPID: '${cleanServerText(upid)}'` });
  const [, node = "", , pid = "", pstart = "", starttime = "", type = "", id = "", fullUser = ""] = m;
  const bang = fullUser.indexOf("!");
  const result: Upid = {
    node,
    pid: Number.parseInt(pid, 16),
    pstart: Number.parseInt(pstart, 16),
    starttime: Number.parseInt(starttime, 16),
    type,
    id,
    user: bang === -1 ? fullUser : fullUser.slice(0, bang),
  };
  if (bang !== -1) result.tokenid = fullUser.slice(bang + 1);
  return result;
}
