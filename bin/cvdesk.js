#!/usr/bin/env node
// The cvdesk command. Runs the compiled CLI (npm run build); see `cvdesk --help`.
import { runCli } from '../dist/server/cli/main.js';

const code = await runCli(process.argv.slice(2));
// `serve` keeps the process alive until a signal; every other command ends here.
if (code !== 0 || !['serve'].includes(process.argv[2] ?? '')) process.exitCode = code;
