import { defineKind, restCalls } from "../../define";
import { SDN_COMMIT } from "./commit";

/** `sdn.Ipam`: an IP address management plugin (`/cluster/sdn/ipams`). */
export const ipam = defineKind({
  namespace: "sdn",
  name: "Ipam",
  description:
    "An SDN IPAM (`/cluster/sdn/ipams`): `pve` (built in), `netbox` (`url`, `token`) or `phpipam` (`url`, " +
    "`token`, `section`). The token is a secret that PVE never returns: it is kept encrypted in the state and " +
    "a change of it is written again. IPAM writes are not staged, but they take part in the SDN lock of a batch.",
  lifecycle: "collection",
  identity: ["ipam"],
  ...restCalls("/cluster/sdn/ipams", "/cluster/sdn/ipams/{ipam}"),
  // Which options each type takes and needs (pve-network's *Plugin.pm `options()`; the schema lists them flat).
  variants: {
    field: "type",
    accepts: {
      netbox: ["url", "token", "fingerprint"],
      phpipam: ["url", "token", "section", "fingerprint"],
    },
    requires: {
      netbox: ["url", "token"],
      phpipam: ["url", "token", "section"],
    },
  },
  commit: SDN_COMMIT,
  fields: {
    ipam: { doc: "The IPAM id." },
    type: { doc: "The IPAM type; changing it replaces the IPAM." },
    url: { doc: "The API URL of netbox or phpIPAM." },
    token: { secret: true, writeOnly: true, doc: "The API token of netbox or phpIPAM." },
    section: { doc: "`phpipam`: the section id." },
    fingerprint: { doc: "The SHA-256 fingerprint of the IPAM's certificate, when it is self-signed." },
  },
});
