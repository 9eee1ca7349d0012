// The engine's checkpoint: one JSON file per stack, written atomically (tmp + rename) after every
// completed step so that a crash loses at most the step in flight. Secret values never reach the
// disk in plain text: they are AES-256-GCM encrypted with a key derived from the passphrase.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
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

/** Reads a state file (secrets decrypted to secret sentinels); a missing file is an empty stack. */
export function loadState(file: string, stack: string, project: string, passphrase: string | undefined): StateFile {
    if (!existsSync(file)) return emptyState(stack, project);
    const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (!isObject(raw) || raw.version !== 1 || !Array.isArray(raw.resources) || typeof raw.secretsSalt !== "string") {
        throw new Error(`${file} is not a state file of this engine (version 1)`);
    }
    if (raw.stack !== stack || raw.project !== project) {
        throw new Error(`${file} belongs to ${String(raw.project)}/${String(raw.stack)}, not ${project}/${stack}`);
    }
    const crypter = new SecretsCrypter(passphrase, raw.secretsSalt);
    return { ...(raw as unknown as StateFile), resources: crypter.decrypt(raw.resources) as ResourceState[] };
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
    const text = JSON.stringify(encryptState(state, passphrase), null, 2) + "\n";
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
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
