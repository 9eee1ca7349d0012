// Starts the program process (runner.ts under tsx's CommonJS loader) and serves its resource
// registrations with the engine's handlers until the program is done.
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { createInterface } from "node:readline";
import type { ConfigValue } from "./host";
import type { ProgramInfo } from "./project";
import { isRunnerMessage, type EngineReply, type OutputsMessage, type ReadMessage, type RegisterMessage, type RunnerParams } from "./protocol";
import type { PropertyMap } from "./values";

export interface Registration {
  urn: string;
  id?: string;
  outputs: PropertyMap;
}

export interface ProgramHandlers {
  register(msg: RegisterMessage): Promise<Registration>;
  read(msg: ReadMessage): Promise<Registration>;
  outputs(msg: OutputsMessage): void;
}

export interface RunProgramOptions {
  program: ProgramInfo;
  stack: string;
  dryRun: boolean;
  env: Record<string, string | undefined>;
  config: Record<string, ConfigValue>;
  onLine: (line: string) => void;
  handlers: ProgramHandlers;
}

const tsxLoader = createRequire(__filename).resolve("tsx/cjs");

/** Runs the program to completion; resolves with the program's errors (empty: it succeeded). */
export function runProgram(opts: RunProgramOptions): Promise<string[]> {
  const { program } = opts;
  const params: RunnerParams = { main: program.main, dir: program.dir, project: program.project, stack: opts.stack, dryRun: opts.dryRun };
  const config = Object.fromEntries(Object.entries(opts.config).map(([k, v]) => [k, v.value]));
  const secretKeys = Object.entries(opts.config)
    .filter(([, v]) => v.secret)
    .map(([k]) => k);
  const child = fork(path.join(__dirname, "runner.ts"), [JSON.stringify(params)], {
    cwd: program.dir,
    execArgv: ["--require", tsxLoader],
    env: {
      ...opts.env,
      // What the language host gives a program: project, stack, dry run and the stack config.
      PULUMI_NODEJS_PROJECT: program.project,
      PULUMI_NODEJS_STACK: opts.stack,
      PULUMI_NODEJS_DRY_RUN: String(opts.dryRun),
      PULUMI_CONFIG: JSON.stringify(config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
    },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  createInterface({ input: child.stdout! }).on("line", opts.onLine);
  createInterface({ input: child.stderr! }).on("line", opts.onLine);
  return new Promise((resolve) => {
    let result: string[] | undefined;
    const reply = (r: EngineReply): void => {
      if (child.connected) child.send(r);
    };
    const serve = (seq: number, work: Promise<Registration>): void => {
      work.then(
        (reg) => reply({ kind: "reply", seq, urn: reg.urn, id: reg.id, outputs: reg.outputs }),
        (e: unknown) => reply({ kind: "reply", seq, error: e instanceof Error ? e.message : String(e) }),
      );
    };
    child.on("message", (m: unknown) => {
      if (!isRunnerMessage(m)) return;
      if (m.kind === "register") serve(m.seq, opts.handlers.register(m));
      else if (m.kind === "read") serve(m.seq, opts.handlers.read(m));
      else if (m.kind === "outputs") opts.handlers.outputs(m);
      else result = m.errors;
    });
    child.on("exit", (code, signal) => {
      resolve(result ?? [`the program exited (${signal ?? code}) before it finished`]);
    });
  });
}
