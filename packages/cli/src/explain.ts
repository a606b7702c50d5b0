// Explanations are rendered by @mql/workbench (shared with the editor); the CLI adds its colours.
import { renderExplanation as render, type ExplainContext } from '@mql/workbench';
import type { EvaluationResult } from '@mql/runtime';
import { colors } from './report.js';

export { formatNumber, formatValue, formatValues, type ExplainContext } from '@mql/workbench';

export function renderExplanation(result: EvaluationResult, context: ExplainContext, indent = ''): string[] {
  return render(result, { ...context, style: colors }, indent);
}
