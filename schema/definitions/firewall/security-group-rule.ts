/** `firewall.SecurityGroupRule`: a rule of a security group, which cannot name an interface or include a group. */
import type { KindHooks } from "../../hooks";
import { lowercaseName, ruleFailures } from "./checks";
import { ruleKind } from "./rule-kind";

/** The rule checks of a group's rule, and the group's name as cluster.fw reads it back. */
const securityGroupRuleHooks: KindHooks = {
  check: (news) => [...lowercaseName(news, "group", "security group"), ...ruleFailures(news, true)],
};

/** `firewall.SecurityGroupRule`. */
export const securityGroupRule = ruleKind(
  "SecurityGroupRule",
  "a security group",
  "/cluster/firewall/groups/{group}",
  "/cluster/firewall/groups/{group}/{pos}",
  ["group"],
  { group: { doc: "The security group (`firewall.SecurityGroup`)." } },
  securityGroupRuleHooks,
);
