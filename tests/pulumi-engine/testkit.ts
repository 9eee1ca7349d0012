// Shared set-up for the engine's own tests: a temp copy of the fixture program with the fixture
// provider installed from its tarball, the fixture's store, and engine options for that copy.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { installPackage } from "./install";
import type { EngineOptions } from "./types";

export const PASSPHRASE = "correct horse battery staple";

export interface StoreLogEntry {
  seq: number;
  event: string;
  name: string;
}

export interface FixtureStore {
  objects: Record<string, Record<string, unknown>>;
  log: StoreLogEntry[];
  seq: number;
}

export interface FixtureProgram {
  dir: string;
  storeFile: string;
  stateFile: string;
  options(config?: Record<string, string>, extra?: Partial<EngineOptions>): EngineOptions;
  store(): FixtureStore;
  writeStore(store: FixtureStore): void;
  stateText(): string;
  cleanup(): void;
}

const fixtureDir = path.join(__dirname, "fixture");

export function setupFixtureProgram(): FixtureProgram {
  const root = mkdtempSync(path.join(os.tmpdir(), "engine-test-"));
  const dir = path.join(root, "program");
  cpSync(path.join(fixtureDir, "program"), dir, { recursive: true });
  installPackage(path.join(fixtureDir, "provider-pkg"), dir);
  const storeFile = path.join(root, "store.json");
  const stateFile = path.join(root, "state.json");
  const emptyStore: FixtureStore = { objects: {}, log: [], seq: 0 };
  return {
    dir,
    storeFile,
    stateFile,
    options: (config = {}, extra = {}) => ({
      programDir: dir,
      stateFile,
      config: { "fixture:prefix": "p-", fanDelay: "0", ...config },
      env: { FIXTURE_STORE: storeFile, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
      ...extra,
    }),
    store: () => (existsSync(storeFile) ? (JSON.parse(readFileSync(storeFile, "utf8")) as FixtureStore) : emptyStore),
    writeStore: (store) => writeFileSync(storeFile, JSON.stringify(store)),
    stateText: () => readFileSync(stateFile, "utf8"),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Highest number of `kind` operations in flight at once, from the begin/end pairs of the log. */
export function maxOverlap(log: StoreLogEntry[], kind: string): number {
  let active = 0;
  let max = 0;
  for (const e of log) {
    if (e.event === `begin:${kind}`) max = Math.max(max, ++active);
    else if (e.event === `end:${kind}`) active--;
  }
  return max;
}
