/**
 * A read function is a definition like a kind: a spec (the GET it runs, the arguments it takes,
 * the kind it returns) that `defineRead` checks against the official schema once, when the module
 * loads, so that a spec naming what PVE lacks fails there instead of in a user's program.
 */
import { definitionOf } from "../definitions";
import type { FieldDef } from "../fields";
import type { ApiMethod, ApiParam } from "../pve-schema";
import { requireApiMethod } from "../pve-schema";

/** One argument of a read function: a path or query parameter of its GET, under an SDK name. */
export interface ReadArg {
  /** The PVE parameter (path or query) the argument fills. */
  readonly pveName: string;
  /** The argument's name in the SDK (camelCase); Terraform uses its snake_case form. */
  readonly sdkName: string;
  /** What the argument means, in our words (the SDK's and the data source's doc). */
  readonly doc: string;
  /** The argument may be left out (never for a path parameter). */
  readonly optional?: boolean;
}

/**
 * How a result filter compares its argument with one key of each returned item:
 * - `equals`: the item's value is the argument (a string, or a number when the key is numeric);
 * - `tag`: the argument is one of the item's tags, a list PVE joins with `;` (split as PVE splits
 *   lists, so `,` and blanks separate too), compared as PVE shows them;
 * - `flag`: a boolean argument against the item's 0/1 (or true/false); a missing key is false.
 */
export type ItemMatch = "equals" | "tag" | "flag";

/**
 * An argument PVE never sees: it keeps only the returned list's items that match it, for filters
 * PVE does not offer server-side (`GET /cluster/resources` has no `pool` or `tag` parameter).
 * Always optional: left out, it keeps every item.
 */
export interface ReadFilter {
  /** The argument's name in the SDK (camelCase); Terraform uses its snake_case form. */
  readonly sdkName: string;
  /** What the argument keeps, in our words (the SDK's and the data source's doc). */
  readonly doc: string;
  /** The key of each returned item (PVE's name, as in the GET's `returns`) that the argument is compared with. */
  readonly field: string;
  /** How the argument is compared with it. */
  readonly match: ItemMatch;
}

/** What a read function's file states; `defineRead` derives and checks the rest. */
export interface ReadSpec {
  /** SDK namespace; empty for the package root. */
  readonly namespace: string;
  /** Function name, e.g. `getUser`. */
  readonly name: string;
  /** The function's doc comment: what it reads, with the GET it runs. */
  readonly description: string;
  /** The GET's path template, as the official schema names it (`/access/users/{userid}`). */
  readonly path: string;
  /** The arguments, in the order the SDK and Terraform show them. */
  readonly args: readonly ReadArg[];
  /** Constant query parameters. */
  readonly query?: Readonly<Record<string, string | number>>;
  /**
   * Arguments that filter the returned list instead of going to PVE, shown after `args`. The
   * Pulumi read and the Terraform data source apply them alike (`provider/read-call.ts`).
   */
  readonly filters?: readonly ReadFilter[];
  /**
   * Only the returned list's items whose keys have these values, always: a GET that answers more
   * than the read is about (`GET /cluster/resources?type=vm` lists containers too; `{ type: "qemu" }`
   * keeps the VMs).
   */
  readonly itemsWhere?: Readonly<Record<string, string | number>>;
  /** The result is the first item of the returned list (PVE answers some single reads with a list). */
  readonly firstItem?: boolean;
  /**
   * The result (or each item of a returned list) is this kind's object as PVE returns it, by kind
   * key (`access:Realm`): the values of the kind's secret fields are secret outputs in it, so that
   * a program cannot put them in plain text into its stack outputs or state.
   */
  readonly objectOf?: string;
}

/** The type of an argument's value, as the SDK and Terraform declare it. */
export type ReadArgumentType = "string" | "number" | "boolean";

/** One argument as the SDK and the Terraform data source show it: a PVE parameter's or a filter's, typed. */
export interface ReadArgument {
  /** The SDK name (camelCase); Terraform uses its snake_case form. */
  readonly sdkName: string;
  /** The argument's doc. */
  readonly doc: string;
  /** The argument may be left out. */
  readonly optional: boolean;
  /** The type of its value: a PVE parameter's from the official schema, a filter's from its match and the item key it tests. */
  readonly type: ReadArgumentType;
}

/** A read function as the SDK generator, the Pulumi read path and the Terraform data sources use it. */
export interface ReadDefinition extends ReadSpec {
  /** The name callers and the SDK use: `access.getUser`, or `getVersion` at the package root. */
  readonly qualifiedName: string;
  /** Every argument, typed, in the order the SDK and Terraform show them: `args`, then `filters`. */
  readonly arguments: readonly ReadArgument[];
  /**
   * The GET method as the official schema describes it (looked up once, by `defineRead`), except
   * that the flags of the kind it returns (`objectOf`) are booleans in its result, as in the kind.
   */
  readonly method: ApiMethod;
}

/** The `{x}` placeholders of a path template, in order. */
export function pathParamsOf(path: string): readonly string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

/** `access.getUser` for `getUser` in `access`; the bare name at the package root. */
export function qualifiedReadName(spec: Pick<ReadSpec, "namespace" | "name">): string {
  return spec.namespace ? `${spec.namespace}.${spec.name}` : spec.name;
}

/** The type of a value of `param` (a parameter, or a key of a returned item) in the SDK. */
function valueType(param: Pick<ApiParam, "type"> | undefined): ReadArgumentType {
  if (param?.type === "boolean") return "boolean";
  if (param?.type === "integer" || param?.type === "number") return "number";
  return "string";
}

/** The keys of each item of a GET's returned list, or undefined when it returns no list of objects. */
function itemKeysOf(method: ApiMethod): Readonly<Record<string, ApiParam>> | undefined {
  if (method.returns.type !== "array" || typeof method.returns.items !== "object" || method.returns.items === null) return undefined;
  return (method.returns.items as { properties?: Record<string, ApiParam> }).properties;
}

/** The type a filter's argument takes: boolean for a flag, else the tested key's (a tag is a string). */
function filterType(filter: ReadFilter, key: ApiParam | undefined): ReadArgumentType {
  if (filter.match === "flag") return "boolean";
  if (filter.match === "tag") return "string";
  return valueType(key);
}

/** Which item key types each match can test: a flag is a boolean or PVE's 0/1 integer. */
const MATCHABLE: Readonly<Record<ItemMatch, readonly ApiParam["type"][]>> = {
  equals: ["string", "integer", "number"],
  tag: ["string"],
  flag: ["boolean", "integer"],
};

/** The rules of `filters` and `itemsWhere` against the items the GET returns; `seenSdk` holds the arguments' names. */
function checkItemFilters(spec: ReadSpec, where: string, method: ApiMethod, seenSdk: Set<string>): void {
  if (!spec.filters?.length && !spec.itemsWhere) return;
  const keys = itemKeysOf(method);
  if (!keys) throw new Error(`${where}: filters and itemsWhere need a GET that returns a list of objects (GET ${spec.path} does not)`);
  for (const filter of spec.filters ?? []) {
    if (seenSdk.has(filter.sdkName)) throw new Error(`${where}: two arguments are named '${filter.sdkName}'`);
    seenSdk.add(filter.sdkName);
    const key = keys[filter.field];
    if (!key) throw new Error(`${where}: the items of GET ${spec.path} have no key '${filter.field}' (filter '${filter.sdkName}')`);
    if (!MATCHABLE[filter.match].includes(key.type))
      throw new Error(`${where}: filter '${filter.sdkName}' matches '${filter.field}' as ${filter.match}, but that key is of type ${key.type}`);
  }
  for (const [name, value] of Object.entries(spec.itemsWhere ?? {})) {
    const key = keys[name];
    if (!key) throw new Error(`${where}: the items of GET ${spec.path} have no key '${name}' (itemsWhere)`);
    if (valueType(key) !== typeof value) throw new Error(`${where}: itemsWhere gives '${name}' a ${typeof value}, but that key is of type ${key.type}`);
    if (key.enum && !key.enum.includes(String(value)))
      throw new Error(`${where}: itemsWhere gives '${name}' '${String(value)}', which is none of ${key.enum.join(", ")}`);
  }
}

/** The rules a read spec must follow against its GET method; throws naming the first it breaks. */
function checkRead(spec: ReadSpec, where: string, method: ApiMethod): void {
  if (!/^get[A-Z]/.test(spec.name)) throw new Error(`${where}: a read function's name starts with 'get' and a capital (its generated type names do)`);
  const seenPve = new Set<string>();
  // The data source's own attribute: an argument of that name would hide it.
  const seenSdk = new Set<string>(["result"]);
  for (const arg of spec.args) {
    if (seenPve.has(arg.pveName)) throw new Error(`${where}: two arguments fill '${arg.pveName}'`);
    if (seenSdk.has(arg.sdkName)) throw new Error(`${where}: two arguments are named '${arg.sdkName}'`);
    seenPve.add(arg.pveName);
    seenSdk.add(arg.sdkName);
    if (!method.parameters[arg.pveName]) throw new Error(`${where}: GET ${spec.path} has no parameter '${arg.pveName}' (argument '${arg.sdkName}')`);
  }
  const inPath = pathParamsOf(spec.path);
  for (const name of inPath) {
    const arg = spec.args.find((a) => a.pveName === name);
    if (!arg) throw new Error(`${where}: no argument fills '{${name}}' in ${spec.path}`);
    if (arg.optional) throw new Error(`${where}: argument '${arg.sdkName}' fills '{${name}}' in ${spec.path}, so it cannot be optional`);
  }
  for (const name of Object.keys(spec.query ?? {})) {
    if (!method.parameters[name]) throw new Error(`${where}: GET ${spec.path} has no parameter '${name}' (constant query)`);
    if (seenPve.has(name)) throw new Error(`${where}: '${name}' is both an argument and a constant query parameter`);
  }
  for (const [name, param] of Object.entries(method.parameters)) {
    const given = spec.query?.[name] !== undefined || spec.args.some((a) => a.pveName === name && !a.optional);
    if (param.optional !== true && !given) throw new Error(`${where}: GET ${spec.path} requires '${name}', which no required argument or constant gives`);
  }
  checkItemFilters(spec, where, method, seenSdk);
  if (spec.firstItem && method.returns.type !== "array")
    throw new Error(`${where}: firstItem needs a GET that returns a list (GET ${spec.path} returns ${method.returns.type ?? "no declared type"})`);
  // Throws naming the known kinds when there is no such kind.
  if (spec.objectOf) definitionOf(spec.objectOf);
}

/** Builds a read function from its spec and the official schema. Throws when the spec names what PVE lacks. */
export function defineRead(spec: ReadSpec): ReadDefinition {
  const qualifiedName = qualifiedReadName(spec);
  const where = `read function ${qualifiedName}`;
  let method: ApiMethod;
  try {
    method = requireApiMethod("GET", spec.path);
  } catch (error) {
    throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  checkRead(spec, where, method);
  const keys = itemKeysOf(method) ?? {};
  const args: ReadArgument[] = [
    ...spec.args.map((arg) => ({ sdkName: arg.sdkName, doc: arg.doc, optional: arg.optional === true, type: valueType(method.parameters[arg.pveName]) })),
    ...(spec.filters ?? []).map((filter) => ({ sdkName: filter.sdkName, doc: filter.doc, optional: true, type: filterType(filter, keys[filter.field]) })),
  ];
  return {
    ...spec,
    qualifiedName,
    arguments: args,
    method: spec.objectOf ? { ...method, returns: withFlags(method.returns, spec.objectOf) } : method,
  };
}

/**
 * The result's schema with the kind's flags as booleans: PVE types some flags as integers (a
 * firewall's `enable`, "integer, minimum 0"), which the kind's SDK types as booleans; the read of
 * the same object must say the same.
 */
function withFlags(returns: ApiMethod["returns"], objectOf: string): ApiMethod["returns"] {
  const flags = new Set(
    definitionOf(objectOf)
      .fieldList.filter((field) => field.type.kind === "boolean" && field.param.type === "integer")
      .map((field) => field.pveName),
  );
  const adjust = (properties: Record<string, ApiParam> | undefined): Record<string, ApiParam> | undefined =>
    properties && Object.fromEntries(Object.entries(properties).map(([key, param]) => [key, flags.has(key) ? { ...param, type: "boolean" } : param]));
  if (returns.type === "array" && typeof returns.items === "object" && returns.items !== null) {
    const items = returns.items as { properties?: Record<string, ApiParam> };
    return { ...returns, items: { ...items, properties: adjust(items.properties) } };
  }
  return { ...returns, properties: adjust(returns.properties) };
}

/** The fields whose values are secret in a read's result: the secret fields of the kind it returns (see `objectOf`). */
export function secretFieldsOf(spec: ReadSpec): readonly FieldDef[] {
  return spec.objectOf ? definitionOf(spec.objectOf).fieldList.filter((field) => field.secret) : [];
}
