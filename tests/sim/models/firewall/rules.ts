/**
 * Firewall rule lists (cluster, node, security group) as pve-firewall
 * `src/PVE/API2/Firewall/Rules.pm` serves them (`register_get_rules`, `register_get_rule`,
 * `register_create_rule`, `register_update_rule`, `register_delete_rule`):
 * - POST inserts the new rule at the TOP (`unshift`) and ignores `pos` and `digest`; a rule
 *   created without `enable` is disabled (`enable: 0`);
 * - PUT with a `moveto` other than `pos` only moves (other arguments are ignored); otherwise it
 *   changes the rule (`copy_rule_data`: an empty value or `-` removes a key) and deletes the
 *   `delete` list (`delete_rule_properties`);
 * - every create and update runs `verify_rule` (see `verify.ts`): its parameter errors
 *   are real 400s, since the firewall locks re-raise with `die $@`;
 * - PUT and DELETE check the list digest (`copy_list_with_digest`); a missing position is
 *   `no rule at position <n>`.
 */
import type { SimContext, SimRequest } from "../../types";
import { assertDigest, pveDie, sha1, splitList, type ConfigRecord } from "../config-text";
import { verifyRule, type RuleEnv, type RuleObjects } from "./verify";
import type { Register } from "../generic-store";
import { paramError } from "../param-error";

/** `$rule_properties` that `copy_rule_data` copies into a rule (`pos` and `digest` never reach the file). */
const RULE_KEYS = ["type", "action", "macro", "iface", "source", "dest", "proto", "enable", "log", "sport", "dport", "comment", "icmp-type"];

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

  /** `unshift`: a new rule goes first. */
  insert(rule: ConfigRecord): void {
    this.rules.unshift(rule);
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
  /** `$rule_env` of the scope. */
  readonly env: RuleEnv;
  /** The rules for this request (throws PVE's message when the scope does not exist). */
  readonly rulesOf: (req: SimRequest) => RuleList;
  readonly lockId: (req: SimRequest) => string;
  /** The aliases and IP sets rules may name. */
  readonly objects: RuleObjects;
}

/** `copy_rule_data`: the given rule keys; an empty value or `-` removes the key. */
function copyRuleData(rule: ConfigRecord, params: Readonly<Record<string, unknown>>): void {
  for (const key of RULE_KEYS) {
    const value = params[key];
    if (value === undefined || value === null) continue;
    if (value === "" || value === "-") delete rule[key];
    else rule[key] = typeof value === "number" ? value : String(value);
  }
}

/** `delete_rule_properties`. */
function deleteRuleProperties(rule: ConfigRecord, list: unknown): void {
  for (const key of splitList(list)) {
    if (!RULE_KEYS.includes(key) && key !== "pos" && key !== "digest") throw paramError({ delete: `no such property ('${key}')` });
    if (key === "type" || key === "action") throw paramError({ delete: `unable to delete required property '${key}'` });
    delete rule[key];
  }
}

/** Registers GET/POST on the list and GET/PUT/DELETE on `{pos}` for one scope. */
export function registerRules(register: Register, ctx: SimContext, scope: RuleScope): void {
  const posOf = (req: SimRequest): number => Number(req.params.pos);
  const locked = (req: SimRequest, fn: (rules: RuleList) => void): Promise<null> =>
    ctx.withLock(scope.lockId(req), () => {
      fn(scope.rulesOf(req));
      return null;
    });

  register("GET", scope.list, (req) => scope.rulesOf(req).view());
  register("POST", scope.list, (req) =>
    locked(req, (rules) => {
      const rule: ConfigRecord = {};
      copyRuleData(rule, req.params);
      verifyRule(rule, scope.env, scope.objects);
      if (req.params.enable === undefined) rule.enable = 0;
      rules.insert(rule);
    }),
  );
  register("GET", scope.item, (req) => {
    const rules = scope.rulesOf(req);
    return { ...rules.at(posOf(req)), pos: posOf(req), digest: rules.digest() };
  });
  register("PUT", scope.item, (req) =>
    locked(req, (rules) => {
      assertDigest(rules.digest(), req.params.digest);
      const pos = posOf(req);
      const current = rules.at(pos);
      const moveto = req.params.moveto;
      if (moveto !== undefined && Number(moveto) !== pos) return rules.move(pos, Number(moveto));
      const rule = { ...current };
      delete rule.ipversion;
      copyRuleData(rule, req.params);
      if (req.params.delete !== undefined) deleteRuleProperties(rule, req.params.delete);
      verifyRule(rule, scope.env, scope.objects);
      rules.rules[pos] = rule;
    }),
  );
  register("DELETE", scope.item, (req) =>
    locked(req, (rules) => {
      assertDigest(rules.digest(), req.params.digest);
      rules.remove(posOf(req));
    }),
  );
}
