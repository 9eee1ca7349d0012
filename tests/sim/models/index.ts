import type { SimModel } from "../types";
import { backupModel } from "./backup";
import { clusterModel } from "./cluster";
import { firewallModel } from "./firewall";
import { guestsModel } from "./guests";
import { lxcModel } from "./lxc";
import { nodeModel } from "./nodes";
import { qemuModel } from "./qemu";
import { sdnModel } from "./sdn";
import { storageModel } from "./storage";

/** Every state model the simulator installs, in order. */
export const models: SimModel[] = [
  clusterModel(),
  storageModel(),
  firewallModel(),
  sdnModel(),
  nodeModel(),
  guestsModel(),
  qemuModel(),
  lxcModel(),
  backupModel(),
];
