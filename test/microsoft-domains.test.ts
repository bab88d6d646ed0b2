// Which hosts are Microsoft's (src/azure/microsoft-domains.ts): looked up by the name's suffixes
// (issue 15: once per endpoint, 50,000 endpoints), it must answer exactly as "the name is a zone
// or ends with a dot and a zone" does, for every zone and for names that only look like one.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isMicrosoftHost, knownMicrosoftZones } from '../src/azure/microsoft-domains.js';

/** The rule as written before: every zone tried in turn. */
function byEveryZone(host: string, zones: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return zones.some((zone) => name === zone || name.endsWith(`.${zone}`));
}

describe('isMicrosoftHost', () => {
  const zones = knownMicrosoftZones();

  it('knows the cloud table, the privatelink table and the owned zones', () => {
    assert.ok(zones.length > 50, `${zones.length} zones`);
    for (const zone of ['microsoft.com', 'windows.net', 'blob.core.windows.net', 'azurecr.io', 'aka.ms']) assert.ok(zones.includes(zone), zone);
  });

  it('answers as trying every zone would, for zones, names under them and look-alikes', () => {
    const hosts = ['', '.', 'localhost', 'l1.bt', '10.0.0.5', '::1', 'ml.azure.com', 'ML.Azure.COM.', 'azure.com', 'notazure.com', 'azure.com.evil.net', 'evilmicrosoft.com', 'a..microsoft.com', 'x.microsoft.com..', 'microsoft', 'com'];
    for (const zone of zones) hosts.push(zone, `${zone}.`, `a.b.${zone}`, `x${zone}`, `${zone}.example`, zone.toUpperCase(), zone.slice(zone.indexOf('.') + 1));
    for (const host of hosts) assert.equal(isMicrosoftHost(host), byEveryZone(host, zones), host);
  });
});
