// Issue 15, change 21: privatelinkZoneOf answers "no zone" without lower-casing and splitting a
// name that cannot hold the label, and zoneBySuffix looks a name's suffixes up in a map instead of
// trying every suffix of the table on the name. A change of form: both must answer exactly as the
// forms before (kept below) for every table suffix in any case, with prefixes, final dots, empty
// labels, look-alike letters and names that merely contain the word.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PRIVATELINK_ZONES, privatelinkZoneOf, zoneBySuffix } from '../src/dns/privatelink-zones.js';

function privatelinkZoneOfBefore(name: string): string | undefined {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.');
  const at = labels.indexOf('privatelink');
  return at >= 0 && at < labels.length - 1 ? labels.slice(at).join('.') : undefined;
}

function zoneBySuffixBefore(name: string): string | undefined {
  const lower = name.toLowerCase().replace(/\.$/, '');
  let best: string | undefined;
  for (const suffix of Object.keys(PRIVATELINK_ZONES)) {
    if ((lower === suffix || lower.endsWith(`.${suffix}`)) && (best === undefined || suffix.length > best.length)) best = suffix;
  }
  return best === undefined ? undefined : PRIVATELINK_ZONES[best];
}

/** Names around every suffix of the table and around the privatelink label. */
function corpus(): string[] {
  const names = new Set<string>(['', '.', '..', 'privatelink', 'privatelink.', '.privatelink', 'x.privatelink', 'privatelinks.net', 'notprivatelink.net']);
  const bases = [...Object.keys(PRIVATELINK_ZONES), ...Object.values(PRIVATELINK_ZONES), 'example.com', 'core.windows.net', 'windows.net', 'azure.net'];
  const lookAlikes = (text: string): string[] => [
    text.replace(/k/g, '\u212a'), // Kelvin sign: toLowerCase makes it a k
    text.replace(/i/g, '\u0130'), // dotted capital I: toLowerCase makes it two characters
    text.replace(/i/g, '\u0131'), // dotless i: no lower-case i
    text.replace(/l/g, '\u217c'), // small roman numeral fifty: looks like an l, is none
  ];
  for (const base of bases) {
    for (const variant of [base, base.toUpperCase(), base.replace(/^./, (c) => c.toUpperCase()), ...lookAlikes(base)]) {
      for (const prefix of ['', 'acct.', 'a.b.', 'x..', 'acctblob.', 'privatelink.', 'ws.privatelink.', 'PrivateLink.', '-.']) {
        for (const suffix of ['', '.', '..']) names.add(`${prefix}${variant}${suffix}`);
      }
      names.add(`x${variant}`);
      names.add(`${variant}x`);
    }
  }
  return [...names];
}

test('privatelinkZoneOf and zoneBySuffix answer as before for every name of the corpus', () => {
  const names = corpus();
  assert.ok(names.length > 5000, `${names.length} names`);
  let zones = 0;
  let labelled = 0;
  for (const name of names) {
    assert.equal(zoneBySuffix(name), zoneBySuffixBefore(name), `zoneBySuffix(${JSON.stringify(name)})`);
    assert.equal(privatelinkZoneOf(name), privatelinkZoneOfBefore(name), `privatelinkZoneOf(${JSON.stringify(name)})`);
    if (zoneBySuffix(name) !== undefined) zones++;
    if (privatelinkZoneOf(name) !== undefined) labelled++;
  }
  // The corpus exercises both answers of both functions, not only "no zone".
  assert.ok(zones > 1000 && labelled > 1000, `${zones} by suffix, ${labelled} by label`);
  assert.equal(privatelinkZoneOf('ws.PRIVATELIN\u212a.api.azureml.ms'), 'privatelink.api.azureml.ms');
});
