/**
 * The real command-line tools the tests drive: the `pulumi` CLI and OpenTofu's `tofu`, built from
 * their Go modules through small wrapper modules (both have `replace` directives, which `go install`
 * refuses), plus our `pulumi-resource-pulumi-nodejs`, the launcher of dynamic providers that only
 * Pulumi's release tarball ships. Versions are pinned in `tools.json`.
 *
 * Each tool is obtained once per machine and cached outside the work tree, so every worktree and
 * CI run reuses it: a tool already on PATH at the pinned version is used as it is; otherwise the
 * cached build; otherwise it is built (tens of minutes cold on 2 cores, progress printed).
 *
 * `npm run tools` builds or reuses them and prints `<name> <version> <absolute path>` per tool.
 * `npm test` runs it first (`--pretest`): there a missing Go only prints what to install, and the
 * suites that need the CLIs fail with the same message through {@link locateTools}.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import pins from "./tools.json";

/** A Go-built tool's pin: the module to require and how its release build is made. */
interface GoPin {
  version: string;
  module: string;
  requires: string[];
  replaces: string[];
  package: string;
  tags: string;
  ldflags: string;
  versionArgs: string[];
  versionPattern: string;
}

/** The tools built from Go modules. */
export type GoToolName = "pulumi" | "tofu";
const GO_TOOLS: GoToolName[] = ["pulumi", "tofu"];
const LAUNCHER = "pulumi-resource-pulumi-nodejs";

/** One located tool. `source` says where it came from: PATH, an earlier build, or this run's build. */
export interface Tool {
  name: string;
  version: string;
  path: string;
  source: "path" | "cache" | "built";
}

/** The tools, by name, as {@link ensureTools} and {@link locateTools} find them. */
export interface Tools {
  pulumi: Tool;
  tofu: Tool;
  /** Our launcher of Pulumi's Node.js dynamic-provider host (the CLI finds it on PATH). */
  launcher: Tool;
}

/** A tool cannot be had on this machine; the message says what to install or run. */
export class ToolsUnavailable extends Error {}

const pin = (name: GoToolName): GoPin => pins[name];

/** The machine-wide cache: `$NAAS_PROXMOX_TOOLS_CACHE`, else `${XDG_CACHE_HOME:-~/.cache}/naas-proxmox-tools`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NAAS_PROXMOX_TOOLS_CACHE) return env.NAAS_PROXMOX_TOOLS_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "naas-proxmox-tools");
}

const toolDir = (name: GoToolName): string => join(cacheRoot(), `${name}-${pin(name).version}`);
const cachedBinary = (name: GoToolName): string => join(toolDir(name), "bin", name);
const stampFile = (name: GoToolName): string => join(toolDir(name), "stamp.json");
const errorFile = (name: GoToolName): string => join(toolDir(name), "last-error.txt");

function versionMatches(name: GoToolName, output: string): boolean {
  const semver = pin(name).version.replace(/^v/, "").replace(/\./g, "\\.");
  const pattern = new RegExp(pin(name).versionPattern.replace("{semver}", semver), "m");
  return pattern.test(output.trim());
}

/** The pinned version of `name` on PATH, if any (outside our cache). */
function onPath(name: GoToolName): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir || dir.startsWith(cacheRoot())) continue;
    const candidate = join(dir, name);
    if (!existsSync(candidate)) continue;
    const res = spawnSync(candidate, pin(name).versionArgs, {
      encoding: "utf8",
      timeout: 30_000,
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true", CHECKPOINT_DISABLE: "1" },
    });
    if (res.status === 0 && versionMatches(name, res.stdout)) return candidate;
  }
  return undefined;
}

interface Stamp {
  version: string;
  goVersion: string;
  builtAt: string;
  seconds: number;
}

function readStamp(name: GoToolName): Stamp | undefined {
  try {
    const stamp = JSON.parse(readFileSync(stampFile(name), "utf8")) as Stamp;
    return stamp.version === pin(name).version && existsSync(cachedBinary(name)) ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** Finds a tool without building: PATH at the pinned version, then the cache. */
function findGoTool(name: GoToolName): Tool | undefined {
  const version = pin(name).version;
  const fromPath = onPath(name);
  if (fromPath) return { name, version, path: fromPath, source: "path" };
  if (readStamp(name)) return { name, version, path: cachedBinary(name), source: "cache" };
  return undefined;
}

// ---- the launcher --------------------------------------------------------------------------------

/**
 * What Pulumi's release tarball ships as `pulumi-resource-pulumi-nodejs`: it runs the project's own
 * `@pulumi/pulumi/cmd/dynamic-provider` with Node. The CLI starts it with the project folder as the
 * working directory, so the host (and every `require` in serialized providers) resolves from there.
 * `exec` so that the CLI's kill reaches Node itself.
 */
const LAUNCHER_SCRIPT = `#!/bin/sh
# Written by @naas/pulumi-proxmox tests/setup/tools.ts: the dynamic-provider launcher of Pulumi's release tarball.
host=$(node -e "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/dynamic-provider', { paths: [process.cwd()] }))") || exit 1
exec node "$host" "$@"
`;

function ensureLauncher(): Tool {
  const path = join(cacheRoot(), LAUNCHER, LAUNCHER);
  if (!existsSync(path) || readFileSync(path, "utf8") !== LAUNCHER_SCRIPT) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, LAUNCHER_SCRIPT);
    chmodSync(`${path}.tmp`, 0o755);
    renameSync(`${path}.tmp`, path);
  }
  return { name: LAUNCHER, version: pin("pulumi").version, path, source: "cache" };
}

// ---- Go --------------------------------------------------------------------------------------

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function installAdvice(): string {
  const p = pin("pulumi").version;
  const t = pin("tofu").version;
  return (
    `Install Go ${pins.go.minimum} or later (https://go.dev/dl/; the Go module proxy must be reachable) and run \`npm run tools\`, ` +
    `or put pulumi ${p} and tofu ${t} on PATH. A cold build took 14-46 min (pulumi) and 16-29 min (tofu) on our shared 2-core machines, depending on their load; it is cached in ${cacheRoot()}.`
  );
}

/** The Go toolchain's version, or why it cannot build the tools. */
function goVersion(): string {
  const res = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  if (res.error || res.status !== 0) {
    throw new ToolsUnavailable(`The real pulumi and tofu CLIs are not available: Go is not installed (no \`go\` on PATH). ${installAdvice()}`);
  }
  const version = res.stdout.trim().replace(/^go/, "");
  const toolchain = spawnSync("go", ["env", "GOTOOLCHAIN"], { encoding: "utf8" }).stdout.trim();
  if (compareVersions(version, pins.go.minimum) < 0 && toolchain === "local") {
    throw new ToolsUnavailable(
      `Go ${version} is older than ${pins.go.minimum}, which the pinned pulumi and tofu need, and GOTOOLCHAIN=local forbids fetching a newer one. ${installAdvice()}`,
    );
  }
  return version;
}

function goMod(name: GoToolName, goMin: string): string {
  const p = pin(name);
  return [
    `// Generated by @naas/pulumi-proxmox tests/setup/tools.ts: builds ${p.package} ${p.version} with the replaces its own go.mod has.`,
    `module naas.local/tools/${name}`,
    "",
    `go ${goMin}`,
    "",
    "require (",
    ...p.requires.map((m) => `\t${m} ${p.version}`),
    ")",
    "",
    ...p.replaces.map((r) => `replace ${r}`),
    "",
  ].join("\n");
}

function toolsGo(name: GoToolName): string {
  return `//go:build tools\n\n// Keeps the tool's package in the module graph for go mod tidy.\npackage tools\n\nimport _ "${pin(name).package}"\n`;
}

type Log = (line: string) => void;

/** Runs a go command, its output appended to `logFile`, with a progress line every 30 s. */
function runGo(args: string[], cwd: string, logFile: string, label: string, log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const out = createWriteStream(logFile, { flags: "a" });
    out.write(`$ go ${args.join(" ")}\n`);
    const child = spawn("go", args, {
      cwd,
      env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false", GOWORK: "off" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let lines = 0;
    let last = "";
    const count = (line: string): void => {
      lines++;
      last = line;
      out.write(`${line}\n`);
    };
    createInterface({ input: child.stdout }).on("line", count);
    createInterface({ input: child.stderr }).on("line", count);
    const timer = setInterval(() => {
      const secs = Math.round((Date.now() - started) / 1000);
      log(`  ${label}: ${Math.floor(secs / 60)}m${String(secs % 60).padStart(2, "0")}s, ${lines} lines of output so far (last: ${last.slice(0, 80)})`);
    }, 30_000);
    child.once("error", (e) => {
      clearInterval(timer);
      out.end();
      reject(e);
    });
    child.once("exit", (code) => {
      clearInterval(timer);
      out.end(() => {
        if (code === 0) resolve();
        else reject(new Error(`go ${args[0]} for ${label} failed (exit ${code}); the last lines of ${logFile}:\n${tail(logFile, 15)}`));
      });
    });
  });
}

function tail(file: string, n: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-n).join("\n");
  } catch {
    return "";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One build per tool on the machine at a time: a second caller waits for the first. */
async function withLock<T>(dir: string, log: Log, work: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  let told = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch {
      const pid = Number(readFileSyncSafe(join(lock, "pid")));
      if (pid && !alive(pid)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!told) log(`  waiting for the build that process ${pid || "?"} runs (${lock})`);
      told = true;
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readFileSyncSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Builds `name` from the Go module proxy into the cache. */
async function buildGoTool(name: GoToolName, log: Log): Promise<Tool> {
  const p = pin(name);
  const go = goVersion();
  const dir = toolDir(name);
  return withLock(dir, log, async () => {
    // Another process may have finished it while this one waited.
    if (readStamp(name)) return { name, version: p.version, path: cachedBinary(name), source: "cache" };
    const src = join(dir, "src");
    mkdirSync(src, { recursive: true });
    mkdirSync(join(dir, "bin"), { recursive: true });
    rmSync(errorFile(name), { force: true });
    writeFileSync(join(src, "go.mod"), goMod(name, pins.go.minimum));
    writeFileSync(join(src, "tools.go"), toolsGo(name));
    const logFile = join(dir, "build.log");
    writeFileSync(logFile, `building ${p.package} ${p.version} with go ${go}\n`);
    const started = Date.now();
    log(`${name} ${p.version}: building from the Go module proxy with go ${go} (log: ${logFile}); a cold build takes tens of minutes on 2 cores`);
    try {
      await runGo(["mod", "tidy"], src, logFile, `${name} modules`, log);
      const out = join(dir, "bin", `${name}.partial`);
      const tags = p.tags ? ["-tags", p.tags] : [];
      await runGo(
        ["build", "-v", "-trimpath", ...tags, "-ldflags", p.ldflags.replace("{version}", p.version), "-o", out, p.package],
        src,
        logFile,
        `${name} build`,
        log,
      );
      renameSync(out, cachedBinary(name));
    } catch (error) {
      writeFileSync(errorFile(name), String(error instanceof Error ? error.message : error));
      throw new ToolsUnavailable(`Building ${name} ${p.version} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    const stamp: Stamp = { version: p.version, goVersion: go, builtAt: new Date().toISOString(), seconds };
    writeFileSync(stampFile(name), JSON.stringify(stamp, null, 2));
    log(`${name} ${p.version}: built in ${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`);
    return { name, version: p.version, path: cachedBinary(name), source: "built" };
  });
}

// ---- entry points ------------------------------------------------------------------------------

/** Finds or builds every tool, one build at a time (the machines have 2 cores). */
export async function ensureTools(log: Log = (line) => console.error(line)): Promise<Tools> {
  const found: Partial<Record<GoToolName, Tool>> = {};
  for (const name of GO_TOOLS) found[name] = findGoTool(name) ?? (await buildGoTool(name, log));
  return { pulumi: found.pulumi!, tofu: found.tofu!, launcher: ensureLauncher() };
}

/** Finds the named Go-built tools without building them; throws {@link ToolsUnavailable} saying what to do. */
function locate(names: readonly GoToolName[]): Partial<Record<GoToolName, Tool>> {
  const missing: GoToolName[] = [];
  const found: Partial<Record<GoToolName, Tool>> = {};
  for (const name of names) {
    const tool = findGoTool(name);
    if (tool) found[name] = tool;
    else missing.push(name);
  }
  if (missing.length > 0) {
    // The same reason the pretest build gave (no Go, a failed build), else: not built yet.
    goVersion();
    const failures = missing.map((name) => readFileSyncSafe(errorFile(name)).trim()).filter(Boolean);
    const one = missing.length === 1;
    const why =
      failures.length > 0 ? `the last build failed:\n${failures.join("\n")}\n` : `${one ? "it has" : "they have"} not been built on this machine yet. `;
    throw new ToolsUnavailable(`The real ${missing.join(" and ")} CLI${one ? " is" : "s are"} not available: ${why}${installAdvice()}`);
  }
  return found;
}

/**
 * Finds every tool without building it, for the suites that need them: throws
 * {@link ToolsUnavailable} saying what to install or run when one is missing.
 */
export function locateTools(): Tools {
  const found = locate(GO_TOOLS);
  return { pulumi: found.pulumi!, tofu: found.tofu!, launcher: ensureLauncher() };
}

/** What the real-CLI suites need: `pulumi` and the dynamic-provider launcher. */
export function locatePulumi(): Pick<Tools, "pulumi" | "launcher"> {
  return { pulumi: locate(["pulumi"]).pulumi!, launcher: ensureLauncher() };
}

/** The lines `npm run tools` prints: `<name> <version> <absolute path>`. */
export function toolLines(tools: Tools): string[] {
  return [tools.pulumi, tools.launcher, tools.tofu].map((t) => `${t.name} ${t.version} ${t.path}`);
}

async function main(): Promise<void> {
  const pretest = process.argv.includes("--pretest");
  try {
    const tools = await ensureTools();
    for (const line of toolLines(tools)) console.log(line);
    // The Node.js language host module is not served by the proxy: the suites use inline programs.
    console.error(
      "pulumi-language-nodejs: not built (the Go module proxy does not serve it); the real-CLI suites run inline programs through the Automation API",
    );
  } catch (error) {
    if (!(error instanceof ToolsUnavailable)) throw error;
    console.error(`\n${error.message}\n`);
    // In `npm test` the other suites still run; the real-CLI suites fail with this same message.
    process.exit(pretest ? 0 : 1);
  }
}

if (require.main === module) void main();
