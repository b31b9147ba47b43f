// The picture of `npm run bench`: docs/bench.svg, drawn from bench/results.json. Two panels:
// every metric's result against its target (a bar of result ÷ target, 1.0 is the target, green
// when met, red when not), and the cold starts split into import and first request beside the
// seed's Python imports. Hand-written SVG: no dependency, every text escaped, and the same
// results always give the same bytes (no clock, no randomness, fixed number formats).
import type { Comparison, Derivation } from './stats';

/** What the chart reads of a metric in bench/results.json (older files may lack nothing here). */
export interface ChartMetric {
  readonly id: string;
  readonly name: string;
  readonly result: number | null;
  readonly resultUnit: string;
  readonly target: number;
  readonly comparison: Comparison;
  readonly derivation?: Derivation;
}

export interface ChartColdStart {
  readonly name: string;
  readonly medianCpuMs: number;
  readonly medianImportMs: number;
  readonly medianFirstRequestMs: number;
}

export interface ChartResults {
  readonly generatedAt?: string;
  readonly machine?: { readonly loadAverage1m?: number; readonly cpus?: number };
  readonly metrics: readonly ChartMetric[];
  readonly details?: {
    readonly coldStart?: {
      readonly summaries?: readonly ChartColdStart[];
      readonly python?: {
        readonly available: boolean;
        readonly medianCpuMs?: number;
        readonly medianTotalMs?: number;
      };
    };
  };
}

export const PASS_COLOUR = '#2e7d32';
export const FAIL_COLOUR = '#c62828';
const IMPORT_COLOUR = '#1565c0';
const FIRST_REQUEST_COLOUR = '#64b5f6';
const PYTHON_COLOUR = '#8d6e63';
const INK = '#212121';
const GRID = '#bdbdbd';

const WIDTH = 1000;
const LABEL_WIDTH = 270;
const PLOT_LEFT = LABEL_WIDTH + 10;
const PLOT_WIDTH = 400;
const ROW = 26;
const BAR = 16;

/** Text for an SVG text node or attribute: the five characters XML gives meaning to. */
export const escapeXml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');

/** Labels longer than the label column holds (~6.5 px a character at 12 px) end in an ellipsis. */
const LABEL_CHARACTERS = 41;
const label = (y: number, content: string): string => {
  const short = content.length > LABEL_CHARACTERS ? `${content.slice(0, LABEL_CHARACTERS - 1)}…` : content;
  return `<text x="${px(LABEL_WIDTH)}" y="${px(y)}" class="label" text-anchor="end">${short === content ? '' : `<title>${escapeXml(content)}</title>`}${escapeXml(short)}</text>`;
};

/** Fixed formats, so a number always prints the same. */
const num = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const px = (value: number): string => num(value, 1);

/**
 * How far a metric is from its target, as a factor where ≤ 1 meets it: result ÷ target when the
 * target is a ceiling, target ÷ result when it is a floor. NaN when the result is missing.
 */
export const scoreOf = (metric: ChartMetric): number => {
  const result = metric.result;
  if (result === null || !Number.isFinite(result) || !Number.isFinite(metric.target) || metric.target <= 0)
    return Number.NaN;
  if (metric.comparison === 'at-least') return result > 0 ? metric.target / result : Number.POSITIVE_INFINITY;
  return Math.max(0, result) / metric.target;
};

/** Met when the numbers say so: the score is at most 1 (NaN or ∞ never meet a target). */
export const meets = (metric: ChartMetric): boolean => {
  const score = scoreOf(metric);
  return Number.isFinite(score) && score <= 1;
};

const valueText = (value: number | null, unit: string): string => {
  if (value === null || !Number.isFinite(value)) return '—';
  if (unit === '×') return `${num(value, 3)}×`;
  return `${num(value, Math.abs(value) >= 100 ? 0 : 1)} ${unit}`;
};

const text = (
  x: number,
  y: number,
  content: string,
  attributes: Record<string, string | number> = {},
): string => {
  const extra = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
  return `<text x="${px(x)}" y="${px(y)}"${extra}>${escapeXml(content)}</text>`;
};

const rect = (x: number, y: number, width: number, height: number, fill: string, extra = ''): string =>
  `<rect x="${px(x)}" y="${px(y)}" width="${px(Math.max(0, width))}" height="${px(height)}" fill="${fill}"${extra}/>`;

const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): string =>
  `<line x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}" stroke="${stroke}"${extra}/>`;

/** The ratio axis: at least 0–1.5, up to 4 (longer bars are cut, their label still says the figure). */
const ratioAxisMax = (scores: readonly number[]): number => {
  const finite = scores.filter((score) => Number.isFinite(score));
  const largest = finite.length > 0 ? Math.max(...finite) : 1;
  return Math.min(4, Math.max(1.5, Math.ceil(largest * 2) / 2));
};

const targetPanel = (metrics: readonly ChartMetric[], top: number): { svg: string[]; height: number } => {
  const scores = metrics.map(scoreOf);
  const axisMax = ratioAxisMax(scores);
  const scale = PLOT_WIDTH / axisMax;
  const plotTop = top + 40;
  const plotHeight = metrics.length * ROW;
  const svg = [
    text(16, top + 16, 'Each metric against its target (bar = result ÷ target; at-least targets inverted)', {
      class: 'heading',
    }),
  ];
  // Grid every 0.5, the target (1.0) drawn heavier.
  for (let tick = 0; tick <= axisMax + 1e-9; tick += 0.5) {
    const x = PLOT_LEFT + tick * scale;
    const isTarget = Math.abs(tick - 1) < 1e-9;
    svg.push(
      line(
        x,
        plotTop - 4,
        x,
        plotTop + plotHeight,
        isTarget ? INK : GRID,
        isTarget ? ' stroke-width="2"' : '',
      ),
      text(x, plotTop + plotHeight + 14, `${num(tick, 1)}×`, { class: 'tick', 'text-anchor': 'middle' }),
    );
  }
  svg.push(
    text(PLOT_LEFT + scale, plotTop - 7, 'target', {
      class: 'tick',
      'text-anchor': 'middle',
    }),
  );
  metrics.forEach((metric, index) => {
    const y = plotTop + index * ROW + (ROW - BAR) / 2;
    const score = scores[index] ?? Number.NaN;
    const pass = meets(metric);
    const colour = pass ? PASS_COLOUR : FAIL_COLOUR;
    const shown = Number.isFinite(score) ? Math.min(score, axisMax) : Number.isNaN(score) ? 0 : axisMax;
    const cut = !Number.isFinite(score) || score > axisMax;
    const limit = `${metric.comparison === 'at-most' ? '≤' : '≥'} ${valueText(metric.target, metric.resultUnit)}`;
    svg.push(
      `<g class="metric ${pass ? 'pass' : 'fail'}" data-id="${escapeXml(metric.id)}" data-score="${num(score, 3)}">`,
      label(y + BAR - 4, metric.name),
      rect(PLOT_LEFT, y, shown * scale, BAR, colour, cut ? ' stroke-dasharray="4 2" stroke="#000"' : ''),
      text(
        PLOT_LEFT + PLOT_WIDTH + 12,
        y + BAR - 4,
        `${valueText(metric.result, metric.resultUnit)} (${limit}) ${pass ? 'pass' : 'FAIL'}`,
        { class: 'value' },
      ),
      '</g>',
    );
  });
  return { svg, height: 40 + plotHeight + 24 };
};

interface ColdRow {
  readonly label: string;
  readonly kind: 'node' | 'python';
  readonly importMs: number;
  readonly firstRequestMs: number;
  readonly note: string;
}

const coldRows = (results: ChartResults): ColdRow[] => {
  const summaries = results.details?.coldStart?.summaries ?? [];
  const empty = summaries.find((summary) => summary.name === 'empty');
  const rows: ColdRow[] = summaries
    .filter((summary) => summary.name !== 'empty')
    .map((summary) => ({
      label: summary.name,
      kind: 'node' as const,
      importMs: summary.medianImportMs,
      firstRequestMs: summary.medianFirstRequestMs,
      note: `CPU ${num(summary.medianCpuMs - (empty?.medianCpuMs ?? 0), 1)} ms`,
    }));
  const python = results.details?.coldStart?.python;
  if (python?.available && python.medianTotalMs !== undefined) {
    const router = summaries.find((summary) => summary.name === 'router');
    const routerCpu = router ? router.medianCpuMs - (empty?.medianCpuMs ?? 0) : Number.NaN;
    const ratio =
      python.medianCpuMs !== undefined && python.medianCpuMs > 0
        ? routerCpu / python.medianCpuMs
        : Number.NaN;
    rows.push({
      label: "seed's Python: boto3 + pydantic import",
      kind: 'python',
      importMs: python.medianTotalMs,
      firstRequestMs: 0,
      note: `CPU ${num(python.medianCpuMs ?? Number.NaN, 1)} ms; router ÷ python ${num(ratio, 2)}×`,
    });
  }
  return rows;
};

const niceMax = (largest: number): number => {
  if (!(largest > 0)) return 10;
  const step = 10 ** Math.floor(Math.log10(largest));
  for (const factor of [1, 2, 2.5, 5, 10]) if (largest <= factor * step) return factor * step;
  return 10 * step;
};

const coldPanel = (results: ChartResults, top: number): { svg: string[]; height: number } => {
  const rows = coldRows(results);
  if (rows.length === 0) return { svg: [], height: 0 };
  const axisMax = niceMax(Math.max(...rows.map((row) => row.importMs + row.firstRequestMs)));
  const scale = PLOT_WIDTH / axisMax;
  const plotTop = top + 48;
  const plotHeight = rows.length * ROW;
  const svg = [
    text(16, top + 16, 'Cold start: import and first request (median wall time in the fresh process, ms)', {
      class: 'heading',
    }),
    rect(PLOT_LEFT, top + 26, 10, 10, IMPORT_COLOUR),
    text(PLOT_LEFT + 14, top + 35, 'import', { class: 'tick' }),
    rect(PLOT_LEFT + 70, top + 26, 10, 10, FIRST_REQUEST_COLOUR),
    text(PLOT_LEFT + 84, top + 35, 'first request', { class: 'tick' }),
    rect(PLOT_LEFT + 170, top + 26, 10, 10, PYTHON_COLOUR),
    text(PLOT_LEFT + 184, top + 35, 'Python imports', { class: 'tick' }),
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const x = PLOT_LEFT + (tick * PLOT_WIDTH) / 4;
    svg.push(
      line(x, plotTop - 4, x, plotTop + plotHeight, GRID),
      text(x, plotTop + plotHeight + 14, num((tick * axisMax) / 4, 0), {
        class: 'tick',
        'text-anchor': 'middle',
      }),
    );
  }
  rows.forEach((row, index) => {
    const y = plotTop + index * ROW + (ROW - BAR) / 2;
    const importWidth = row.importMs * scale;
    svg.push(
      `<g class="cold ${row.kind}" data-name="${escapeXml(row.label)}">`,
      label(y + BAR - 4, row.label),
      rect(
        PLOT_LEFT,
        y,
        importWidth,
        BAR,
        row.kind === 'python' ? PYTHON_COLOUR : IMPORT_COLOUR,
        ' class="import"',
      ),
      ...(row.kind === 'node'
        ? [
            rect(
              PLOT_LEFT + importWidth,
              y,
              row.firstRequestMs * scale,
              BAR,
              FIRST_REQUEST_COLOUR,
              ' class="first-request"',
            ),
          ]
        : []),
      text(
        PLOT_LEFT + (row.importMs + row.firstRequestMs) * scale + 6,
        y + BAR - 4,
        row.kind === 'node'
          ? `${num(row.importMs, 1)} + ${num(row.firstRequestMs, 1)} ms; ${row.note}`
          : `${num(row.importMs, 1)} ms; ${row.note}`,
        { class: 'value' },
      ),
      '</g>',
    );
  });
  return { svg, height: 48 + plotHeight + 24 };
};

/** docs/bench.svg's text for these results. */
export const drawChart = (results: ChartResults): string => {
  const met = results.metrics.filter(meets).length;
  const when = results.generatedAt ? results.generatedAt.slice(0, 16).replace('T', ' ') : 'unknown date';
  const load =
    results.machine?.loadAverage1m !== undefined
      ? `, load average ${num(results.machine.loadAverage1m, 2)} on ${results.machine.cpus ?? '?'} cores`
      : '';
  const header = [
    text(16, 24, `npm run bench: ${met} of ${results.metrics.length} targets met`, { class: 'title' }),
    text(16, 42, `bench/results.json of ${when} UTC${load}`, { class: 'tick' }),
  ];
  const targets = targetPanel(results.metrics, 56);
  const cold = coldPanel(results, 56 + targets.height + 8);
  const height = Math.ceil(56 + targets.height + 8 + cold.height + 8);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="title">`,
    `<title id="title">${escapeXml(`Bench results: ${met} of ${results.metrics.length} targets met`)}</title>`,
    '<style>text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;fill:#212121}.title{font-size:16px;font-weight:600}.heading{font-size:13px;font-weight:600}.label,.value{font-size:12px}.tick{font-size:11px;fill:#616161}</style>',
    rect(0, 0, WIDTH, height, '#ffffff'),
    ...header,
    ...targets.svg,
    ...cold.svg,
    '</svg>',
    '',
  ].join('\n');
};
