// The driver process of the real-CLI harness: holds one stack of the real `pulumi` CLI through the
// Automation API (the program's own @pulumi/pulumi) and runs the harness's operations on it. The
// program runs inline, re-required on every run like a fresh language host would load it: the
// Go module proxy does not serve pulumi-language-nodejs. A separate process, because a program's
// failed registrations surface as unhandled rejections, which would fail a test runner's process.
import type * as Automation from "@pulumi/pulumi/automation";
import { execFile } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import path from "node:path";
import type { StepOp, StepRecord } from "../pulumi-engine";
import type { CliResult, ConfigSet, DriverParams, DriverReply, DriverRequest, OperationOptions } from "./protocol";

const execFileAsync = promisify(execFile);
const params = JSON.parse(process.argv[2] ?? "{}") as DriverParams;
const programRequire = createRequire(path.join(params.programDir, "package.json"));
const auto = programRequire("@pulumi/pulumi/automation") as typeof Automation;

// Every run's engine listens on fresh ephemeral ports, and grpc-js shares subchannels process-wide
// by address: when a later engine is given a port an earlier one had, the run's new monitor client
// gets the old subchannel, still in transient failure, and its first call fails at once with
// "14 UNAVAILABLE: No connection established. Last error: null". A language host is a fresh
// process per run; a pool of each channel's own gives the program the same fresh connections.
const runtimeSettings = programRequire("@pulumi/pulumi/runtime/settings") as { grpcClientOptions: Record<string, unknown> };
runtimeSettings.grpcClientOptions["grpc.use_local_subchannel_pool"] = 1;

// The Automation API listens for a program's stray rejections only while it runs; one that comes
// later (a registration failing after the run gave up) must not end the driver and its stack.
const stray = (e: unknown): void => console.error(`stray error after a run: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
process.on("unhandledRejection", stray);
process.on("uncaughtException", stray);

function send(msg: DriverReply): void {
  process.send?.(msg);
}

/** The program, loaded anew for each run (its module state must not carry over between runs). */
async function program(): Promise<Record<string, unknown> | void> {
  for (const key of Object.keys(programRequire.cache)) {
    if (key.startsWith(params.programDir) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete programRequire.cache[key];
  }
  const exported: unknown = programRequire(params.main);
  // Like the language host: a program exporting a function is called; its exports are the stack outputs.
  const outputs: unknown = exported instanceof Function ? await (exported as () => unknown)() : exported;
  return typeof outputs === "object" && outputs !== null ? (outputs as Record<string, unknown>) : undefined;
}

let stack: Automation.Stack;
let applied: ConfigSet = { plain: {}, secret: {} };

async function init(): Promise<void> {
  const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(path.dirname(params.pulumi)) });
  stack = await auto.LocalWorkspace.createOrSelectStack(
    { stackName: params.stack, projectName: params.project, program },
    { workDir: params.programDir, pulumiCommand, envVars: params.env },
  );
}

/** Sets the stack config when it changed (each change is one CLI call). */
async function configure(next: ConfigSet): Promise<void> {
  if (JSON.stringify(next) === JSON.stringify(applied)) return;
  const wanted = new Set([...Object.keys(next.plain), ...Object.keys(next.secret)]);
  const stale = [...Object.keys(applied.plain), ...Object.keys(applied.secret)].filter((k) => !wanted.has(k));
  if (stale.length > 0) await stack.removeAllConfig(stale);
  const all: Automation.ConfigMap = {};
  for (const [k, value] of Object.entries(next.plain)) all[k] = { value, secret: false };
  for (const [k, value] of Object.entries(next.secret)) all[k] = { value, secret: true };
  if (Object.keys(all).length > 0) await stack.setAllConfig(all);
  applied = next;
}

const STEP_OPS: Record<string, StepOp> = {
  same: "same",
  create: "create",
  update: "update",
  delete: "delete",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  "discard-replaced": "replace",
  refresh: "refresh",
  import: "import",
  "import-replacement": "import",
  read: "read",
  discard: "delete",
};

/** Top-level keys whose values differ (the serialized provider aside), sorted. */
function changedKeys(olds: Record<string, unknown> | undefined, news: Record<string, unknown> | undefined): string[] {
  if (!olds || !news) return [];
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  keys.delete("__provider");
  return [...keys].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
}

/** The engine's events as one step per resource, in the local engine's {@link StepRecord} shape. */
/** The diagnostics that are no errors: what a provider logs and prints while it works. */
function messagesOf(events: Automation.EngineEvent[]): CliResult["messages"] {
  return events.flatMap((e) =>
    e.diagnosticEvent && e.diagnosticEvent.severity !== "error"
      ? [{ urn: e.diagnosticEvent.urn ?? "", severity: e.diagnosticEvent.severity, message: e.diagnosticEvent.message.trim() }]
      : [],
  );
}

function stepsOf(events: Automation.EngineEvent[]): { steps: StepRecord[]; errors: Array<{ urn: string; message: string }> } {
  const byUrn = new Map<string, StepRecord>();
  const errors: Array<{ urn: string; message: string }> = [];
  const record = (meta: Automation.StepEventMetadata): void => {
    // The default provider (`pulumi:providers:pulumi-nodejs`) is the engine's own bookkeeping: its
    // config is the stack config, so it updates whenever the config does. The local engine has none.
    if (meta.type.startsWith("pulumi:providers:")) return;
    const name = meta.urn.split("::").pop() ?? meta.urn;
    const op = STEP_OPS[meta.op] ?? (meta.op as StepOp);
    const prior = byUrn.get(meta.urn);
    // A replacement is several steps; "replace" wins over its parts.
    const step: StepRecord = prior && prior.op === "replace" ? prior : { ...prior, op, urn: meta.urn, type: meta.type, name };
    const id = meta.new?.id || meta.old?.id;
    if (id) step.id = id;
    // Pulumi's Node.js provider host passes on no changed keys from a dynamic provider's diff, so
    // the engine reports none; the CLI's diff view compares the old and new inputs, and so do we.
    const diffs = meta.diffs && meta.diffs.length > 0 ? meta.diffs : changedKeys(meta.old?.inputs, meta.new?.inputs);
    if ((op === "update" || op === "replace") && diffs.length > 0) step.diffs = [...diffs].sort();
    if (op === "replace" && meta.keys && meta.keys.length > 0) step.replaces = [...meta.keys].sort();
    byUrn.set(meta.urn, step);
  };
  for (const e of events) {
    if (e.resourcePreEvent) record(e.resourcePreEvent.metadata);
    if (e.resOutputsEvent) record(e.resOutputsEvent.metadata);
    if (e.resOpFailedEvent) {
      const meta = e.resOpFailedEvent.metadata;
      record(meta);
      const step = byUrn.get(meta.urn);
      if (step) step.error ??= "failed";
    }
    if (e.diagnosticEvent && e.diagnosticEvent.severity === "error") {
      const urn = e.diagnosticEvent.urn ?? "";
      const message = e.diagnosticEvent.message.trim();
      errors.push({ urn, message });
      const step = byUrn.get(urn);
      if (step) step.error = step.error && step.error !== "failed" ? `${step.error}\n${message}` : message;
    }
  }
  // A resource whose check failed has only its diagnostic: it still gets a (failed) step.
  for (const { urn, message } of errors) {
    if (!urn || byUrn.has(urn)) continue;
    const parts = urn.split("::");
    byUrn.set(urn, { op: "create", urn, type: parts[2] ?? "", name: parts[3] ?? urn, error: message });
  }
  return { steps: [...byUrn.values()], errors };
}

/**
 * A refresh as the local engine reports it: one `refresh` step per custom resource, whose drift is
 * the outputs that changed between the old state and what the read found (the CLI says "update",
 * or "delete" when the read found nothing). The stack itself is not refreshed.
 */
function refreshSteps(events: Automation.EngineEvent[], steps: StepRecord[]): StepRecord[] {
  const outputs = new Map(events.flatMap((e) => (e.resOutputsEvent ? [[e.resOutputsEvent.metadata.urn, e.resOutputsEvent.metadata] as const] : [])));
  return steps
    .filter((st) => !st.type.startsWith("pulumi:pulumi:"))
    .map((st) => {
      const meta = outputs.get(st.urn);
      const { diffs: _diffs, ...rest } = st;
      const refreshed: StepRecord = { ...rest, op: "refresh", drift: changedKeys(meta?.old?.outputs, meta?.new?.outputs) };
      if (meta?.op === "delete") refreshed.deleted = true;
      return refreshed;
    });
}

interface CommandFailure {
  commandResult?: { stdout: string; stderr: string; code: number };
  message: string;
}

async function outputs(): Promise<CliResult["outputs"]> {
  const outs = await stack.outputs();
  return Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, { value: v.secret ? "[secret]" : (v.value as unknown), secret: v.secret }]));
}

async function run(op: "preview" | "up" | "refresh" | "destroy", options: OperationOptions): Promise<CliResult> {
  const events: Automation.EngineEvent[] = [];
  const onEvent = (e: Automation.EngineEvent): void => {
    events.push(e);
  };
  const common = { onEvent, color: "never" as const, ...(options.diff ? { diff: true } : {}) };
  const planning = { ...(options.expectNoChanges ? { expectNoChanges: true } : {}), ...(options.refresh ? { refresh: true } : {}) };
  let stdout = "";
  let stderr = "";
  let exitCode = 0;
  let summary: Record<string, number> = {};
  try {
    if (op === "preview") {
      const res = await stack.preview({ ...common, ...planning });
      ({ stdout, stderr } = res);
      summary = res.changeSummary as Record<string, number>;
    } else if (op === "up") {
      const res = await stack.up({ ...common, ...planning });
      ({ stdout, stderr } = res);
      summary = (res.summary.resourceChanges ?? {}) as Record<string, number>;
    } else if (op === "refresh") {
      const res = await stack.refresh({
        ...common,
        ...(options.runProgram ? { runProgram: true } : {}),
        ...(options.expectNoChanges ? { expectNoChanges: true } : {}),
      });
      ({ stdout, stderr } = res);
      summary = (res.summary.resourceChanges ?? {}) as Record<string, number>;
    } else {
      const res = await stack.destroy({ ...common, ...(options.runProgram ? { runProgram: true } : {}) });
      ({ stdout, stderr } = res);
      summary = (res.summary.resourceChanges ?? {}) as Record<string, number>;
    }
  } catch (error) {
    const failure = error as CommandFailure;
    const result = failure.commandResult;
    if (!result) throw error;
    ({ stdout, stderr } = result);
    exitCode = result.code || 1;
  }
  // For a look at what the engine reports: NAAS_CLI_EVENTS=<file> appends every event as JSON.
  if (process.env.NAAS_CLI_EVENTS) appendFileSync(process.env.NAAS_CLI_EVENTS, events.map((e) => `${JSON.stringify(e)}\n`).join(""));
  const { steps: all, errors } = stepsOf(events);
  const steps = op === "refresh" ? refreshSteps(events, all) : all;
  return {
    ok: exitCode === 0,
    exitCode,
    steps,
    summary,
    stdout,
    stderr,
    errors,
    messages: messagesOf(events),
    outputs: op === "destroy" ? {} : await outputs(),
  };
}

async function importResources(resources: Array<{ type: string; name: string; id: string }>): Promise<CliResult> {
  try {
    const res = await stack.import({ resources, generateCode: false, protect: false });
    return {
      ok: true,
      exitCode: 0,
      steps: [],
      summary: (res.summary.resourceChanges ?? {}) as Record<string, number>,
      stdout: res.stdout,
      stderr: res.stderr,
      errors: [],
      messages: [],
      outputs: {},
    };
  } catch (error) {
    const result = (error as CommandFailure).commandResult;
    if (!result) throw error;
    return {
      ok: false,
      exitCode: result.code || 1,
      steps: [],
      summary: {},
      stdout: result.stdout,
      stderr: result.stderr,
      errors: [],
      messages: [],
      outputs: {},
    };
  }
}

/**
 * `pulumi stack export`, run as a user runs it: the Automation API's exportStack adds
 * `--show-secrets`, which would decrypt the very secrets the suites check for.
 */
async function exportStack(): Promise<unknown> {
  const { stdout } = await execFileAsync(params.pulumi, ["stack", "export", "--stack", params.stack, "--non-interactive"], {
    cwd: params.programDir,
    env: { ...process.env, ...params.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(stdout) as unknown;
}

async function handle(m: DriverRequest): Promise<DriverReply> {
  switch (m.kind) {
    case "run":
      await configure(m.config);
      return { kind: "result", seq: m.seq, result: await run(m.op, m.options) };
    case "import":
      await configure(m.config);
      return { kind: "result", seq: m.seq, result: await importResources(m.resources) };
    case "export":
      return { kind: "result", seq: m.seq, value: await exportStack() };
    case "importState":
      await stack.importStack(m.deployment as Automation.Deployment);
      return { kind: "result", seq: m.seq, value: true };
    case "outputs":
      return { kind: "result", seq: m.seq, value: await outputs() };
  }
}

process.on("message", (m: DriverRequest) => {
  handle(m).then(send, (e: unknown) => send({ kind: "result", seq: m.seq, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});

init().then(
  () => send({ kind: "ready" }),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
