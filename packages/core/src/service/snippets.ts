// Block snippets offered where a declaration, a score rule, a stage clause, a grade band or a test
// item can start. Each is tied to the token and grammar rule that begins it, so completion offers
// it exactly where the parser would accept it. Bodies use LSP snippet syntax.

import type { TokenType } from 'chevrotain';
import * as T from '../syntax/lexer.js';

export interface Snippet {
  label: string;
  detail: string;
  body: string;
  /** The first token of the snippet and the rule it starts. */
  startsWith: TokenType;
  rule: string;
}

export const BLOCK_SNIPPETS: Snippet[] = [
  // Declarations
  { label: 'import "…"', detail: 'import another file', body: 'import "${1:./lead.mql}"', startsWith: T.Import, rule: 'importDecl' },
  { label: 'lead { … }', detail: 'the lead schema', body: 'lead {\n\t${1:email}: ${2:email}\n\t$0\n}', startsWith: T.Lead, rule: 'leadDecl' },
  { label: 'event … { … }', detail: 'an event type', body: 'event ${1:name} {\n\t${2:attribute}: ${3:string}\n}', startsWith: T.Event, rule: 'eventDecl' },
  { label: 'list … = […]', detail: 'a named list', body: 'list ${1:name} = ["${2:value}"]', startsWith: T.List, rule: 'listDecl' },
  { label: 'segment … = …', detail: 'a named condition', body: 'segment ${1:name} = ${2:condition}', startsWith: T.Segment, rule: 'segmentDecl' },
  {
    label: 'score … { … }',
    detail: 'a score with rules',
    body: 'score ${1:name} {\n\trange ${2:0} to ${3:100}\n\t"${4:Label}": +${5:10} when ${6:condition}\n}',
    startsWith: T.Score,
    rule: 'scoreDecl',
  },
  { label: 'score … = …', detail: 'a score computed from others', body: 'score ${1:name} = ${2:expression}', startsWith: T.Score, rule: 'scoreDecl' },
  {
    label: 'grade … { … }',
    detail: 'grade bands',
    body: 'grade ${1:name} {\n\t${2:A} when ${3:condition}\n\telse ${4:B}\n}',
    startsWith: T.Grade,
    rule: 'gradeDecl',
  },
  {
    label: 'stage … { … }',
    detail: 'a funnel stage',
    body: 'stage ${1:NAME} "${2:Title}" {\n\trequire "${3:Label}": ${4:condition}\n}',
    startsWith: T.Stage,
    rule: 'stageDecl',
  },
  {
    label: 'test "…" { … }',
    detail: 'an example lead with expectations',
    body: 'test "${1:description}" {\n\tnow ${2:2026-01-01}\n\tlead { $3 }\n\texpect stage ${4:none}\n}',
    startsWith: T.Test,
    rule: 'testDecl',
  },
  // Score rules
  { label: '"…": +N when …', detail: 'a rule that adds points when a condition holds', body: '"${1:Label}": +${2:10} when ${3:condition}', startsWith: T.StringLit, rule: 'scoreRule' },
  {
    label: '"…": +N per … within …',
    detail: 'a rule that adds points per matching event',
    body: '"${1:Label}": +${2:5} per ${3:event} within ${4:30d} max ${5:15}',
    startsWith: T.StringLit,
    rule: 'scoreRule',
  },
  // Stage clauses
  { label: 'require "…": …', detail: 'a requirement of the stage', body: 'require "${1:Label}": ${2:condition}', startsWith: T.Require, rule: 'stageClause' },
  { label: 'reject "…": …', detail: 'a hard disqualifier', body: 'reject "${1:Label}": ${2:condition}', startsWith: T.Reject, rule: 'stageClause' },
  // Grade bands
  { label: '… when …', detail: 'a grade band', body: '${1:A} when ${2:condition}', startsWith: T.Identifier, rule: 'gradeLabel' },
  // Test items
  { label: 'lead { … }', detail: 'the test lead', body: 'lead { ${1:field}: ${2:value} }', startsWith: T.Lead, rule: 'testLead' },
  { label: 'event … at …', detail: 'an event of the test lead', body: 'event ${1:name} { $2 } ${3:1d} ago', startsWith: T.Event, rule: 'testEvent' },
  { label: 'expect stage …', detail: 'the stage the lead must reach', body: 'expect stage ${1:none}', startsWith: T.Expect, rule: 'expectation' },
  { label: 'now …', detail: 'the evaluation time of the test', body: 'now ${1:2026-01-01T00:00:00Z}', startsWith: T.Now, rule: 'testNow' },
];
