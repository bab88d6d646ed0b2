// Everything the report carries came from the network or from a config file: host names, HTTP
// headers, certificate subjects. Each string is escaped at the one place it enters the page.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside an element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON text safe inside <script type="application/json">: `<`, `>` and `&` become \u escapes so
 * neither `</script>` nor `<!--` can end or change the block, and U+2028/U+2029 are escaped for
 * older parsers. JSON.parse reads the escapes back to the same characters.
 */
export function jsonForScript(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
