// The first code the one-file tool runs: on a Node.js older than amlprobe needs, one clear line and
// exit 2 instead of a syntax error or a missing built-in module deep in a dependency. Jump boxes
// often carry the distribution's Node (Ubuntu 22.04: 12.22, Debian 12: 18.19). It is imported
// first by cli.ts and has no imports itself, so it runs before any other module; the bundle is
// built (scripts/build-bundle.mjs) so that everything before it parses on those old versions too.
// Kept to old syntax on purpose (no ?., no ??): it is the part that must run on them.

/** The oldest Node.js amlprobe runs on (package.json engines: >=20.18.1). */
export const MINIMUM_NODE = [20, 18, 1];

/** The one-line refusal for `version` (process.versions.node, e.g. "18.19.1"), or undefined when it is recent enough. */
export function nodeVersionProblem(version: string): string | undefined {
  const parts = String(version).split('.').map(function (part) {
    return parseInt(part, 10);
  });
  for (let i = 0; i < MINIMUM_NODE.length; i++) {
    const have = parts[i];
    const need = MINIMUM_NODE[i] as number;
    if (have === undefined || isNaN(have) || have < need) break;
    if (have > need || i === MINIMUM_NODE.length - 1) return undefined;
  }
  return (
    'amlprobe: error: amlprobe needs Node.js ' + MINIMUM_NODE.join('.') + ' or later, and this is Node.js ' + String(version) +
    '. Install a current Node.js LTS, or use the single executable amlprobe-linux-x64, which needs no Node.js.'
  );
}

const problem = nodeVersionProblem(process.versions.node);
if (problem !== undefined) {
  process.stderr.write(problem + '\n');
  process.exit(2);
}
