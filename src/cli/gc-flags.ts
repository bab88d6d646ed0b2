// The V8 flags amlprobe starts with, and only them: why they are what they are is in ./gc-tuning.ts,
// which applies them for the CLI. Apart and without imports so that the one-file tool's stub
// (scripts/bundle-stub.mjs) applies the same flags before it compiles the program, and again before
// it saves its code cache at exit: V8 rejects a code cache made under other flags, the program sets
// these once it runs, and a large run's plan changes the young generation's growth on the way.

/** The young generation held at its size (V8 reads the factor whenever it would grow it). */
export const YOUNG_GENERATION_HELD = '--semi-space-growth-factor=1';

/** The young generation free to double again (V8's default factor). */
export const YOUNG_GENERATION_FREE = '--semi-space-growth-factor=2';

/** Young-generation flags a user may give Node: then their choice stands, at start and during the run. */
const USER_TUNED = /--(?:max|min)-semi-space-size|--semi-space-growth-factor|--max-heap-size/;

/** True when Node was started with young-generation flags of the user's (command line or NODE_OPTIONS). */
export function youngGenerationTunedByUser(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return USER_TUNED.test(`${execArgv.join(' ')} ${nodeOptions ?? ''}`);
}

/** What src/cli/gc-tuning.ts passes to v8.setFlagsFromString at start (and the stub before compiling and saving). */
export function gcFlags(execArgv: readonly string[], nodeOptions: string | undefined): string {
  return youngGenerationTunedByUser(execArgv, nodeOptions) ? '--heap-growing-percent=100' : `--heap-growing-percent=100 ${YOUNG_GENERATION_HELD}`;
}
