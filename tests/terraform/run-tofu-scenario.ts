/**
 * One kind's lifecycle through the real `tofu`, from the same scenarios the Pulumi suites run:
 * invalid input fails the plan naming the attribute, create, a plan with no changes, an update in
 * place, a replacement, refresh showing drift, import by the documented id with no diff, destroy;
 * sensitive values never printed, write-only secrets never in `terraform.tfstate`.
 */
import { expect } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { toSnake } from "../../schema/naming";
import { definitionOf } from "../../schema/definitions";
import { type ResourceType, isWriteOnlySecret, resourceTypes } from "../../provider/terraform/schema";
import type { KindScenario } from "../e2e/scenarios";
import { startSimulator } from "../sim";
import { REQUIRED_PROVIDERS, type Workspace, actionsOf, changedAttributes, workspace } from "./tofu";

export const TOKEN_SECRET = "5f0e9d8c-7b6a-4c3d-8e2f-1a0b9c8d7e6f";
const TOKEN = `root@pam!tofu=${TOKEN_SECRET}`;

/** The resource type of a scenario's kind. */
export function resourceTypeOf(s: Pick<KindScenario, "namespace" | "kind">): ResourceType {
  const def = definitionOf(`${s.namespace}:${s.kind}`);
  const found = [...resourceTypes.values()].find((rt) => rt.def === def);
  if (!found) throw new Error(`no resource type for ${def.key}`);
  return found;
}

/**
 * A scenario's value in Terraform's shape: `{ $secret: v }` unwrapped, a property string's keys in
 * snake_case (they are attributes); a map's keys (`CF_Token`) are data and stay.
 */
function tfValue(value: unknown, keys: "attributes" | "data" = "attributes"): unknown {
  if (Array.isArray(value)) return value.map((item) => tfValue(item, keys));
  if (typeof value === "object" && value !== null) {
    if ("$secret" in value) return tfValue((value as { $secret: unknown }).$secret, keys);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [keys === "attributes" ? toSnake(k) : k, tfValue(v, keys)]));
  }
  return value;
}

/**
 * Translates SDK-named args to a resource body. A write-only secret is never in state, so a change of
 * it is told by its `<name>_version`: each distinct value gets its own version, as a user would bump it.
 */
export class ArgsTranslator {
  private readonly versions = new Map<string, Map<string, string>>();
  constructor(private readonly rt: ResourceType) {}

  /** The resource body; `versions: false` leaves the versions out (an imported object's secrets were never sent by us). */
  body(args: Record<string, unknown>, { versions = true }: { versions?: boolean } = {}): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(args)) {
      const field = this.rt.def.fieldsBySdkName.get(key);
      const name = field ? toSnake(field.sdkName) : toSnake(key);
      body[name] = tfValue(value, field?.type.kind === "map" || key === "triggers" ? "data" : "attributes");
      if (field && isWriteOnlySecret(field) && versions) {
        const seen = this.versions.get(name) ?? new Map<string, string>();
        const text = JSON.stringify(tfValue(value));
        if (!seen.has(text)) seen.set(text, String(seen.size + 1));
        this.versions.set(name, seen);
        body[`${name}_version`] = seen.get(text);
      }
    }
    return body;
  }

  /**
   * What a user imports with: optional write-only secrets left out (PVE keeps the one it has; setting
   * one would rightly plan sending it), required ones given without a version, so nothing is sent.
   */
  forImport(args: Record<string, unknown>): Record<string, unknown> {
    const kept = Object.entries(args).filter(([key]) => {
      const field = this.rt.def.fieldsBySdkName.get(key);
      return !(field && isWriteOnlySecret(field) && !field.required);
    });
    return this.body(Object.fromEntries(kept), { versions: false });
  }

  /** Terraform's attribute for an SDK name (a write-only secret's change shows on its version). */
  attribute(sdkName: string): string {
    const field = this.rt.def.fieldsBySdkName.get(sdkName);
    if (!field) return toSnake(sdkName);
    return isWriteOnlySecret(field) ? `${toSnake(field.sdkName)}_version` : toSnake(field.sdkName);
  }
}

/** Write-only secret values of a scenario's args (they must never reach the state). */
function writeOnlySecrets(rt: ResourceType, ...argSets: Array<Record<string, unknown> | undefined>): string[] {
  const values: string[] = [];
  for (const args of argSets) {
    for (const [key, value] of Object.entries(args ?? {})) {
      const field = rt.def.fieldsBySdkName.get(key);
      if (field && isWriteOnlySecret(field)) values.push(...(JSON.stringify(tfValue(value)).match(/[^"{}:,[\]]{6,}/g) ?? []));
    }
  }
  return values;
}

/**
 * Terraform converts a number given for a string attribute (`cidr = 10` is `"10"`): the Pulumi
 * scenarios' "wrong type" cases are written as a list there, which Terraform's own type check refuses.
 */
function typeMismatch(rt: ResourceType, args: Record<string, unknown>, property: string): Record<string, unknown> {
  const field = rt.def.fieldsBySdkName.get(property);
  const value = args[property];
  if (field?.type.kind !== "string" || (typeof value !== "number" && typeof value !== "boolean")) return args;
  return { ...args, [property]: [value] };
}

function config(rt: ResourceType, resources: Record<string, Record<string, unknown>>): unknown {
  return { terraform: REQUIRED_PROVIDERS, provider: { proxmox: {} }, resource: { [rt.typeName]: resources } };
}

/** The input attributes of a resource type (what a plan's update can change). */
function inputs(rt: ResourceType): Set<string> {
  return new Set(rt.bound.filter((b) => b.source.kind === "field" || b.source.kind === "version" || b.source.kind === "triggers").map((b) => b.attribute.name));
}

export async function runTofuScenario(s: KindScenario): Promise<void> {
  const rt = resourceTypeOf(s);
  const sim = await startSimulator({ nodes: 2, apiToken: TOKEN, authFailureDelayMs: 0, taskDurationMs: 20 });
  const ticket = s.auth === "ticket";
  const admin = ticket
    ? new ProxmoxClient({ endpoint: sim.endpoint, username: "root@pam", password: sim.rootPassword, fingerprint: sim.fingerprint })
    : new ProxmoxClient({ endpoint: sim.endpoint, apiToken: TOKEN, fingerprint: sim.fingerprint });
  // The provider block is empty: the connection comes from the same PROXMOX_VE_* variables as on the Pulumi side.
  const env = {
    PROXMOX_VE_ENDPOINT: sim.endpoint,
    PROXMOX_VE_FINGERPRINT: sim.fingerprint,
    ...(ticket ? { PROXMOX_VE_USERNAME: "root@pam", PROXMOX_VE_PASSWORD: sim.rootPassword } : { PROXMOX_VE_API_TOKEN: TOKEN }),
  };
  let ws: Workspace | undefined;
  const address = `${rt.typeName}.res`;
  const t = new ArgsTranslator(rt);
  const names = inputs(rt);
  // Drift shows on outputs too (a certificate's fingerprint), as in the Pulumi scenarios.
  const everything = new Set(rt.schema.attributes.map((a) => a.name).filter((n) => n !== "id"));
  try {
    await s.setup?.(admin);
    ws = await workspace(env);
    const w = ws;
    const wo = writeOnlySecrets(rt, s.initial, s.updated?.args, s.replaced?.args);
    const stateHasNoWriteOnlySecret = (): void => {
      for (const secret of wo) expect(w.state(), "terraform.tfstate").not.toContain(secret);
    };
    const declare = (args: Record<string, unknown>, more: Record<string, Record<string, unknown>> = {}): void =>
      w.write(config(rt, { res: t.body(args), ...more }));
    // `tofu init` installs the provider from the implied local mirror: no registry is reachable here.
    declare(s.initial);
    await w.tofu(["init", "-input=false"]);

    if (s.invalid) {
      declare(typeMismatch(rt, s.invalid.args, s.invalid.property));
      const rejected = await w.tofu(["plan", "-input=false"], { allowFailure: true });
      expect(rejected.code, "invalid inputs fail the plan").not.toBe(0);
      // The error is about the value, so it names the attribute itself (never a secret's `_version`).
      expect(rejected.output).toContain(`attribute "${toSnake(s.invalid.property.split(".")[0] ?? "")}`);
    }

    declare(s.initial);
    const planned = await w.plan();
    expect(actionsOf(planned.json, address)).toEqual(["create"]);
    // Sensitive and write-only settings are shown as such, never as their value.
    for (const name of Object.keys(t.body(s.initial))) {
      const attribute = rt.schema.attributes.find((a) => a.name === name);
      if (attribute?.writeOnly) expect(planned.run.output).toMatch(new RegExp(`\\+ ${name} +=  ?\\(write-only attribute\\)`));
      else if (attribute?.sensitive) expect(planned.run.output).toMatch(new RegExp(`\\+ ${name} += \\(sensitive value\\)`));
    }
    expect(await s.exists(admin, s.initial), "a plan writes nothing").toBe(false);
    const created = await w.applyPlan();
    expect(created.output).toContain("Apply complete! Resources: 1 added");
    expect(await s.exists(admin, s.initial)).toBe(true);
    await s.settled?.(admin, sim);
    stateHasNoWriteOnlySecret();

    const noop = await w.tofu(["plan", "-input=false", "-detailed-exitcode"], { allowFailure: true });
    expect(noop.code, `no changes after apply:\n${noop.output}`).toBe(0);

    if (s.updated) {
      declare(s.updated.args);
      const plannedUpdate = await w.plan();
      expect(actionsOf(plannedUpdate.json, address)).toEqual(["update"]);
      const change = plannedUpdate.json.resource_changes?.find((c) => c.address === address);
      expect(changedAttributes(change, names)).toEqual(s.updated.diffs.map((d) => t.attribute(d)).sort());
      await w.applyPlan();
      await s.settled?.(admin, sim);
      stateHasNoWriteOnlySecret();
      const after = await w.tofu(["plan", "-input=false", "-detailed-exitcode"], { allowFailure: true });
      expect(after.code, `no changes after the update:\n${after.output}`).toBe(0);
    }

    let current = s.updated?.args ?? s.initial;
    if (s.replaced) {
      declare(s.replaced.args);
      const plannedReplace = await w.plan();
      expect(actionsOf(plannedReplace.json, address)).toEqual(["delete", "create"]);
      const change = plannedReplace.json.resource_changes?.find((c) => c.address === address);
      expect((change?.change.replace_paths ?? []).map((p) => p.join(".")).sort()).toEqual(s.replaced.replaces.map((r) => t.attribute(r)).sort());
      await w.applyPlan();
      expect(await s.exists(admin, current), "the old object is gone").toBe(false);
      expect(await s.exists(admin, s.replaced.args), "the new object exists").toBe(true);
      await s.settled?.(admin, sim);
      stateHasNoWriteOnlySecret();
      current = s.replaced.args;
    }

    declare(current);
    await s.drift.edit(admin, current);
    const refreshed = await w.plan(["-refresh-only"]);
    const drift = refreshed.json.resource_drift?.find((c) => c.address === address);
    expect(changedAttributes(drift, everything), "refresh shows the drift").toEqual(s.drift.keys.map((k) => t.attribute(k)).sort());
    const converge = await w.plan();
    const expected = s.drift.keys.length === 0 ? ["no-op"] : s.drift.step === "replace" ? ["delete", "create"] : ["update"];
    expect(actionsOf(converge.json, address).length === 0 ? ["no-op"] : actionsOf(converge.json, address)).toEqual(expected);
    await w.applyPlan();

    const existing = await s.existing(admin);
    declare(current, { adopted: t.forImport(existing.args) });
    await w.tofu(["import", "-input=false", `${rt.typeName}.adopted`, existing.importId]);
    const afterImport = await w.tofu(["plan", "-input=false", "-detailed-exitcode"], { allowFailure: true });
    expect(afterImport.code, `no diff after import:\n${afterImport.output}`).toBe(0);
    await s.settled?.(admin, sim);
    stateHasNoWriteOnlySecret();

    await w.tofu(["destroy", "-auto-approve", "-input=false"]);
    if (!s.destroyKeeps) expect(await s.exists(admin, current)).toBe(false);
    if (s.replaced && !s.destroyKeeps) expect(await s.exists(admin, existing.args)).toBe(false);
    await s.settled?.(admin, sim);

    // Nothing secret was printed at any step (sensitive and write-only values are masked).
    for (const secret of [TOKEN_SECRET, sim.rootPassword, ...(s.secrets ?? [])]) expect(w.transcript(), "printed output").not.toContain(secret);
  } finally {
    ws?.close();
    admin.close();
    await sim.close();
  }
}
