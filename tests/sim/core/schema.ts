/**
 * The vendored PVE 9.2 API schema, typed: the one loader of `schema/pve-api/schema.json` for the
 * simulator. The core validates requests and routes by it; models read the facts they need at
 * runtime from it (which keys an update accepts, which are optional, enums such as storage or zone
 * types, the properties a GET returns).
 * Routing follows `PVE::RESTHandler::find_handler`: the unescaped path splits on `/`,
 * each `{x}` matches one segment, and `{volume}` of the storage content path swallows
 * the rest of the path (`fragmentDelimiter => ''`).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { HttpMethod } from "../types";

/** A parameter (or property-string sub-key) as the compact schema describes it. */
export interface SchemaParam {
  readonly type?: string;
  readonly format?: string | Readonly<Record<string, SchemaParam>>;
  readonly optional?: boolean;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly default?: unknown;
  readonly requires?: string;
  readonly pathParam?: boolean;
  /** Property-string sub-keys: the key written without `name=` (schema.json has `1`), and key aliases (`virtio=MAC`). */
  readonly default_key?: number | boolean;
  readonly alias?: string;
  readonly keyAlias?: string;
  readonly items?: SchemaParam;
}

/** One schema method (`paths[template][METHOD]`). */
export interface SchemaMethod {
  readonly name: string;
  readonly parameters?: Readonly<Record<string, SchemaParam>>;
  readonly returns?: { readonly properties?: Readonly<Record<string, SchemaParam>> };
  readonly additionalParameters?: boolean;
  readonly protected?: boolean;
  readonly proxyto?: string;
  readonly allowtoken?: boolean;
  readonly permissions?: { readonly check?: readonly unknown[]; readonly user?: string; readonly custom?: boolean };
}

interface SchemaFile {
  readonly paths: Readonly<Record<string, Partial<Record<HttpMethod, SchemaMethod>>>>;
}

/** The root index `GET /` is served by PVE but absent from the API viewer schema. */
const ROOT_INDEX: SchemaMethod = { name: "index", parameters: {}, permissions: { user: "all" } };

/**
 * Templates whose last parameter takes the rest of the (unescaped) path, as PVE's subclasses mounted
 * with `fragmentDelimiter => ''` do: volume ids and IP set entries (a CIDR) contain '/'.
 */
const REST_OF_PATH = new Set([
  "/nodes/{node}/storage/{storage}/content/{volume}",
  "/cluster/firewall/ipset/{name}/{cidr}",
  "/nodes/{node}/qemu/{vmid}/firewall/ipset/{name}/{cidr}",
  "/nodes/{node}/lxc/{vmid}/firewall/ipset/{name}/{cidr}",
]);

let cached: SchemaFile | undefined;

/** Loads (lazily, once: the file is ~700 KB) the vendored schema. */
export function loadSchema(): SchemaFile {
  if (!cached) {
    const file = path.resolve(__dirname, "../../../schema/pve-api/schema.json");
    cached = JSON.parse(readFileSync(file, "utf8")) as SchemaFile;
  }
  return cached;
}

/** The schema definition of `method` on `template`, or undefined when PVE has none. */
export function schemaMethod(method: HttpMethod, template: string): SchemaMethod | undefined {
  if (template === "/") return method === "GET" ? ROOT_INDEX : undefined;
  return loadSchema().paths[template]?.[method];
}

/** The schema entry a model relies on; throws if the schema lacks it (a bug in the model). */
function modelMethod(method: HttpMethod, template: string): SchemaMethod {
  const entry = loadSchema().paths[template]?.[method];
  if (!entry) throw new Error(`schema has no ${method} ${template}`);
  return entry;
}

/** The parameters of `method template`; throws if the schema lacks it (a bug in the model). */
export function parametersOf(method: HttpMethod, template: string): Readonly<Record<string, SchemaParam>> {
  return modelMethod(method, template).parameters ?? {};
}

/** The enum of one parameter. */
export function enumOf(method: HttpMethod, template: string, param: string): string[] {
  return [...(parametersOf(method, template)[param]?.enum ?? [])];
}

/** The properties of the object `method template` returns (empty when it returns no object). */
export function returnPropertiesOf(method: HttpMethod, template: string): Readonly<Record<string, SchemaParam>> {
  return modelMethod(method, template).returns?.properties ?? {};
}

/** A matched route: the template and the path parameters taken from the URL. */
export interface RouteMatch {
  readonly template: string;
  readonly pathParams: Record<string, string>;
}

interface TrieNode {
  readonly literal: Map<string, TrieNode>;
  param?: { readonly name: string; readonly node: TrieNode; readonly rest: boolean };
  template?: string;
}

let trie: TrieNode | undefined;

function newNode(): TrieNode {
  return { literal: new Map() };
}

function buildTrie(): TrieNode {
  const root = newNode();
  root.template = "/";
  for (const template of Object.keys(loadSchema().paths)) {
    let node = root;
    for (const seg of template.split("/").filter((s) => s !== "")) {
      const m = /^\{(.+)\}$/.exec(seg);
      if (m?.[1]) {
        node.param ??= { name: m[1], node: newNode(), rest: REST_OF_PATH.has(template) && template.endsWith(seg) };
        node = node.param.node;
      } else {
        let next = node.literal.get(seg);
        if (!next) {
          next = newNode();
          node.literal.set(seg, next);
        }
        node = next;
      }
    }
    node.template = template;
  }
  return root;
}

/** Finds the template for an unescaped relative path such as `/nodes/pve1/tasks`; literal segments win over parameters. */
export function matchRoute(relPath: string): RouteMatch | undefined {
  trie ??= buildTrie();
  const segments = relPath.split("/").filter((s) => s !== "");
  const pathParams: Record<string, string> = {};
  let node: TrieNode = trie;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] ?? "";
    const lit = node.literal.get(seg);
    if (lit) {
      node = lit;
      continue;
    }
    if (!node.param) return undefined;
    if (node.param.rest) {
      pathParams[node.param.name] = segments.slice(i).join("/");
      node = node.param.node;
      break;
    }
    pathParams[node.param.name] = seg;
    node = node.param.node;
  }
  return node.template ? { template: node.template, pathParams } : undefined;
}
