/**
 * Firewall rules of the cluster, a node and a security group. PVE addresses a rule by its
 * position, which shifts whenever a rule above it is inserted or removed (by hand, by another
 * stack). A managed rule is therefore identified by its `comment`, which PVE keeps with the rule
 * and which must be unique in its list: every read finds the rule by comment, and every update or
 * delete resolves its current `pos` right before the write and sends the list's digest with it, so
 * PVE refuses the write (instead of changing another rule) if the list moved in between.
 */
import { type CollectionDefinition, defineKind } from "../../define";
import type { KindHooks } from "../../hooks";
import type { CollectionSpec } from "../../spec";
import { FIREWALL_ACTIONS, FIREWALL_MACROS, FIREWALL_PROTOCOL_NAMES } from "../../facts/firewall";
import { ruleFailures } from "./checks";

/** `verify_rule`'s checks, as pve-firewall runs them on every rule create and update. */
const ruleHooks: KindHooks = { check: (news) => ruleFailures(news, false) };

const RULE_DOC =
  "Rules are identified by their `comment`, unique in the list (PVE keeps it with the rule; positions shift). " +
  "Rules inserted or removed by hand above a managed rule do not make it drift, and its updates and deletes " +
  "go to the rule with that comment wherever it is now (the list's digest guards the write). A new rule is " +
  "inserted at the top of the list, as PVE does; its position is not managed afterwards.";

const FIELDS: CollectionSpec["fields"] = {
  comment: { required: true, doc: "The rule's identity in its list (unique); changing it replaces the rule." },
  type: { doc: "`in`, `out`, `forward`, or `group` (then `action` names a security group)." },
  action: {
    // A `group` rule's action is a security group's name: any name PVE's pattern takes.
    values: { names: FIREWALL_ACTIONS, open: true },
    doc: "`ACCEPT`, `DROP`, `REJECT` (not on `forward`), or a security group's name for `type: group`; checked in preview.",
  },
  macro: {
    values: { names: FIREWALL_MACROS },
    doc: "A predefined macro in PVE's spelling (e.g. `SSH`, `HTTPS`, `DNS`) instead of proto/ports; checked in preview against PVE's list.",
  },
  source: { doc: "Source addresses: IPs, CIDRs, ranges, an alias or `+ipset` (comma list)." },
  dest: { doc: "Destination addresses, like `source`." },
  proto: {
    // Numbers are free text to the type; the check takes those /etc/protocols lists.
    values: { names: FIREWALL_PROTOCOL_NAMES, open: true },
    doc: "An IP protocol name or number as /etc/protocols lists it (`tcp`, `udp`, `icmp`, `6`, ...); checked in preview.",
  },
  dport: { doc: "Destination ports or ranges (`22`, `80,443`, `8000:8100`)." },
  sport: { doc: "Source ports or ranges." },
  iface: { doc: "The network interface the rule applies to." },
  log: { doc: "The log level for packets matching the rule." },
  enable: {
    // PVE's schema says integer (minimum 0); pve-firewall only tests it for truth.
    flag: true,
    doc:
      "Whether the rule is active. Set it: PVE creates a rule without `enable` disabled (pve-firewall " +
      "`API2/Firewall/Rules.pm` stores `enable: 0` then), while removing it from a managed rule later deletes " +
      "the flag, which turns the rule on.",
  },
  "icmp-type": { doc: "With `proto` `icmp` or `icmpv6`: the ICMP type to match, by name (e.g. `echo-request`); not with `dport`." },
};

/** A rule kind of one list: its scope's path parameters and fields come on top of every rule's. */
export function ruleKind(
  name: string,
  scope: string,
  list: string,
  item: string,
  scopeParams: readonly string[],
  extraFields: CollectionSpec["fields"],
  hooks: KindHooks = ruleHooks,
): CollectionDefinition {
  return defineKind({
    namespace: "firewall",
    name,
    description: `A firewall rule of ${scope} (\`${list}\`). ${RULE_DOC}`,
    lifecycle: "collection",
    identity: [...scopeParams, "comment"],
    create: { method: "POST", path: list },
    read: {
      path: list,
      select: (rule, id) => rule["comment"] === id["comment"],
      address: { pos: "pos", digest: "digest" },
      unique: true,
    },
    update: { method: "PUT", path: item },
    remove: { method: "DELETE", path: item },
    exclude: ["pos", "moveto"],
    hooks,
    fields: { ...FIELDS, ...extraFields },
  });
}
