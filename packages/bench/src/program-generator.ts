// Generated MQL programs for the compiler benchmark: a lead schema and event types in lead.mql,
// then files of ~500 lines each (segments, rules and formula scores, grades, stages chained with
// `after`) imported by main.mql. Deterministic, and every program compiles without diagnostics
// (compile-worker.ts checks), so the benchmark measures the whole check + build.

export interface GeneratedProgram {
  /** Absolute, '/'-separated paths → text, for an in-memory SourceHost. */
  files: Map<string, string>;
  entry: string;
  lines: number;
}

const ROOT = '/bench-program';
const LINES_PER_FILE = 500;

const LEAD = `lead {
  email: email from "Email"
  title?: string from "Job Title"
  seniority?: "ic" | "manager" | "director" | "vp" | "cxo"
  country?: string
  consent: bool
  phone?: string
  created_at?: date from "Created"
  interests?: list of string
  company: {
    name?: string
    industry?: "software" | "it_services" | "finance" | "healthcare" | "education" | "other"
    employees?: number
    revenue?: number
  }
  budget?: number
  buy_cycle?: bool
}

event page_view { url: string }
event download { asset: string }
event webinar { name: string, attended: bool }
event email_click { campaign: string }
event purchase { amount: number }
event demo_request {}
`;

/** One unit: about 34 lines declaring 8 names; `i` makes them unique, `previous` chains stages. */
function unit(i: number): string {
  const n = (k: number) => 100 + ((i * 37 + k * 11) % 900);
  return `/// Segment ${i}: a documented condition.
list domains_${i} = ["d${i}a.com", "d${i}b.com", "d${i}c.io"]
segment target_${i} = company.industry in ["software", "finance"] and company.employees between ${n(1)} and ${n(2) * 10}
segment senior_${i} = seniority in ["director", "vp", "cxo"] or title contains "head of ${i}"

score fit_${i} {
  range -100 to 100
  "Target ${i}":      +15 when target_${i}
  "Senior ${i}":      +20 when senior_${i}
  "Domain ${i}":      -30 when email.domain in domains_${i}
  "Budget ${i}":      +10 when budget >= ${n(3) * 100}
  "Recent ${i}":      +5 when created_at within ${(i % 90) + 1}d
  "Interested ${i}":  +5 when interests contains "topic-${i}"
}

score engagement_${i} {
  range 0 to 100
  decay half-life ${(i % 60) + 7}d
  "Pricing ${i}":   +5 per page_view within 30d where url contains "/pricing/${i}" max 15
  "Assets ${i}":    +10 per download within 90d max 30
  "Webinar ${i}":   +15 when any(webinar within 180d where attended and name starts with "w${i}")
  "Spend ${i}":     +20 when sum(purchase within 365d, amount) > ${n(4)}
  "Quiet ${i}":     -10 when days_since(page_view) > ${(i % 30) + 10}
}

score priority_${i} = 0.6 * fit_${i} + 0.4 * engagement_${i}

grade band_${i} {
  A when priority_${i} >= 60
  B when priority_${i} >= 30
  else C
}

stage S${i} "Stage ${i}"${i > 0 ? ` after S${i - 1}` : ''} {
  require "Fit ${i}":      fit_${i} >= 30
  require "Engaged ${i}":  engagement_${i} >= 20 and band_${i} != "C"
  reject  "Domain ${i}":   email.domain in domains_${i}
}

`;
}

const UNIT_LINES = unit(1).split('\n').length - 1;

export function generateProgram(targetLines: number): GeneratedProgram {
  const files = new Map<string, string>();
  files.set(`${ROOT}/lead.mql`, LEAD);
  let lines = lineCount(LEAD);
  const imports: string[] = ['import "./lead.mql"'];
  let next = 0;
  for (let f = 0; lines < targetLines; f++) {
    let text = `// part ${f}: generated for the compiler benchmark.\nimport "./lead.mql"\n\n`;
    while (lineCount(text) + UNIT_LINES <= LINES_PER_FILE && lines + lineCount(text) < targetLines) text += unit(next++);
    const name = `part${String(f).padStart(3, '0')}.mql`;
    files.set(`${ROOT}/${name}`, text);
    imports.push(`import "./${name}"`);
    lines += lineCount(text);
  }
  const main = `// Generated program of about ${targetLines} lines.\n${imports.join('\n')}\n`;
  files.set(`${ROOT}/main.mql`, main);
  return { files, entry: `${ROOT}/main.mql`, lines: lines + lineCount(main) };
}

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
