import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#platform';

// No container engine runs here: the file is checked against the Compose Specification's
// own JSON Schema (what `docker compose config` validates first), then for what the
// schema cannot say: the stack this repository promises.
const composeDir = new URL('../', import.meta.url).pathname;
const root = resolve(composeDir, '../..');
const text = readFileSync(join(composeDir, 'compose.yml'), 'utf8');
// Compose reads YAML 1.1 merge keys (<<); the `x-` anchors share the platform's settings.
const compose = parse(text, { merge: true }) as Compose;
const envExample = readFileSync(join(root, '.env.example'), 'utf8');

interface Healthcheck {
  test: string[];
}
interface Service {
  image: string;
  build?: { context: string };
  command?: string[];
  env_file?: { path: string; required: boolean }[];
  environment?: Record<string, string>;
  healthcheck?: Healthcheck;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  container_name?: string;
  stop_grace_period?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}
const services = Object.entries(compose.services);
const service = (name: string): Service => {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`no service ${name}`);
  return found;
};
/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}`: what Compose substitutes from the env file. */
const interpolated = (value: string) => [...value.matchAll(/\$\{([A-Z_][A-Z0-9_]*)(:?[-?][^}]*)?\}/g)];
const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1]);
/** A service's environment as the platform would read it, with the env file's secrets filled in. */
const platformEnv = (s: Service) =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, v.replace(/\$\{[^}]+\}/g, 'secret')]));

describe('the Compose stack (infra/compose/compose.yml)', () => {
  it('is valid against the Compose Specification schema', () => {
    const schema = JSON.parse(readFileSync(join(composeDir, 'test/fixtures/compose-spec.json'), 'utf8')) as object;
    // The schema is draft-07 with Compose's own annotations (e.g. "deprecated"): not strict.
    const validate = new Ajv({ strict: false, allErrors: true, validateSchema: false }).compile(schema);
    const valid = validate(parse(text, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema is strict about keys: a misspelt one is not quietly ignored.
    expect(validate(parse(text.replace('depends_on:', 'depend_on:'), { merge: true }))).toBe(false);
  });

  it('runs the seven services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['agents', 'grafana', 'nginx', 'postgres', 'prometheus', 'redis', 'server'].sort(),
    );
  });

  it('pins every image it pulls to a version, never latest; the one it builds is tagged as built here', () => {
    for (const [name, s] of services) {
      const image = s.image.includes('${') ? /:-([^}]+)\}/.exec(s.image)?.[1] : s.image;
      const tag = image?.split(':')[1] ?? '';
      expect(tag, name).not.toMatch(/latest/);
      expect(tag, name).toMatch(s.build === undefined ? /\d+\.\d+/ : /^local$/);
    }
  });

  it('checks the health of each service, and starts each after what it needs is healthy', () => {
    for (const [name, s] of services) {
      expect(s.healthcheck?.test[0], name).toMatch(/^CMD(-SHELL)?$/);
      for (const [needed, how] of Object.entries(s.depends_on ?? {})) {
        expect(how.condition, `${name} on ${needed}`).toBe('service_healthy');
        expect(compose.services[needed], `${name} on ${needed}`).toBeDefined();
      }
    }
    expect(Object.keys(service('server').depends_on ?? {}).sort()).toEqual(['postgres', 'redis']);
    expect(Object.keys(service('agents').depends_on ?? {}).sort()).toEqual(['postgres', 'redis']);
    expect(Object.keys(service('nginx').depends_on ?? {})).toEqual(['server']);
  });

  it('runs the server and the agent workers from one image, with their own commands, on the real databases', () => {
    const [server, agents] = [service('server'), service('agents')];
    expect(server.image).toBe(agents.image);
    expect(server.build?.context).toBe('../..');
    expect(existsSync(join(composeDir, server.build?.context ?? '', 'Dockerfile'))).toBe(true);
    expect(server.command).toEqual(['start', '--no-agents']);
    expect(agents.command).toEqual(['agents', 'run', '--port', '3000']);
    for (const s of [server, agents]) {
      expect(s.env_file).toEqual([{ path: '../../.env', required: true }]);
      expect(s.environment?.DATABASE_URL).toMatch(
        /^postgres:\/\/\w+:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/\w+$/,
      );
      expect(s.environment?.REDIS_URL).toBe('redis://redis:6379');
      // The image's own check (Compose reads $$ as a literal $).
      const script = s.healthcheck?.test.at(-1)?.replaceAll('$$', '$') ?? '';
      expect(script).toContain('/healthz');
      expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toContain(JSON.stringify(script));
    }
  });

  it('gives the platform only values its configuration accepts, and a drain deadline longer than its own', () => {
    for (const name of ['server', 'agents']) {
      const s = service(name);
      const config = loadConfig(platformEnv(s));
      expect(config.http.host).toBe('0.0.0.0');
      expect(seconds(s.stop_grace_period ?? '') * 1000).toBeGreaterThan(config.agents.shutdownTimeoutMs);
    }
    expect(loadConfig(platformEnv(service('server'))).http.trustProxy).toEqual(['uniquelocal']);
  });

  it('scales the agent workers: no fixed name, no published port', () => {
    expect(service('agents').container_name).toBeUndefined();
    expect(service('agents').ports).toBeUndefined();
  });

  it('keeps data in named volumes, Redis appending every write to its log', () => {
    const named = (s: Service) =>
      (s.volumes ?? []).map((v) => v.split(':')[0]).filter((v) => compose.volumes[v ?? ''] !== undefined);
    expect(named(service('postgres'))).toEqual(['postgres-data']);
    expect(named(service('redis'))).toEqual(['redis-data']);
    expect(named(service('prometheus'))).toEqual(['prometheus-data']);
    expect(named(service('grafana'))).toEqual(['grafana-data']);
    expect(named(service('server'))).toEqual(['backups']);
    expect(service('redis').command?.join(' ')).toContain('--appendonly yes');
    expect(service('postgres').image).toMatch(/^pgvector\/pgvector:/);
  });

  it('publishes only nginx to the world; Prometheus and Grafana to the host alone', () => {
    for (const [name, s] of services) {
      const open = (s.ports ?? []).filter((p) => !p.startsWith('127.0.0.1:'));
      expect(open.length > 0, name).toBe(name === 'nginx');
    }
  });

  it('mounts files that exist in this repository', () => {
    for (const [name, s] of services)
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('.')) expect(existsSync(resolve(composeDir, source)), `${name}: ${source}`).toBe(true);
      }
  });

  it('gives nginx every variable its template reads', () => {
    const template = readFileSync(join(root, 'infra/nginx/templates/waooaw.conf.template'), 'utf8');
    const read = new Set([...template.matchAll(/\$\{(WOW_[A-Z0-9_]+)\}/g)].map((m) => m[1] ?? ''));
    const given = Object.keys(service('nginx').environment ?? {}).filter((k) => k.startsWith('WOW_'));
    expect(given.sort()).toEqual([...read].sort());
    expect(service('nginx').environment?.NGINX_ENVSUBST_FILTER).toBe('^WOW_');
  });

  it('reads only variables .env.example documents, and fails at once without the required secrets', () => {
    const variables = new Map<string, string>();
    for (const [, name, how] of interpolated(text)) if (name !== undefined) variables.set(name, how ?? '');
    expect([...variables.keys()]).toContain('POSTGRES_PASSWORD');
    for (const name of variables.keys()) expect(envExample, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
    expect(variables.get('POSTGRES_PASSWORD')).toMatch(/^:\?/);
    expect(variables.get('GRAFANA_ADMIN_PASSWORD')).toMatch(/^:\?/);
  });
});
