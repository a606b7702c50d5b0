// Signature help for the event functions (`count`, `any`, `none`, `sum`, `days_since`) and the
// numeric functions (`min`, `max`, `clamp`, `round`, `abs`): which call the cursor is in, from the
// tokens of the declaration, and which argument it is at.

import type { Analysis } from '../check/checker.js';
import { MATH_FUNCTION_INFO, functionSignature } from '../check/functions.js';
import * as T from '../syntax/lexer.js';
import { enclosingOpener } from './completion-context.js';
import { declarationIndexBefore, programFile, tokenEnd, tokensBetween } from './source.js';

export interface SignatureParameter {
  /** The parameter's text within the signature's label. */
  label: string;
  documentation: string;
}

export interface SignatureInfo {
  label: string;
  documentation: string;
  parameters: SignatureParameter[];
}

export interface SignatureHelpInfo {
  signature: SignatureInfo;
  activeParameter: number;
}

const QUERY: SignatureParameter = {
  label: 'EVENT [within DURATION] [where CONDITION]',
  documentation: 'An event type, optionally only the events of the last DURATION (`within 30d`) and those matching CONDITION, in which the event’s attributes are names (`where url contains "/pricing"`).',
};

export const EVENT_FUNCTIONS: Record<string, SignatureInfo> = {
  count: { label: `count(${QUERY.label}) → number`, documentation: 'How many matching events the lead has.', parameters: [QUERY] },
  any: { label: `any(${QUERY.label}) → bool`, documentation: 'Whether the lead has at least one matching event.', parameters: [QUERY] },
  none: { label: `none(${QUERY.label}) → bool`, documentation: 'Whether the lead has no matching event.', parameters: [QUERY] },
  sum: {
    label: `sum(${QUERY.label}, ATTRIBUTE) → number`,
    documentation: 'The sum of a number attribute over the matching events.',
    parameters: [QUERY, { label: 'ATTRIBUTE', documentation: 'A number attribute of the event type.' }],
  },
  days_since: {
    label: `days_since(${QUERY.label} | DATE) → number`,
    documentation: 'Days (with fractions) since the latest matching event, or since a date; missing when there is none.',
    parameters: [{ label: `${QUERY.label} | DATE`, documentation: `${QUERY.documentation} Or a date expression, such as a date field.` }],
  },
};

/** `min(a, b, …) → number`, one parameter per name (a variadic one repeats the last). */
export const MATH_SIGNATURES: Record<string, SignatureInfo> = Object.fromEntries(
  Object.values(MATH_FUNCTION_INFO).map((info) => [
    info.name,
    {
      label: `${functionSignature(info)} → number`,
      documentation: `${info.doc} Missing when an argument is missing.`,
      parameters: info.params.map((label) => ({ label, documentation: 'A number.' })),
    },
  ]),
);

export function signatureHelpAt(analysis: Analysis, file: string, offset: number): SignatureHelpInfo | undefined {
  const source = programFile(analysis, file);
  if (!source) return undefined;
  const index = declarationIndexBefore(source.ast.decls, offset);
  const start = index >= 0 ? source.ast.decls[index]!.span.start : 0;
  const before = tokensBetween(source.text, start, offset).filter((t) => tokenEnd(t) <= offset);
  // Walk out through enclosing parentheses until one belongs to an event function.
  let end = before.length;
  for (;;) {
    const open = enclosingOpener(before.slice(0, end), [T.LParen]);
    if (open < 0) return undefined;
    const fn = before[open - 1];
    const math = fn && (fn.tokenType === T.Identifier || fn.tokenType === T.Max) && Object.hasOwn(MATH_SIGNATURES, fn.image) ? MATH_SIGNATURES[fn.image] : undefined;
    const signature = math ?? (fn && fn.tokenType !== T.Identifier ? EVENT_FUNCTIONS[fn.image] : undefined);
    if (fn && signature) {
      return { signature, activeParameter: Math.min(topLevelCommas(before.slice(open + 1)), signature.parameters.length - 1) };
    }
    end = open;
  }
}

function topLevelCommas(tokens: readonly { tokenType: unknown }[]): number {
  let depth = 0;
  let commas = 0;
  for (const token of tokens) {
    if (token.tokenType === T.LParen || token.tokenType === T.LBracket) depth++;
    else if (token.tokenType === T.RParen || token.tokenType === T.RBracket) depth--;
    else if (token.tokenType === T.Comma && depth === 0) commas++;
  }
  return commas;
}
