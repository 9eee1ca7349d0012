/**
 * The two engines behind one face, for what runs on either (the demo, the quickstart comparison):
 * the real `pulumi` CLI when it is available, and the local engine (tests/pulumi-engine) otherwise.
 * Results are the local engine's step records; outputs are plain, secrets shown as `[secret]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { destroy, preview, refresh, up, type EngineResult, type StepRecord } from "../pulumi-engine";
import { loadProgram } from "../pulumi-engine/project";
import { isSecret } from "../pulumi-engine/values";
import { ToolsUnavailable, locatePulumi } from "../setup/tools";
import { CliStack, cliEnvironment, type CliEnvironment } from "./stack";

export interface EngineRun {
  ok: boolean;
  steps: StepRecord[];
  outputs: Record<string, unknown>;
  /** Error text, when the run failed. */
  errors: string;
}

export interface RunOptions {
  config?: Record<string, string>;
  secretConfig?: Record<string, string>;
}

/** A stack of one program on one engine. */
export interface ProgramEngine {
  /** What the demo prints: which engine this is. */
  readonly description: string;
  readonly kind: "real" | "local";
  preview(options?: RunOptions): Promise<EngineRun>;
  up(options?: RunOptions): Promise<EngineRun>;
  refresh(options?: RunOptions): Promise<EngineRun>;
  destroy(options?: RunOptions): Promise<EngineRun>;
  close(): Promise<void>;
}

export interface OpenOptions {
  programDir: string;
  stack?: string;
  /** Environment of the program and the provider host (credentials, passphrase). */
  env: Record<string, string>;
  passphrase: string;
  onLine?: (line: string) => void;
}

function plainOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, isSecret(v) ? "[secret]" : v]));
}

function fromLocal(result: EngineResult): EngineRun {
  const errors = [...result.programErrors, ...result.steps.flatMap((s) => (s.error ? [`${s.name}: ${s.error}`] : []))].join("\n");
  return { ok: result.ok, steps: result.steps, outputs: plainOutputs(result.outputs), errors };
}

/** The local engine on a state file of its own. */
export function openLocalEngine(opts: OpenOptions): ProgramEngine {
  const work = mkdtempSync(path.join(tmpdir(), "local-engine-"));
  const stateFile = path.join(work, "state.json");
  const options = (o: RunOptions = {}) => ({
    programDir: opts.programDir,
    stateFile,
    ...(opts.stack ? { stack: opts.stack } : {}),
    config: o.config ?? {},
    secretConfig: o.secretConfig ?? {},
    env: { ...opts.env, PULUMI_CONFIG_PASSPHRASE: opts.passphrase },
    ...(opts.onLine ? { onLine: opts.onLine } : {}),
  });
  return {
    description: "the local engine (tests/pulumi-engine): Pulumi's real dynamic-provider host driven by our stand-in for the Pulumi engine",
    kind: "local",
    preview: async (o) => fromLocal(await preview(options(o))),
    // The Automation API's `up` runs `pulumi up --skip-preview`: so does the local engine beside it.
    up: async (o) => fromLocal(await up({ ...options(o), skipPreview: true })),
    refresh: async (o) => fromLocal(await refresh(options(o))),
    destroy: async (o) => fromLocal(await destroy(options(o))),
    close: async () => rmSync(work, { recursive: true, force: true }),
  };
}

/** The real CLI on a private `file://` backend; throws {@link ToolsUnavailable} when the CLI is missing. */
export async function openRealEngine(opts: OpenOptions, environment?: CliEnvironment): Promise<ProgramEngine> {
  const env = environment ?? cliEnvironment(opts.passphrase);
  const program = loadProgram(opts.programDir);
  const stack = await CliStack.open({
    programDir: opts.programDir,
    main: program.main,
    project: program.project,
    stack: opts.stack ?? "dev",
    environment: env,
    env: opts.env,
  });
  const run = async (op: "preview" | "up" | "refresh" | "destroy", o: RunOptions = {}): Promise<EngineRun> => {
    const result = await stack.run(op, { plain: qualified(program.project, o.config), secret: qualified(program.project, o.secretConfig) });
    if (opts.onLine) for (const line of result.stdout.split("\n")) opts.onLine(line);
    const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
    const errors = [...result.errors.map((e) => e.message), ...(result.ok ? [] : [result.stderr])].join("\n");
    return { ok: result.ok, steps: result.steps, outputs, errors };
  };
  return {
    description: `the real Pulumi CLI ${env.tools.pulumi.version} (${env.tools.pulumi.path}), through the Automation API`,
    kind: "real",
    preview: (o) => run("preview", o),
    up: (o) => run("up", o),
    refresh: (o) => run("refresh", o),
    destroy: (o) => run("destroy", o),
    async close() {
      await stack.close();
      if (!environment) env.close();
    },
  };
}

/** Config keys as Pulumi writes them: a bare key belongs to the project. */
function qualified(project: string, config: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
}

/** The real CLI when it is available, else the local engine; `why` says why the local one was chosen. */
export async function openBestEngine(opts: OpenOptions): Promise<{ engine: ProgramEngine; why?: string }> {
  try {
    locatePulumi();
  } catch (error) {
    if (!(error instanceof ToolsUnavailable)) throw error;
    return { engine: openLocalEngine(opts), why: error.message };
  }
  return { engine: await openRealEngine(opts) };
}
