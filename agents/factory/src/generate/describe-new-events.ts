import { Document, isSeq, parseDocument } from 'yaml';
import { modelCovers, parseDomainModel, renderDomainDocs, type DomainModel } from '#platform';
import type { RepoSnapshot } from '../../../wowvision/src/index.ts';
import type { AgentRequest } from '../questionnaire/validate-answers.ts';
import { formatGenerated } from './format-generated.ts';

const modelPath = /^domains\/([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\/model\.yml$/;

/** The domain an event type belongs to by its first segment: `invoice.reconciliation.requested` → `invoice`. */
const domainOf = (type: string) => (type.split('.')[0] ?? type).replace(/_/g, '-');

/**
 * Every event type belongs to a domain model (WowVision's `domain` rule): for each type the
 * new agent emits that no model of `repo` describes yet, an entry in the model of its
 * domain (by its first segment; the model is created when there is none), version 1, its
 * data an object the agent's author describes next. With the model, its page under
 * docs/domains/ when the repository keeps them. A structured edit: comments and the rest
 * of the model stay as they were.
 */
export async function describeNewEvents(repo: RepoSnapshot, request: AgentRequest): Promise<Map<string, string>> {
  const models = new Map<string, DomainModel>();
  for (const path of repo.blobs.keys()) {
    const name = modelPath.exec(path)?.[1];
    if (name === undefined) continue;
    const parsed = parseDomainModel(await repo.read(path), path, name);
    // A model that does not load is the gate's to report; nothing is added to it.
    if ('model' in parsed) models.set(name, parsed.model);
  }
  const undescribed = request.emits.filter(
    (type) => ![...models.values()].some((m) => m.events.some((e) => modelCovers(e.type, type))),
  );
  const byDomain = new Map<string, string[]>();
  for (const type of undescribed) byDomain.set(domainOf(type), [...(byDomain.get(domainOf(type)) ?? []), type]);
  const keepsPages = [...repo.blobs.keys()].some((p) => /^docs\/domains\/[^/]+\.md$/.test(p));
  const files = new Map<string, string>();
  for (const [domain, types] of byDomain) {
    const path = `domains/${domain}/model.yml`;
    const doc = repo.blobs.has(path) ? parseDocument(await repo.read(path)) : newModel(domain, request);
    if (!isSeq(doc.get('events'))) doc.set('events', doc.createNode([]));
    for (const type of types)
      doc.addIn(['events'], {
        type,
        version: 1,
        meaning: `Sent by ${request.name}: ${request.purpose}`.slice(0, 900),
        data: {
          type: 'object',
          description: `Describe the data ${request.name} sends, and raise version when it changes incompatibly.`,
        },
      });
    const text = await formatGenerated(path, doc.toString());
    files.set(path, text);
    const parsed = parseDomainModel(text, path, domain);
    if (keepsPages && 'model' in parsed) files.set(`docs/domains/${domain}.md`, renderDomainDocs(parsed.model, path));
  }
  return files;
}

function newModel(domain: string, request: AgentRequest): Document {
  const doc = new Document({
    name: domain,
    description: `The ${domain} domain, started by WowAgentFactory for ${request.name}'s events: describe its entities and glossary.`,
    entities: [],
    events: [],
    glossary: [],
  });
  doc.commentBefore = ` The ${domain} domain's model (docs/architecture.md, "Domain models").`;
  return doc;
}
