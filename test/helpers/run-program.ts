// Runs an external program (promtool, ...) with a time limit and collects its exit code and
// output, never rejecting: the test decides what a failure means and prints the output.

import { execFile } from 'node:child_process';

/** Exit code (-1 when it could not run or was killed) and stdout + stderr. */
export interface ProgramResult {
  code: number;
  out: string;
}

/** Runs `program args` in `cwd`, killed after `timeoutMs`; `stdin` is written to its input. */
export function runProgram(program: string, args: string[], options: { cwd?: string; stdin?: string; timeoutMs?: number } = {}): Promise<ProgramResult> {
  return new Promise((resolve) => {
    const child = execFile(program, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: `${stdout}${stderr}` });
    });
    child.stdin?.end(options.stdin ?? '');
  });
}
