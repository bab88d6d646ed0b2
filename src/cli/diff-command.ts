// `amlprobe diff OLD.json NEW.json`: what changed between two runs (after a firewall change, a DNS
// zone link, a new release). Exit 1 when a required endpoint fails now and did not before, so a
// pipeline can compare tonight's run with last night's and go red only on a regression.

import { diffReports } from '../diff/compare.js';
import { loadReport } from '../diff/load-report.js';
import { DIFF_FORMATS, renderDiff } from '../diff/render-diff.js';
import type { DiffFormat } from '../diff/render-diff.js';
import { UsageError } from '../errors.js';
import type { ParsedArgs } from './args.js';
import { checkOutputPath, writeOutput } from '../output/output.js';
import { singleOutput } from '../output/report-outputs.js';

function diffFormat(text: string | undefined): DiffFormat {
  const format = (text ?? 'table').trim().toLowerCase();
  const known = DIFF_FORMATS.find((f) => f === format);
  if (known === undefined) throw new UsageError(`unknown format '${text ?? ''}' for diff; use one of: ${DIFF_FORMATS.join(', ')}.`, '--format');
  return known;
}

/** Runs `diff` and returns the exit code: 1 on a new failure of a required endpoint, else 0. */
export async function diffCommand(args: ParsedArgs): Promise<number> {
  const [oldPath, newPath, ...extra] = args.positionals;
  if (oldPath === undefined || newPath === undefined || extra.length > 0) {
    throw new UsageError(
      `'diff' takes exactly two JSON reports (got ${args.positionals.length}), e.g. amlprobe diff monday.json tuesday.json. ` +
        "Write them with 'amlprobe --format json --output FILE'.",
    );
  }
  const format = diffFormat(args.flags.format);
  const output = singleOutput(args.flags, 'diff');
  checkOutputPath(output);
  const diff = diffReports(loadReport(oldPath, 'old'), loadReport(newPath, 'new'));
  await writeOutput(renderDiff(diff, format), output);
  return diff.newRequiredFailures > 0 ? 1 : 0;
}
