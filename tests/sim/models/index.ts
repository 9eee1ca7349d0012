import type { SimModel } from "../types";
import { clusterModel } from "./cluster";
import { firewallModel } from "./firewall";
import { nodeModel } from "./node";
import { sdnModel } from "./sdn";
import { storageModel } from "./storage";

/** Every state model the simulator installs, in order. */
export const models: SimModel[] = [clusterModel(), storageModel(), firewallModel(), sdnModel(), nodeModel()];
