/** The scenario of `firewall.IpSetEntry`: its identity is a CIDR, which contains '/'. */
import type { ProxmoxClient } from "../../provider/client";
import { type KindScenario, found } from "./scenarios";

const entryPath = (a: Record<string, unknown>): string => `/cluster/firewall/ipset/${String(a["ipSet"])}/${String(a["cidr"])}`;

async function sets(admin: ProxmoxClient): Promise<void> {
  for (const name of ["office", "lab"]) await admin.post("/cluster/firewall/ipset", { name });
}

export const ipSetEntryScenario: KindScenario = {
  namespace: "firewall",
  kind: "IpSetEntry",
  setup: sets,
  initial: { ipSet: "office", cidr: "10.0.0.0/16", comment: "one" },
  updated: { args: { ipSet: "office", cidr: "10.0.0.0/16", comment: "two", nomatch: true }, diffs: ["comment", "nomatch"] },
  replaced: { args: { ipSet: "office", cidr: "10.1.0.0/16", comment: "two", nomatch: true }, replaces: ["cidr"] },
  invalid: { args: { ipSet: "office", cidr: 10 }, property: "cidr" },
  exists: (admin, a) => found(() => admin.get(entryPath(a))),
  drift: { edit: (admin, a) => admin.put(entryPath(a), { comment: "by hand", nomatch: 1 }), keys: ["comment"] },
  existing: async (admin) => {
    await admin.post("/cluster/firewall/ipset/lab", { cidr: "192.168.7.0/24", comment: "made by hand" });
    return { importId: "lab/192.168.7.0/24", args: { ipSet: "lab", cidr: "192.168.7.0/24", comment: "made by hand" } };
  },
};

