// What the Go engine makes of a provider's diff answer (pkg/resource/deploy/step_generator.go):
// an unknown answer becomes the engine's own diff of the old and new inputs, per property path
// (`diffResource`, `NewDetailedDiffFromObjectDiff`); `replaceOnChanges` then turns the changes on
// the named paths into replacements (`applyReplaceOnChanges`); a replacement is any replace kind
// or replace key (`DiffResult.Replace`). Values are in wire format; secrets count as their values.
import { stripSecrets } from "./secrets";
import { UNKNOWN, isObject, type PropertyMap } from "./values";

export type PropertyDiffKind = "ADD" | "ADD_REPLACE" | "DELETE" | "DELETE_REPLACE" | "UPDATE" | "UPDATE_REPLACE";

/** A provider's diff answer, as the Go engine decodes it (`provider_plugin.go` `Diff`). */
export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The changed top-level keys (`ChangedKeys`). */
  diffs: string[];
  /** Per property path (`a.b[0]`); undefined when the answer had none (`HasDetailedDiff` false). */
  detailedDiff?: Record<string, PropertyDiffKind>;
}

type Segment = string | number;

/** A property path as Pulumi prints it (`PropertyPath.String`): `a.b`, `a[0]`, `a["x-y"]`. */
function pathText(path: readonly Segment[]): string {
  return path
    .map((segment, i) => {
      if (typeof segment === "number") return `[${segment}]`;
      if (/[^A-Za-z0-9_]/.test(segment)) return `["${segment.replace(/"/g, '\\"')}"]`;
      return i === 0 ? segment : `.${segment}`;
    })
    .join("");
}

/** Parses `a.b[0]["x-y"]` (and `*` wildcards), as `resource.ParsePropertyPath` does for these forms. */
export function parsePath(text: string): Segment[] {
  const segments: Segment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\[(\*)\]/g;
  for (const match of text.matchAll(re)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(match[3].replace(/\\"/g, '"'));
    else segments.push("*");
  }
  return segments;
}

/** `PropertyPath.Contains`: `outer` is a prefix of `inner`, `*` matching any key. */
function contains(outer: readonly Segment[], inner: readonly Segment[]): boolean {
  if (inner.length < outer.length) return false;
  return outer.every((segment, i) => segment === "*" || segment === inner[i]);
}

const hasValue = (v: unknown): boolean => v !== undefined && v !== null;

/** The detailed diff of two values at `path` (objects and arrays recurse, as Pulumi's ObjectDiff). */
function valueDiff(path: Segment[], old: unknown, now: unknown, acc: Record<string, PropertyDiffKind>): void {
  if (old === UNKNOWN || now === UNKNOWN) {
    acc[pathText(path)] = "UPDATE";
    return;
  }
  if (isObject(old) && isObject(now)) {
    for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
      const [o, n] = [old[key], now[key]];
      if (!hasValue(o) && hasValue(n)) acc[pathText([...path, key])] = "ADD";
      else if (hasValue(o) && !hasValue(n)) acc[pathText([...path, key])] = "DELETE";
      else if (hasValue(o)) valueDiff([...path, key], o, n, acc);
    }
    return;
  }
  if (Array.isArray(old) && Array.isArray(now)) {
    for (let i = 0; i < Math.max(old.length, now.length); i++) {
      if (i >= old.length) acc[pathText([...path, i])] = "ADD";
      else if (i >= now.length) acc[pathText([...path, i])] = "DELETE";
      else valueDiff([...path, i], old[i], now[i], acc);
    }
    return;
  }
  if (JSON.stringify(old) !== JSON.stringify(now)) acc[pathText(path)] = "UPDATE";
}

/** The engine's own diff of old and new inputs: changed top-level keys and the detailed diff per path. */
export function inputDiff(olds: PropertyMap, news: PropertyMap): { keys: string[]; detailed: Record<string, PropertyDiffKind> } {
  const detailed: Record<string, PropertyDiffKind> = {};
  valueDiff([], stripSecrets(olds), stripSecrets(news), detailed);
  const keys = [...new Set(Object.keys(detailed).map((path) => String(parsePath(path)[0])))].sort();
  return { keys, detailed };
}

/**
 * `diffResource`: an unknown answer is resolved by diffing the inputs (with the ignored keys
 * already set back to their old values, `processIgnoreChanges`); the provider's replaces stay.
 */
export function resolveUnknown(diff: DiffResult, oldInputs: PropertyMap, newInputs: PropertyMap): DiffResult {
  if (diff.changes !== "unknown") return diff;
  const { keys, detailed } = inputDiff(oldInputs, newInputs);
  if (keys.length === 0) return { ...diff, changes: "none" };
  return { ...diff, changes: "some", diffs: keys, detailedDiff: detailed };
}

const toReplace = (kind: PropertyDiffKind): PropertyDiffKind => (kind.endsWith("_REPLACE") ? kind : (`${kind}_REPLACE` as PropertyDiffKind));

/**
 * `applyReplaceOnChanges`: changes on a path named by `replaceOnChanges` replace the resource;
 * `#initerror` (or `*`) replaces one whose last create failed to initialize.
 */
export function applyReplaceOnChanges(diff: DiffResult, replaceOnChanges: readonly string[], hasInitErrors: boolean): DiffResult {
  if (diff.changes !== "some" && !hasInitErrors) return diff;
  const paths = replaceOnChanges.map(parsePath);
  const named = (path: string): boolean => paths.some((p) => contains(p, parsePath(path)));
  const detailedDiff = diff.detailedDiff
    ? Object.fromEntries(Object.entries(diff.detailedDiff).map(([path, kind]) => [path, named(path) ? toReplace(kind) : kind]))
    : undefined;
  const replaces = new Set([...diff.replaces, ...diff.diffs.filter(named)]);
  let changes = diff.changes;
  if (hasInitErrors && named("#initerror")) {
    replaces.add("#initerror");
    if (detailedDiff) detailedDiff["#initerror"] = "UPDATE_REPLACE";
    changes = "some";
  }
  return { ...diff, changes, replaces: [...replaces].sort(), ...(detailedDiff ? { detailedDiff } : {}) };
}

/** `DiffResult.Replace`: a replace kind in the detailed diff, or a replace key. */
export function isReplace(diff: DiffResult): boolean {
  return Object.values(diff.detailedDiff ?? {}).some((kind) => kind.endsWith("_REPLACE")) || diff.replaces.length > 0;
}
