import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

// GitHub's published REST description (api.github.com), as shipped in @octokit/openapi.
const require = createRequire(import.meta.url);
const spec = require('@octokit/openapi/generated/api.github.com.json') as OpenApi;

interface Parameter {
  $ref?: string;
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  'x-multi-segment'?: boolean;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, unknown> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { parameters: Record<string, Parameter> };
}

export interface MatchedOperation {
  /** "METHOD /template", e.g. "POST /repos/{owner}/{repo}/check-runs". */
  route: string;
  params: Record<string, string>;
  operation: Operation;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats.default(ajv);
ajv.addSchema(typedNullables(spec), 'github');

const routes = Object.entries(spec.paths)
  .flatMap(([template, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => {
        const names: string[] = [];
        const parameters = resolveParameters(operation);
        const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
          names.push(name);
          return parameters.find((p) => p.name === name)?.['x-multi-segment'] ? '(.+)' : '([^/]+)';
        });
        return {
          route: `${method.toUpperCase()} ${template}`,
          regex: new RegExp(`^${source}$`),
          names,
          operation,
          method: method.toUpperCase(),
          literal: template.replace(/\{\w+\}/g, '').length,
        };
      }),
  )
  .sort((a, b) => b.literal - a.literal); // "/pulls/{n}/files" before "/pulls/{n}/{x}"

const bodyValidators = new Map<string, ValidateFunction>();

function resolveParameters(operation: Operation): Parameter[] {
  return (operation.parameters ?? []).map((p) =>
    p.$ref === undefined ? p : (spec.components.parameters[p.$ref.split('/').at(-1) ?? ''] ?? p),
  );
}

/** The documented operation for a method and URL path, or undefined when GitHub has none. */
export function matchOperation(method: string, pathname: string): MatchedOperation | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.regex.exec(pathname);
    if (m === null) continue;
    const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
    return { route: r.route, params, operation: r.operation };
  }
  return undefined;
}

/** Everything about a request that GitHub's description says is wrong. */
export function requestProblems(match: MatchedOperation, query: URLSearchParams, body: unknown): string[] {
  const problems: string[] = [];
  const parameters = resolveParameters(match.operation);
  for (const key of query.keys()) {
    if (!parameters.some((p) => p.in === 'query' && p.name === key))
      problems.push(`query parameter "${key}" is not documented for ${match.route}`);
  }
  for (const p of parameters)
    if (p.in === 'query' && p.required === true && !query.has(p.name))
      problems.push(`query parameter "${p.name}" is required by ${match.route}`);
  const content = match.operation.requestBody?.content['application/json'];
  if (content === undefined) {
    if (body !== undefined && match.operation.requestBody === undefined)
      problems.push(`${match.route} takes no request body`);
    return problems;
  }
  if (body === undefined) {
    if (match.operation.requestBody?.required === true) problems.push(`${match.route} requires a JSON body`);
    return problems;
  }
  let validate = bodyValidators.get(match.route);
  if (validate === undefined) {
    const [method, template] = match.route.split(' ') as [string, string];
    const pointer = ['paths', template, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema']
      .map((t) => encodeURIComponent(t.replace(/~/g, '~0').replace(/\//g, '~1')))
      .join('/');
    validate = ajv.compile({ $ref: `github#/${pointer}` });
    bodyValidators.set(match.route, validate);
  }
  if (!validate(body))
    problems.push(
      ...(validate.errors ?? []).map((e) => {
        const property =
          e.params !== undefined && 'additionalProperty' in e.params
            ? ` ("${String(e.params.additionalProperty)}")`
            : '';
        return `body${e.instancePath || ''} ${e.message ?? 'is invalid'}${property}`;
      }),
    );
  return problems;
}

/**
 * OpenAPI 3.0 puts `nullable: true` beside `oneOf` with no `type` (the milestone of
 * POST /repos/{owner}/{repo}/issues), which Ajv refuses; said the JSON Schema way it is
 * "that, or null". Everything else is left as GitHub published it.
 */
function typedNullables<T>(node: T): T {
  if (Array.isArray(node)) return node.map(typedNullables) as T;
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).map(([k, v]) => [k, typedNullables(v)] as const);
  const copy = Object.fromEntries(entries) as Record<string, unknown>;
  if (copy.nullable === true && copy.type === undefined) {
    const { nullable: _, ...rest } = copy;
    return { anyOf: [rest, { type: 'null' }] } as T;
  }
  return copy as T;
}
