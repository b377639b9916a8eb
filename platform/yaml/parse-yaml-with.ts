import { isMap } from 'yaml';
import type { z } from 'zod';
import { readYaml, type YamlWithPositions } from './read-yaml.ts';

/**
 * A YAML mapping checked against a zod object schema: the parsed value, or every problem
 * as "file:line:column field: problem", in the order they appear in the file. Unknown
 * fields name the fields there are.
 */
export function parseYamlWith<Schema extends z.ZodObject>(
  schema: Schema,
  text: string,
  file: string,
): { value: z.infer<Schema>; yaml: YamlWithPositions } | { problems: string[] } {
  const yaml = readYaml(text, file);
  const { doc, at, locate, keyOffset, errors } = yaml;
  const fields = Object.keys(schema.shape);
  if (errors.length > 0) return { problems: errors };
  if (!isMap(doc.contents))
    return {
      problems: [
        `${file}:1:1 (root): expected a mapping of fields (${fields.slice(0, 3).join(', ')}${fields.length > 3 ? ', …' : ''})`,
      ],
    };
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return { value: parsed.data, yaml };
  const problems = parsed.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        offset: keyOffset([...issue.path, key]),
        text: `${[...issue.path, key].join('.')}: unknown field; the fields are ${fields.join(', ')}`,
      }));
    }
    const { offset, path } = locate(issue.path);
    return [{ offset, text: `${path || '(root)'}: ${issue.message}` }];
  });
  return { problems: problems.sort((a, b) => a.offset - b.offset).map((p) => `${at(p.offset)} ${p.text}`) };
}
