/**
 * A Pulumi program for the end-to-end tests: it declares whatever resources the stack config
 * `resources` (JSON) lists, so one program serves every kind's scenario.
 * `{"$secret": "x"}` becomes `pulumi.secret("x")`; `{"$secretConfig": "k"}` the secret config `k` (JSON).
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as pve from "@naas/pulumi-proxmox";

interface Declared {
  namespace: string;
  kind: string;
  name: string;
  args: Record<string, unknown>;
  importId?: string;
  /** Names of declared resources this one waits for. */
  dependsOn?: string[];
  /** Resource options, by Pulumi's names. */
  options?: Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete" | "ignoreChanges" | "replaceOnChanges" | "deleteBeforeReplace">;
}

type Constructor = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

const config = new pulumi.Config();

function withSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSecrets);
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if ("$secret" in record) return pulumi.secret(record["$secret"]);
    // A secret kept in secret stack config (JSON), as users keep theirs.
    if (typeof record["$secretConfig"] === "string") return config.requireSecretObject(record["$secretConfig"]);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withSecrets(v)]));
  }
  return value;
}

// Large stacks (benchmarks) come as a file: one environment string is capped at 128 KiB on Linux.
const file = config.get("resourcesFile");
const declared = JSON.parse(file ? readFileSync(file, "utf8") : config.require("resources")) as Declared[];
const namespaces = pve as unknown as Record<string, Record<string, Constructor>>;
const made = new Map<string, pulumi.CustomResource>();
for (const item of declared) {
  const Kind = namespaces[item.namespace]?.[item.kind];
  if (!Kind) throw new Error(`no SDK class ${item.namespace}.${item.kind}`);
  const dependsOn = (item.dependsOn ?? []).map((name) => {
    const resource = made.get(name);
    if (!resource) throw new Error(`${item.name} depends on '${name}', which is not declared before it`);
    return resource;
  });
  const opts: pulumi.CustomResourceOptions = {
    ...item.options,
    ...(item.importId ? { import: item.importId } : {}),
    ...(dependsOn.length > 0 ? { dependsOn } : {}),
  };
  made.set(item.name, new Kind(item.name, withSecrets(item.args) as Record<string, unknown>, opts));
}
