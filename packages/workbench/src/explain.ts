// A readable account of one evaluation, for `mql eval --explain` and failed `mql test` cases:
// each stage with ✓/✗ per requirement and disqualifier and the values that decided it, each score
// with the rules that produced it, the grades and the segments. Works from an explained result
// (EvaluationResult with `contributions` and clause details) and the artifact it came from.

import type { RulesArtifact, SourceLocation } from '@mql/artifact';
import type { Contribution, DisplayValue, EvaluationResult } from '@mql/runtime';

/** How emphasis is written: terminal colours in the CLI, nothing in the editor. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
}

const plain = (text: string) => text;
export const PLAIN: Style = { bold: plain, dim: plain, green: plain, red: plain };

/** The style of the explanation being rendered (rendering is synchronous, one at a time). */
let colors: Style = PLAIN;

export interface ExplainContext {
  artifact: RulesArtifact;
  /** `funnel.mql:23` for a rule's location. */
  where: (loc: SourceLocation) => string;
  style?: Style;
}

const PASS = () => colors.green('✓');
const FAIL = () => colors.red('✗');

/** The explanation as lines, without a trailing newline; `indent` is prefixed to every line. */
export function renderExplanation(result: EvaluationResult, context: ExplainContext, indent = ''): string[] {
  colors = context.style ?? PLAIN;
  const lines = [
    `${colors.bold('Stage:')} ${result.stage === null ? 'none' : colors.bold(result.stage)}`,
    ...stageLines(result, context),
    ...scoreLines(result, context),
    ...gradeLines(result, context),
    ...segmentLines(result),
  ];
  return lines.map((line) => (line === '' ? line : indent + line));
}

// ---------------------------------------------------------------------------------------------
// Stages

function stageLines(result: EvaluationResult, context: ExplainContext): string[] {
  if (context.artifact.stages.length === 0) return [];
  const lines = [colors.bold('Stages')];
  for (const stage of context.artifact.stages) {
    const outcome = result.stages[stage.name];
    if (outcome === undefined) continue;
    const title = outcome.title ?? stage.title;
    lines.push(`  ${outcome.qualified ? PASS() : FAIL()} ${colors.bold(stage.name)}${title ? `  ${title}` : ''}${afterNote(stage.after, result)}`);
    const clauses = [
      ...(outcome.requirements ?? []).map((clause) => ({ keyword: 'require', clause, good: clause.passed, note: '' })),
      // A rejection's `passed` says whether the disqualifier fired, which is bad for the lead.
      ...(outcome.rejections ?? []).map((clause) => ({ keyword: 'reject ', clause, good: !clause.passed, note: clause.passed ? ' (fired)' : ' (did not fire)' })),
    ];
    const heads = clauses.map(({ keyword, clause, note }) => `${keyword} ${clause.label === clause.text ? clause.text : `${clause.label}: ${clause.text}`}${note}`);
    const width = Math.max(0, ...heads.map((h) => h.length));
    clauses.forEach(({ clause, good }, i) => {
      const values = clause.values && Object.keys(clause.values).length > 0 ? `${formatValues(clause.values)}   ` : '';
      lines.push(`      ${good ? PASS() : FAIL()} ${heads[i]!.padEnd(width)}   ${values}${colors.dim(context.where(clause.loc))}`);
    });
  }
  return lines;
}

function afterNote(after: string | undefined, result: EvaluationResult): string {
  if (after === undefined) return '';
  const qualified = result.stages[after]?.qualified === true;
  return colors.dim(qualified ? `  (after ${after})` : `  (after ${after}, which did not qualify)`);
}

// ---------------------------------------------------------------------------------------------
// Scores

function scoreLines(result: EvaluationResult, context: ExplainContext): string[] {
  if (context.artifact.scores.length === 0) return [];
  const lines = [colors.bold('Scores')];
  for (const score of context.artifact.scores) {
    const value = result.scores[score.name];
    if (value === undefined) continue;
    const contributions = result.contributions?.[score.name] ?? [];
    if (score.kind === 'formula') {
      const values = contributions[0]?.values;
      lines.push(`  ${colors.bold(score.name)} ${formatNumber(value)} = ${score.text}${values ? `   ${formatValues(values)}` : ''}`);
      continue;
    }
    lines.push(`  ${colors.bold(score.name)} ${formatNumber(value)}${clampNote(value, contributions, score.range)}`);
    if (contributions.length === 0) lines.push(`      ${colors.dim('no rule gave points')}`);
    const points = contributions.map((c) => signed(c.points));
    const labels = contributions.map((c) => `${c.label}${contributionNote(c)}`);
    const pointsWidth = Math.max(0, ...points.map((p) => p.length));
    const labelWidth = Math.max(0, ...labels.map((l) => l.length));
    contributions.forEach((c, i) => {
      lines.push(`      ${points[i]!.padStart(pointsWidth)}  ${labels[i]!.padEnd(labelWidth)}   ${colors.dim(context.where(c.loc))}`);
    });
  }
  return lines;
}

/** Contributions are before the `range` clamp: say so when it changed the total. */
function clampNote(value: number, contributions: Contribution[], range: { min: number; max: number } | undefined): string {
  const sum = contributions.reduce((total, c) => total + c.points, 0);
  if (range === undefined || Math.abs(sum - value) < 1e-9) return '';
  return colors.dim(`  (rules sum to ${formatNumber(sum)}, clamped to ${formatNumber(range.min)}..${formatNumber(range.max)})`);
}

/** Plain text (it is padded): `(3 events, capped by max)`. */
function contributionNote(c: Contribution): string {
  const parts: string[] = [];
  if (c.events !== undefined) parts.push(c.events === 1 ? '1 event' : `${c.events} events`);
  if (c.capped) parts.push('capped by max');
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function signed(points: number): string {
  return points >= 0 ? `+${formatNumber(points)}` : formatNumber(points);
}

// ---------------------------------------------------------------------------------------------
// Grades and segments

function gradeLines(result: EvaluationResult, context: ExplainContext): string[] {
  if (context.artifact.grades.length === 0) return [];
  const lines = [colors.bold('Grades')];
  const nameWidth = Math.max(...context.artifact.grades.map((g) => g.name.length));
  const labelWidth = Math.max(...Object.values(result.grades).map((label) => label.length));
  for (const grade of context.artifact.grades) {
    const label = result.grades[grade.name];
    if (label === undefined) continue;
    const band = grade.bands.find((b) => b.label === label);
    const reason = band ? `${band.text}   ${context.where(band.loc)}` : 'no band held (else)';
    lines.push(`  ${grade.name.padEnd(nameWidth)}  ${colors.bold(label.padEnd(labelWidth))}  ${colors.dim(reason)}`);
  }
  return lines;
}

function segmentLines(result: EvaluationResult): string[] {
  const names = Object.keys(result.segments);
  if (names.length === 0) return [];
  return [colors.bold('Segments'), `  ${names.map((name) => `${result.segments[name] ? PASS() : FAIL()} ${name}`).join('   ')}`];
}

// ---------------------------------------------------------------------------------------------
// Values

/** `fit = 45, phone = missing, company.industry = "software"` */
export function formatValues(values: Record<string, DisplayValue>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name} = ${formatValue(value)}`)
    .join(', ');
}

export function formatValue(value: DisplayValue): string {
  if (value === null) return 'missing';
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'number' ? formatNumber(v) : JSON.stringify(v))).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * At most two decimals, but never rounded onto a whole number it is not (39.996 is not shown as
 * 40, which would make a failed `>= 40` look wrong).
 */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const short = Number(value.toFixed(2));
  return Number.isInteger(short) ? String(Number(value.toPrecision(12))) : String(short);
}
