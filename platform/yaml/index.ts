// YAML with positions alone, imported as "#platform/yaml" by what must start without the
// rest of the platform (`wow review` reading rule packs); "#platform" exports the same names.
export { parseYamlWith } from './parse-yaml-with.ts';
export { readYaml, type YamlWithPositions } from './read-yaml.ts';
