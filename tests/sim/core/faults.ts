/**
 * Fault injection: rules matched against each request (method, rel path), decided by a
 * seeded PRNG so a run repeats for a given seed.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { Prng } from "./prng";

/** What a matching rule does to the request. */
export type FaultAction =
  | { type: "latency"; ms: number }
  | { type: "lock-timeout" }
  | { type: "cfs-lock-timeout" }
  /** A proxy-style failure: status line only, empty body; `afterHandling` runs the operation first (596 after it really happened). */
  | { type: "status"; status: 595 | 596 | 500; message?: string; afterHandling?: boolean }
  /** Destroys the socket without a response. */
  | { type: "drop" }
  /** Worker tasks started by the request end `TASK ERROR: <message>`. */
  | { type: "task-fail"; message: string }
  /** Worker tasks started by the request run until stopped. */
  | { type: "task-hang" }
  /** The request's ticket is treated as expired (401 `Authentication failed!`). */
  | { type: "ticket-expiry" };

/** One fault rule. */
export interface FaultRule {
  /** HTTP method to match; all when absent. */
  method?: string;
  /**
   * Rel path to match (`/nodes/pve1/tasks`): a string starting with `^` is a regex, anything
   * else a glob where `*` matches within one segment and `**` across segments.
   */
  path?: string;
  /** Chance (0..1) that a matching request is hit; 1 when absent. */
  probability?: number;
  /** Stop after this many hits. */
  times?: number;
  /** Skip this many matching requests before the rule starts hitting. */
  after?: number;
  action: FaultAction;
}

interface LiveRule {
  readonly rule: FaultRule;
  readonly re: RegExp | undefined;
  seen: number;
  hits: number;
}

function globToRegExp(glob: string): RegExp {
  // `**` first (any depth), then `*` (within a segment); everything else is literal.
  const escaped = glob
    .split("**")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
    .join(".*");
  return new RegExp(`^${escaped}$`);
}

/** Reads rules from a JSON or YAML file (a list, or `{ faults: [...] }`). */
export function loadFaultFile(file: string): FaultRule[] {
  const doc: unknown = parseYaml(readFileSync(file, "utf8"));
  const list = Array.isArray(doc) ? doc : (doc as { faults?: unknown } | null)?.faults;
  if (!Array.isArray(list)) throw new Error(`fault file ${file}: expected a list of rules or {faults: [...]}`);
  return list as FaultRule[];
}

/** The set of active rules. */
export class FaultInjector {
  private rules: LiveRule[] = [];

  constructor(private readonly rng: Prng) {}

  /** Adds a rule (evaluated after the ones already there). */
  add(rule: FaultRule): void {
    const re = rule.path === undefined ? undefined : rule.path.startsWith("^") ? new RegExp(rule.path) : globToRegExp(rule.path);
    this.rules.push({ rule, re, seen: 0, hits: 0 });
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** The actions that hit this request, in rule order. */
  decide(method: string, relPath: string): FaultAction[] {
    const out: FaultAction[] = [];
    for (const live of this.rules) {
      const { rule } = live;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (live.re && !live.re.test(relPath)) continue;
      live.seen++;
      if (rule.after !== undefined && live.seen <= rule.after) continue;
      if (rule.times !== undefined && live.hits >= rule.times) continue;
      if (rule.probability !== undefined && this.rng() >= rule.probability) continue;
      live.hits++;
      out.push(rule.action);
    }
    return out;
  }
}
