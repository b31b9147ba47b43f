import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ChartMetric,
  type ChartResults,
  drawChart,
  escapeXml,
  FAIL_COLOUR,
  meets,
  PASS_COLOUR,
  scoreOf,
} from '../../bench/chart';

const metric = (overrides: Partial<ChartMetric> & Pick<ChartMetric, 'id'>): ChartMetric => ({
  name: overrides.id,
  result: 1,
  resultUnit: '×',
  target: 1.2,
  comparison: 'at-most',
  ...overrides,
});

const fixture: ChartResults = {
  generatedAt: '2026-11-28T15:12:09.761Z',
  machine: { loadAverage1m: 1.82, cpus: 2 },
  metrics: [
    metric({
      id: 'bundle.router',
      name: 'bundle size: router',
      result: 312.3,
      resultUnit: 'KB',
      target: 350,
    }),
    metric({
      id: 'cold.router',
      name: 'cold start: router (CPU)',
      result: 121.8,
      resultUnit: 'ms',
      target: 60,
    }),
    metric({ id: 'warm.p50', name: 'warm GET own user p50', result: 1.095, target: 1.2 }),
    metric({ id: 'login.p50', name: 'login p50 <bcrypt & "co">', result: 1.129, target: 1.1 }),
    // A floor: 0.859 ≥ 0.8 passes, 0.7 would not.
    metric({ id: 'throughput', name: 'throughput', result: 0.859, target: 0.8, comparison: 'at-least' }),
    metric({
      id: 'throughput.low',
      name: 'throughput low',
      result: 0.7,
      target: 0.8,
      comparison: 'at-least',
    }),
    // Far past the axis: the bar is cut, the label keeps the figure.
    metric({
      id: 'cold.authorizer',
      name: 'cold start: authorizer',
      result: 17.76,
      resultUnit: 'ms',
      target: 3,
    }),
    metric({ id: 'missing', name: 'missing', result: null }),
  ],
  details: {
    coldStart: {
      summaries: [
        { name: 'empty', medianCpuMs: 2.6, medianImportMs: 1.14, medianFirstRequestMs: 0.04 },
        { name: 'router', medianCpuMs: 124.42, medianImportMs: 76.16, medianFirstRequestMs: 48.19 },
        { name: 'authorizer', medianCpuMs: 20.36, medianImportMs: 11.79, medianFirstRequestMs: 3.49 },
      ],
      python: { available: true, medianCpuMs: 334.92, medianTotalMs: 334.93 },
    },
  },
};

/** Each `<g class="metric …">…</g>` group of the chart, by its data-id. */
const metricGroups = (svg: string): Map<string, string> =>
  new Map(
    [...svg.matchAll(/<g class="metric (pass|fail)" data-id="([^"]+)"[^>]*>([\s\S]*?)<\/g>/g)].map(
      (match) => [match[2] ?? '', match[0]],
    ),
  );

const barWidth = (group: string): number => Number(/<rect [^>]*width="([\d.]+)"/.exec(group)?.[1]);

describe('the bench chart', () => {
  const svg = drawChart(fixture);
  const groups = metricGroups(svg);

  it('is one well-formed SVG document with a title', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('<title id="title">Bench results: 3 of 8 targets met</title>');
    // Every tag opened is closed: g and text have no self-closing forms here.
    for (const tag of ['g', 'text', 'svg', 'title', 'style'])
      expect(svg.match(new RegExp(`<${tag}[ >]`, 'g'))?.length).toBe(
        svg.match(new RegExp(`</${tag}>`, 'g'))?.length,
      );
  });

  it('draws one bar per metric, labelled with its name and its figure against the target', () => {
    expect([...groups.keys()]).toEqual(fixture.metrics.map((m) => m.id));
    expect(groups.get('cold.router')).toContain('>cold start: router (CPU)</text>');
    expect(groups.get('cold.router')).toContain('122 ms (≤ 60.0 ms) FAIL');
    expect(groups.get('throughput')).toContain('0.859× (≥ 0.800×) pass');
    expect(groups.get('missing')).toContain('— (≤ 1.200×) FAIL');
  });

  it('colours each bar by whether its numbers meet the target, floors included', () => {
    const state = (id: string) => {
      const group = groups.get(id) ?? '';
      return {
        pass: group.startsWith('<g class="metric pass"'),
        fill: /<rect [^>]*fill="([^"]+)"/.exec(group)?.[1],
      };
    };
    expect(state('bundle.router')).toEqual({ pass: true, fill: PASS_COLOUR });
    expect(state('warm.p50')).toEqual({ pass: true, fill: PASS_COLOUR });
    expect(state('throughput')).toEqual({ pass: true, fill: PASS_COLOUR });
    expect(state('cold.router')).toEqual({ pass: false, fill: FAIL_COLOUR });
    expect(state('login.p50')).toEqual({ pass: false, fill: FAIL_COLOUR });
    expect(state('throughput.low')).toEqual({ pass: false, fill: FAIL_COLOUR });
    expect(state('missing')).toEqual({ pass: false, fill: FAIL_COLOUR });
  });

  it('sizes bars in proportion to result ÷ target, cut at the axis end', () => {
    const warm = barWidth(groups.get('warm.p50') ?? '');
    const login = barWidth(groups.get('login.p50') ?? '');
    const router = barWidth(groups.get('cold.router') ?? '');
    expect(login / warm).toBeCloseTo(1.129 / 1.1 / (1.095 / 1.2), 2);
    expect(router / warm).toBeCloseTo(121.8 / 60 / (1.095 / 1.2), 2);
    // 17.76 / 3 ≈ 5.9: past the axis (at most 4×), so no longer than the plot.
    expect(barWidth(groups.get('cold.authorizer') ?? '')).toBeLessThanOrEqual(400);
    expect(groups.get('cold.authorizer')).toContain('stroke-dasharray');
    expect(groups.get('cold.authorizer')).toContain('17.8 ms (≤ 3.0 ms) FAIL');
  });

  it('scores floors inverted, so that at most 1 always meets the target', () => {
    expect(scoreOf(metric({ id: 'a', result: 0.9, target: 0.8, comparison: 'at-least' }))).toBeCloseTo(
      0.889,
      3,
    );
    expect(meets(metric({ id: 'b', result: 1.2, target: 1.2 }))).toBe(true);
    expect(meets(metric({ id: 'c', result: 1.2001, target: 1.2 }))).toBe(false);
    expect(meets(metric({ id: 'd', result: 0, target: 0.8, comparison: 'at-least' }))).toBe(false);
  });

  it('splits each cold start into import and first request, beside the seed’s Python imports', () => {
    const router = /<g class="cold node" data-name="router">([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? '';
    expect(router).toMatch(/<rect [^>]*class="import"/);
    expect(router).toMatch(/<rect [^>]*class="first-request"/);
    expect(router).toContain('76.2 + 48.2 ms; CPU 121.8 ms');
    const python = /<g class="cold python"[^>]*>([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? '';
    expect(python).toContain('334.9 ms; CPU 334.9 ms; router ÷ python 0.36×');
    expect(svg).not.toContain('data-name="empty"');
    const width = (group: string, kind: string) =>
      Number(new RegExp(`<rect [^>]*width="([\\d.]+)"[^>]*class="${kind}"`).exec(group)?.[1]);
    expect(width(router, 'import') / width(python, 'import')).toBeCloseTo(76.16 / 334.93, 2);
  });

  it('ends a label too long for its column in an ellipsis, the whole of it in a title', () => {
    const long = 'a cold-start kind whose name runs on and on past the label column';
    const svg = drawChart({ ...fixture, metrics: [metric({ id: 'long', name: long })] });
    const group = metricGroups(svg).get('long') ?? '';
    expect(group).toContain(`<title>${long}</title>`);
    expect(group).toMatch(/<\/title>a cold-start kind whose name runs on and…<\/text>/);
  });

  it('escapes text and draws the same bytes for the same results', () => {
    expect(svg).toContain('login p50 &lt;bcrypt &amp; &quot;co&quot;&gt;');
    expect(svg).not.toContain('<bcrypt');
    expect(escapeXml(`<a href='x'>&</a>`)).toBe('&lt;a href=&apos;x&apos;&gt;&amp;&lt;/a&gt;');
    expect(drawChart(structuredClone(fixture))).toBe(svg);
  });

  it('draws the committed results, as docs/bench.svg shows them', () => {
    const root = join(__dirname, '..', '..');
    const results = JSON.parse(readFileSync(join(root, 'bench', 'results.json'), 'utf8')) as ChartResults;
    expect(readFileSync(join(root, 'docs', 'bench.svg'), 'utf8')).toBe(drawChart(results));
  });
});
