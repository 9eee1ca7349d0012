#!/usr/bin/env node
// The package's command line (`npx naas-proxmox terraform-install`); the code is in provider/terraform/cli.ts.
"use strict";
process.exitCode = require("../dist/provider/terraform/cli.js").main(process.argv.slice(2));
