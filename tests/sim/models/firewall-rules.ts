/**
 * Firewall rule lists (cluster, node, security group) with PVE's `pos` semantics:
 * POST inserts at `pos` (default: top), PUT `moveto` moves, DELETE shifts the rest up, and the
 * list digest (`copy_list_with_digest`) guards every write.
 */
import type { SimContext, SimRequest } from "../types";
import { applyUpdate, assertDigest, configParams, pveDie, sha1, type ConfigRecord } from "./config-text";
import type { Register } from "./generic-store";
import { parametersOf } from "./schema";

/** An ordered list of rules; positions are indexes. */
export class RuleList {
  rules: ConfigRecord[] = [];

  /** SHA1 over the rules' content, as the list and each item report it. */
  digest(): string {
    return sha1(JSON.stringify(this.rules.map((r) => Object.entries(r).sort())));
  }

  /** Rules with `pos` and `digest`, as GET returns them. */
  view(): Record<string, unknown>[] {
    const digest = this.digest();
    return this.rules.map((rule, pos) => ({ ...rule, pos, digest }));
  }

  at(pos: number): ConfigRecord {
    const rule = this.rules[pos];
    if (!rule) throw pveDie(`no rule at position ${pos}`);
    return rule;
  }

  /** Inserts at `pos` (clamped to the end), or at the top when `pos` is undefined. */
  insert(rule: ConfigRecord, pos: number | undefined): void {
    this.rules.splice(Math.min(pos ?? 0, this.rules.length), 0, rule);
  }

  /** PVE's move: the rule goes before the rule that was at index `moveto` (or last). */
  move(pos: number, moveto: number): void {
    const rule = this.at(pos);
    const next: ConfigRecord[] = [];
    this.rules.forEach((other, i) => {
      if (i === pos) return;
      if (i === moveto) next.push(rule);
      next.push(other);
    });
    if (moveto >= this.rules.length) next.push(rule);
    this.rules = next;
  }

  remove(pos: number): void {
    this.at(pos);
    this.rules.splice(pos, 1);
  }
}

/** Where one scope's rules live and which lock guards them. */
export interface RuleScope {
  readonly list: string;
  readonly item: string;
  /** The rules for this request (throws PVE's message when the scope does not exist). */
  readonly rulesOf: (req: SimRequest) => RuleList;
  readonly lockId: (req: SimRequest) => string;
}

const ruleFields = (req: SimRequest, template: string, method: "POST" | "PUT"): ConfigRecord =>
  configParams(req.params, parametersOf(method, template), ["pos", "moveto"]);

/** Registers GET/POST on the list and GET/PUT/DELETE on `{pos}` for one scope. */
export function registerRules(register: Register, ctx: SimContext, scope: RuleScope): void {
  const posOf = (req: SimRequest): number => Number(req.params.pos);
  const write = (req: SimRequest, fn: (rules: RuleList) => void): Promise<null> =>
    ctx.withLock(scope.lockId(req), () => {
      const rules = scope.rulesOf(req);
      assertDigest(rules.digest(), req.params.digest);
      fn(rules);
      return null;
    });

  register("GET", scope.list, (req) => scope.rulesOf(req).view());
  register("POST", scope.list, (req) =>
    write(req, (rules) => {
      const rule = ruleFields(req, scope.list, "POST");
      rule.enable ??= 0;
      rules.insert(rule, req.params.pos === undefined ? undefined : Number(req.params.pos));
    }),
  );
  register("GET", scope.item, (req) => {
    const rules = scope.rulesOf(req);
    return { ...rules.at(posOf(req)), pos: posOf(req), digest: rules.digest() };
  });
  const updateSchema = parametersOf("PUT", scope.item);
  register("PUT", scope.item, (req) =>
    write(req, (rules) => {
      if (req.params.moveto !== undefined) return rules.move(posOf(req), Number(req.params.moveto));
      const rule = { ...rules.at(posOf(req)) };
      applyUpdate(rule, ruleFields(req, scope.item, "PUT"), req.params.delete, updateSchema);
      rules.rules[posOf(req)] = rule;
    }),
  );
  register("DELETE", scope.item, (req) => write(req, (rules) => rules.remove(posOf(req))));
}
