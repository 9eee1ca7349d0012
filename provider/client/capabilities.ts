/**
 * What the connected PVE offers: its version, and whether a method/path exists.
 */
import { z } from "zod";
import { PveApiError, type HttpMethod } from "./errors";

/** `GET /version`, with major/minor parsed. */
export interface PveVersion {
  /** pve-manager version: `9.2.11` (PVE ≥ 8) or `7.4-3` (older). */
  version: string;
  /** `major.minor`, e.g. `9.2`. */
  release: string;
  /** Short git hash of the build. */
  repoid: string;
  major: number;
  minor: number;
}

const VersionData = z.looseObject({
  version: z.coerce.string(),
  release: z.coerce.string().optional(),
  repoid: z.coerce.string().optional(),
});

/** Parses the `data` of `GET /version`. */
export function parseVersion(raw: unknown): PveVersion {
  const parsed = VersionData.safeParse(raw);
  const m = parsed.success ? (/^(\d+)\.(\d+)/.exec(parsed.data.version) ?? /^(\d+)\.(\d+)/.exec(parsed.data.release ?? "")) : null;
  if (!parsed.success || !m) {
    throw new PveApiError({
      kind: "server",
      method: "GET",
      path: "/version",
      message: "GET /version: unexpected response (no 'version' like 9.2.11 or 7.4-3)",
    });
  }
  const { version, release, repoid } = parsed.data;
  return { version, release: release ?? `${m[1]}.${m[2]}`, repoid: repoid ?? "", major: Number(m[1]), minor: Number(m[2]) };
}

/** Parameter added to probes: unknown to every PVE method, so validation refuses it before any code runs. */
export const PROBE_PARAM = "_pulumi_proxmox_probe";

/**
 * Interprets the outcome of a probe request. PVE routes first (501 when the method/path is
 * unknown), then checks permissions (403), then validates (400): anything but 501 means the
 * method exists. Connection and auth failures are rethrown: they say nothing about support.
 */
export function probeResult(outcome: { ok: true } | { ok: false; error: unknown }): boolean {
  if (outcome.ok) return true;
  const { error } = outcome;
  if (!(error instanceof PveApiError)) throw error;
  if (error.status === 501) return false;
  if (error.kind === "unreachable" || error.kind === "timeout" || error.kind === "auth" || error.status === undefined) throw error;
  return true;
}

/** The probe parameters for a method: none for GET (reading is harmless), a bogus one otherwise. */
export function probeParams(method: HttpMethod): Record<string, number> | undefined {
  return method === "GET" ? undefined : { [PROBE_PARAM]: 1 };
}
