// How deeply a YAML config nests, measured on the text before it is parsed. The yaml parser, its
// toJS, the schema validator and the position locator all recurse; a file nested thousands deep
// ("[[[[..." or a staircase of keys) overflows one of them, maybe outside any try. No config needs
// more than a handful of levels, so a file deeper than MAX_YAML_DEPTH is refused first (exit 2).
// The count is deliberately rough (block indentation, "- " items, flow brackets outside quotes
// and comments) and errs high, never low: over-counting cannot matter at a limit of 64.

/** Deeper than any amlprobe config (about 5 levels: endpoints > item > expect > list > item). */
export const MAX_YAML_DEPTH = 64;

/** Where a quoted scalar or a flow collection may start: after these, or at the start of a line. */
const SCALAR_START = new Set([':', '-', ',', '[', '{', '?']);

/** The line (1-based) where the text first nests deeper than `max`, or null. */
export function yamlLineTooDeep(text: string, max: number = MAX_YAML_DEPTH): number | null {
  const indents: number[] = [];
  let flow = 0;
  let quote: string | null = null;
  let blockScalarParent: number | null = null;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? '';
    const indent = line.length - line.trimStart().length;
    const body = line.trimStart();
    if (blockScalarParent !== null) {
      if (body === '' || indent > blockScalarParent) continue;
      blockScalarParent = null;
    }
    if (quote === null && flow === 0) {
      if (body === '' || body.startsWith('#')) continue;
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= indent) indents.pop();
      indents.push(indent);
    }
    let items = 0;
    let previous = '';
    // Inside a plain (unquoted) scalar of block context, brackets and quotes are text: `a[b`.
    let plain = false;
    for (let i: number = quote === null && flow === 0 ? indent : 0; i < line.length; i++) {
      const c: string = line[i] ?? '';
      if (quote !== null) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === ' ' || c === '\t') continue;
      if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break;
      if (plain) {
        // A key's plain scalar ends at ": "; a value's runs to the end of the line.
        if (c === ':' && (line[i + 1] === ' ' || i + 1 === line.length)) {
          plain = false;
          previous = ':';
        }
        continue;
      }
      const atScalarStart = previous === '' || SCALAR_START.has(previous);
      if ((c === '&' || c === '!' || c === '*') && atScalarStart) {
        // An anchor, tag or alias: skip its name; what follows is still at the scalar's start.
        while (i + 1 < line.length && line[i + 1] !== ' ' && line[i + 1] !== '\t' && !(flow > 0 && /[,\]}[{]/.test(line[i + 1] ?? ''))) i++;
        continue;
      }
      if ((c === '"' || c === "'") && atScalarStart) quote = c;
      else if ((c === '[' || c === '{') && (flow > 0 || atScalarStart)) flow++;
      else if ((c === ']' || c === '}') && flow > 0) flow--;
      else if ((c === '-' || c === '?') && flow === 0 && (previous === '' || previous === '-' || previous === '?') && line[i + 1] === ' ') items++;
      else if (flow === 0 && atScalarStart && c !== ':' && c !== ',' && c !== '|' && c !== '>') plain = true;
      if (indents.length + items + flow > max) return n + 1;
      previous = c;
    }
    // `key: |` or `- >-`: the lines indented below it are text, not structure.
    if (quote === null && flow === 0 && /(^|[:\-]\s+)[|>][0-9+-]*\s*(#.*)?$/.test(body)) blockScalarParent = indent;
  }
  return null;
}
