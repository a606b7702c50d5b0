// Benchmark (not a test): the runtime on the example funnel against a hand-written TypeScript
// function computing the same lean result. Run with `npm run bench -w @mql/runtime`.
// It first checks that both agree on every generated record.

import { load } from '../src/index.js';
import { b2bFunnel } from './fixtures/b2b-funnel.js';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const engine = load(b2bFunnel);

interface Ev {
  type: string;
  at: string | number;
  url?: string;
  attended?: boolean;
}
interface Rec {
  Email: string;
  'Job Title'?: string;
  seniority?: string;
  country?: string;
  consent: boolean;
  phone?: string;
  company: { industry?: string; employees?: number };
  buy_cycle?: boolean;
  influencer?: boolean;
  timeframe_days?: number;
  deal_size?: number;
  follow_up_ok?: boolean;
  events?: Ev[];
}

const FREEMAIL = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'gmx.de', 'icloud.com'];
const COVERED = ['us', 'ca', 'gb', 'de', 'fr', 'nl'];
const COMPETITORS = ['rivalsoft.com', 'leadscorer.io'];

/** What a developer would write by hand for funnel.mql (lean result, no validation). */
export function handWritten(r: Rec, now: number) {
  const email = r.Email.toLowerCase();
  const at = email.lastIndexOf('@');
  const domain = at < 0 ? undefined : email.slice(at + 1);
  const title = r['Job Title']?.toLowerCase();
  const seniority = r.seniority?.toLowerCase();
  const industry = r.company.industry?.toLowerCase();
  const employees = r.company.employees;
  const decisionMaker = seniority === 'director' || seniority === 'vp' || seniority === 'cxo';
  const freemail = domain !== undefined && FREEMAIL.includes(domain);
  const student = title !== undefined && (title.includes('student') || title.includes('intern'));
  let fit = 0;
  if (industry === 'software' || industry === 'it_services' || industry === 'finance') fit += 15;
  if (employees !== undefined && employees >= 200 && employees <= 5000) fit += 10;
  if (employees !== undefined && employees > 5000) fit += 5;
  if (decisionMaker) fit += 20;
  if (seniority === 'manager') fit += 10;
  if (r.country !== undefined && COVERED.includes(r.country.toLowerCase())) fit += 10;
  if (freemail) fit -= 30;
  if (title?.includes('procurement')) fit -= 50;
  if (student) fit -= 50;
  fit = Math.min(Math.max(fit, -100), 100);

  let views = 0, downloads = 0, clicks = 0, binge = 0, webinar = false, demo = false, unsubscribed = false;
  for (const e of r.events ?? []) {
    const t = typeof e.at === 'number' ? e.at : Date.parse(e.at);
    if (t > now) continue;
    const age = now - t;
    const decay = 0.5 ** (age / (30 * DAY));
    if (e.type === 'page_view') {
      const pricing = e.url!.toLowerCase().includes('/pricing');
      if (pricing && age <= 30 * DAY) views += 5 * decay;
      if (pricing && age <= 14 * DAY) binge++;
    } else if (e.type === 'download') {
      if (age <= 90 * DAY) downloads += 10 * decay;
    } else if (e.type === 'email_click') {
      if (age <= 60 * DAY) clicks += 2 * decay;
    } else if (e.type === 'webinar') {
      if (age <= 180 * DAY && e.attended) webinar = true;
    } else if (e.type === 'demo_request') {
      if (age <= 30 * DAY) demo = true;
    } else if (e.type === 'unsubscribe') unsubscribed = true;
  }
  let engagement = Math.min(views, 15) + Math.min(downloads, 30) + Math.min(clicks, 10);
  engagement += (webinar ? 15 : 0) + (binge >= 3 ? 20 : 0) + (demo ? 40 : 0) + (unsubscribed ? -50 : 0);
  engagement = Math.min(Math.max(engagement, 0), 100);

  const mql = fit >= 30 && engagement >= 40 && !freemail && !student && !(domain !== undefined && COMPETITORS.includes(domain));
  const sal = mql && r.consent && r.phone !== undefined;
  const sqo = sal && r.buy_cycle === true && r.influencer === true && r.timeframe_days !== undefined && r.deal_size !== undefined && r.follow_up_ok === true;
  return {
    stage: sqo ? 'SQO' : sal ? 'SAL' : mql ? 'MQL' : null,
    scores: { fit, engagement, priority: 0.6 * fit + 0.4 * engagement },
    grades: {
      profile: fit >= 45 ? 'A' : fit >= 30 ? 'B' : fit >= 15 ? 'C' : 'D',
      activity: engagement >= 60 ? 'hot' : engagement >= 25 ? 'warm' : 'cold',
    },
    segments: { decision_maker: decisionMaker, freemail_address: freemail, student },
  };
}

/** A small deterministic generator (mulberry32), so runs are comparable. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function records(count: number): Rec[] {
  const next = random(42);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  return Array.from({ length: count }, () => ({
    Email: `${pick(['dana', 'sam'])}@${pick(['acme.io', 'Gmail.com', 'rivalsoft.com', 'bigbank.example'])}`,
    'Job Title': pick(['VP Sales', 'Procurement lead', 'Student', 'CTO']),
    seniority: pick(['ic', 'manager', 'director', 'VP', 'cxo']),
    country: pick(['us', 'DE', 'br']),
    consent: next() < 0.7,
    ...(next() < 0.5 ? { phone: '+1 555' } : {}),
    company: { industry: pick(['software', 'Finance', 'retail']), employees: Math.floor(next() * 10_000) },
    buy_cycle: next() < 0.8,
    influencer: true,
    timeframe_days: 30,
    deal_size: 1000,
    follow_up_ok: true,
    events: Array.from({ length: Math.floor(next() * 20) }, () => ({
      type: pick(['page_view', 'page_view', 'download', 'webinar', 'email_click', 'demo_request']),
      at: new Date(NOW - Math.floor(next() * 120 * DAY)).toISOString(),
      url: pick(['/pricing', '/blog', '/Pricing/enterprise']),
      asset: 'guide',
      name: 'launch',
      attended: next() < 0.5,
      campaign: 'fall',
    })),
  }));
}

function timePerRecord(input: Rec[], fn: (r: Rec) => unknown): number {
  for (let warm = 0; warm < 3; warm++) for (const r of input) fn(r);
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    const start = performance.now();
    for (let rep = 0; rep < 5; rep++) for (const r of input) fn(r);
    best = Math.min(best, performance.now() - start);
  }
  return (best * 1000) / (5 * input.length);
}

const input = records(2000);
for (const r of input) {
  const e = engine.evaluate(r, { now: NOW, explain: false });
  if (!e.ok) throw new Error(JSON.stringify(e.errors));
  const { stage, scores, grades, segments } = e.result;
  const h = handWritten(r, NOW);
  // Scores may differ in the last bits: the two add the same terms in a different order.
  const closeScores = Object.entries(h.scores).every(([k, v]) => Math.abs(v - scores[k]!) < 1e-9);
  if (!closeScores || JSON.stringify({ stage, grades, segments }) !== JSON.stringify({ stage: h.stage, grades: h.grades, segments: h.segments })) {
    throw new Error(`runtime and hand-written disagree on ${JSON.stringify(r)}`);
  }
}
const hand = timePerRecord(input, (r) => handWritten(r, NOW));
const validate = timePerRecord(input, (r) => engine.validate(r));
const lean = timePerRecord(input, (r) => engine.evaluate(r, { now: NOW, explain: false }));
const explained = timePerRecord(input, (r) => engine.evaluate(r, { now: NOW }));
const row = (label: string, us: number) => console.log(`${label.padEnd(26)} ${us.toFixed(2).padStart(7)} µs/record`);
row('hand-written', hand);
row('runtime: validate only', validate);
row('runtime: evaluate (lean)', lean);
row('runtime: evaluate (explain)', explained);
console.log(`lean / hand-written: ${(lean / hand).toFixed(2)}×   explain / lean: ${(explained / lean).toFixed(2)}×`);
