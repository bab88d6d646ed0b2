#!/usr/bin/env node
// amlprobe's entry point (package.json "bin", `node dist/src/cli.js`): runs the program
// (./cli/main.ts), from the one-file tool built beside it when that is fresh (./cli/fresh-bundle.ts:
// one file with a V8 code cache starts with about a quarter less CPU than ~110 modules loaded one by one),
// else from its modules. Nothing else lives here, and nothing is imported statically that the
// bundle would load again.

// First, before anything an old Node.js cannot run: a clear refusal.
import './node-guard.js';
import { freshBundleUrl } from './cli/fresh-bundle.js';

// No top-level await: see ./cli/main.ts. A failure to load either is a broken installation, which
// Node reports itself (exit 1).
void import(freshBundleUrl(import.meta.url, process.env) ?? './cli/main.js');
