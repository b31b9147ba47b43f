// Numbers for `npm run bench`: percentiles, ratios and the printed table. Every metric is a ratio
// of two figures measured in the same run, because on these shared machines an absolute time from
// one run says little about the next.

import { round } from '../test/support/stats';

export type Comparison = 'at-most' | 'at-least';

/** How a metric's result comes from its two figures. */
export type Derivation = 'ratio' | 'difference' | 'absolute';

export interface Metric {
  readonly id: string;
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  /** Measured in the same run; NaN for an absolute figure (a file size does not vary with load). */
  readonly baseline: number;
  readonly baselineName: string;
  readonly derivation: Derivation;
  /** value / baseline, value − baseline, or value itself: what the target applies to. */
  readonly result: number;
  readonly resultUnit: string;
  readonly target: number;
  readonly comparison: Comparison;
  readonly pass: boolean;
}

export interface MetricInput {
  readonly id: string;
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly baseline?: number;
  readonly baselineName?: string;
  readonly derivation: Derivation;
  readonly target: number;
  readonly comparison?: Comparison;
}

export const metric = (input: MetricInput): Metric => {
  const baseline = input.baseline ?? Number.NaN;
  const result =
    input.derivation === 'ratio'
      ? round(input.value / baseline, 3)
      : input.derivation === 'difference'
        ? round(input.value - baseline, 2)
        : input.value;
  const comparison = input.comparison ?? 'at-most';
  const pass =
    Number.isFinite(result) && (comparison === 'at-most' ? result <= input.target : result >= input.target);
  return {
    ...input,
    baseline,
    baselineName: input.baselineName ?? '',
    result,
    resultUnit: input.derivation === 'ratio' ? '×' : input.unit,
    comparison,
    pass,
  };
};

const cell = (value: number, unit: string): string => {
  if (!Number.isFinite(value)) return '—';
  const digits = unit === '×' ? 3 : Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return unit === '×' ? `${value.toFixed(digits)}×` : `${value.toFixed(digits)} ${unit}`;
};

/** The table `npm run bench` prints: one row per metric, pass or FAIL at the end. */
export const table = (metrics: readonly Metric[]): string => {
  const rows = [
    ['metric', 'measured', 'baseline (same run)', 'result', 'target', ''],
    ...metrics.map((m) => [
      m.name,
      cell(m.value, m.unit),
      Number.isFinite(m.baseline) ? `${cell(m.baseline, m.unit)} ${m.baselineName}` : m.baselineName || '—',
      cell(m.result, m.resultUnit),
      `${m.comparison === 'at-most' ? '≤' : '≥'} ${cell(m.target, m.resultUnit)}`,
      m.pass ? 'pass' : 'FAIL',
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const line = (row: string[]) =>
    row
      .map((text, column) => text.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(rows[0] ?? []),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
};
