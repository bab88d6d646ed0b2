// The files of deploy/ read as kubectl and Prometheus read them: every YAML document of every
// manifest (sub-folders included), the alerting rules, the Grafana dashboard.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { REPO_ROOT } from './cli.js';

/** deploy/ in this checkout. */
export const DEPLOY = join(REPO_ROOT, 'deploy');

/** One YAML document of a manifest, with the file (relative to deploy/) it came from. */
export interface DeployDocument {
  file: string;
  doc: Record<string, unknown>;
}

/** Every *.yaml / *.yml under `dir`, relative to deploy/, sorted. */
export function yamlFiles(dir = DEPLOY): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) found.push(relative(DEPLOY, path));
  }
  return found.sort();
}

/** Every non-empty document of the Kubernetes manifests (the Prometheus rule files excluded); throws on a YAML error. */
export function kubernetesDocuments(): DeployDocument[] {
  const documents: DeployDocument[] = [];
  for (const file of yamlFiles().filter((f) => !f.startsWith('prometheus/'))) {
    for (const doc of parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8'))) {
      if ('errors' in doc && doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const data = doc.toJS() as unknown;
      if (data === null) continue;
      if (typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file}: a document is not a mapping`);
      documents.push({ file, doc: data as Record<string, unknown> });
    }
  }
  return documents;
}

/** A YAML file of deploy/, parsed. */
export function readDeployYaml(file: string): unknown {
  return parseYaml(readFileSync(join(DEPLOY, file), 'utf8'));
}
