// Command-line flags, parsed with node:util parseArgs from the one table of options (options.ts),
// with errors that name the bad flag and suggest the right one. A flag a command would silently
// ignore is refused instead (exit 2): `check --scenario x` or `catalog --timeout 1s` is a
// misunderstanding to point out, not to hide. Turning flags into the plan's options is
// plan-options.ts's job.

import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { closestMatch as closest } from '../did-you-mean.js';
import { COMMANDS, OPTION_READERS, OPTIONS, optionsAcceptedBy, type Command, type OptionName } from './options.js';

export { COMMANDS, type Command } from './options.js';

/** Why a flag does not apply, for the commands where that needs more than the list of their options. */
const NOT_APPLICABLE_NOTE: Partial<Record<Command, string>> = {
  lab: "'lab' simulates a fixed workspace on this machine, so it takes no profile, DNS, proxy or config flags. To probe your own workspace, run 'amlprobe run' with the same flags.",
  check: "'check' probes the targets on its command line; --config gives it settings, CA files and private-endpoint files, not endpoints or a workspace profile.",
};

/** Refuses a flag the command would not read, naming the commands that do. */
function refuseInapplicableFlags(command: Command, flags: Flags): void {
  if (command === 'help' || command === 'version') return;
  const accepted = optionsAcceptedBy(command);
  for (const [name, value] of Object.entries(flags)) {
    if (value === undefined || accepted.has(name as OptionName)) continue;
    const users = OPTION_READERS.filter((c) => optionsAcceptedBy(c).has(name as OptionName));
    const note = NOT_APPLICABLE_NOTE[command];
    throw new UsageError(
      `not an option of '${command}'${users.length > 0 ? ` (it belongs to ${users.map((c) => `'${c}'`).join(', ')})` : ''}. ` +
        (note ?? `Options of '${command}': ${[...accepted].filter((f) => f !== 'help' && f !== 'version').map((f) => `--${f}`).join(', ')}.`) +
        ` See 'amlprobe help ${command}'.`,
      `--${name}`,
    );
  }
}

/** Parsed flags, as typed by parseArgs from the table of options.ts. */
export type Flags = ReturnType<typeof parseFlags>['values'];

function parseFlags(argv: string[]) {
  const { args, runs } = collapseTargets(argv);
  const { values, positionals, tokens } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  if (runs.size === 0) return { values, positionals };
  const all: string[] = [];
  for (const token of tokens) if (token.kind === 'positional') all.push(token.value, ...(runs.get(token.index) ?? []));
  return { values, positionals: all };
}

/**
 * parseArgs takes its arguments off an array one at a time (shift), which V8 turns into a copy of
 * the rest once the array is large: 20,000 targets on the command line took 0.8 s to parse and
 * 50,000 several seconds (issue 15). A plain argument after another plain one is a target for
 * sure (no option can take it as its value), so each run of them goes in as its first one and the
 * rest are put back after it, in order. Nothing after `--` is touched.
 */
function collapseTargets(argv: string[]): { args: string[]; runs: Map<number, string[]> } {
  const args: string[] = [];
  const runs = new Map<number, string[]>();
  let run: string[] | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    const previous = argv[i - 1];
    const target = !arg.startsWith('-') && (previous === undefined || !previous.startsWith('-'));
    if (target && run !== undefined) {
      run.push(arg);
      continue;
    }
    args.push(arg);
    run = undefined;
    if (target) {
      run = [];
      runs.set(args.length - 1, run);
    }
  }
  for (; i < argv.length; i++) args.push(argv[i]!);
  for (const [index, rest] of runs) if (rest.length === 0) runs.delete(index);
  return { args, runs };
}

/** The command, its positional arguments and its flags. */
export interface ParsedArgs {
  command: Command;
  positionals: string[];
  flags: Flags;
}

/** Parses argv (without node and script); `amlprobe` alone means `amlprobe run`. */
export function parseCommandLine(argv: string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(attachNegativeValues(argv));
  } catch (error) {
    throw explainParseError(error);
  }
  const { values, positionals } = parsed;
  refuseTokenFlag(values);
  if (values.version) return { command: 'version', positionals: [], flags: values };
  const [first, ...rest] = positionals;
  if (first === undefined) {
    if (values.help) return { command: 'help', positionals: [], flags: values };
    refuseInapplicableFlags('run', values);
    return { command: 'run', positionals: [], flags: values };
  }
  if (!(COMMANDS as readonly string[]).includes(first)) {
    const hint = closest(first, COMMANDS);
    const looksLikeTarget = /[:/]/.test(first);
    throw new UsageError(
      `unknown command '${first}'.` +
        (looksLikeTarget ? ` To probe a target, write 'amlprobe check ${first}'.` : hint ? ` Did you mean '${hint}'?` : '') +
        ` Commands: ${COMMANDS.join(', ')}. See 'amlprobe --help'.`,
    );
  }
  if (values.help) return { command: 'help', positionals: [first], flags: values };
  refuseInapplicableFlags(first as Command, values);
  return { command: first as Command, positionals: rest, flags: values };
}

/**
 * `--timeout -1s`: parseArgs takes "-1s" for an option and answers "needs a value". A value that
 * starts with a minus and a digit is never an option of ours, so it is attached (`--timeout=-1s`)
 * and reaches the parser of its value, which says what is wrong with it.
 */
function attachNegativeValues(argv: string[]): string[] {
  const takesValue = (arg: string): boolean => {
    const long = /^--([a-z][a-z-]*)$/.exec(arg)?.[1];
    const short = /^-([A-Za-z])$/.exec(arg)?.[1];
    const entry = Object.entries(OPTIONS).find(([name, spec]) => name === long || ('short' in spec && spec.short === short));
    return entry !== undefined && entry[1].type === 'string';
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    if (next !== undefined && /^-\.?\d/.test(next) && takesValue(arg)) {
      out.push(`${arg.startsWith('--') ? arg : `--${Object.entries(OPTIONS).find(([, spec]) => 'short' in spec && `-${spec.short}` === arg)?.[0] ?? ''}`}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * A token on the command line leaks into `ps`, shell history and CI logs: refuse it (exit 2) and
 * say where a token goes instead. The message never repeats the value.
 */
function refuseTokenFlag(values: { token?: string | undefined }): void {
  if (values.token !== undefined) throw tokenRefusal();
}

/** The one answer to --token, with or without a value. */
function tokenRefusal(): UsageError {
  return new UsageError(
    'a token is never accepted on the command line (command lines show in `ps` and shell history). Put it in a file and pass --token-file FILE or set AMLPROBE_TOKEN_FILE, set AMLPROBE_TOKEN in the environment, or run `az login` and let amlprobe get one.',
    '--token',
  );
}

/** An example value of an option, for "needs a value" messages. */
function exampleOf(name: string): string {
  const spec: { example?: string } | undefined = (OPTIONS as Record<string, { example?: string }>)[name];
  return spec?.example ?? 'VALUE';
}

/** Turns parseArgs's errors into one clear sentence with a suggestion. */
function explainParseError(error: unknown): UsageError {
  const err = error as { code?: string; message?: string };
  const message = err.message ?? String(error);
  // parseArgs names an option as '--timeout', or as '-t, --timeout <value>' when it has a short
  // form: prefer the long name, which is what the help shows.
  const quoted = /'(-[^']*)'/.exec(message)?.[1] ?? '';
  const flag = /--[A-Za-z0-9][\w-]*/.exec(quoted)?.[0] ?? /^-{1,2}[^\s,=']+/.exec(quoted)?.[0];
  if (flag === '--token') return tokenRefusal();
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
    const hint = closest(flag.replace(/^-+/, ''), Object.keys(OPTIONS));
    return new UsageError(`unknown option '${flag}'.${hint ? ` Did you mean '--${hint}'?` : ''} See 'amlprobe --help'.`);
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    // "argument missing" (last on the line) and "argument is ambiguous" (followed by another
    // option) both mean the value was left out; "does not take an argument" is a boolean given one.
    const takesValue = !/does not take an argument/.test(message);
    return new UsageError(
      takesValue
        ? `option '${flag}' needs a value, e.g. ${flag} ${exampleOf(flag.replace(/^-+/, ''))}. See 'amlprobe --help'.`
        : `option '${flag}' takes no value; write just ${flag}. See 'amlprobe --help'.`,
    );
  }
  return new UsageError(`${message.split('\n')[0]}. See 'amlprobe --help'.`);
}
