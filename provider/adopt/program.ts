/**
 * Writes Pulumi program code (TypeScript) that declares objects already on PVE with `adopt: true`,
 * from what the kinds' reads report: what `pulumi import` would generate, for the dynamic
 * resources that Pulumi's import cannot reach. Secret settings are never written out: the code
 * reads them from stack config instead, and says which keys to set.
 */
import { type KindDefinition, takesAdopt } from "../../schema/define";
import { definitionOf } from "../../schema/definitions";
import { type EngineApi, read } from "../engine";
import type { Props } from "../engine";

/** One object to adopt: its kind (`access.User`, `access:User` or the full type token), id and resource name. */
export interface AdoptRequest {
  kind: string;
  id: string;
  name?: string;
}

/** The definition for a kind written any of the ways users meet it. */
export function kindOf(kind: string): KindDefinition {
  const key = kind.replace(/^pulumi-nodejs:dynamic\/proxmox\//, "").replace(".", ":");
  return definitionOf(key);
}

/** A resource name from an id: letters, digits and dashes. */
export function resourceName(def: KindDefinition, id: string): string {
  const base = id
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
  return base || def.name.toLowerCase();
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A TypeScript literal of a plain value, indented like the program around it. */
function literal(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const flat = value.map((v) => literal(v, `${indent}  `));
    return flat.join(", ").length < 80 && !flat.some((f) => f.includes("\n"))
      ? `[${flat.join(", ")}]`
      : `[\n${flat.map((f) => `${indent}  ${f},`).join("\n")}\n${indent}]`;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${indent}  ${IDENT.test(k) ? k : JSON.stringify(k)}: ${literal(v, `${indent}  `)},`).join("\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** The SDK arguments of an object as read back: its input fields only, secrets from config. */
function argsOf(def: KindDefinition, name: string, props: Props, secretKeys: string[]): string {
  const lines: string[] = [];
  for (const field of def.fieldList) {
    const value = props[field.sdkName];
    if (value === undefined || value === null) continue;
    if (field.secret) {
      const key = `${name}-${field.sdkName}`;
      secretKeys.push(key);
      // Structured values (a plugin's settings map) are set as JSON.
      const getter = field.type.kind === "string" ? "requireSecret" : "requireSecretObject";
      lines.push(`  ${field.sdkName}: config.${getter}(${JSON.stringify(key)}),`);
    } else {
      lines.push(`  ${field.sdkName}: ${literal(value, "  ")},`);
    }
  }
  if (takesAdopt(def)) lines.push("  adopt: true,");
  return lines.join("\n");
}

/** Reads each requested object and writes the program that adopts them all. */
export async function writeAdoptProgram(api: EngineApi, requests: readonly AdoptRequest[]): Promise<string> {
  const blocks: string[] = [];
  const secretKeys: string[] = [];
  const names = new Set<string>();
  for (const request of requests) {
    const def = kindOf(request.kind);
    if (def.lifecycle === "action") throw new Error(`${def.namespace}.${def.name} is an operation, not an object: there is nothing to adopt`);
    const found = await read(def, api, request.id, {});
    if (!found.id) throw new Error(`${def.namespace}.${def.name} '${request.id}' does not exist`);
    const name = request.name ?? resourceName(def, found.id);
    if (names.has(name)) throw new Error(`two objects would be named '${name}': give one a name`);
    names.add(name);
    blocks.push(`new pve.${def.namespace}.${def.name}(${JSON.stringify(name)}, {\n${argsOf(def, name, found.props, secretKeys)}\n});`);
  }
  const header = [
    "// Written by `pulumi-proxmox adopt` from what PVE reports now. Copy these declarations into your",
    "// program: the first `pulumi up` adopts the objects (`adopt: true`) instead of creating them.",
    ...(secretKeys.length > 0
      ? [
          "// Secret settings are not written out; set them first (a map or list as JSON):",
          ...secretKeys.map((k) => `//   pulumi config set --secret ${k} <value>`),
        ]
      : []),
    ...(secretKeys.length > 0 ? ['import * as pulumi from "@pulumi/pulumi";'] : []),
    'import * as pve from "@naas/pulumi-proxmox";',
    "",
    ...(secretKeys.length > 0 ? ["const config = new pulumi.Config();", ""] : []),
  ];
  return `${[...header, blocks.join("\n\n")].join("\n")}\n`;
}
