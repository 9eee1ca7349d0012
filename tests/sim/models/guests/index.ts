/**
 * The shared guest pieces every guest model builds on (issue 16's containers reuse them):
 * `/cluster/resources`, storage content, and HA resources. The vmlist behind `/cluster/nextid`
 * lives in `./vmlist` (the core's system model serves the call).
 */
import type { SimModel } from "../../types";
import { clusterResources } from "./cluster-resources";
import { installHaResources } from "./ha-resources";
import { installStorageContent } from "./storage-content";

/** Builds the guests model. */
export function guestsModel(): SimModel {
  return {
    name: "guests",
    install(register, ctx) {
      register("GET", "/cluster/resources", (req) => clusterResources(ctx, req.auth, req.params.type === undefined ? undefined : String(req.params.type)));
      installStorageContent(register, ctx);
      installHaResources(register, ctx);
    },
  };
}
