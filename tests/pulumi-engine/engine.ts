// One engine run (preview, up, refresh or destroy) of one stack: loads the state, starts one
// provider host, runs the program (preview/up) or walks the state (refresh/destroy), writes the
// state after every step and reports each step as it finishes. An `up` previews first, as the
// Pulumi CLI's does, and applies only when the preview succeeded.
import type { ConfigValue } from "./host";
import { ProviderHost } from "./host";
import { Limiter } from "./limit";
import { runProgram } from "./program";
import { type ProgramInfo, loadProgram } from "./project";
import { footerLines, headerLine, stepLines, summarize } from "./render";
import { Checkpointer, type StateFile, loadState } from "./state";
import { Deployment } from "./steps";
import type { EngineOptions, EngineResult, Operation, StepRecord } from "./types";

/** Stack config keyed as Pulumi keys it: a bare key belongs to the project's namespace. */
function stackConfig(project: string, plain: Record<string, string> = {}, secret: Record<string, string> = {}): Record<string, ConfigValue> {
  const full = (k: string): string => (k.includes(":") ? k : `${project}:${k}`);
  const out: Record<string, ConfigValue> = {};
  for (const [k, value] of Object.entries(plain)) out[full(k)] = { value, secret: false };
  for (const [k, value] of Object.entries(secret)) out[full(k)] = { value, secret: true };
  return out;
}

/** What every pass of one command shares: read once, so that an `up`'s preview and apply see the same program, config and state. */
interface Prepared {
  program: ProgramInfo;
  stack: string;
  env: Record<string, string | undefined>;
  passphrase: string | undefined;
  config: Record<string, ConfigValue>;
  state: StateFile;
}

function prepare(options: EngineOptions): Prepared {
  const program = loadProgram(options.programDir);
  const stack = options.stack ?? "dev";
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  const passphrase = env.PULUMI_CONFIG_PASSPHRASE;
  const config = stackConfig(program.project, options.config, options.secretConfig);
  return { program, stack, env, passphrase, config, state: loadState(options.stateFile, stack, program.project, passphrase) };
}

/**
 * Runs `op`. An `up` is a preview and then the apply, as `pulumi up` is (the CLI's
 * `PreviewThenPromptThenExecute`, with `--yes`): an error the preview finds (a failed check or
 * diff, a refused delete, a program error) ends the command before anything is written, and the
 * result is the preview's. `skipPreview` applies straight away (`--skip-preview`).
 */
export async function run(op: Operation, options: EngineOptions): Promise<EngineResult> {
  const prepared = prepare(options);
  if (op !== "up" || options.skipPreview) return runPass(op, options, prepared);
  const planned = await runPass("preview", options, prepared);
  if (!planned.ok) return { ...planned, preview: planned };
  // The preview wrote nothing (a dry run never touches the state), so the apply starts from the same state.
  return { ...(await runPass("up", options, prepared)), preview: planned };
}

/** One pass over the stack: a preview, an apply, a refresh or a destroy. */
async function runPass(op: Operation, options: EngineOptions, prepared: Prepared): Promise<EngineResult> {
  const started = Date.now();
  const emit = options.onLine ?? ((): void => undefined);
  const { program, stack, env, passphrase, config, state } = prepared;
  const dryRun = op === "preview";
  const steps: StepRecord[] = [];
  const hostOutput: string[] = [];
  const programOutput: string[] = [];

  const checkpoints = new Checkpointer(options.stateFile, state, passphrase);

  emit(headerLine(op, stack));
  const host = await ProviderHost.start({
    program,
    stack,
    dryRun,
    env,
    config,
    onLine: (_stream, line) => {
      // Plugin output is not tied to a resource (no Log RPC): shown indented as it comes.
      hostOutput.push(line);
      emit(`    ${line}`);
    },
  });
  const deployment = new Deployment({
    host,
    limiter: new Limiter(options.parallel && options.parallel > 0 ? options.parallel : Infinity),
    state,
    dryRun,
    persist: () => {
      if (!dryRun) checkpoints.save();
    },
    report: (step) => {
      steps.push(step);
      if (step.op !== "same" || options.verbose || step.error) for (const l of stepLines(step, dryRun)) emit(l);
    },
  });

  let programErrors: string[] = [];
  try {
    if (op === "preview" || op === "up") {
      programErrors = await runProgram({
        program,
        stack,
        dryRun,
        env,
        config,
        onLine: (line) => {
          programOutput.push(line);
          emit(`    ${line}`);
        },
        handlers: deployment,
      });
      // A failed step shows up again as the program's unhandled error: report it once.
      const stepErrors = steps.flatMap((s) => (s.error ? [s.error] : []));
      programErrors = programErrors.filter((e) => !stepErrors.some((s) => e.includes(s)));
      for (const e of programErrors) emit(`    error: ${e.split("\n")[0] ?? e}`);
      const { unregistered, pending } = deployment.leftovers();
      // Like Pulumi: nothing is deleted when the program or a step failed.
      if (programErrors.length === 0 && !deployment.failed) await deployment.deleteAll(unregistered);
      await deployment.deleteAll(pending);
    } else if (op === "refresh") {
      await deployment.refreshAll();
    } else {
      await deployment.deleteAll(state.resources.slice());
    }
  } finally {
    await host.close();
    await checkpoints.flush();
  }

  const summary = summarize(steps);
  for (const l of footerLines(op, summary, deployment.stackOutputs, Date.now() - started)) emit(l);
  const ok = !deployment.failed && programErrors.length === 0;
  return { ok, steps, summary, hostOutput, programOutput, programErrors, outputs: deployment.stackOutputs, state, rpc: host.timings };
}
