/** Data sources: the read functions of `schema/reads`, run through the same GET as the Pulumi side. */
import { secretFieldsOf } from "../../schema/reads";
import { fetchRead, secretKeyMatcher } from "../read-call";
import { type CtyObject, type CtyType, type CtyValue, conform } from "./cty";
import type { Connection } from "./connection";
import { type DataSourceType, indexedResultAttributes, resultKey } from "./schema";

type ReturnSchema = { properties?: Record<string, unknown>; items?: unknown };

/** PVE's JSON in the result's type: object keys renamed as the schema names them. */
function resultValue(raw: unknown, type: CtyType): CtyValue {
  if (raw === null || raw === undefined) return null;
  if (typeof type === "string") return type === "dynamic" ? renamed(raw) : conform(raw, type);
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") return (Array.isArray(raw) ? raw : []).map((item) => resultValue(item, inner));
  if (kind === "object" && typeof raw === "object") {
    const byName = new Map(Object.entries(raw as Record<string, unknown>).map(([key, value]) => [resultKey(key), value]));
    return Object.fromEntries(Object.entries(inner).map(([name, t]) => [name, resultValue(byName.get(name), t)]));
  }
  return conform(raw, type);
}

/**
 * PVE's JSON with the numbered keys of each indexed key (`net0`, `net1` of `net[n]`) gathered into
 * one map by slot number under the attribute the result's type names for it (`net`), by `schema`.
 */
function foldIndexed(raw: unknown, schema: ReturnSchema | undefined): unknown {
  if (raw === null || typeof raw !== "object" || !schema) return raw;
  if (Array.isArray(raw)) return raw.map((item) => foldIndexed(item, schema.items as ReturnSchema | undefined));
  const properties = schema.properties ?? {};
  const indexed = [...indexedResultAttributes(properties)].map(([key, { base, name }]) => ({ key, name, pattern: new RegExp(`^${base}(\\d+)$`) }));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const slot = Object.hasOwn(properties, key) ? undefined : indexed.find((entry) => entry.pattern.test(key));
    if (!slot) {
      out[key] = foldIndexed(value, properties[key] as ReturnSchema | undefined);
      continue;
    }
    const n = slot.pattern.exec(key)?.[1] ?? "";
    const map = (out[slot.name] ??= {}) as Record<string, unknown>;
    map[n] = foldIndexed(value, properties[slot.key] as ReturnSchema | undefined);
  }
  return out;
}

/** A free-form part of a result, with the same key renaming. */
function renamed(raw: unknown): CtyValue {
  if (raw === null || raw === undefined) return null;
  if (Array.isArray(raw)) return raw.map(renamed);
  if (typeof raw === "object")
    return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([key, value]) => [resultKey(key), renamed(value)]));
  return raw as CtyValue;
}

/**
 * The answer without its secret fields' values (a realm's OpenID client key, a user's OATH keys):
 * Terraform can only mark a whole attribute sensitive, which would hide every user of a listing;
 * a secret stays out of the plan and the state instead (read it with the Pulumi read function).
 */
function withoutSecrets(raw: unknown, isSecret: (key: string) => boolean): unknown {
  if (raw === null || typeof raw !== "object") return raw;
  if (Array.isArray(raw)) return raw.map((item) => withoutSecrets(item, isSecret));
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([key]) => !isSecret(key)));
}

/** ReadDataSource: the arguments from the configuration, the result from PVE. */
export async function readData(ds: DataSourceType, connection: Connection, config: CtyObject): Promise<CtyObject> {
  const args: Record<string, unknown> = {};
  for (const [name, arg] of ds.args) {
    const value = config[name] ?? null;
    if (value !== null) args[arg.sdkName] = value;
  }
  const qualified = ds.spec.namespace ? `${ds.spec.namespace}.${ds.spec.name}` : ds.spec.name;
  const answer = withoutSecrets(await fetchRead(connection.require(), qualified, ds.spec, args), secretKeyMatcher(secretFieldsOf(ds.spec)));
  const raw = foldIndexed(answer, ds.spec.method.returns as ReturnSchema);
  const resultType = ds.type[0] === "object" ? ((ds.type[1] as Record<string, CtyType>)["result"] ?? "dynamic") : "dynamic";
  const picked = ds.spec.firstItem ? (Array.isArray(raw) ? raw[0] : undefined) : raw;
  if (ds.spec.firstItem && picked === undefined) throw new Error(`${ds.typeName}: nothing found for ${JSON.stringify(args)}`);
  return { ...config, result: resultValue(picked, resultType) };
}
