// The fleet side of deploy/: every manifest (sub-folders included) validated offline against the
// Kubernetes and prometheus-operator schemas (kubernetes-models, no cluster), each kustomization
// listing exactly its folder's manifests, the DaemonSet probing from every node, the
// ServiceMonitor reaching both Services, the PrometheusRule identical to the plain rules file, the
// rules checked and unit-tested by promtool, and the Grafana dashboard's queries valid PromQL over
// metrics amlprobe really exports.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { CronJob } from 'kubernetes-models/batch/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { parseCommandLine } from '../src/cli/args.js';
import { renderPrometheus } from '../src/report/prometheus.js';
import { DEPLOY, kubernetesDocuments, readDeployYaml, yamlFiles } from './helpers/deploy-files.js';
import type { DeployDocument } from './helpers/deploy-files.js';
import { sampleReport } from './helpers/report-fixture.js';
import { runProgram } from './helpers/run-program.js';
import { requireProgram } from './helpers/serve-process.js';

type Obj = Record<string, unknown>;
type Model = new (data: never) => { validate(): void };

/** The schema model of each apiVersion/kind the manifests may use. */
const MODELS: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/DaemonSet': DaemonSet,
  'batch/v1/CronJob': CronJob,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

const documents = kubernetesDocuments();

/** Validates one document against its schema; throws with the file and the schema's message. */
function validate(entry: DeployDocument): void {
  const key = `${String(entry.doc.apiVersion)}/${String(entry.doc.kind)}`;
  const model = MODELS[key];
  assert.ok(model, `${entry.file}: no schema for ${key}; add its model to MODELS`);
  try {
    new model(entry.doc as never).validate();
  } catch (error) {
    throw new Error(`${entry.file} (${key} ${String((entry.doc.metadata as Obj | undefined)?.name)}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

function find(kind: string, name: string): Obj {
  const found = documents.find((d) => d.doc.kind === kind && (d.doc.metadata as Obj).name === name);
  assert.ok(found, `no ${kind} ${name} in deploy/`);
  return found.doc;
}

/** Every amlprobe_* family /metrics exposes (HELP lines are written even for families without samples). */
function exportedMetrics(): Set<string> {
  return new Set([...renderPrometheus(sampleReport(), { runsTotal: 1, lastRunEndedMs: 0 }).matchAll(/^# HELP (\S+)/gm)].map((m) => m[1]!));
}

/** amlprobe_* names used in a PromQL expression (without _bucket-style suffix tricks: we export none). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\bamlprobe_[a-z_]+/g)].map((m) => m[0]);
}

/** Checks PromQL expressions with promtool (as recording rules of a throw-away file); returns promtool's verdict. */
async function promtoolCheckExpressions(exprs: string[]): Promise<{ code: number; out: string }> {
  const promtool = requireProgram('promtool', 'prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'amlprobe-promql-'));
  try {
    const rules = exprs.map((expr, i) => `      - record: amlprobe:dashboard_query_${i}\n        expr: ${JSON.stringify(expr)}\n`).join('');
    writeFileSync(join(dir, 'queries.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules}`);
    return await runProgram(promtool, ['check', 'rules', 'queries.yml'], { cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('deploy/: the fleet', { concurrency: true }, () => {
  it('every manifest passes its Kubernetes or prometheus-operator schema', () => {
    assert.ok(documents.length >= 8, `only ${documents.length} documents found`);
    for (const entry of documents.filter((d) => d.doc.kind !== 'Kustomization')) validate(entry);
  });

  it('the schema check can fail: a port as text, a DaemonSet without selector, a rule without expr are refused', () => {
    const daemonSet = structuredClone(find('DaemonSet', 'amlprobe-node'));
    const podSpec = ((daemonSet.spec as Obj).template as Obj).spec as Obj;
    ((podSpec.containers as Obj[])[0]!.ports as Obj[])[0]!.containerPort = '9464';
    assert.throws(() => validate({ file: 'mutated', doc: daemonSet }), /containerPort must be integer/);
    const noSelector = structuredClone(find('DaemonSet', 'amlprobe-node'));
    delete (noSelector.spec as Obj).selector;
    assert.throws(() => validate({ file: 'mutated', doc: noSelector }), /selector/);
    const rule = structuredClone(find('PrometheusRule', 'amlprobe'));
    delete (((rule.spec as Obj).groups as Obj[])[0]!.rules as Obj[])[0]!.expr;
    assert.throws(() => validate({ file: 'mutated', doc: rule }), /expr/);
  });

  it('each kustomization lists exactly the manifests of its folder', () => {
    const kustomizations = documents.filter((d) => d.doc.kind === 'Kustomization');
    assert.deepEqual(kustomizations.map((k) => k.file).sort(), ['daemonset/kustomization.yaml', 'kustomization.yaml', 'prometheus-operator/kustomization.yaml']);
    for (const k of kustomizations) {
      const folder = dirname(k.file);
      const inFolder = yamlFiles().filter((f) => dirname(f) === folder && !f.endsWith('kustomization.yaml'));
      assert.deepEqual([...(k.doc.resources as string[])].sort(), inFolder.map((f) => f.slice(folder === '.' ? 0 : folder.length + 1)).sort(), k.file);
    }
  });

  it('the DaemonSet runs serve on every node (tolerates every taint), scraped through a headless Service, /metrics probes, hardened', () => {
    const ds = find('DaemonSet', 'amlprobe-node');
    const template = (ds.spec as Obj).template as Obj;
    const spec = template.spec as Obj;
    assert.deepEqual(spec.tolerations, [{ operator: 'Exists' }]);
    const c = (spec.containers as Obj[])[0]!;
    const parsed = parseCommandLine(c.args as string[]);
    assert.equal(parsed.command, 'serve');
    assert.equal(parsed.flags.listen, '0.0.0.0:9464');
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) assert.equal(((c[probe] as Obj).httpGet as Obj).path, '/metrics', probe);
    assert.equal((spec.securityContext as Obj).runAsNonRoot, true);
    assert.equal((c.securityContext as Obj).readOnlyRootFilesystem, true);
    // The read-only root leaves serve nowhere to write its state file but this emptyDir.
    const tmp = (c.volumeMounts as Obj[]).find((m) => m.mountPath === '/tmp');
    assert.ok(tmp && (spec.volumes as Obj[]).some((v) => v.name === tmp.name && v.emptyDir !== undefined), 'an emptyDir at /tmp');
    assert.equal(((spec.volumes as Obj[]).find((v) => v.name === 'config')!.configMap as Obj).name, (find('ConfigMap', 'amlprobe-config').metadata as Obj).name);
    const service = find('Service', 'amlprobe-node');
    assert.equal((service.spec as Obj).clusterIP, 'None', 'headless: every node pod is an endpoint of its own');
    const podLabels = (template.metadata as Obj).labels as Obj;
    for (const [k, v] of Object.entries((service.spec as Obj).selector as Obj)) assert.equal(podLabels[k], v, `selector ${k}`);
  });

  it('every serve pod (Deployment, DaemonSet) has a writable /tmp for the state file the image asks for', () => {
    const image = readFileSync(join(DEPLOY, '..', 'Dockerfile'), 'utf8');
    assert.match(image, /^ENV AMLPROBE_SERVE_STATE=\/tmp\//m);
    for (const [kind, name] of [['Deployment', 'amlprobe'], ['DaemonSet', 'amlprobe-node']] as const) {
      const spec = (((find(kind, name).spec as Obj).template as Obj).spec as Obj);
      const c = (spec.containers as Obj[])[0]!;
      const tmp = (c.volumeMounts as Obj[]).find((m) => m.mountPath === '/tmp');
      assert.ok(tmp && (spec.volumes as Obj[]).some((v) => v.name === tmp.name && v.emptyDir !== undefined), `${kind}: an emptyDir at /tmp under a read-only root`);
    }
  });

  it('the ServiceMonitor selects both Services on their metrics port and labels series with the node', () => {
    const monitor = find('ServiceMonitor', 'amlprobe');
    const wanted = ((monitor.spec as Obj).selector as Obj).matchLabels as Obj;
    const endpoint = ((monitor.spec as Obj).endpoints as Obj[])[0]!;
    for (const name of ['amlprobe', 'amlprobe-node']) {
      const service = find('Service', name);
      const labels = (service.metadata as Obj).labels as Obj;
      for (const [k, v] of Object.entries(wanted)) assert.equal(labels[k], v, `Service ${name} label ${k}`);
      assert.ok(((service.spec as Obj).ports as Obj[]).some((p) => p.name === endpoint.port), `Service ${name} has no port ${String(endpoint.port)}`);
    }
    assert.deepEqual(endpoint.relabelings, [{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node', action: 'replace' }]);
  });

  it('the PrometheusRule holds exactly the groups of prometheus/amlprobe.rules.yml, over metrics amlprobe exports', () => {
    const plain = readDeployYaml('prometheus/amlprobe.rules.yml') as { groups: { rules: { expr: string; alert: string }[] }[] };
    assert.deepEqual((find('PrometheusRule', 'amlprobe').spec as Obj).groups, plain.groups);
    const exported = exportedMetrics();
    const alerts = plain.groups.flatMap((g) => g.rules);
    assert.deepEqual(alerts.map((r) => r.alert).sort(), ['AmlprobeCertificateExpiringSoon', 'AmlprobeDown', 'AmlprobeRequiredEndpointFailing', 'AmlprobeRunDeadlineHit', 'AmlprobeRunsStalled']);
    for (const rule of alerts) for (const metric of metricsIn(rule.expr)) assert.ok(exported.has(metric), `${rule.alert}: ${metric} is not exported by /metrics`);
  });

  it('promtool check rules and promtool test rules pass; the unit tests catch a changed rule', async () => {
    const promtool = requireProgram('promtool', 'prometheus');
    const folder = join(DEPLOY, 'prometheus');
    const check = await runProgram(promtool, ['check', 'rules', 'amlprobe.rules.yml'], { cwd: folder });
    assert.equal(check.code, 0, check.out);
    const test = await runProgram(promtool, ['test', 'rules', 'amlprobe.rules.test.yml'], { cwd: folder });
    assert.equal(test.code, 0, test.out);
    // The same tests against a rule waiting 30 minutes instead of 10 must fail.
    const dir = mkdtempSync(join(tmpdir(), 'amlprobe-rules-'));
    try {
      copyFileSync(join(folder, 'amlprobe.rules.test.yml'), join(dir, 'amlprobe.rules.test.yml'));
      const rules = readFileSync(join(folder, 'amlprobe.rules.yml'), 'utf8');
      assert.ok(rules.includes('for: 10m'));
      writeFileSync(join(dir, 'amlprobe.rules.yml'), rules.replace('for: 10m', 'for: 30m'));
      const broken = await runProgram(promtool, ['test', 'rules', 'amlprobe.rules.test.yml'], { cwd: dir });
      assert.notEqual(broken.code, 0, broken.out);
      assert.match(broken.out, /AmlprobeRequiredEndpointFailing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Grafana dashboard is JSON whose every query is valid PromQL over metrics amlprobe exports', async () => {
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana', 'amlprobe-fleet.json'), 'utf8')) as {
      uid: string;
      panels: { title: string; targets: { expr: string }[] }[];
      templating: { list: { name: string; query: unknown }[] };
    };
    assert.equal(dashboard.uid, 'amlprobe-fleet');
    const variables = dashboard.templating.list.map((v) => v.name);
    assert.deepEqual(variables, ['datasource', 'node', 'instance', 'endpoint']);
    const exported = exportedMetrics();
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
    assert.ok(exprs.length >= 8);
    for (const { panel, expr } of exprs) {
      assert.ok(metricsIn(expr).length > 0, `${panel}: no amlprobe metric in ${expr}`);
      for (const metric of metricsIn(expr)) assert.ok(exported.has(metric), `${panel}: ${metric} is not exported by /metrics`);
      for (const used of expr.matchAll(/\$(\w+)/g)) assert.ok(variables.includes(used[1]!), `${panel}: unknown variable $${used[1]!}`);
    }
    // Grafana substitutes the variables (a regex, ".*" for All) before Prometheus parses the query.
    const check = await promtoolCheckExpressions(exprs.map((e) => e.expr.replace(/\$\w+/g, '.*')));
    assert.equal(check.code, 0, check.out);
    const broken = await promtoolCheckExpressions(['sum(amlprobe_required_failures{node=~".*"}']);
    assert.notEqual(broken.code, 0, 'promtool accepted an unbalanced parenthesis');
  });
});
