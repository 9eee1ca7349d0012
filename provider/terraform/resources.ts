/**
 * Managed resources over the engine: validate, plan, apply, read, import and state upgrade. Every
 * decision about PVE (validation, what changed, what replaces, create/update/delete, read-back) is
 * the engine's, the same calls the Pulumi runtime makes; this module only applies Terraform's
 * planning rules around them:
 * - a non-null configuration value is planned as written, or as the prior value when the engine's
 *   codecs find them equal (PVE's normalization is never a diff);
 * - an optional setting the configuration leaves out keeps what PVE has, unless the configuration
 *   managed it before (the private state records which ones), then it is removed;
 * - computed outputs are unknown only where an apply will change them;
 * - write-only secrets come from the configuration only and are never planned or stored; their
 *   `<name>_version` attribute says when to send them again.
 */
import * as engine from "../engine";
import type { Props } from "../engine";
import { createRedactor } from "../client/redact";
import { clusterNodes } from "../runtime/cluster";
import { type CtyObject, type CtyValue, UNKNOWN, conform, hasUnknown, isObject } from "./cty";
import type { Connection } from "./connection";
import { type Diagnostic, type PathStep, errorAt, fromError } from "./diagnostics";
import { type BoundAttribute, type ResourceType, SCHEMA_VERSION, isWriteOnlySecret } from "./schema";
import { objectOf, propsOf } from "./values";

/** What the private state records: the attributes the configuration set at the last apply. */
interface PrivateState {
  managed: string[];
}

function readPrivate(bytes: Uint8Array | null | undefined): PrivateState | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(bytes).toString("utf8")) as Partial<PrivateState>;
    return { managed: Array.isArray(parsed.managed) ? parsed.managed.map(String) : [] };
  } catch {
    return undefined;
  }
}

export function writePrivate(state: PrivateState): Buffer {
  return Buffer.from(JSON.stringify(state));
}

/** The attributes a configuration sets (the ones the next plans manage). */
function managedBy(rt: ResourceType, config: CtyObject | null): PrivateState {
  return { managed: rt.bound.filter((b) => b.source.kind === "field" && (config?.[b.attribute.name] ?? null) !== null).map((b) => b.attribute.name) };
}

/** Write-only secrets from the configuration, by SDK name. */
function writeOnlyValues(rt: ResourceType, config: CtyObject | null): Props {
  const props: Props = {};
  for (const b of rt.bound) {
    if (b.source.kind !== "field" || !isWriteOnlySecret(b.source.field)) continue;
    const value = config?.[b.attribute.name] ?? null;
    if (value !== null) props[b.source.field.sdkName] = value === UNKNOWN ? engine.UNKNOWN : value;
  }
  return props;
}

/** A redactor for messages that might quote the configuration's secrets. */
function redactorFor(rt: ResourceType, config: CtyObject | null): (text: string) => string {
  const secrets = Object.values(writeOnlyValues(rt, config)).filter((v): v is string => typeof v === "string");
  return createRedactor(() => secrets);
}

/** Maps the engine's property path (`retention.keepLast`) to Terraform's attribute path. */
function attributePath(rt: ResourceType, property: string): PathStep[] {
  const [head = "", ...rest] = property.split(".");
  const binding = rt.bound.find((b) => (b.source.kind === "field" && b.source.field.sdkName === head) || (b.source.kind === "triggers" && head === "triggers"));
  const steps: PathStep[] = [{ attribute_name: binding?.attribute.name ?? head }];
  for (const part of rest) {
    if (/^\d+$/.test(part)) steps.push({ element_key_int: Number(part) });
    else steps.push({ attribute_name: part.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase() });
  }
  return steps;
}

function failureDiagnostics(rt: ResourceType, failures: readonly engine.CheckFailure[]): Diagnostic[] {
  return failures.map((f) => {
    const path = attributePath(rt, f.property);
    const name = path
      .map((s) => ("attribute_name" in s ? s.attribute_name : `[${"element_key_int" in s ? s.element_key_int : s.element_key_string}]`))
      .join(".");
    return errorAt(`Invalid ${rt.typeName}: ${name} ${f.reason}`, `${rt.typeName}: attribute "${name}" ${f.reason}.`, path);
  });
}

/** ValidateResourceConfig: the engine's `check`, per attribute. */
export function validate(rt: ResourceType, config: CtyObject | null, writeOnlyAllowed: boolean): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (!writeOnlyAllowed) {
    for (const b of rt.bound) {
      if (b.attribute.writeOnly && (config?.[b.attribute.name] ?? null) !== null) {
        diagnostics.push(
          errorAt(
            `${b.attribute.name} needs write-only attributes`,
            "This Terraform/OpenTofu version cannot send write-only attributes: use OpenTofu 1.11+ or Terraform 1.11+.",
            [{ attribute_name: b.attribute.name }],
          ),
        );
      }
    }
  }
  const result = engine.check(rt.def, { ...propsOf(rt, config), ...writeOnlyValues(rt, config) });
  return [...diagnostics, ...failureDiagnostics(rt, result.failures)];
}

export interface PlanResult {
  planned: CtyObject | null;
  requiresReplace: PathStep[][];
  plannedPrivate: Buffer;
  diagnostics: Diagnostic[];
}

function versionChanged(binding: BoundAttribute, prior: CtyObject, planned: CtyObject): boolean {
  const name = binding.attribute.name;
  return JSON.stringify(prior[name] ?? null) !== JSON.stringify(planned[name] ?? null);
}

/** The version attribute of a write-only secret. */
function versionOf(rt: ResourceType, sdkName: string): BoundAttribute | undefined {
  return rt.bound.find((b) => b.source.kind === "version" && b.source.field.sdkName === sdkName);
}

/**
 * The engine's view of an update: prior props, with the configuration's write-only secrets on both
 * sides unless their version changed (then only the new side has them, so the engine sends them).
 */
function updateProps(rt: ResourceType, prior: CtyObject, desired: CtyObject, config: CtyObject | null): { olds: Props; news: Props } {
  const secrets = writeOnlyValues(rt, config);
  const olds = propsOf(rt, prior, true);
  for (const [sdkName, value] of Object.entries(secrets)) {
    const version = versionOf(rt, sdkName);
    if (version && !versionChanged(version, prior, desired)) olds[sdkName] = value;
  }
  return { olds, news: { ...propsOf(rt, desired), ...secrets } };
}

/** PlanResourceChange. */
export async function plan(
  rt: ResourceType,
  connection: Connection,
  prior: CtyObject | null,
  config: CtyObject | null,
  priorPrivate: Uint8Array | null,
): Promise<PlanResult> {
  const keep = priorPrivate ? Buffer.from(priorPrivate) : Buffer.alloc(0);
  if (config === null) return { planned: null, requiresReplace: [], plannedPrivate: keep, diagnostics: [] };
  const managedBefore = new Set(readPrivate(priorPrivate)?.managed ?? []);
  const desired: CtyObject = {};
  for (const b of rt.bound) {
    const name = b.attribute.name;
    const given = config[name] ?? null;
    if (b.source.kind === "field") {
      if (isWriteOnlySecret(b.source.field)) desired[name] = null;
      else if (given !== null) desired[name] = given;
      // Left out: what PVE keeps stays, unless this configuration set it before (then it goes).
      else desired[name] = prior && b.attribute.computed && !managedBefore.has(name) ? (prior[name] ?? null) : null;
    } else if (b.source.kind === "triggers" || b.source.kind === "version") desired[name] = given;
    else desired[name] = UNKNOWN;
  }
  // What the configuration says (not what the plan keeps of the prior state) is what is checked.
  const configured = { ...propsOf(rt, config), ...writeOnlyValues(rt, config) };
  if (prior !== null) managedHere.add(managedKey(rt, propsOf(rt, prior, true)));
  // Terraform plans a replacement's create a second time with no prior state: its object still exists then.
  const isNew = prior === null && !managedHere.has(managedKey(rt, configured));
  const diagnostics = await remoteChecks(rt, connection, configured, isNew);
  const plannedPrivate = writePrivate(managedBy(rt, config));
  if (prior === null) return { planned: desired, requiresReplace: [], plannedPrivate, diagnostics };

  const { olds, news } = updateProps(rt, prior, desired, config);
  const diff = engine.diff(rt.def, olds, news);
  const changed = new Set(diff.changed);
  const replaces = new Set(diff.replaces);
  const requiresReplace: PathStep[][] = [];
  const versionsChanged = rt.bound.filter((b) => b.source.kind === "version" && versionChanged(b, prior, desired));
  for (const b of versionsChanged)
    if (b.source.kind === "version" && b.source.field.replaceOnChange) requiresReplace.push([{ attribute_name: b.attribute.name }]);
  for (const b of rt.bound) {
    // A write-only secret is never in plan or state: its version attribute carries the replacement.
    if (b.source.kind === "field" && isWriteOnlySecret(b.source.field)) continue;
    const key = b.source.kind === "field" ? b.source.field.sdkName : b.source.kind === "triggers" ? "triggers" : undefined;
    if (key !== undefined && replaces.has(key)) requiresReplace.push([{ attribute_name: b.attribute.name }]);
  }
  const changes = diff.changes || versionsChanged.length > 0;
  const planned: CtyObject = {};
  for (const b of rt.bound) {
    const name = b.attribute.name;
    const before = prior[name] ?? null;
    if (b.source.kind === "field")
      planned[name] = changed.has(b.source.field.sdkName) ? (desired[name] ?? null) : isWriteOnlySecret(b.source.field) ? null : before;
    else if (b.source.kind === "triggers" || b.source.kind === "version") planned[name] = desired[name] ?? null;
    else if (b.source.kind === "id") planned[name] = requiresReplace.length > 0 ? UNKNOWN : before;
    else {
      // What only a create returns stays; what PVE reports may change with any write.
      const fromCreate = rt.def.outputs?.[b.source.sdkName]?.fromCreate === true;
      planned[name] = requiresReplace.length > 0 || (changes && !fromCreate) ? UNKNOWN : before;
    }
  }
  return { planned, requiresReplace, plannedPrivate, diagnostics };
}

/**
 * Resources this plugin process has seen with a state (`kind:id`), from refreshes and plans with a
 * prior state: a replacement's second plan (without a prior state) must not find its own object taken.
 */
const managedHere = new Set<string>();

function managedKey(rt: ResourceType, props: Props): string {
  return `${rt.def.key}:${engine.formatId(rt.def, engine.identityOf(rt.def, props))}`;
}

/** How a Terraform configuration takes over an object that exists. */
function takeOver(rt: ResourceType): (id: string) => string {
  return (id) => `import it with id \`${id}\` (an \`import\` block, or \`tofu import ${rt.typeName}.<name> ${id}\`)`;
}

/**
 * Checks that need PVE: the nodes named, a new resource's id already taken, the kind's own (a
 * role's privileges on its major version, an ACME directory's terms). Without a client (the
 * provider block depends on values known after apply) they are left to the apply.
 */
async function remoteChecks(rt: ResourceType, connection: Connection, props: Props, isNew: boolean): Promise<Diagnostic[]> {
  const client = connection.optional();
  if (!client) return [];
  const local = engine.check(rt.def, props);
  if (local.failures.length > 0) return failureDiagnostics(rt, local.failures);
  const failures = await engine.checkExistence(rt.def, client, props, { nodes: () => clusterNodes(client), isNew, takeOver: takeOver(rt) });
  if (failures.length === 0 && engine.hasRemoteCheck(rt.def)) failures.push(...(await engine.checkRemote(rt.def, client, props)));
  return failureDiagnostics(rt, failures);
}

/**
 * The state after a write: the planned value wherever the engine finds PVE's read-back equal to
 * it (the form the user wrote), PVE's value where it differs or where the plan left it unknown.
 */
function settle(rt: ResourceType, planned: CtyObject, outs: Props, id: string): CtyObject {
  const fresh = objectOf(rt, outs, id);
  const differs = new Set(engine.diff(rt.def, outs, propsOf(rt, planned)).changed);
  const state: CtyObject = {};
  for (const b of rt.bound) {
    const name = b.attribute.name;
    const want = planned[name] ?? null;
    if (b.source.kind === "field" && isWriteOnlySecret(b.source.field)) state[name] = null;
    else if (hasUnknown(want)) state[name] = fresh[name] ?? null;
    else if (b.source.kind === "field") state[name] = differs.has(b.source.field.sdkName) ? (fresh[name] ?? null) : want;
    else state[name] = want;
  }
  return state;
}

export interface ApplyResult {
  state: CtyObject | null;
  private: Buffer;
  diagnostics: Diagnostic[];
}

function progress(rt: ResourceType, log: (line: string) => void): engine.LifecycleOptions {
  return { onLog: (line) => log(`[${rt.typeName}] ${line}`) };
}

/** ApplyResourceChange: create (no prior), delete (no planned) or update, through the engine. */
export async function apply(
  rt: ResourceType,
  connection: Connection,
  prior: CtyObject | null,
  planned: CtyObject | null,
  config: CtyObject | null,
  plannedPrivate: Uint8Array | null,
  log: (line: string) => void,
): Promise<ApplyResult> {
  const privateBytes = plannedPrivate ? Buffer.from(plannedPrivate) : Buffer.alloc(0);
  const redact = redactorFor(rt, config);
  const options = progress(rt, log);
  if (planned === null) {
    if (prior === null) return { state: null, private: privateBytes, diagnostics: [] };
    try {
      await engine.remove(rt.def, connection.require(), String(prior["id"] ?? ""), propsOf(rt, prior, true), options);
      return { state: null, private: Buffer.alloc(0), diagnostics: [] };
    } catch (error) {
      return { state: prior, private: privateBytes, diagnostics: [fromError(`deleting ${rt.typeName} failed`, error, redact)] };
    }
  }
  if (prior === null) {
    const inputs = { ...propsOf(rt, planned), ...writeOnlyValues(rt, config) };
    try {
      const { id, outs } = await engine.create(rt.def, connection.require(), inputs, options);
      return { state: settle(rt, planned, outs, id), private: privateBytes, diagnostics: [] };
    } catch (error) {
      if (error instanceof engine.PartialCreateError) {
        // The object exists: Terraform keeps it (tainted) instead of forgetting it.
        const partial = settle(rt, planned, error.properties, error.id);
        return { state: known(partial), private: privateBytes, diagnostics: [fromError(`creating ${rt.typeName} did not complete`, error, redact)] };
      }
      return { state: null, private: privateBytes, diagnostics: [fromError(`creating ${rt.typeName} failed`, error, redact)] };
    }
  }
  const { olds, news } = updateProps(rt, prior, planned, config);
  try {
    const { outs } = await engine.update(rt.def, connection.require(), olds, news, options);
    return { state: settle(rt, planned, outs, String(prior["id"] ?? "")), private: privateBytes, diagnostics: [] };
  } catch (error) {
    return {
      state: prior,
      private: readPrivate(plannedPrivate) ? privateBytes : Buffer.alloc(0),
      diagnostics: [fromError(`updating ${rt.typeName} failed`, error, redact)],
    };
  }
}

/** A state may hold no unknowns: what is still unknown after a partial create is null. */
function known(object: CtyObject): CtyObject {
  const strip = (value: CtyValue): CtyValue => {
    if (value === UNKNOWN) return null;
    if (Array.isArray(value)) return value.map(strip);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v)]));
    return value;
  };
  return strip(object) as CtyObject;
}

/**
 * ReadResource (refresh): the engine's read; values it finds equal to the prior state keep their
 * recorded form, so only real drift changes the state. A vanished object is null.
 */
export async function read(rt: ResourceType, connection: Connection, prior: CtyObject): Promise<CtyObject | null> {
  const props = propsOf(rt, prior, true);
  const found = await engine.read(rt.def, connection.require(), String(prior["id"] ?? ""), props);
  if (found.id === "") return null;
  managedHere.add(`${rt.def.key}:${found.id}`);
  const fresh = objectOf(rt, found.props, found.id);
  const drifted = new Set(engine.diff(rt.def, found.props, props).changed);
  const state: CtyObject = {};
  for (const b of rt.bound) {
    const name = b.attribute.name;
    if (b.source.kind === "field")
      state[name] = isWriteOnlySecret(b.source.field) ? null : drifted.has(b.source.field.sdkName) ? (fresh[name] ?? null) : (prior[name] ?? null);
    else if (b.source.kind === "output" || b.source.kind === "id") state[name] = fresh[name] ?? null;
    else state[name] = prior[name] ?? null;
  }
  return state;
}

/** ImportResourceState: the engine's read by id alone, adopting every setting PVE reports. */
export async function importState(rt: ResourceType, connection: Connection, id: string): Promise<CtyObject> {
  if (rt.def.lifecycle === "action") throw new Error(`${rt.typeName} is an action: it runs when created and has nothing on PVE to import`);
  const found = await engine.read(rt.def, connection.require(), id, {});
  if (found.id === "")
    throw new Error(
      `${rt.typeName}: PVE has no object with id '${id}' (expected ${String(rt.bound.find((b) => b.source.kind === "id")?.attribute.description ?? "")})`,
    );
  const state = objectOf(rt, found.props, found.id);
  for (const b of rt.bound) if (b.attribute.writeOnly) state[b.attribute.name] = null;
  return state;
}

/**
 * UpgradeResourceState: a stored state (JSON, any earlier schema version) in the current shape.
 * Attributes that no longer exist are dropped, new ones are null, values take the current types;
 * from version 0, write-only secrets are removed, because those states could hold them in plain text.
 */
export function upgrade(rt: ResourceType, version: number, json: Uint8Array | null | undefined): { state: CtyObject | null; diagnostics: Diagnostic[] } {
  if (!json || json.length === 0)
    return {
      state: null,
      diagnostics: [errorAt(`cannot upgrade the state of ${rt.typeName}`, "Only JSON states are supported (the pre-0.12 flatmap form is not).")],
    };
  if (version > SCHEMA_VERSION) {
    return {
      state: null,
      diagnostics: [
        errorAt(
          `the state of ${rt.typeName} is newer than this provider`,
          `It was written with schema version ${version}; this provider knows versions up to ${SCHEMA_VERSION}. Use the newer provider.`,
        ),
      ],
    };
  }
  const raw = JSON.parse(Buffer.from(json).toString("utf8")) as Record<string, unknown>;
  const state = conform(raw, rt.type) as CtyObject;
  if (version < 1) for (const b of rt.bound) if (b.attribute.writeOnly) state[b.attribute.name] = null;
  return { state, diagnostics: [] };
}
