// Drives prometheus-blackbox-exporter the way a parallel script would: one GET /probe per target,
// all at once, and prints {id: metrics text} as JSON. Runs in the client namespace, where the
// exporter listens on 127.0.0.1. Usage: node blackbox-driver.mjs PORT FILE.json ([{id, query}])
import { readFileSync } from 'node:fs';

const [port, file] = process.argv.slice(2);
const items = JSON.parse(readFileSync(file, 'utf8'));
const out = {};
await Promise.all(items.map(async ({ id, query }) => {
  const response = await fetch(`http://127.0.0.1:${port}/probe?${query}`);
  out[id] = await response.text();
}));
console.log(JSON.stringify(out));
