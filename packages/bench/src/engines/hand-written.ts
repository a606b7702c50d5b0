// The practical ceiling: what a developer would write by hand for rules/scoring.mql, reading the
// raw record directly (no validation, no explanations). One pass over the events. There is one
// ceiling per form of event timestamps, each doing only what its input needs: ISO-8601 strings are
// parsed with `Date.parse`, epoch-ms numbers are used as they are (no parsing, no type test).

import { DAY_MS, type DateForm, type Outcome, type RawLead } from '../lead.js';

const TARGET_INDUSTRIES = new Set(['software', 'it_services', 'finance']);
const DECISION_MAKERS = new Set(['director', 'vp', 'cxo']);
const COVERED_COUNTRIES = new Set(['us', 'ca', 'gb', 'de', 'fr', 'nl']);
const FREEMAIL = new Set(['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'gmx.de', 'icloud.com']);

export type LeadScorer = (lead: RawLead, now: number) => Outcome;

/** ISO-8601 `at`: every event's time is parsed. */
export const scoreLeadIso: LeadScorer = (lead, now) => scoreLead(lead, now, (at) => Date.parse(at as string));

/** Epoch-ms `at`: the number is the time. */
export const scoreLeadEpoch: LeadScorer = (lead, now) => scoreLead(lead, now, (at) => at as number);

export function handWrittenFor(dates: DateForm): LeadScorer {
  return dates === 'iso' ? scoreLeadIso : scoreLeadEpoch;
}

/**
 * `timeOf` is one of the two above; a benchmark process uses only one, so V8 inlines it and the
 * loop below does exactly what that input needs.
 */
function scoreLead(lead: RawLead, now: number, timeOf: (at: string | number) => number): Outcome {
  const email = lead.Email.toLowerCase();
  const at = email.lastIndexOf('@');
  const freemail = at >= 0 && FREEMAIL.has(email.slice(at + 1));
  const title = lead['Job Title']?.toLowerCase(); // undefined when absent or null
  const student = title !== undefined && (title.includes('student') || title.endsWith('intern'));
  const seniority = lead.seniority?.toLowerCase();
  const industry = lead.company.industry?.toLowerCase();
  const employees = lead.company.employees;

  let fit = 0;
  if (industry !== undefined && TARGET_INDUSTRIES.has(industry)) fit += 15;
  if (employees != null && employees >= 200 && employees <= 5000) fit += 10;
  if (employees != null && employees > 5000) fit += 5;
  if (seniority !== undefined && DECISION_MAKERS.has(seniority)) fit += 20;
  if (seniority === 'manager') fit += 10;
  if (lead.country != null && COVERED_COUNTRIES.has(lead.country.toLowerCase())) fit += 10;
  if (freemail) fit -= 30;
  if (title?.includes('procurement')) fit -= 50;
  if (student) fit -= 50;

  let pricing30 = 0, pricing14 = 0, downloads = 0, clicks = 0, demos = 0;
  let webinar = false;
  for (const e of lead.events ?? []) {
    const age = now - timeOf(e.at);
    if (age < 0) continue; // future events never count
    switch (e.type) {
      case 'page_view':
        if (age <= 30 * DAY_MS && e.url!.toLowerCase().includes('/pricing')) {
          pricing30++;
          if (age <= 14 * DAY_MS) pricing14++;
        }
        break;
      case 'download':
        if (age <= 90 * DAY_MS) downloads++;
        break;
      case 'email_click':
        if (age <= 60 * DAY_MS) clicks++;
        break;
      case 'webinar':
        if (age <= 180 * DAY_MS && e.attended) webinar = true;
        break;
      case 'demo_request':
        if (age <= 30 * DAY_MS) demos++;
        break;
    }
  }
  let engagement = Math.min(5 * pricing30, 15) + Math.min(10 * downloads, 30) + Math.min(2 * clicks, 10);
  if (webinar) engagement += 15;
  if (pricing14 >= 3) engagement += 20;
  if (demos >= 1) engagement += 40;
  engagement = Math.min(Math.max(engagement, 0), 100);

  const mql = fit >= 30 && engagement >= 40 && !freemail && !student;
  const sal = mql && lead.consent && lead.phone != null;
  const sqo = sal && lead.buy_cycle === true && lead.deal_size != null && lead.deal_size >= 10000;
  return { stage: sqo ? 'SQO' : sal ? 'SAL' : mql ? 'MQL' : null, fit, engagement };
}
