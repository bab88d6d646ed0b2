// deploy/: the Kubernetes manifests for an AKS inference cluster, read as kubectl would (every YAML
// document) and checked for what matters when they are applied: kinds, one image tagged with this
// version, the serve port and its Prometheus annotations, probes that never use /healthz (a broken
// network must not restart or unready the pod), non-root, resource limits, the config mount, args
// the real CLI parser accepts, and a ConfigMap config that passes amlprobe's own config validation.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseCommandLine } from '../src/cli/args.js';
import { parseConfig } from '../src/plan/config.js';
import { REPO_ROOT } from './helpers/cli.js';

const DEPLOY = join(REPO_ROOT, 'deploy');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

type Obj = Record<string, unknown>;

/** Follows a path of keys and indexes; fails with the path when a step is missing. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let here = value;
  for (const step of path) {
    assert.ok(here !== null && typeof here === 'object', `no '${path.join('.')}' (stopped before '${String(step)}')`);
    here = (here as Obj)[step];
  }
  return here;
}

interface Manifest {
  file: string;
  doc: Obj;
}

function loadAll(): Manifest[] {
  const files = readdirSync(DEPLOY).filter((name) => /\.ya?ml$/.test(name)).sort();
  const manifests: Manifest[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8'))) {
      assert.ok(!('errors' in doc) || doc.errors.length === 0, `${file}: ${'errors' in doc ? doc.errors.map((e) => e.message).join('; ') : ''}`);
      const data = doc.toJS() as unknown;
      if (data === null) continue;
      assert.ok(typeof data === 'object' && !Array.isArray(data), `${file}: a document is not a mapping`);
      manifests.push({ file, doc: data as Obj });
    }
  }
  return manifests;
}

const manifests = loadAll();

function only(kind: string): Obj {
  const found = manifests.filter((m) => m.doc.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind}, found ${found.length}`);
  return found[0]!.doc;
}

function container(podSpec: unknown): Obj {
  const containers = at(podSpec, 'containers') as Obj[];
  assert.equal(containers.length, 1);
  return containers[0]!;
}

/** Pod-level and container-level security settings every amlprobe pod must have. */
function assertHardened(podSpec: unknown, c: Obj): void {
  assert.equal(at(podSpec, 'securityContext', 'runAsNonRoot'), true);
  assert.ok(Number(at(podSpec, 'securityContext', 'runAsUser')) > 0, 'runAsUser must not be root');
  assert.equal(at(podSpec, 'automountServiceAccountToken'), false);
  assert.equal(at(c, 'securityContext', 'allowPrivilegeEscalation'), false);
  assert.equal(at(c, 'securityContext', 'readOnlyRootFilesystem'), true);
  assert.deepEqual(at(c, 'securityContext', 'capabilities', 'drop'), ['ALL']);
  for (const kind of ['requests', 'limits']) {
    assert.ok(at(c, 'resources', kind, 'cpu') !== undefined && at(c, 'resources', kind, 'memory') !== undefined, `resources.${kind} needs cpu and memory`);
  }
}

/** The container reads --config from the ConfigMap's key, mounted read-only at /etc/amlprobe. */
function assertConfigMounted(podSpec: unknown, c: Obj): void {
  const args = at(c, 'args') as string[];
  assert.equal(args[args.indexOf('--config') + 1], '/etc/amlprobe/config.yaml');
  const mount = (at(c, 'volumeMounts') as Obj[]).find((m) => m.mountPath === '/etc/amlprobe');
  assert.ok(mount, 'no volume mounted at /etc/amlprobe');
  assert.equal(mount.readOnly, true);
  const volume = (at(podSpec, 'volumes') as Obj[]).find((v) => v.name === mount.name);
  assert.equal(at(volume, 'configMap', 'name'), at(only('ConfigMap'), 'metadata', 'name'));
  assert.ok(typeof at(only('ConfigMap'), 'data', 'config.yaml') === 'string');
}

describe('deploy/ Kubernetes manifests', () => {
  it('has exactly the expected kinds, and kustomization lists every manifest', () => {
    assert.deepEqual(manifests.map((m) => m.doc.kind).sort(), ['ConfigMap', 'CronJob', 'Deployment', 'Kustomization', 'Service']);
    const resources = at(only('Kustomization'), 'resources') as string[];
    const files = [...new Set(manifests.filter((m) => m.doc.kind !== 'Kustomization').map((m) => m.file))].sort();
    assert.deepEqual([...resources].sort(), files);
  });

  it('uses one image, tagged with package.json version', () => {
    const images = [at(container(at(only('Deployment'), 'spec', 'template', 'spec')), 'image'), at(container(at(only('CronJob'), 'spec', 'jobTemplate', 'spec', 'template', 'spec')), 'image')];
    for (const image of images) assert.match(String(image), new RegExp(`/amlprobe:${VERSION.replaceAll('.', '\\.')}$`), `image ${String(image)}: tag it ${VERSION} (package.json)`);
    assert.equal(images[0], images[1]);
  });

  it('Deployment runs serve on 9464 with scrape annotations, probes that never use /healthz, hardened', () => {
    const deployment = only('Deployment');
    const pod = at(deployment, 'spec', 'template');
    const spec = at(pod, 'spec');
    const c = container(spec);
    const args = at(c, 'args') as string[];
    const parsed = parseCommandLine(args);
    assert.equal(parsed.command, 'serve');
    assert.equal(parsed.flags.listen, '0.0.0.0:9464');
    assert.deepEqual(at(c, 'ports'), [{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
    assert.deepEqual(at(pod, 'metadata', 'annotations'), { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': '/metrics' });
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const path = at(c, probe, 'httpGet', 'path');
      assert.equal(path, '/metrics', `${probe} must not depend on the network verdict (/healthz)`);
      assert.equal(at(c, probe, 'httpGet', 'port'), 'metrics');
    }
    assert.deepEqual(at(deployment, 'spec', 'selector', 'matchLabels'), Object.fromEntries(Object.entries(at(pod, 'metadata', 'labels') as Obj).filter(([k]) => k in (at(deployment, 'spec', 'selector', 'matchLabels') as Obj))));
    assertHardened(spec, c);
    assertConfigMounted(spec, c);
  });

  it('Service selects the serve pods and targets the named metrics port', () => {
    const service = only('Service');
    const labels = at(only('Deployment'), 'spec', 'template', 'metadata', 'labels') as Obj;
    for (const [key, value] of Object.entries(at(service, 'spec', 'selector') as Obj)) assert.equal(labels[key], value, `selector ${key}`);
    assert.deepEqual(at(service, 'spec', 'ports'), [{ name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' }]);
  });

  it('CronJob runs one compact JSON report to stdout, no retries, never overlapping, hardened', () => {
    const cron = only('CronJob');
    assert.equal(at(cron, 'spec', 'concurrencyPolicy'), 'Forbid');
    assert.equal(at(cron, 'spec', 'jobTemplate', 'spec', 'backoffLimit'), 0);
    const spec = at(cron, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
    assert.equal(at(spec, 'restartPolicy'), 'Never');
    const c = container(spec);
    const parsed = parseCommandLine(at(c, 'args') as string[]);
    assert.equal(parsed.command, 'run');
    assert.equal(parsed.flags.format, 'json');
    assert.equal(parsed.flags.compact, true, 'one line per report, so a line-based log collector keeps it whole');
    assert.equal(parsed.flags.output, undefined, 'the report goes to stdout (the pod log)');
    assert.ok(parsed.flags.deadline !== undefined, 'a run deadline below activeDeadlineSeconds');
    assertHardened(spec, c);
    assertConfigMounted(spec, c);
  });

  it("the ConfigMap's config.yaml passes amlprobe's config validation", () => {
    const text = String(at(only('ConfigMap'), 'data', 'config.yaml'));
    const config = parseConfig(text, 'deploy/configmap.yaml#config.yaml');
    assert.deepEqual(config.scenarios, ['aks-inference']);
    assert.equal(config.profile.privateEndpoints, true);
    // And the validation can fail: a typo in a key is rejected.
    assert.throws(() => parseConfig(text.replace('scenarios:', 'scenarioz:'), 'x.yaml'), /scenarioz/);
  });
});
