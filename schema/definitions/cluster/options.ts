import { configCalls, defineKind } from "../../define";

/** `cluster.Options`: datacenter-wide options (`/cluster/options`, datacenter.cfg). */
export const options = defineKind({
  namespace: "cluster",
  name: "Options",
  description:
    "Datacenter options (`/cluster/options`). A singleton: creating it sets the given options, deleting it " +
    "resets exactly the options it managed to PVE's defaults. Property strings are typed objects.",
  lifecycle: "singleton",
  singletonId: "cluster",
  identity: [],
  ...configCalls("/cluster/options"),
  fields: {
    description: { encoding: "comment-lines", doc: "A note on the datacenter (kept as comment lines at the top of datacenter.cfg)." },
    http_proxy: {
      secret: true,
      doc: "The proxy PVE uses for downloads (`http://<user>:<password>@<host>:<port>`). A secret: its userinfo may hold a password, and PVE returns it on read.",
    },
  },
});
