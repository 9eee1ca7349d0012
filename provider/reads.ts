/**
 * Read functions run inside the Pulumi program (dynamic providers have no invokes). They use the
 * same connection settings as resources: the stack config `proxmox:*` when it sets any of them,
 * else `PROXMOX_VE_*`. Values of secret fields come back as secret outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { booleanCodec, numberCodec } from "../schema/codecs";
import { toCamel } from "../schema/naming";
import type { ApiParam } from "../schema/pve-schema";
import type { FieldDef } from "../schema/fields";
import { readOf, secretFieldsOf } from "../schema/reads";
import type { ProxmoxClient } from "./client";
import { fetchRead, secretKeyMatcher } from "./read-call";
import { clientFor } from "./runtime/connection";
import { CONNECTION_SETTINGS, resolveConnection } from "./runtime/credentials";

type ReturnSchema = Partial<ApiParam> & { properties?: Record<string, ApiParam>; items?: unknown };

/** Decodes PVE's JSON by the official `returns` schema: camelCase keys, real booleans and numbers. */
export function decodeReturn(schema: ReturnSchema | undefined, raw: unknown): unknown {
  if (raw === null || raw === undefined) return undefined;
  if (Array.isArray(raw)) return raw.map((item) => decodeReturn(schema?.items as ReturnSchema | undefined, item));
  if (typeof raw === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      // A numbered key (`net0`) is described by its indexed entry (`net[n]`).
      out[toCamel(key)] = decodeReturn(schema?.properties?.[key] ?? schema?.properties?.[key.replace(/\d+$/, "[n]")], value);
    }
    return out;
  }
  if (schema?.type === "boolean") return booleanCodec.decode(raw);
  if (schema?.type === "integer" || schema?.type === "number") return numberCodec.decode(raw);
  return raw;
}

/** Wraps the secret fields' values of an object, or of each object of a list, as secret outputs. */
function markSecrets(value: unknown, fields: readonly FieldDef[]): unknown {
  if (fields.length === 0) return value;
  const isSecret = secretKeyMatcher(fields, toCamel);
  const mark = (item: unknown): unknown => {
    if (item === null || typeof item !== "object") return item;
    if (Array.isArray(item)) return item.map(mark);
    return Object.fromEntries(Object.entries(item).map(([key, v]) => [key, v !== undefined && isSecret(key) ? pulumi.secret(v) : v]));
  };
  return mark(value);
}

/** Config keys that hold secrets: read with getSecret, so Pulumi does not warn about plain reads. */
const SECRET_KEYS = new Set(["apiToken", "password", "totpSecret"]);

function plain(output: pulumi.Output<string>): Promise<string> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** The program's stack config `proxmox:*`, secrets unwrapped (they never leave this process). */
async function programConfig(): Promise<Map<string, string>> {
  const config = new pulumi.Config("proxmox");
  const values = new Map<string, string>();
  for (const { config: qualified } of CONNECTION_SETTINGS) {
    const key = qualified.replace(/^proxmox:/, "");
    const secret = SECRET_KEYS.has(key) ? config.getSecret(key) : undefined;
    const value = secret ? await plain(secret) : config.get(key);
    if (value !== undefined) values.set(qualified, value);
  }
  return values;
}

/** The client for the program's connection settings: the same cache as the resources' (`clientFor`). */
async function programClient(): Promise<ProxmoxClient> {
  const values = await programConfig();
  return clientFor(resolveConnection({ get: (key) => values.get(key) }));
}

/** Runs the read function `qualifiedName` (e.g. `access.getUser`) with SDK-named arguments. */
export async function invokeRead<T>(qualifiedName: string, args: Readonly<Record<string, unknown>>): Promise<T> {
  const spec = readOf(qualifiedName);
  const raw = await fetchRead(await programClient(), spec.qualifiedName, spec, args);
  const decoded = markSecrets(decodeReturn(spec.method.returns as ReturnSchema, raw), secretFieldsOf(spec));
  if (!spec.firstItem) return decoded as T;
  const first = Array.isArray(decoded) ? decoded[0] : undefined;
  if (first === undefined) throw new Error(`${qualifiedName}: nothing found for ${JSON.stringify(args)}`);
  return first as T;
}
