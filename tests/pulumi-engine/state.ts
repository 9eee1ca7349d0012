// The engine's checkpoint: one JSON file per stack, written atomically (tmp + rename) after every
// completed step so that a crash loses at most the step in flight. Secret values never reach the
// disk in plain text: they are AES-256-GCM encrypted with a key derived from the passphrase.
// During a run, a Checkpointer writes without blocking the event loop (see there).
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { SecretsCrypter } from "./secrets";
import { containsSecrets, isObject, type PropertyMap } from "./values";

export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  /** Custom resources have an id; component resources (the stack, components) do not. */
  custom: boolean;
  id?: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
  dependencies: string[];
  parent?: string;
  /** Set when the resource was adopted with the `import` option or read with `get`. */
  external?: boolean;
  /** An old copy awaiting deletion after a create-before-delete replacement. */
  pendingDelete?: boolean;
  additionalSecretOutputs?: string[];
  /** The provider created the resource but it failed to initialize (a partial failure). */
  initErrors?: string[];
  /** The `protect` option: the engine refuses to delete or replace the resource. */
  protect?: boolean;
  /** The `retainOnDelete` option: deleting drops the resource from the state and leaves it in place. */
  retainOnDelete?: boolean;
  /** The `ignoreChanges` option, which a refresh's diff also honours. */
  ignoreChanges?: string[];
}

export interface StateFile {
  version: 1;
  stack: string;
  project: string;
  secretsSalt: string;
  resources: ResourceState[];
}

export function emptyState(stack: string, project: string): StateFile {
  return { version: 1, stack, project, secretsSalt: SecretsCrypter.newSalt(), resources: [] };
}

/**
 * Reads a state file as it is on disk, its secrets still encrypted (each is still a secret
 * sentinel, holding ciphertext instead of its value); a missing file is an empty stack.
 */
export function readState(file: string, stack: string, project: string): StateFile {
  if (!existsSync(file)) return emptyState(stack, project);
  const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!isObject(raw) || raw.version !== 1 || !Array.isArray(raw.resources) || typeof raw.secretsSalt !== "string") {
    throw new Error(`${file} is not a state file of this engine (version 1)`);
  }
  if (raw.stack !== stack || raw.project !== project) {
    throw new Error(`${file} belongs to ${String(raw.project)}/${String(raw.stack)}, not ${project}/${stack}`);
  }
  return raw as unknown as StateFile;
}

/** Reads a state file (secrets decrypted to secret sentinels); a missing file is an empty stack. */
export function loadState(file: string, stack: string, project: string, passphrase: string | undefined): StateFile {
  const raw = readState(file, stack, project);
  if (raw.resources.length === 0) return raw;
  const crypter = new SecretsCrypter(passphrase, raw.secretsSalt);
  return { ...raw, resources: crypter.decrypt(raw.resources) as ResourceState[] };
}

/** The on-disk form: a deep copy with every secret encrypted. */
export function encryptState(state: StateFile, passphrase: string | undefined): StateFile {
  const crypter = new SecretsCrypter(passphrase, state.secretsSalt);
  if (passphrase === undefined && containsSecrets(state.resources)) {
    throw new Error("the state holds secrets: set PULUMI_CONFIG_PASSPHRASE to encrypt them");
  }
  return { ...state, resources: crypter.encrypt(state.resources) as ResourceState[] };
}

export function saveState(file: string, state: StateFile, passphrase: string | undefined): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, stateBytes(state, passphrase));
  renameSync(tmp, file);
}

// The on-disk bytes of each resource, by resource object, with the top-level values they were
// made from: a resource whose values are all the same objects as then has the same bytes. Steps
// replace values (`rec.outputs = ...`, `Object.assign(r, ...)`, a new record), never edit them in place.
const resourceBytes = new WeakMap<ResourceState, { keys: string[]; values: unknown[]; bytes: Buffer }>();

function sameValues(r: ResourceState, cached: { keys: string[]; values: unknown[] }): boolean {
  const keys = Object.keys(r);
  if (keys.length !== cached.keys.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as keyof ResourceState;
    if (key !== cached.keys[i] || r[key] !== cached.values[i]) return false;
  }
  return true;
}

function resourceEntry(r: ResourceState, crypter: SecretsCrypter): Buffer {
  const cached = resourceBytes.get(r);
  if (cached && sameValues(r, cached)) return cached.bytes;
  const keys = Object.keys(r);
  // Indented as inside `resources` of the whole file (JSON.stringify(state, null, 2)).
  const bytes = Buffer.from(`    ${JSON.stringify(crypter.encrypt(r), null, 2).replace(/\n/g, "\n    ")}`);
  resourceBytes.set(r, { keys, values: keys.map((k) => r[k as keyof ResourceState]), bytes });
  return bytes;
}

const COMMA = Buffer.from(",\n");

/**
 * The file's bytes, the same as `JSON.stringify(encryptState(state), null, 2) + "\n"`, but each
 * unchanged resource's bytes are reused: a save after every step was O(resources) of encryption
 * and serialization, O(n²) over a run.
 */
export function stateBytes(state: StateFile, passphrase: string | undefined): Buffer {
  if (passphrase === undefined && containsSecrets(state.resources)) {
    throw new Error("the state holds secrets: set PULUMI_CONFIG_PASSPHRASE to encrypt them");
  }
  const crypter = new SecretsCrypter(passphrase, state.secretsSalt);
  const { resources, ...header } = state;
  const head = JSON.stringify({ ...header, resources: [] }, null, 2);
  if (resources.length === 0) return Buffer.from(`${head}\n`);
  const parts: Buffer[] = [Buffer.from(`${head.slice(0, head.lastIndexOf("[]"))}[\n`)];
  resources.forEach((r, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(resourceEntry(r, crypter));
  });
  parts.push(Buffer.from("\n  ]\n}\n"));
  return Buffer.concat(parts);
}

/** {@link stateBytes} as text. */
export function stateText(state: StateFile, passphrase: string | undefined): string {
  return stateBytes(state, passphrase).toString("utf8");
}

/**
 * Saves the state after steps without blocking the event loop: the write (tmp + rename, so the
 * file is always whole) runs in the background, and saves asked for meanwhile are gathered into
 * the next write, which starts as soon as the current one is done. Writes never overlap. A crash
 * loses the steps completed since the last write started (at most one write's duration).
 * `flush()` waits until every save asked for is on disk and reports a failed write.
 */
export class Checkpointer {
  #dirty = false;
  #writing: Promise<void> | undefined;
  #error: unknown;

  constructor(
    private readonly file: string,
    private readonly state: StateFile,
    private readonly passphrase: string | undefined,
  ) {}

  save(): void {
    this.#dirty = true;
    this.#writing ??= this.#drain();
  }

  async #drain(): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      while (this.#dirty) {
        this.#dirty = false;
        await writeFile(tmp, stateBytes(this.state, this.passphrase));
        await rename(tmp, this.file);
      }
    } catch (error) {
      this.#error ??= error;
    } finally {
      this.#writing = undefined;
    }
  }

  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (this.#error !== undefined) throw this.#error;
  }
}

/** URN of a resource, following the engine: children of components carry the parent's type chain. */
export function makeUrn(stack: string, project: string, type: string, name: string, parentUrn?: string): string {
  let qualified = type;
  if (parentUrn) {
    const parentType = parentUrn.split("::")[2] ?? "";
    // The root stack is not part of its children's qualified type.
    if (parentType !== "pulumi:pulumi:Stack") qualified = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}
