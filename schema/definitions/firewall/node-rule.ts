/** `firewall.NodeRule`: a rule of a node's firewall. */
import { ruleKind } from "./rule-kind";

/** `firewall.NodeRule`. */
export const nodeRule = ruleKind("NodeRule", "a node", "/nodes/{node}/firewall/rules", "/nodes/{node}/firewall/rules/{pos}", ["node"], {
  node: { doc: "The node." },
});
