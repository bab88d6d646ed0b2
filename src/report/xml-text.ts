// Escaping for the XML reports (JUnit). Every string in a report can carry text from the network
// (a certificate subject, an HTTP Server header, a DNS name), so nothing reaches the XML unescaped.
// XML 1.0 cannot carry most control characters even as character references, so those are
// written as visible "\u001b"-style text: a CI server must never reject the file because a
// middlebox put an ESC byte in a header.

/** Characters XML 1.0 forbids anywhere: C0 controls except tab/LF/CR, lone surrogates, U+FFFE/FFFF. */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function visible(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text content of an element: &, < and > escaped (">" too, so "]]>" can never appear). */
export function xmlText(text: string): string {
  return text.replace(FORBIDDEN, visible).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An attribute value for a double-quoted attribute. Tab, LF and CR are written as character
 * references: a parser would otherwise normalise them to spaces (XML 1.0 section 3.3.3).
 */
export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** `name="value"` pairs for the defined attributes, in order, each escaped. */
export function xmlAttrs(attrs: Record<string, string | number | undefined>): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttr(String(value))}"`)
    .join('');
}
