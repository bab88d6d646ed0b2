// Which hosts are Microsoft's (src/azure/microsoft-domains.ts): a zone and the names under it, in
// any case and with a final dot; never a name that only ends with a zone's text.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMicrosoftHost } from '../src/azure/microsoft-domains.js';
import { PRIVATELINK_ZONES } from '../src/dns/privatelink-zones.js';

test('a zone and every name under it are Microsoft hosts', () => {
  for (const host of ['aka.ms', 'AKA.MS.', 'ws.api.azureml.ms', 'acct.blob.core.windows.net', 'a.b.c.login.microsoftonline.com', 'x.azurecr.io.']) {
    assert.equal(isMicrosoftHost(host), true, host);
  }
  for (const zone of Object.keys(PRIVATELINK_ZONES)) {
    assert.equal(isMicrosoftHost(zone), true, zone);
    assert.equal(isMicrosoftHost(`name.${zone.toUpperCase()}`), true, zone);
  }
});

test('a name that only ends with the text of a zone, or sits above one, is not', () => {
  for (const host of ['evilmicrosoft.com', 'notaka.ms', 'microsoft.com.evil.example', 'ms', 'com', 'windows', 'dns-1.bench.test', '', '.', 'a..', 'aka.ms..', 'aka.ms.x']) {
    assert.equal(isMicrosoftHost(host), false, host);
  }
});
