// The V8 flags amlprobe runs with, and only them: why they are what they are is in ./gc-tuning.ts,
// which applies them for the CLI. Apart and without imports so that the one-file tool's stub
// (scripts/bundle-stub.mjs) applies the same flags before it compiles the program: V8 rejects a
// code cache made under other flags, and the program sets these once it runs.

/** What src/cli/gc-tuning.ts passes to v8.setFlagsFromString. */
export const GC_FLAGS = '--heap-growing-percent=100';
