// The lead records every engine reads (examples/generate-data.mjs writes them as JSONL) and the
// outcome every engine must produce for each. Outcomes are compared exactly: the shared rule set
// has no decay, so every score is a sum of whole numbers.

/** One event as generated: `at` is an ISO-8601 string or epoch ms; attributes by event type. */
export interface RawEvent {
  type: string;
  at: string | number;
  url?: string | null;
  asset?: string;
  name?: string;
  attended?: boolean | null;
  campaign?: string;
}

/**
 * The fields of a generated lead that rules/scoring.mql reads (others are ignored by every engine).
 * An optional field may be absent or null (LANGUAGE.md §10); the generator writes both.
 */
export interface RawLead {
  id: string;
  Email: string;
  'Job Title'?: string | null;
  seniority?: string | null;
  country?: string | null;
  consent: boolean;
  phone?: string | null;
  company: { industry?: string | null; employees?: number | null };
  buy_cycle?: boolean | null;
  deal_size?: number | null;
  events?: RawEvent[];
}

export interface Outcome {
  stage: string | null;
  fit: number;
  engagement: number;
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  return a.stage === b.stage && a.fit === b.fit && a.engagement === b.engagement;
}

/**
 * How event times are given: ISO-8601 strings (as generated) or epoch milliseconds (as
 * applications that keep dates as numbers pass them). The throughput suite runs both.
 */
export type DateForm = 'iso' | 'epoch';
export const DATE_FORMS: readonly DateForm[] = ['iso', 'epoch'];

export function parseDateForm(text: string | undefined): DateForm {
  if (text === 'iso' || text === 'epoch') return text;
  throw new Error(`unknown date form "${text}" (iso, epoch)`);
}

/** The same leads with every event's `at` turned into epoch ms (done before anything is timed). */
export function withEpochDates(leads: RawLead[]): RawLead[] {
  for (const lead of leads) for (const e of lead.events ?? []) if (typeof e.at === 'string') e.at = Date.parse(e.at);
  return leads;
}

/** The evaluation time of the generated data (generate-data.mjs's default `--now`). */
export const NOW = Date.parse('2026-11-01T00:00:00Z');

export const DAY_MS = 86_400_000;
