// `amlprobe serve`: probes the plan of `run` on a schedule and serves the last result over HTTP
// (/metrics for Prometheus, /healthz for orchestrators, /report.json, /report.html). The plan and
// the trust store are built once; a bad flag, config or --listen address is exit 2 before the
// first probe. SIGTERM or SIGINT stops the schedule, closes the server and exits 0.

import { DISCOVERY_ROW_PREFIX } from '../azure/registry-discovery.js';
import { UsageError } from '../errors.js';
import { trustStoreFor } from '../net/trust-store.js';
import { parseDuration } from '../plan/duration.js';
import { loweredNote } from '../plan/open-files.js';
import { probeToReport } from '../engine/probe-to-report.js';
import { buildRunPlan } from '../plan/build-run-plan.js';
import type { ResolvedPlan } from '../plan/run-plan.js';
import { createServeHandler } from '../serve/http-handler.js';
import { DEFAULT_LISTEN, formatListenAddress, parseListenAddress } from '../serve/listen-address.js';
import { listenHttp } from '../serve/listen.js';
import { startSchedule } from '../serve/schedule.js';
import type { ServeState } from '../serve/state.js';
import { describeFailure, failingRequired } from '../serve/state.js';
import { MAX_FAILING_LISTED, SERVE_STATE_KIND, writeServeState } from '../serve/state-file.js';
import type { ServeStateFile } from '../serve/state-file.js';
import { cleanMessage } from '../untrusted/evidence.js';
import type { Flags, ParsedArgs } from './args.js';
import { runPlanOptions } from './plan-options.js';
import { obeyYoungGeneration } from './gc-tuning.js';

/** Default time between the starts of two runs. */
export const DEFAULT_INTERVAL = '60s';

/** Below this, runs would follow each other with no pause worth the name. */
const MIN_INTERVAL_MS = 100;

/** Serve mode's own flags, validated. `statePath` comes from --serve-state, else AMLPROBE_SERVE_STATE (the image sets it). */
export function serveOptions(flags: Flags, env: NodeJS.ProcessEnv = process.env): { intervalMs: number; listen: ReturnType<typeof parseListenAddress>; statePath: string | undefined } {
  if (flags.output !== undefined || flags.format !== undefined) {
    throw new UsageError("serve writes no report file; fetch /report.json (or /metrics) from its HTTP server instead of --format/--output.");
  }
  const intervalMs = parseDuration(flags.interval ?? DEFAULT_INTERVAL, '--interval');
  if (intervalMs < MIN_INTERVAL_MS) throw new UsageError(`--interval '${flags.interval ?? ''}' is shorter than ${MIN_INTERVAL_MS} ms; write e.g. 30s or 1m.`);
  const statePath = flags['serve-state'] ?? (env.AMLPROBE_SERVE_STATE || undefined);
  if (statePath !== undefined && statePath.trim() === '') throw new UsageError("--serve-state '': name the file serve writes its state to, e.g. /tmp/amlprobe/serve-state.json.");
  return { intervalMs, listen: parseListenAddress(flags.listen ?? DEFAULT_LISTEN), statePath };
}

/** Runs serve mode until SIGTERM or SIGINT; returns the exit code (0 on a clean stop). */
export async function serveCommand(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) {
    throw new UsageError(`serve takes no targets (got '${args.positionals[0]}'); list endpoints in --config, so no request can choose what is probed.`);
  }
  // Listen for the signals first: until a listener exists the default action applies, and a
  // SIGTERM sent right after the "listening" line would kill the process with no clean exit.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const { intervalMs, listen, statePath } = serveOptions(args.flags);
  let plan = await buildRunPlan(runPlanOptions(args.flags));
  const secureContext = trustStoreFor(plan.caFiles);
  // The young generation may grow as the plan says (src/cli/gc-tuning.ts), for every run of this process.
  obeyYoungGeneration(plan.youngGeneration);

  if (plan.settings.concurrencyLowered) process.stderr.write(loweredNote(plan.settings.concurrencyLowered, plan.settings.concurrency));
  const state: ServeState = {};
  const bound = await listenHttp(listen, createServeHandler(state));
  const url = `http://${formatListenAddress(bound.address)}`;
  process.stderr.write(
    `amlprobe serve: listening on ${url} (/metrics, /healthz, /report.json); probing ${plan.endpoints.length} endpoint(s) every ${intervalMs / 1000}s${statePath ? `; state in ${statePath}` : ''}\n`,
  );

  let runsTotal = 0;
  const fileState: ServeStateFile = {
    kind: SERVE_STATE_KIND, version: 1, pid: process.pid, startedAtMs: Date.now(), intervalMs, deadlineMs: plan.settings.deadlineMs, runs: 0,
  };
  const saveState = stateSaver(statePath);
  saveState(fileState);
  const schedule = startSchedule(
    async () => {
      // Each run's deadline counts from its start, planning again included.
      const startedAt = performance.now();
      if (runsTotal > 0 && discoveryFailed(plan)) plan = await planAgain(args.flags, plan, startedAt);
      const report = await probeToReport({ ...plan, startedAt: runsTotal === 0 ? plan.startedAt : startedAt }, { secureContext });
      runsTotal += 1;
      const endedAtMs = Date.now();
      state.last = { report, counters: { runsTotal, lastRunEndedMs: endedAtMs } };
      const failing = failingRequired(report);
      fileState.runs = runsTotal;
      fileState.deadlineMs = plan.settings.deadlineMs;
      fileState.lastRun = { endedAtMs, durationMs: report.durationMs, requiredFailed: failing.length, failing: failing.slice(0, MAX_FAILING_LISTED).map(describeFailure) };
      saveState(fileState);
      const { summary } = report;
      process.stderr.write(
        `amlprobe serve: run ${runsTotal}: ${summary.pass} pass, ${summary.warn} warn, ${summary.fail} fail (${summary.requiredFailed} required), ${report.durationMs} ms\n`,
      );
    },
    intervalMs,
    (error) => process.stderr.write(`amlprobe serve: run failed: ${cleanMessage(error)}\n`),
  );

  const signal = await stopSignal;
  schedule.stop();
  await bound.close();
  process.stderr.write(`amlprobe serve: ${signal}: stopped\n`);
  // A run still in flight is abandoned: cli.ts exits the process, which closes its sockets.
  return 0;
}

/**
 * Writes the state file after each change, when there is a path. A failure (a read-only /tmp) is
 * said once and never stops serve: the metrics matter more than the file.
 */
function stateSaver(path: string | undefined): (state: ServeStateFile) => void {
  let warned = false;
  return (state) => {
    if (path === undefined) return;
    const error = writeServeState(path, state);
    if (error !== undefined && !warned) {
      warned = true;
      process.stderr.write(`amlprobe serve: cannot write the state file ${path} (${error}); 'amlprobe healthcheck --serve-state' will not see this serve. Mount a writable directory there or change --serve-state.\n`);
    }
  };
}

/** True when a registry discovery call of the plan did not succeed (its registry's private names are then unknown). */
function discoveryFailed(plan: ResolvedPlan): boolean {
  return plan.notProbed.some((row) => row.id.startsWith(DISCOVERY_ROW_PREFIX) && row.status !== 'pass');
}

/**
 * Plans again, for a discovery that failed: a token that was not there at start-up (a managed
 * identity still being assigned, a token file written later) or a network that came up since.
 * The plan of a long-running process must not stay without its registries because of its first
 * minute. A plan that now fails (a config edited into an error) keeps the previous one.
 */
async function planAgain(flags: Flags, previous: ResolvedPlan, startedAt: number): Promise<ResolvedPlan> {
  process.stderr.write('amlprobe serve: registry discovery did not succeed last time; trying again\n');
  try {
    return await buildRunPlan(runPlanOptions(flags, { startedAt }));
  } catch (error) {
    process.stderr.write(`amlprobe serve: planning again failed, keeping the previous plan: ${cleanMessage(error)}\n`);
    return previous;
  }
}
