// `amlprobe completion bash|zsh`: a shell completion script generated from the commands and the one
// table of options (options.ts), so a flag added there completes without anyone editing a script.
// Values complete where amlprobe knows them: formats, clouds, scenario names, files for FILE.

import { UsageError } from '../errors.js';
import { CLOUD_NAMES } from '../azure/clouds.js';
import { RUN_FORMATS } from '../report/formats.js';
import { CATALOG_FORMATS } from '../report/catalog-formats.js';
import { DIFF_FORMATS } from '../diff/render-diff.js';
import { loadShippedCatalog } from '../plan/shipped-catalog.js';
import { COMMAND_HELP } from './command-help.js';
import { COMMANDS, OPTION_NAMES, OPTION_READERS, optionSpec, optionsAcceptedBy, type OptionName, type OptionReader } from './options.js';
import { VERSION } from '../version.js';

/** The shells a script is written for. */
export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

/** What an option's value completes to: files, a fixed list, or nothing (free text). */
type ValueWords = { kind: 'file' } | { kind: 'words'; words: readonly string[] } | { kind: 'none' };

/** The words a value of `name` may be, for `command`. */
function valueWords(name: OptionName, command: OptionReader, scenarios: readonly string[]): ValueWords {
  const spec = optionSpec(name);
  if (spec.type !== 'string') return { kind: 'none' };
  if (name === 'format') {
    return { kind: 'words', words: command === 'catalog' ? CATALOG_FORMATS : command === 'diff' ? DIFF_FORMATS : RUN_FORMATS };
  }
  if (name === 'cloud') return { kind: 'words', words: CLOUD_NAMES };
  if (name === 'scenario') return { kind: 'words', words: scenarios };
  return spec.value === 'FILE' ? { kind: 'file' } : { kind: 'none' };
}

/** Options a command accepts and shows (help and version included), in table order. */
function shownOptions(command: OptionReader): OptionName[] {
  const accepted = optionsAcceptedBy(command);
  return OPTION_NAMES.filter((name) => accepted.has(name) && optionSpec(name).hidden !== true);
}

/** What a command's positional arguments complete to. */
function positionalWords(command: OptionReader | 'help'): ValueWords {
  if (command === 'completion') return { kind: 'words', words: SHELLS };
  if (command === 'help') return { kind: 'words', words: COMMANDS };
  return command === 'diff' || command === 'init' ? { kind: 'file' } : { kind: 'none' };
}

const quoteWords = (words: readonly string[]): string => words.join(' ');

/** The bash script: one function, a `case` per command, generated lists. */
export function bashScript(scenarios: readonly string[]): string {
  const flagsOf = (command: OptionReader): string =>
    shownOptions(command)
      .flatMap((name) => {
        const short = optionSpec(name).short;
        return short === undefined ? [`--${name}`] : [`--${name}`, `-${short}`];
      })
      .join(' ');
  const valueCases: string[] = [];
  for (const command of OPTION_READERS) {
    const lines: string[] = [];
    for (const name of shownOptions(command)) {
      const spec = optionSpec(name);
      if (spec.type !== 'string') continue;
      const pattern = spec.short === undefined ? `--${name}` : `--${name}|-${spec.short}`;
      const value = valueWords(name, command, scenarios);
      const action =
        value.kind === 'file' ? 'COMPREPLY=($(compgen -f -- "$cur"))' : value.kind === 'words' ? `COMPREPLY=($(compgen -W "${quoteWords(value.words)}" -- "$cur"))` : 'COMPREPLY=()';
      lines.push(`        ${pattern}) ${action}; return ;;`);
    }
    valueCases.push(`    ${command})\n      case "$prev" in\n${lines.join('\n')}\n      esac ;;`);
  }
  const flagCases = OPTION_READERS.map((command) => `    ${command}) flags="${flagsOf(command)}" ;;`);
  const positionalCases = (['help', ...OPTION_READERS] as const).flatMap((command) => {
    const words = positionalWords(command);
    if (words.kind === 'none') return [];
    const action = words.kind === 'file' ? 'COMPREPLY=($(compgen -f -- "$cur"))' : `COMPREPLY=($(compgen -W "${quoteWords(words.words)}" -- "$cur"))`;
    return [`    ${command}) ${action} ;;`];
  });
  return `# amlprobe ${VERSION} completion for bash: source <(amlprobe completion bash)
# Generated from amlprobe's commands and options; regenerate after an upgrade.
_amlprobe() {
  local cur prev cmd="" i flags=""
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev=""
  if ((COMP_CWORD > 0)); then prev="\${COMP_WORDS[COMP_CWORD-1]}"; fi
  local commands="${quoteWords(COMMANDS)}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case " $commands " in *" \${COMP_WORDS[i]} "*) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  # 'amlprobe' alone means 'amlprobe run'.
  local reader="\${cmd:-run}"
  case "$reader" in
${valueCases.join('\n')}
  esac
  case "$reader" in
${flagCases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    return
  fi
  case "$cmd" in
${positionalCases.join('\n')}
  esac
}
complete -o default -F _amlprobe amlprobe
`;
}

/** A help text safe inside a zsh _arguments spec: no brackets, colons or quotes, one short line. */
function zshDescription(text: string): string {
  const first = (text.split(/;\s|:\s|\.\s(?=[A-Z])/)[0] ?? text).replace(/[.,]$/, '');
  const cleaned = first.replace(/[[\]]/g, (c) => (c === '[' ? '(' : ')')).replace(/[:'`$\\]/g, ' ').replace(/\s+/g, ' ').trim();
  return cleaned.length > 70 ? `${cleaned.slice(0, 69)}…` : cleaned;
}

/** The zsh script: a #compdef function with one _arguments list per command. */
export function zshScript(scenarios: readonly string[]): string {
  const specOf = (name: OptionName, command: OptionReader): string => {
    const spec = optionSpec(name);
    const description = zshDescription(spec.helpFor?.[command] ?? spec.help);
    // Quoted: a bare * before the braces would be a glob (and 'no matches found' under zsh's defaults).
    const repeat = spec.multiple === true ? "'*'" : '';
    const names = spec.short === undefined ? `--${name}` : `{-${spec.short},--${name}}`;
    const exclusive = spec.short === undefined || spec.multiple === true ? '' : `'(-${spec.short} --${name})'`;
    let argument = '';
    if (spec.type === 'string') {
      const value = valueWords(name, command, scenarios);
      const label = (spec.value ?? 'VALUE').toLowerCase();
      argument = value.kind === 'file' ? `:${label}:_files` : value.kind === 'words' ? `:${label}:(${value.words.join(' ')})` : `:${label}: `;
    }
    return `${exclusive}${repeat}${names}'[${description}]${argument}'`;
  };
  const commandCases = OPTION_READERS.map((command) => {
    const specs = shownOptions(command).map((name) => `        ${specOf(name, command)}`);
    const positional = positionalWords(command);
    const rest = positional.kind === 'file' ? `'*:file:_files'` : positional.kind === 'words' ? `'1:${command === 'completion' ? 'shell' : 'word'}:(${positional.words.join(' ')})'` : '';
    return `    ${command})\n      _arguments -s \\\n${[...specs, ...(rest === '' ? [] : [`        ${rest}`])].join(' \\\n')} ;;`;
  });
  const described = COMMANDS.map((command) => {
    const summary = command === 'help' ? 'show the help of amlprobe or of a command' : command === 'version' ? 'print the version' : COMMAND_HELP[command].summary;
    return `    '${command}:${zshDescription(summary)}'`;
  });
  return `#compdef amlprobe
# amlprobe ${VERSION} completion for zsh: source <(amlprobe completion zsh) in ~/.zshrc, after compinit.
# Generated from amlprobe's commands and options; regenerate after an upgrade.
_amlprobe() {
  local -a commands
  commands=(
${described.join('\n')}
  )
  local cmd=run
  if (( CURRENT == 2 )) && [[ \${words[2]} != -* ]]; then
    _describe -t commands 'amlprobe command' commands
    return
  fi
  if [[ \${words[2]} != -* ]]; then
    cmd=\${words[2]}
    shift words
    (( CURRENT-- ))
  fi
  case $cmd in
    help) _arguments '1:command:(${COMMANDS.join(' ')})' ;;
    version) ;;
${commandCases.join('\n')}
  esac
}
if (( $+functions[compdef] )); then compdef _amlprobe amlprobe; fi
`;
}

/** Runs `completion SHELL` and returns the exit code. */
export async function completionCommand(positionals: readonly string[]): Promise<number> {
  const [shell, ...extra] = positionals;
  if (shell === undefined || extra.length > 0 || !(SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError(`'completion' takes one shell: bash or zsh, e.g. source <(amlprobe completion bash). See 'amlprobe help completion'.`);
  }
  // Scenario names for --scenario, from the catalog this build ships.
  const scenarios = (await loadShippedCatalog()).map((s) => s.scenario);
  process.stdout.write(shell === 'bash' ? bashScript(scenarios) : zshScript(scenarios));
  return 0;
}
