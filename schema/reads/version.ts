/** The read function of `/version`, at the package root of the SDK. */
import { defineRead } from "./define";

/** `getVersion`: the connected PVE's version. */
export const getVersion = defineRead({
  namespace: "",
  name: "getVersion",
  description: "The connected Proxmox VE's version (`GET /version`).",
  path: "/version",
  args: [],
});
