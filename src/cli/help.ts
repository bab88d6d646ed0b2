// The help, generated: `amlprobe --help` (the commands and the options most of them read) and
// `amlprobe help COMMAND` / `amlprobe COMMAND --help` (only what that command reads), from the one
// table of options (options.ts) and each command's prose (command-help.ts). Nothing is listed by
// hand, so the help cannot promise an option a command ignores or forget one it reads.

import { UsageError } from '../errors.js';
import { closestMatch } from '../did-you-mean.js';
import { VERSION } from '../version.js';
import { COMMAND_HELP, COMMON_EXIT, SECTION_HELP } from './command-help.js';
import { COMMANDS, OPTION_NAMES, OPTION_READERS, optionSpec, optionsReadBy, type OptionName, type OptionReader, type OptionSection } from './options.js';

/** Lines are wrapped to this width. */
const WIDTH = 100;

/** Where an option's help starts: after "  -c, --config FILE" and some room. */
const HELP_COLUMN = 29;

/** An option read by at least this many commands is listed in the overview. */
const COMMON_READERS = 5;

const SECTION_ORDER: readonly OptionSection[] = ['probe', 'profile', 'learning', 'serve', 'lab', 'output', 'global'];

/** "  -c, --config FILE": the left column of an option. */
function optionLabel(name: OptionName): string {
  const spec = optionSpec(name);
  const short = spec.short === undefined ? '    ' : `-${spec.short}, `;
  return `  ${short}--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`;
}

/**
 * The words of `text` in lines of at most WIDTH, from column `indent`; the first line starts with
 * `first` (a usage or an option), alone on its line when it reaches into the text's column.
 */
function wrap(text: string, first: string, indent: number): string[] {
  const lines: string[] = [];
  let line = first.length < indent ? first.padEnd(indent) : ' '.repeat(indent);
  if (first.length >= indent) lines.push(first);
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = `${' '.repeat(indent)}${word}`;
    } else {
      line = empty ? `${line}${word}` : `${line} ${word}`;
    }
    empty = false;
  }
  if (!empty) lines.push(line);
  return lines;
}

/** An option and its help, the help in its own column. */
function optionLines(name: OptionName, text: string): string[] {
  return wrap(text, optionLabel(name), HELP_COLUMN);
}

/** The help of one option as `command` reads it (its own wording, when it has one). */
function optionHelp(name: OptionName, command: OptionReader): string {
  const spec = optionSpec(name);
  return spec.helpFor?.[command] ?? spec.help;
}

/** The options `command` reads, by section, each with the prose that opens it. */
function optionSections(command: OptionReader): string[] {
  const names = optionsReadBy(command);
  const blocks: string[] = [];
  for (const section of SECTION_ORDER) {
    const inSection = names.filter((name) => optionSpec(name).section === section && optionSpec(name).hidden !== true);
    if (inSection.length === 0) continue;
    const { title, about } = SECTION_HELP[section];
    const lines = [title, ...(about === undefined ? [] : [about]), ...inSection.flatMap((name) => optionLines(name, optionHelp(name, command)))];
    blocks.push(lines.join('\n'));
  }
  return blocks;
}

/** The overview: every command, the options most of them read, the exit codes. */
export function helpText(): string {
  const usage = OPTION_READERS.slice()
    .sort((a, b) => COMMANDS.indexOf(a) - COMMANDS.indexOf(b))
    .flatMap((command) => wrap(COMMAND_HELP[command].summary, `  ${COMMAND_HELP[command].usage}`, 38));
  const shown = OPTION_NAMES.filter((name) => optionSpec(name).hidden !== true);
  const isGlobal = (name: OptionName): boolean => optionSpec(name).global === true;
  // -h and -V last: they are how one got here.
  const common = [...shown.filter((name) => !isGlobal(name) && optionSpec(name).readBy.length >= COMMON_READERS), ...shown.filter((name) => isGlobal(name) && optionSpec(name).readBy.length > 0), ...shown.filter((name) => isGlobal(name) && optionSpec(name).readBy.length === 0)];
  return `amlprobe ${VERSION}: network connectivity probe for Azure Machine Learning workspaces behind a VNet

Usage:
${usage.join('\n')}
${wrap("the options of one command, and what its exit code means (also: amlprobe COMMAND --help)", '  amlprobe help COMMAND', 38).join('\n')}
  amlprobe -V, --version | -h, --help

Options most commands read (each command reads others too: see amlprobe help COMMAND):
${common.map((name) => optionLines(name, optionSpec(name).summary ?? optionSpec(name).help).join('\n')).join('\n')}

Exit codes:
${COMMAND_HELP.run.exit}
${COMMON_EXIT}
  lab, diff, catalog, serve and healthcheck give 0 and 1 their own meaning: see their help.

Every reason code is explained in docs/verdicts.md.
`;
}

/** `amlprobe help COMMAND`: what the command does, every option it reads and nothing else, its exit codes. */
export function commandHelpText(command: OptionReader): string {
  const { usage, summary, about, exit } = COMMAND_HELP[command];
  const blocks = [
    `amlprobe ${VERSION}\n\nUsage: ${usage}\n${wrap(summary, '', 2).join('\n')}`,
    ...(about === undefined ? [] : [about]),
    ...optionSections(command),
    `Exit codes:\n${exit}\n${COMMON_EXIT}`,
    "Every command: amlprobe --help. Every reason code is explained in docs/verdicts.md.",
  ];
  return `${blocks.join('\n\n')}\n`;
}

/** The help `amlprobe help TOPIC...` asks for: the overview, or one command's; exit 2 for anything else. */
export function helpForTopics(topics: readonly string[]): string {
  const [topic, ...extra] = topics;
  if (topic === undefined || topic === 'help' || topic === 'version') return helpText();
  const command = OPTION_READERS.find((c) => c === topic);
  if (command === undefined || extra.length > 0) {
    const hint = command === undefined ? closestMatch(topic, OPTION_READERS) : undefined;
    throw new UsageError(
      (command === undefined ? `no help for '${topic}': it is not a command.${hint ? ` Did you mean '${hint}'?` : ''}` : `'help' takes one command, got '${topics.join(' ')}'.`) +
        ` Commands: ${OPTION_READERS.slice().sort((a, b) => COMMANDS.indexOf(a) - COMMANDS.indexOf(b)).join(', ')}. 'amlprobe --help' lists them all.`,
    );
  }
  return commandHelpText(command);
}
