import { stringify } from 'yaml';
import { formatGenerated } from '../generate/format-generated.ts';
import type { Questionnaire } from './questionnaire.ts';

export const issueFormPath = '.github/ISSUE_TEMPLATE/new-agent.yml';

/**
 * GitHub's issue form (.github/ISSUE_TEMPLATE/new-agent.yml) for the questionnaire. The
 * form is generated, never edited by hand: a test keeps the committed file in step.
 */
export async function renderIssueForm(q: Questionnaire): Promise<string> {
  const body = [
    { type: 'markdown', attributes: { value: q.intro.trimEnd() } },
    ...q.fields.map((f) => ({
      type: f.type,
      id: f.id,
      attributes: {
        label: f.label,
        ...(f.description === undefined ? {} : { description: f.description }),
        ...(f.placeholder === undefined ? {} : { placeholder: f.placeholder.trimEnd() }),
        ...(f.type === 'dropdown' ? { options: f.options, multiple: f.multiple } : {}),
        ...(f.type === 'checkboxes' ? { options: (f.options ?? []).map((label) => ({ label })) } : {}),
      },
      // GitHub enforces `required` on public repositories only; the Factory checks again.
      ...(f.type === 'checkboxes' ? {} : { validations: { required: f.required } }),
    })),
  ];
  const header = `# Generated from templates/questionnaire.yml (version ${q.version}) by \`wow factory form\`; do not edit.\n`;
  return formatGenerated(
    issueFormPath,
    header +
      stringify(
        {
          name: 'New agent',
          description:
            'Ask the Factory for a new agent: it validates the answers and opens a pull request with the generated agent.',
          title: q.title,
          labels: q.labels,
          body,
        },
        { lineWidth: 0 },
      ),
  );
}
