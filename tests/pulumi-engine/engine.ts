// One engine run (preview, up, refresh or destroy) of one stack: loads the state, starts one
// provider host, runs the program (preview/up) or walks the state (refresh/destroy), writes the
// state after every step and reports each step as it finishes.
import type { ConfigValue } from "./host";
import { ProviderHost } from "./host";
import { Limiter } from "./limit";
import { runProgram } from "./program";
import { loadProgram } from "./project";
import { footerLines, headerLine, stepLines, summarize } from "./render";
import { Checkpointer, loadState } from "./state";
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

export async function run(op: Operation, options: EngineOptions): Promise<EngineResult> {
  const started = Date.now();
  const emit = options.onLine ?? ((): void => undefined);
  const program = loadProgram(options.programDir);
  const stack = options.stack ?? "dev";
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  const passphrase = env.PULUMI_CONFIG_PASSPHRASE;
  const config = stackConfig(program.project, options.config, options.secretConfig);
  const state = loadState(options.stateFile, stack, program.project, passphrase);
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
