// Issue 15, change 22: the DNS layer's evidence (DnsData) is built as one literal instead of a
// spread of conditional spreads. A change of form: reports print the object as it is, so for every
// shape of resolution (system view or not, direct answers or not, answered or failed) the evidence
// must come out as the spread form made it, fields and key order included.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeResolution } from '../src/dns/verdict.js';
import type { DirectAnswer, NameResolution, SystemAnswer } from '../src/model/evidence.js';
import { testSettings } from './helpers/settings.js';

const NAME = 'ws.example.com';
const ok: DirectAnswer = {
  server: '10.0.0.53:53', role: 'custom', transport: 'udp', rcode: 'NOERROR', reason: 'ok', message: '10.0.0.53:53 answered 10.1.2.3',
  cname: [], addresses: [{ name: NAME, type: 'A', ttl: 60, data: '10.1.2.3' }], ms: 1,
};
const nx: DirectAnswer = { ...ok, rcode: 'NXDOMAIN', reason: 'nxdomain', message: '10.0.0.53:53 answered NXDOMAIN', addresses: [] };
const sysOk: SystemAnswer = { reason: 'ok', message: 'system: 10.1.2.3', addresses: ['10.1.2.3'], ms: 1 };
const sysNx: SystemAnswer = { reason: 'nxdomain', message: 'system: ENOTFOUND', code: 'ENOTFOUND', addresses: [], ms: 1 };

test('DNS evidence keeps the spread form for every shape of resolution, key order included', () => {
  let shapes = 0;
  for (const system of [undefined, sysOk, sysNx]) {
    for (const direct of [[], [ok], [nx], [ok, nx]]) {
      for (const explicit of [false, true]) {
        const resolution: NameResolution = system === undefined ? { name: NAME, direct } : { name: NAME, system, direct };
        const settings = testSettings({ dnsServers: direct.length > 0 ? ['10.0.0.53'] : [], dnsServersExplicit: explicit, systemResolver: system !== undefined });
        const { data } = judgeResolution(resolution, settings, false, undefined, []);
        // The form before: a base of conditional spreads, spread again with the authority's fields.
        const base = {
          name: resolution.name,
          ...(resolution.system === undefined ? {} : { system: resolution.system }),
          ...(resolution.direct.length === 0 ? {} : { direct: resolution.direct }),
        };
        const { name: _name, system: _system, direct: _direct, ...rest } = data;
        assert.equal(JSON.stringify(data), JSON.stringify({ ...base, ...rest }));
        assert.deepEqual(Object.keys(data).slice(0, Object.keys(base).length + 2), [...Object.keys(base), 'authority', 'addresses']);
        shapes++;
      }
    }
  }
  assert.equal(shapes, 24);
});
