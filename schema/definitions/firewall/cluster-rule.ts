/** `firewall.ClusterRule`: a rule of the datacenter firewall. */
import { ruleKind } from "./rule-kind";

/** `firewall.ClusterRule`. */
export const clusterRule = ruleKind("ClusterRule", "the datacenter", "/cluster/firewall/rules", "/cluster/firewall/rules/{pos}", [], {});
