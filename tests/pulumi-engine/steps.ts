// The steps of one deployment, as Pulumi's step generator and executor make them: one step per
// registered resource, run as soon as it is registered (in parallel, capped by the Limiter), each
// after the steps of its dependencies; then the deletes, dependents before their dependencies.
import type { CheckFailure, ProviderHost } from "./host";
import { ProviderError } from "./host";
import type { Limiter } from "./limit";
import type { OutputsMessage, ReadMessage, RegisterMessage } from "./protocol";
import type { Registration } from "./program";
import { annotateSecrets, markSecretOutputs, stripMap } from "./secrets";
import { makeUrn, type ResourceState, type StateFile } from "./state";
import type { StepRecord } from "./types";
import { applyReplaceOnChanges, type DiffResult, isReplace, resolveUnknown } from "./diff";
import { changedKeys, type PropertyMap } from "./values";

/** A step that failed; its message goes back to the program as the registration's error. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly failures?: CheckFailure[],
  ) {
    super(message);
  }
}

export interface DeploymentContext {
  host: ProviderHost;
  limiter: Limiter;
  state: StateFile;
  dryRun: boolean;
  /** Writes the state (not called in preview). */
  persist: () => void;
  /** Reports a finished step (rendering, result). */
  report: (step: StepRecord) => void;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Input keys that differ, compared as plain values (secretness alone is not a change). */
function inputDiff(olds: PropertyMap, news: PropertyMap): string[] {
  return changedKeys(stripMap(olds), stripMap(news));
}

export class Deployment {
  /** State as it was when the run started (live records, pending deletes excluded). */
  private readonly old = new Map<string, ResourceState>();
  private readonly done = new Map<string, Promise<void>>();
  readonly registered = new Set<string>();
  readonly stackOutputs: PropertyMap = {};
  failed = false;

  constructor(private readonly ctx: DeploymentContext) {
    for (const r of ctx.state.resources) if (!r.pendingDelete) this.old.set(r.urn, r);
  }

  private step(step: StepRecord): void {
    if (step.error) this.failed = true;
    this.ctx.report(step);
  }

  private upsert(rec: ResourceState): void {
    const list = this.ctx.state.resources;
    const i = list.findIndex((r) => r.urn === rec.urn && !r.pendingDelete);
    if (i >= 0) list[i] = rec;
    else list.push(rec);
    this.ctx.persist();
  }

  private remove(rec: ResourceState): void {
    const list = this.ctx.state.resources;
    const i = list.indexOf(rec);
    if (i >= 0) list.splice(i, 1);
    this.ctx.persist();
  }

  /** Runs `work` once the steps of `deps` are over; records it as `urn`'s step. */
  private schedule<T>(urn: string, deps: string[], work: () => Promise<T>): Promise<T> {
    const waits = deps.map((d) => this.done.get(d)).filter((p) => p !== undefined);
    const result = Promise.all(waits).then(() => this.ctx.limiter.run(work));
    this.done.set(
      urn,
      result.then(
        () => undefined,
        () => undefined,
      ),
    );
    return result;
  }

  private claim(type: string, name: string, parent: string | undefined): string {
    const urn = makeUrn(this.ctx.state.stack, this.ctx.state.project, type, name, parent);
    if (this.registered.has(urn)) throw new StepError(`Duplicate resource URN '${urn}'; try giving it a unique name`);
    this.registered.add(urn);
    return urn;
  }

  // ---- registrations ------------------------------------------------------------------

  // async: a duplicate URN becomes a rejection; the body up to schedule() runs synchronously.
  async register(msg: RegisterMessage): Promise<Registration> {
    const urn = this.claim(msg.type, msg.name, msg.parent);
    const deps = [...new Set([...msg.dependencies, ...Object.values(msg.propertyDependencies).flat()])];
    const base: ResourceState = {
      urn,
      type: msg.type,
      name: msg.name,
      custom: msg.custom,
      inputs: msg.inputs,
      outputs: {},
      dependencies: deps,
      ...(msg.parent ? { parent: msg.parent } : {}),
      ...(msg.additionalSecretOutputs.length ? { additionalSecretOutputs: msg.additionalSecretOutputs } : {}),
      ...(msg.protect ? { protect: true } : {}),
      ...(msg.retainOnDelete ? { retainOnDelete: true } : {}),
      ...(msg.ignoreChanges.length ? { ignoreChanges: msg.ignoreChanges } : {}),
    };
    const waitFor = msg.parent ? [...deps, msg.parent] : deps;
    if (!msg.custom) return this.schedule(urn, waitFor, async () => this.component(base));
    return this.schedule(urn, waitFor, () => this.custom(base, msg));
  }

  private async component(base: ResourceState): Promise<Registration> {
    const old = this.old.get(base.urn);
    const rec = { ...base, outputs: old?.outputs ?? {} };
    if (!this.ctx.dryRun) this.upsert(rec);
    this.step({ op: old ? "same" : "create", urn: base.urn, type: base.type, name: base.name });
    return { urn: base.urn, outputs: {} };
  }

  outputs(msg: OutputsMessage): void {
    if (msg.urn.split("::")[2] === "pulumi:pulumi:Stack") Object.assign(this.stackOutputs, msg.outputs);
    const rec = this.ctx.state.resources.find((r) => r.urn === msg.urn && !r.pendingDelete);
    if (rec && !this.ctx.dryRun) {
      rec.outputs = msg.outputs;
      this.ctx.persist();
    }
  }

  private async custom(base: ResourceState, msg: RegisterMessage): Promise<Registration> {
    const { urn, type, name } = base;
    const old = this.old.get(urn);
    const stepOf = (op: StepRecord["op"], extra: Partial<StepRecord> = {}): StepRecord => ({ op, urn, type, name, ...extra });
    // The operation under way, for the failure report.
    let op: StepRecord["op"] = msg.importId && !old ? "import" : old ? "update" : "create";
    try {
      if (msg.importId && !old) return await this.importStep(base, msg.importId);
      const news = applyIgnoreChanges(msg.inputs, old?.inputs, msg.ignoreChanges);
      const inputs = await this.check(base, old?.inputs ?? {}, news);
      const secretOuts = msg.additionalSecretOutputs;
      if (!old) {
        if (this.ctx.dryRun) {
          this.step(stepOf("create"));
          return { urn, outputs: inputs };
        }
        const created = await this.create(base, inputs, secretOuts, "create");
        this.step(stepOf("create", { id: created.id }));
        return { urn, id: created.id, outputs: created.outputs };
      }
      const oldId = old.id ?? "";
      const diff = await this.diff(base, old, inputs, msg);
      // The CLI's field list: the diff's changed keys, else the inputs that differ (display `getDiffInfo`).
      const diffs = diff.diffs.length > 0 ? diff.diffs : inputDiff(old.inputs, inputs);
      const detail = diff.detailedDiff ? { detailedDiff: diff.detailedDiff } : {};
      if (diff.changes === "some" && isReplace(diff)) {
        op = "replace";
        // As the Go engine: a resource protected now and before is not replaced (unprotecting and replacing in one run is allowed).
        if (msg.protect && old.protect) throw new StepError(replaceProtectedMessage(urn));
        const deleteFirst = msg.deleteBeforeReplace ?? diff.deleteBeforeReplace;
        const extra = { diffs, replaces: diff.replaces, ...detail };
        if (this.ctx.dryRun) {
          this.step(stepOf("replace", extra));
          return { urn, outputs: inputs };
        }
        if (deleteFirst) {
          await this.deleteProvided(old);
          this.remove(old);
        } else {
          // Create-before-delete: the old copy is deleted once the deployment is done.
          old.pendingDelete = true;
          this.ctx.persist();
        }
        const created = await this.create(base, inputs, secretOuts, "replace").catch((e: unknown) => {
          // The replacement does not exist: the old copy stays live.
          if (!deleteFirst) delete old.pendingDelete;
          throw e;
        });
        this.step(stepOf("replace", { ...extra, id: created.id }));
        return { urn, id: created.id, outputs: created.outputs };
      }
      const changed = diff.changes === "some";
      // A resource whose creation half-failed is updated until it initializes.
      if (changed || old.initErrors) {
        if (this.ctx.dryRun) {
          this.step(stepOf("update", { id: oldId, diffs, ...detail }));
          return { urn, id: oldId, outputs: inputs };
        }
        const outputs = await this.update(base, old, inputs, msg);
        this.step(stepOf("update", { id: oldId, diffs, ...detail }));
        return { urn, id: oldId, outputs };
      }
      if (!this.ctx.dryRun) this.upsert({ ...base, id: old.id, inputs, outputs: old.outputs });
      this.step(stepOf("same", { id: oldId }));
      return { urn, id: oldId, outputs: old.outputs };
    } catch (e) {
      const failures = e instanceof StepError ? e.failures : undefined;
      this.step(stepOf(op, { error: errorText(e), ...(failures ? { failures } : {}) }));
      throw e;
    }
  }

  /**
   * The provider's diff as the Go engine takes it (`diffResource`, `applyReplaceOnChanges`): an
   * unknown answer becomes the engine's diff of the inputs, and `replaceOnChanges` (or a failed
   * initialization named as `#initerror`) turns changes into a replacement.
   */
  private async diff(base: ResourceState, old: ResourceState, inputs: PropertyMap, msg: RegisterMessage): Promise<DiffResult> {
    const answer = await this.ctx.host.diff(base, {
      id: old.id ?? "",
      olds: old.outputs,
      news: inputs,
      oldInputs: old.inputs,
      ignoreChanges: msg.ignoreChanges,
    });
    return applyReplaceOnChanges(resolveUnknown(answer, old.inputs, inputs), msg.replaceOnChanges, (old.initErrors ?? []).length > 0);
  }

  /** The provider's delete, unless the resource is retained on delete (then it only leaves the state). */
  private async deleteProvided(r: ResourceState): Promise<void> {
    if (r.retainOnDelete) return;
    await this.ctx.host.delete(r, r.id ?? "", r.outputs, r.inputs);
  }

  private async check(base: ResourceState, olds: PropertyMap, news: PropertyMap): Promise<PropertyMap> {
    const res = await this.ctx.host.check(base, olds, news);
    if (res.failures.length > 0) {
      const lines = res.failures.map((f) => `${f.property}: ${f.reason}`);
      throw new StepError(`${base.type} resource '${base.name}' has a problem: ${lines.join("; ")}`, res.failures);
    }
    return res.inputs;
  }

  /** Create; a partial failure (ErrorResourceInitFailed) keeps the resource with its id. */
  private async create(
    base: ResourceState,
    inputs: PropertyMap,
    secretOuts: string[],
    op: "create" | "replace",
  ): Promise<{ id: string; outputs: PropertyMap }> {
    try {
      const res = await this.ctx.host.create(base, inputs);
      const outputs = markSecretOutputs(res.properties, secretOuts);
      this.upsert({ ...base, id: res.id, inputs, outputs });
      return { id: res.id, outputs };
    } catch (e) {
      throw this.keepPartial(base, inputs, secretOuts, e, op);
    }
  }

  private async update(base: ResourceState, old: ResourceState, inputs: PropertyMap, msg: RegisterMessage): Promise<PropertyMap> {
    try {
      const props = await this.ctx.host.update(base, {
        id: old.id ?? "",
        olds: old.outputs,
        news: inputs,
        oldInputs: old.inputs,
        ignoreChanges: msg.ignoreChanges,
      });
      const outputs = markSecretOutputs(props, msg.additionalSecretOutputs);
      this.upsert({ ...base, id: old.id, inputs, outputs });
      return outputs;
    } catch (e) {
      throw this.keepPartial(base, inputs, msg.additionalSecretOutputs, e, "update");
    }
  }

  /** Records a partially created resource (ErrorResourceInitFailed); returns the step's error. */
  private keepPartial(base: ResourceState, inputs: PropertyMap, secretOuts: string[], e: unknown, op: string): StepError {
    if (!(e instanceof ProviderError) || !e.partial) return new StepError(`${op} failed: ${errorText(e)}`);
    const { id, properties, reasons } = e.partial;
    const outputs = markSecretOutputs(annotateSecrets(properties, inputs), secretOuts);
    this.upsert({ ...base, id, inputs, outputs, initErrors: reasons.length ? reasons : [e.message] });
    const why = reasons.length ? ` (${reasons.join("; ")})` : "";
    return new StepError(`${op} failed: ${e.message}${why}; the resource ${id} was kept in the state`);
  }

  /**
   * The `import` option: Read by id, then Check and Diff against the program's inputs. As the
   * Go engine's ImportStep does, the Read carries the id alone: no inputs and no old state, so a
   * dynamic provider's host has no serialized provider to load (tests/cli/import.test.ts).
   */
  private async importStep(base: ResourceState, importId: string): Promise<Registration> {
    const { urn, name, type } = base;
    const read = await this.ctx.host.read(base, importId, {}, {});
    if (!read.id) throw new StepError(`resource '${importId}' does not exist`);
    if (!read.inputs) {
      throw new StepError(`provider does not support importing resources; please try updating the '${type.split(":")[0]}' plugin`);
    }
    const readInputs = read.inputs;
    const inputs = await this.check(base, readInputs, base.inputs);
    const diff = await this.ctx.host.diff(base, { id: read.id, olds: read.properties, news: inputs, oldInputs: readInputs, ignoreChanges: [] });
    const diffs = inputDiff(pick(read.properties, Object.keys(inputs)), inputs);
    if (diff.changes === "some" || (diff.changes === "unknown" && diffs.length > 0)) {
      throw new StepError(`inputs to import do not match the existing resource: ${diffs.join(", ")}`);
    }
    const outputs = markSecretOutputs(read.properties, base.additionalSecretOutputs ?? []);
    if (!this.ctx.dryRun) this.upsert({ ...base, id: read.id, inputs, outputs });
    this.step({ op: "import", urn, type, name, id: read.id });
    return { urn, id: read.id, outputs };
  }

  /** `Resource.get`: read an existing resource; it is external (never deleted by the stack). */
  // async: a duplicate URN becomes a rejection; the body up to schedule() runs synchronously.
  async read(msg: ReadMessage): Promise<Registration> {
    const urn = this.claim(msg.type, msg.name, msg.parent);
    return this.schedule(urn, msg.dependencies, async () => {
      try {
        const read = await this.ctx.host.read({ urn, name: msg.name, type: msg.type }, msg.id, {}, msg.inputs);
        if (!read.id) throw new StepError(`resource '${msg.id}' does not exist`);
        const outputs = markSecretOutputs(read.properties, msg.additionalSecretOutputs);
        const rec: ResourceState = {
          urn,
          type: msg.type,
          name: msg.name,
          custom: true,
          id: read.id,
          inputs: read.inputs ?? msg.inputs,
          outputs,
          dependencies: msg.dependencies,
          external: true,
          ...(msg.parent ? { parent: msg.parent } : {}),
        };
        if (!this.ctx.dryRun) this.upsert(rec);
        this.step({ op: "read", urn, type: msg.type, name: msg.name, id: read.id });
        return { urn, id: read.id, outputs };
      } catch (e) {
        this.step({ op: "read", urn, type: msg.type, name: msg.name, error: errorText(e) });
        throw e;
      }
    });
  }

  // ---- deletes and refresh ------------------------------------------------------------

  /** Deletes `targets`, each after every target that depends on it (or is its child). */
  async deleteAll(targets: ResourceState[]): Promise<void> {
    const memo = new Map<ResourceState, Promise<boolean>>();
    const dependents = (r: ResourceState): ResourceState[] =>
      targets.filter((t) => t !== r && (t.dependencies.includes(r.urn) || t.parent === r.urn) && !(t.urn === r.urn));
    const del = (r: ResourceState): Promise<boolean> => {
      let p = memo.get(r);
      if (!p) {
        p = (async () => {
          const ok = await Promise.all(dependents(r).map(del));
          // A failed delete of a dependent keeps what it depends on.
          if (!ok.every(Boolean)) return false;
          return this.ctx.limiter.run(() => this.deleteOne(r));
        })();
        memo.set(r, p);
      }
      return p;
    };
    await Promise.all(targets.map(del));
  }

  private async deleteOne(r: ResourceState): Promise<boolean> {
    const step: StepRecord = { op: "delete", urn: r.urn, type: r.type, name: r.name, ...(r.id ? { id: r.id } : {}) };
    try {
      // The old copy of a replacement was checked when the replacement was planned (DeleteStep `replacing`).
      if (r.protect && !r.pendingDelete) throw new Error(deleteProtectedMessage(r.urn));
      // Components and external (read) resources only leave the state; so do retained ones.
      if (r.custom && !r.external && !this.ctx.dryRun) await this.deleteProvided(r);
      if (!this.ctx.dryRun) this.remove(r);
      this.step(step);
      return true;
    } catch (e) {
      this.step({ ...step, error: errorText(e) });
      return false;
    }
  }

  /** Old resources that the program did not register this time, and pending deletes. */
  leftovers(): { unregistered: ResourceState[]; pending: ResourceState[] } {
    const all = this.ctx.state.resources;
    return {
      unregistered: all.filter((r) => !r.pendingDelete && !this.registered.has(r.urn)),
      pending: all.filter((r) => r.pendingDelete),
    };
  }

  /** Read every custom resource; outputs that changed are the drift. */
  async refreshAll(): Promise<void> {
    const targets = this.ctx.state.resources.filter((r) => r.custom && !r.pendingDelete);
    await Promise.all(targets.map((r) => this.ctx.limiter.run(() => this.refreshOne(r))));
  }

  /**
   * The keys a refresh changed, as the CLI lists them (RefreshStep.Apply): the diff a no-change
   * `up` would see right after it, with the refreshed state as old and the old inputs as new,
   * resolved like any diff (an unknown answer diffs the inputs).
   */
  private async refreshDiff(r: ResourceState, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<string[]> {
    const ignoreChanges = r.ignoreChanges ?? [];
    const answer = await this.ctx.host.diff(r, { id, olds: outputs, news: r.inputs, oldInputs: inputs, ignoreChanges });
    const diff = resolveUnknown(answer, inputs, applyIgnoreChanges(r.inputs, inputs, ignoreChanges));
    if (diff.changes !== "some") return [];
    return diff.diffs.length > 0 ? diff.diffs : inputDiff(inputs, r.inputs);
  }

  private async refreshOne(r: ResourceState): Promise<void> {
    const base = { op: "refresh" as const, urn: r.urn, type: r.type, name: r.name, ...(r.id ? { id: r.id } : {}) };
    try {
      const read = await this.ctx.host.read(r, r.id ?? "", r.outputs, r.inputs);
      if (!read.id) {
        this.remove(r);
        this.step({ ...base, deleted: true });
        return;
      }
      const outputs = markSecretOutputs(read.properties, r.additionalSecretOutputs ?? []);
      const drift = changedKeys(stripMap(r.outputs), stripMap(outputs));
      const inputs = read.inputs ?? r.inputs;
      const diffs = r.external ? drift : await this.refreshDiff(r, read.id, outputs, inputs);
      Object.assign(r, { id: read.id, outputs, inputs });
      this.ctx.persist();
      this.step({ ...base, id: read.id, drift, ...(diffs.length > 0 ? { diffs } : {}) });
    } catch (e) {
      this.step({ ...base, error: errorText(e) });
    }
  }
}

/** The Go engine's refusal to delete a protected resource (step.go `deleteProtectedError`). */
function deleteProtectedMessage(urn: string): string {
  return (
    `resource "${urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, either remove the \`protect\` flag ` +
    `from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${urn}'\``
  );
}

/** The Go engine's refusal to replace a protected resource (step_generator.go `continueStepsFromDiff`). */
function replaceProtectedMessage(urn: string): string {
  return (
    `unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, remove the ` +
    "`protect` flag from the resource in your Pulumi program and run `pulumi up`"
  );
}

/** ignoreChanges (top-level keys): keep the old input values for those keys. */
function applyIgnoreChanges(news: PropertyMap, olds: PropertyMap | undefined, ignore: string[]): PropertyMap {
  if (!olds || ignore.length === 0) return news;
  const out = { ...news };
  for (const k of ignore) {
    if (k in olds) out[k] = olds[k];
    else delete out[k];
  }
  return out;
}

function pick(m: PropertyMap, keys: string[]): PropertyMap {
  return Object.fromEntries(Object.entries(m).filter(([k]) => keys.includes(k)));
}
