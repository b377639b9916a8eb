import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig, loadManifests, renderWorkloads, workloadsDir } from '#platform';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const k8s = join(root, 'infra/k8s');

type Doc = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string } };

/** The published schema of each kind the manifests use (kubernetes-models, @kubernetes-models/keda). */
const models: Record<string, new (doc: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'batch/v1 CronJob': CronJob,
  'networking.k8s.io/v1 Ingress': Ingress,
  'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'v1 ConfigMap': ConfigMap,
  'v1 Namespace': Namespace,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim,
  'v1 Service': Service,
  'keda.sh/v1alpha1 ScaledObject': ScaledObject,
  'keda.sh/v1alpha1 TriggerAuthentication': TriggerAuthentication,
};

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'test' ? [] : yamlFiles(path);
    return name.endsWith('.yaml') ? [path] : [];
  });
const docsOf = (path: string): Doc[] =>
  parseAllDocuments(readFileSync(path, 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${relative(root, path)}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as Doc;
  });
const isKustomization = (path: string) => path.endsWith('kustomization.yaml');
const objects = yamlFiles(k8s)
  .filter((p) => !isKustomization(p))
  .flatMap((path) => docsOf(path).map((doc) => ({ path: relative(root, path), doc })));

function validate(doc: Doc): string | undefined {
  const Model = models[`${doc.apiVersion} ${doc.kind}`];
  if (Model === undefined) return `no schema known for ${doc.apiVersion} ${doc.kind}`;
  try {
    new Model(doc as never).validate();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

interface Kustomization {
  resources?: string[];
  patches?: { target: { kind: string; name: string } }[];
  images?: { name: string; newName?: string }[];
}

/**
 * What `kubectl kustomize` would resolve from one kustomization, without kubectl: the
 * objects of its resources (folders recursively), each patch's target among them, and each
 * image it rewrites in use by some container. Problems come back by name.
 */
function resolveKustomization(dir: string): { objects: Doc[]; images: Set<string>; problems: string[] } {
  const k = docsOf(join(dir, 'kustomization.yaml'))[0] as unknown as Kustomization;
  const out: Doc[] = [];
  const problems: string[] = [];
  let images = new Set<string>();
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    if (!existsSync(path)) {
      problems.push(`${relative(root, dir)}: resource ${resource} does not exist`);
      continue;
    }
    if (statSync(path).isDirectory()) {
      const inner = resolveKustomization(path);
      out.push(...inner.objects);
      problems.push(...inner.problems);
      images = new Set([...images, ...inner.images]);
    } else out.push(...docsOf(path));
  }
  if (images.size === 0)
    for (const o of out)
      for (const image of JSON.stringify(o).matchAll(/"image":"([^":]+)(?::[^"]*)?"/g)) images.add(image[1] ?? '');
  for (const patch of k.patches ?? [])
    if (!out.some((o) => o.kind === patch.target.kind && o.metadata.name === patch.target.name))
      problems.push(
        `${relative(root, dir)}: patch targets ${patch.target.kind}/${patch.target.name}, which is not there`,
      );
  for (const image of k.images ?? []) {
    if (!images.has(image.name)) problems.push(`${relative(root, dir)}: image ${image.name} is used by no container`);
    else if (image.newName !== undefined) {
      images.delete(image.name);
      images.add(image.newName);
    }
  }
  return { objects: out, images, problems };
}

describe('the Kubernetes manifests (infra/k8s)', () => {
  it("are in step with the agents' manifests: one workload per agent, as `wow infra k8s` writes it", async () => {
    const wanted = renderWorkloads((await loadManifests(join(root, 'agents'))).map((m) => m.manifest));
    const present = readdirSync(join(root, workloadsDir)).map((f) => `${workloadsDir}/${f}`);
    expect(present.sort()).toEqual([...wanted.keys()].sort());
    for (const [path, text] of wanted) expect(readFileSync(join(root, path), 'utf8'), path).toBe(text);
  });

  it('validate against the published Kubernetes and KEDA schemas, every document of every file', () => {
    expect(objects.length).toBeGreaterThan(20);
    const problems = objects.flatMap(({ path, doc }) => {
      const problem = validate(doc);
      return problem === undefined ? [] : [`${path} ${doc.kind}/${doc.metadata.name}: ${problem}`];
    });
    expect(problems).toEqual([]);
    // The check has teeth: a Deployment without its selector is refused.
    const deployment = objects.find((o) => o.doc.kind === 'Deployment')?.doc as Doc & { spec: object };
    expect(validate({ ...deployment, spec: { ...deployment.spec, selector: undefined } })).toMatch(/selector/);
  });

  it('resolve as kustomize builds them: every resource, patch target and image of the base and both overlays', () => {
    for (const overlay of ['base', 'overlays/dev', 'overlays/prod']) {
      const resolved = resolveKustomization(join(k8s, overlay));
      expect(resolved.problems, overlay).toEqual([]);
      expect(resolved.objects.filter((o) => o.kind === 'ScaledObject').length, overlay).toBe(
        readdirSync(join(root, workloadsDir)).length - 1,
      );
    }
  });

  it('render with `kubectl kustomize` where kubectl is installed, else say that the resolver above stood in', async () => {
    const kubectl = await exec('kubectl', ['version', '--client=true']).then(
      () => true,
      () => false,
    );
    if (!kubectl) {
      // CI has no kubectl (Debian ships none); the structural resolution above is then the check.
      expect(resolveKustomization(join(k8s, 'overlays/prod')).problems).toEqual([]);
      return;
    }
    for (const overlay of ['overlays/dev', 'overlays/prod']) {
      const { stdout } = await exec('kubectl', ['kustomize', join(k8s, overlay)], { maxBuffer: 1 << 26 });
      const rendered = parseAllDocuments(stdout).map((d) => d.toJS() as Doc);
      expect(rendered.flatMap((d) => validate(d) ?? [])).toEqual([]);
    }
  });

  it('keep the image entrypoint, probe /readyz and /healthz, bound resources, run as non-root, and outlast the drain', () => {
    const drainMs = loadConfig({}).agents.shutdownTimeoutMs;
    const pods = objects.flatMap(({ doc }) => {
      // ConfigMaps and Namespaces have no spec.
      const spec = doc.spec as
        { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } } | undefined;
      const pod = spec?.template?.spec ?? spec?.jobTemplate?.spec.template.spec;
      return pod === undefined ? [] : [{ name: `${doc.kind}/${doc.metadata.name}`, kind: doc.kind, pod }];
    });
    expect(pods.length).toBeGreaterThan(5);
    for (const { name, kind, pod } of pods) {
      expect(pod.securityContext?.runAsNonRoot, name).toBe(true);
      expect(pod.automountServiceAccountToken, name).toBe(false);
      for (const c of pod.containers) {
        // tini reaps and forwards SIGTERM: a command must start with it, or not be set at all.
        if (c.command !== undefined) expect(c.command[0], name).toBe('tini');
        expect(c.resources?.requests?.memory, name).toBeDefined();
        expect(c.resources?.limits?.memory, name).toBeDefined();
        expect(c.securityContext?.readOnlyRootFilesystem, name).toBe(true);
        if (kind !== 'Deployment') continue;
        expect(c.readinessProbe?.httpGet?.path, name).toBe('/readyz');
        expect(c.livenessProbe?.httpGet?.path, name).toBe('/healthz');
        expect((pod.terminationGracePeriodSeconds ?? 30) * 1000, name).toBeGreaterThan(drainMs);
      }
    }
  });

  it('scale each agent on the streams and consumer group the Redis bus really uses', async () => {
    for (const { manifest } of await loadManifests(join(root, 'agents'))) {
      const scaled = objects.find(
        (o) => o.doc.kind === 'ScaledObject' && o.doc.metadata.name === `agent-${manifest.id}`,
      );
      const triggers = (scaled?.doc.spec as { triggers: { metadata: { stream: string; consumerGroup: string } }[] })
        .triggers;
      const topics = new Set(manifest.wakesOn.map((p) => p.split('.').slice(0, 2).join('.')));
      expect(triggers.map((t) => t.metadata.stream).sort()).toEqual([...topics].map((t) => `wow:stream:${t}`).sort());
      expect(new Set(triggers.map((t) => t.metadata.consumerGroup))).toEqual(new Set([manifest.id]));
    }
    const config = objects.find((o) => o.doc.kind === 'ConfigMap')?.doc as unknown as { data: Record<string, string> };
    expect(config.data.BUS_KEY_PREFIX).toBe('wow:');
  });

  it('expose only the public routes through the ingress, never /metrics', () => {
    const ingress = objects.find((o) => o.doc.kind === 'Ingress')?.doc as unknown as {
      spec: { rules: { http: { paths: { path: string }[] } }[] };
    };
    const paths = ingress.spec.rules.flatMap((r) => r.http.paths.map((p) => p.path));
    expect(paths).toEqual(['/api/', '/support', '/.well-known/did.json', '/agents/']);
  });
});

interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  containers: {
    command?: string[];
    resources?: { requests?: { memory?: string }; limits?: { memory?: string } };
    securityContext?: { readOnlyRootFilesystem?: boolean };
    readinessProbe?: { httpGet?: { path?: string } };
    livenessProbe?: { httpGet?: { path?: string } };
  }[];
}
