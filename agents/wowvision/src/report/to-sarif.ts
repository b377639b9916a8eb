import type * as Sarif from 'sarif';
import type { Finding, Review } from '../engine/finding.ts';

const level = { error: 'error', warning: 'warning', notice: 'note' } as const;

/**
 * SARIF 2.1.0 for code-scanning upload: one result per finding with a partial
 * fingerprint (so GitHub tracks it across pushes); waived and baselined findings are
 * included as suppressed results, the way SARIF viewers expect.
 */
export function toSarif(review: Review, tool: { version: string; uri: string }): Sarif.Log {
  const all = [...review.findings, ...review.waived.map((w) => w.finding), ...review.baselined];
  const ruleIds = [...new Set(all.map((f) => f.rule))].sort();
  const ruleOf = new Map(all.map((f) => [f.rule, f]));
  const result = (f: Finding, suppression?: Sarif.Suppression): Sarif.Result => ({
    ruleId: f.rule,
    ruleIndex: ruleIds.indexOf(f.rule),
    level: level[f.severity],
    message: { text: f.fix === undefined ? f.message : `${f.message}. Fix: ${f.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(f.path), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: f.line,
            startColumn: f.column,
            ...(f.endColumn !== undefined && (f.endLine ?? f.line) === f.line ? { endColumn: f.endColumn } : {}),
          },
        },
      },
    ],
    partialFingerprints: { 'wowvision/v1': f.fingerprint },
    ...(suppression === undefined ? {} : { suppressions: [suppression] }),
  });
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'WowVision',
            version: tool.version,
            informationUri: tool.uri,
            rules: ruleIds.map((id) => {
              const f = ruleOf.get(id);
              return {
                id,
                shortDescription: { text: f?.because ?? id },
                ...(f?.fix === undefined ? {} : { help: { text: f.fix } }),
                defaultConfiguration: { level: level[f?.severity ?? 'error'] },
                properties: { kind: f?.kind },
              };
            }),
          },
        },
        results: [
          ...review.findings.map((f) => result(f)),
          ...review.waived.map((w) => result(w.finding, { kind: 'inSource', justification: w.reason })),
          ...review.baselined.map((f) => result(f, { kind: 'external', justification: 'in the WowVision baseline' })),
        ],
      },
    ],
  };
}
