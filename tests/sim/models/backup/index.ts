/**
 * The backup family: vzdump runs and the archives they write (`./vzdump`, `./archives`), pruning
 * (`./prune`), and which guests no job covers (`./backup-info`). Guest models plug their vzdump
 * side in through `./plugins`; restores are the guest models' create calls.
 */
import type { SimModel } from "../../types";
import { installBackupInfo } from "./backup-info";
import { installPruneBackups } from "./prune";
import { installVzdump } from "./vzdump";

/** Builds the backup model. */
export function backupModel(): SimModel {
  return {
    name: "backup",
    install(register, ctx) {
      installVzdump(register, ctx);
      installPruneBackups(register, ctx);
      installBackupInfo(register, ctx);
    },
  };
}
