import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);

/** Where the dashboard loads uPlot and its chart script from: this origin, as its CSP allows. */
export const chartAssets = {
  uplotScript: '/dashboard/assets/uplot.iife.min.js',
  uplotStyle: '/dashboard/assets/uplot.min.css',
  usageScript: '/dashboard/assets/usage-chart.js',
} as const;

/**
 * The usage chart: it reads the figures from the usage table the page has anyway (so the
 * chart shows nothing the table does not) and draws them with uPlot above it. Without
 * JavaScript, or without uPlot, the table is all there is. Plain ES2020, no build step.
 */
export const usageChartScript = `(() => {
  const table = document.getElementById('usage-table');
  const box = document.getElementById('usage-chart');
  if (table === null || box === null || typeof uPlot !== 'function') return;
  const rows = [...table.tBodies[0].rows];
  const xs = rows.map((r) => Date.parse(r.dataset.day + 'T00:00:00Z') / 1000);
  const tasks = rows.map((r) => Number(r.dataset.tasks));
  const hours = rows.map((r) => Number(r.dataset.minutes) / 60);
  const draw = () => {
    box.textContent = '';
    new uPlot({
      width: Math.max(280, box.clientWidth),
      height: 260,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      series: [
        {},
        { label: 'Tasks completed', stroke: '#1d70b8', width: 2, fill: 'rgba(29,112,184,0.12)' },
        { label: 'Hours saved', stroke: '#00703c', width: 2, scale: 'h' },
      ],
      axes: [{}, { label: 'Tasks' }, { label: 'Hours', side: 1, scale: 'h', grid: { show: false } }],
    }, [xs, tasks, hours], box);
  };
  box.hidden = false;
  draw();
  let pending;
  window.addEventListener('resize', () => {
    clearTimeout(pending);
    pending = setTimeout(draw, 200);
  });
})();
`;

/** Serves uPlot's own files from node_modules, and the chart script; each cached, as they change only with a release. */
export async function chartAssetRoutes(app: FastifyInstance): Promise<void> {
  const [script, style] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  const assets: [string, string, string][] = [
    [chartAssets.uplotScript, 'text/javascript; charset=utf-8', script],
    [chartAssets.uplotStyle, 'text/css; charset=utf-8', style],
    [chartAssets.usageScript, 'text/javascript; charset=utf-8', usageChartScript],
  ];
  for (const [path, type, body] of assets)
    app.get(path, { schema: { hide: true } }, async (_req, reply) =>
      reply
        .header('Content-Type', type)
        .header('Cache-Control', 'public, max-age=300')
        .header('X-Content-Type-Options', 'nosniff')
        .send(body),
    );
}
