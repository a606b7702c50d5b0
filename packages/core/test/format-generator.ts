// A generator of random but valid .mql programs for the formatter's property tests: declarations of
// every kind over a fixed schema, random expressions, and random white space and comments between
// any two tokens. Names only refer to earlier declarations, so there are no cycles.

import fc from 'fast-check';

const SCHEMA = [
  'lead', '{',
  'email', ':', 'email', 'from', '"E-Mail"',
  'n', '?', ':', 'number', ',',
  'm', ':', 'number',
  's', '?', ':', 'string',
  'e', '?', ':', '"a"', '|', '"b"', '|', '"c"',
  'b', '?', ':', 'bool',
  'd', '?', ':', 'date',
  'tags', '?', ':', 'list', 'of', 'string',
  'co', ':', '{', 'size', '?', ':', 'number', 'name', '?', ':', 'string', '}',
  '}',
  'event', 'visit', '{', 'url', ':', 'string', ',', 'k', ':', 'number', '}',
  'event', 'ping', '{', '}',
];

const NUMBERS = ['0', '1', '2.5', '10', '1.50', '100'];
const STRINGS = ['"a"', '"x y"', '"\\"q\\""', '"\\u00e9"', '"/p"'];

type Tokens = string[];

interface Names {
  lists: string[];
  segments: string[];
  scores: string[];
}

function numberExpr(names: Names, depth: number): fc.Arbitrary<Tokens> {
  const leaves: fc.Arbitrary<Tokens>[] = [
    fc.constantFrom(['n'], ['m'], ['co', '.', 'size'], ...NUMBERS.map((n) => [n])),
    fc.constantFrom(['count', '(', 'visit', ')'], ['sum', '(', 'visit', 'within', '7d', ',', 'k', ')'], ['days_since', '(', 'ping', ')'], ['days_since', '(', 'd', ')']),
  ];
  if (names.scores.length > 0) leaves.push(fc.constantFrom(...names.scores.map((s) => [s])));
  const leaf = fc.oneof(...leaves);
  if (depth <= 0) return leaf;
  const sub = numberExpr(names, depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.tuple(sub, fc.constantFrom('+', '-', '*', '/'), sub).map(([a, op, b]) => [...a, op, ...b]) },
    { weight: 1, arbitrary: sub.map((a) => ['(', ...a, ')']) },
    { weight: 1, arbitrary: sub.map((a) => ['-', ...a]) },
  );
}

function condition(names: Names, depth: number): fc.Arbitrary<Tokens> {
  const num = numberExpr(names, 1);
  const leaves: fc.Arbitrary<Tokens>[] = [
    fc.tuple(num, fc.constantFrom('==', '!=', '<', '<=', '>', '>='), num).map(([a, op, b]) => [...a, op, ...b]),
    fc.tuple(fc.constantFrom(['s'], ['co', '.', 'name'], ['email', '.', 'domain']), fc.constantFrom(['contains'], ['starts', 'with'], ['ends', 'with'], ['=='], ['!=']), fc.constantFrom(...STRINGS)).map(
      ([subject, op, value]) => [...subject, ...op, value],
    ),
    fc.tuple(fc.constantFrom(['in'], ['not', 'in']), fc.subarray(['"a"', '"b"', '"c"'], { minLength: 1 })).map(([op, members]) => [
      'e', ...op, '[', ...members.flatMap((m, i) => (i > 0 ? [',', m] : [m])), ']',
    ]),
    fc.tuple(num, num).map(([a, b]) => ['n', 'between', ...a, 'and', ...b]),
    fc.constantFrom(['s', 'is', 'set'], ['co', '.', 'size', 'is', 'missing'], ['b'], ['true'], ['d', 'within', '30d'], ['d', '<', 'now', '-', '2d'], ['d', '>', '2026-01-01'], ['tags', 'contains', '"a"']),
    fc.constantFrom(['any', '(', 'visit', 'within', '14d', 'where', 'url', 'contains', '"/p"', 'and', 'k', '>', '1', ')'], ['none', '(', 'ping', ')'], ['count', '(', 'visit', 'where', 'lead', '.', 'm', '>', 'k', ')', '>=', '2']),
  ];
  if (names.lists.length > 0) leaves.push(fc.constantFrom(...names.lists.map((l) => ['s', 'in', l])));
  if (names.segments.length > 0) leaves.push(fc.constantFrom(...names.segments.map((s) => [s])));
  const leaf = fc.oneof(...leaves);
  if (depth <= 0) return leaf;
  const sub = condition(names, depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 2, arbitrary: fc.tuple(sub, fc.constantFrom('and', 'or'), sub).map(([a, op, b]) => [...a, op, ...b]) },
    { weight: 1, arbitrary: sub.map((a) => ['not', ...a]) },
    { weight: 1, arbitrary: sub.map((a) => ['(', ...a, ')']) },
  );
}

const label = fc.option(fc.constantFrom('"Rule one"', '"Long rule label"', '"x"'), { nil: undefined });

function scoreRules(names: Names): fc.Arbitrary<Tokens> {
  const rule = fc.tuple(label, fc.constantFrom('+', '-'), fc.constantFrom('5', '10', '2.5'), fc.boolean(), condition(names, 1), fc.option(fc.constantFrom('5', '20'), { nil: undefined })).map(
    ([l, sign, points, per, cond, max]) => [
      ...(l ? [l, ':'] : []),
      sign,
      points,
      ...(per ? ['per', 'visit', 'within', '30d', 'where', 'url', 'contains', '"/p"'] : ['when', ...cond]),
      ...(max ? ['max', max] : []),
    ],
  );
  return fc.tuple(fc.boolean(), fc.boolean(), fc.array(rule, { minLength: 1, maxLength: 4 })).map(([range, decay, rules]) => [
    '{',
    ...(range ? ['range', '-', '50', 'to', '100'] : []),
    ...(decay ? ['decay', 'half-life', '30d'] : []),
    ...rules.flat(),
    '}',
  ]);
}

/** A program as a token list; `declarations` declarations after the schema. */
export function programTokens(): fc.Arbitrary<Tokens> {
  return fc.array(fc.constantFrom('list', 'segment', 'score', 'formula', 'grade', 'stage', 'test'), { minLength: 1, maxLength: 8 }).chain((kinds) => {
    const names: Names = { lists: [], segments: [], scores: [] };
    const parts: fc.Arbitrary<Tokens>[] = [fc.constant(SCHEMA)];
    const stages: string[] = [];
    kinds.forEach((kind, i) => {
      const snapshot: Names = { lists: [...names.lists], segments: [...names.segments], scores: [...names.scores] };
      const name = `${kind}${i}`;
      switch (kind) {
        case 'list':
          parts.push(fc.subarray(STRINGS, { minLength: 1 }).map((items) => ['list', name, '=', '[', ...items.flatMap((s, j) => (j > 0 ? [',', s] : [s])), ']']));
          names.lists.push(name);
          break;
        case 'segment':
          parts.push(condition(snapshot, 2).map((c) => ['segment', name, '=', ...c]));
          names.segments.push(name);
          break;
        case 'score':
          parts.push(scoreRules(snapshot).map((body) => ['score', name, ...body]));
          names.scores.push(name);
          break;
        case 'formula':
          parts.push(numberExpr(snapshot, 2).map((e) => ['score', name, '=', ...e]));
          names.scores.push(name);
          break;
        case 'grade':
          parts.push(
            fc.array(fc.tuple(fc.constantFrom('A', 'B', '"Tier 1"'), condition(snapshot, 1)), { minLength: 1, maxLength: 3 }).map((bands) => [
              'grade', name, '{', ...bands.flatMap(([l, c]) => [l, 'when', ...c]), 'else', 'Z', '}',
            ]),
          );
          break;
        case 'stage': {
          const after = stages.length > 0 ? ['after', stages[stages.length - 1]!] : [];
          const clause = fc.tuple(fc.constantFrom('require', 'reject'), label, condition(snapshot, 2)).map(([k, l, c]) => [k, ...(l ? [l, ':'] : []), ...c]);
          parts.push(fc.tuple(fc.boolean(), fc.array(clause, { maxLength: 3 })).map(([titled, clauses]) => ['stage', name, ...(titled ? ['"Title"'] : []), ...after, '{', ...clauses.flat(), '}']));
          stages.push(name);
          break;
        }
        case 'test':
          parts.push(testTokens(name, snapshot, [...stages]));
          break;
      }
    });
    return fc.tuple(...parts).map((tokenLists) => tokenLists.flat());
  });
}

function testTokens(name: string, names: Names, stages: string[]): fc.Arbitrary<Tokens> {
  const event = fc.constantFrom(
    ['event', 'visit', '{', 'url', ':', '"/p"', ',', 'k', ':', '2', '}', '3d', 'ago'],
    ['event', 'ping', 'at', '2026-01-01'],
    ['event', 'visit', '{', 'url', ':', '"/q"', 'k', ':', '-1', ',', '}', 'at', '2025-12-30T10:00:00Z'],
  );
  const expectation = fc.oneof(
    fc.constantFrom(['expect', 'stage', 'none'], ...stages.map((s) => ['expect', 'stage', s])),
    condition(names, 1).map((c) => ['expect', ...c]),
  );
  const lead = [
    'lead', '{', 'email', ':', '"a@b.c"', ',', 'm', ':', '3', 'co', ':', '{', 'size', ':', '10', ',', 'name', ':', '"Acme"', '}', ',',
    'tags', ':', '[', '"a"', ',', '"b"', ']', 'e', ':', '"a"', 'd', ':', '2026-01-01', '}',
  ];
  return fc.tuple(fc.boolean(), fc.array(event, { maxLength: 3 }), fc.array(expectation, { maxLength: 3 })).map(([withNow, events, expects]) => [
    'test', `"${name}"`, '{', ...(withNow ? ['now', '2026-02-01T00:00:00Z'] : []), ...lead, ...events.flat(), ...expects.flat(), '}',
  ]);
}

/** White space and comments between tokens; each separates tokens on its own. */
const SEPARATORS = [' ', ' ', ' ', '\n', '\n  ', '  ', '\n\n', '\t', ' /* c */ ', ' // note\n', '\n// own line\n', '\n/// doc\n', '\n\n\n', ' /* a\n  b */ '];

/** Joins tokens with random separators. */
export function layout(tokens: Tokens): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...SEPARATORS), { minLength: tokens.length, maxLength: tokens.length }).map((seps) =>
    tokens.map((token, i) => (i === 0 ? token : seps[i]! + token)).join('') + '\n',
  );
}

export const generatedProgram: fc.Arbitrary<string> = programTokens().chain(layout);
