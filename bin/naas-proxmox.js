#!/usr/bin/env node
// The package's command line (`npx naas-proxmox terraform-install`); the code is in provider/terraform/cli.ts.
"use strict";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS bin script
process.exitCode = require("../dist/provider/terraform/cli.js").main(process.argv.slice(2));
