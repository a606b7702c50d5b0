#!/usr/bin/env node
// generate-data.mjs: deterministic sample lead data for examples/b2b-funnel (lead.mql + funnel.mql).
//
//   node examples/generate-data.mjs [--leads N] [--events-per-lead N] [--seed S] [--now ISO]
//                                   [--out DIR] [--format jsonl,csv] [--invalid N]
//
// Writes DIR/leads.jsonl (one lead per line, events inline) and/or DIR/leads.csv + DIR/events.csv.
// The same arguments always produce byte-identical files: every lead is drawn from its own small
// PRNG (mulberry32) seeded from (seed, lead index), so lead #i does not depend on --leads, and the
// output is streamed in chunks with backpressure, so millions of leads need no more memory than one
// chunk. Plain Node ESM, no dependencies. A summary (and the ids of deliberately invalid records)
// goes to stderr; nothing is printed on stdout.

import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const DAY = 86_400_000;

const USAGE = `usage: node examples/generate-data.mjs [options]

  --leads N             number of leads (default 5000)
  --events-per-lead N   average number of events per lead; it varies per lead (default 13)
  --seed S              PRNG seed, an integer or any string (default 42)
  --now ISO             evaluation time the events are relative to (default 2026-11-01T00:00:00Z)
  --out DIR             output directory (default examples/data next to this script)
  --format LIST         comma-separated: jsonl, csv (default jsonl,csv)
  --invalid N           make N records deliberately invalid (default 0); their ids go to stderr
  -h, --help            show this help`;

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a tiny, fast 32-bit PRNG; returns floats in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** murmur3's finaliser: spreads the bits of a 32-bit integer. */
function fmix32(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seed given as an integer is used as is; any other string is hashed (FNV-1a). */
function seedFrom(text) {
  if (/^-?\d+$/.test(text)) return Number(BigInt.asUintN(32, BigInt(text)));
  let h = 0x811c9dc5;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193);
  return h >>> 0;
}

const leadSeed = (seed, index) => fmix32(seed ^ fmix32(Math.imul(index + 1, 0x9e3779b1)));

class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  chance(p) {
    return this.next() < p;
  }
  int(lo, hi) {
    // inclusive
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }
  /** weighted pick from [[value, weight], ...]; weights need not sum to 1 */
  weighted(table) {
    let total = 0;
    for (const [, w] of table) total += w;
    let x = this.next() * total;
    for (const [v, w] of table) {
      x -= w;
      if (x < 0) return v;
    }
    return table[table.length - 1][0];
  }
  /** A standard normal draw (Box–Muller). */
  gaussian() {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
  /** Gamma(2) with mean 1: spread-out but never negative, for per-lead event counts. */
  gamma2() {
    return -(Math.log(1 - this.next()) + Math.log(1 - this.next())) / 2;
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const FIRST_NAMES = [
  ['Dana', 'dana'], ['Sam', 'sam'], ['Kim', 'kim'], ['Alex', 'alex'], ['Jordan', 'jordan'],
  ['Priya', 'priya'], ['Wei', 'wei'], ['Fatima', 'fatima'], ['Lukas', 'lukas'], ['Emma', 'emma'],
  ['Noah', 'noah'], ['Olivia', 'olivia'], ['Mateo', 'mateo'], ['Chloé', 'chloe'], ['José', 'jose'],
  ['Zoë', 'zoe'], ['Søren', 'soren'], ['Aoife', 'aoife'], ['Łukasz', 'lukasz'], ['Hannah', 'hannah'],
  ['Ravi', 'ravi'], ['Yuki', 'yuki'], ['Amara', 'amara'], ['Liam', 'liam'], ['Sophie', 'sophie'],
  ['Jan', 'jan'], ['Ines', 'ines'], ['Omar', 'omar'], ['Grace', 'grace'], ['Mia', 'mia'],
  ['Ethan', 'ethan'], ['Lea', 'lea'], ['Daan', 'daan'], ['Camille', 'camille'], ['Chen', 'chen'],
  ['Pat', 'pat'], ['Ari', 'ari'], ['Lee', 'lee'], ['Morgan', 'morgan'], ['Nadia', 'nadia'],
];
const LAST_NAMES = [
  'smith', 'johnson', 'garcia', 'mueller', 'schmidt', 'dubois', 'martin', 'devries', 'jansen',
  'brown', 'wilson', 'tremblay', 'roy', 'nguyen', 'patel', 'kowalski', 'rossi', 'tanaka', 'kim',
  'oconnor', 'lopez', 'novak', 'berg', 'weber', 'fischer', 'bernard', 'leroy', 'bakker', 'clarke',
  'evans', 'singh', 'cohen', 'silva', 'okafor', 'haddad', 'larsen', 'moreau', 'visser', 'taylor', 'lee',
];
const FREEMAIL = ['gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'gmx.de', 'icloud.com'];
const COMPETITORS = ['rivalsoft.com', 'leadscorer.io'];
const COMPANY_PREFIX = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Blue Yonder',
  'Litware', 'Adatum', 'Proseware', 'Woodgrove', 'Lucerne', 'Coho', 'Alpine', 'Trey', 'Wingtip',
  'Big', 'Vandelay', 'Hooli', 'Stark', 'Wayne', 'Cyberdyne', 'Soylent', 'Oscorp', 'Dunder', 'Gringotts',
];
const COMPANY_SUFFIX = {
  software: ['Software', 'Labs', 'Cloud', 'Systems'],
  it_services: ['IT', 'Consulting', 'Digital', 'Tech Services'],
  finance: ['Bank', 'Capital', 'Insurance', 'Payments'],
  healthcare: ['Health', 'Clinics', 'Pharma', 'Medical'],
  education: ['University', 'Learning', 'Academy', 'College'],
  government: ['County', 'Agency', 'City Council', 'Ministry'],
  retail: ['Retail', 'Stores', 'Outfitters', 'Market'],
  other: ['Logistics', 'Energy', 'Foods', 'Media'],
};
const INTERESTS = ['analytics', 'automation', 'integrations', 'security', 'reporting', 'ai', 'crm', 'forecasting'];

const TITLES = {
  ic: ['Software Engineer', 'Marketing Specialist', 'Data Analyst', 'Sales Development Rep', 'Business Analyst',
    'Account Executive', 'DevOps Engineer', 'Marketing Operations Specialist', 'Product Designer', 'Consultant'],
  manager: ['Marketing Manager', 'Engineering Manager', 'IT Manager', 'Sales Manager', 'Product Manager',
    'RevOps Manager', 'Demand Generation Manager', 'Manager, Marketing Operations'],
  director: ['Director of IT', 'Director of Marketing', 'Head of Sales', 'Director, Revenue Operations',
    'Head of Data', 'Director of Engineering'],
  vp: ['VP Operations', 'VP of Sales', 'VP Marketing', 'VP Engineering', 'SVP, Customer Success'],
  cxo: ['CTO', 'CEO', 'Chief Marketing Officer', 'CFO', 'Chief Revenue Officer', 'COO', 'Founder & CEO'],
  unknown: ['Owner', 'Analyst', 'Specialist', 'Partner', 'Team Lead'],
};
const PROCUREMENT_TITLES = [['Procurement Manager', 'manager'], ['Head of Procurement', 'director'],
  ['Procurement Specialist', 'ic'], ['Strategic Procurement Lead', 'manager'], ['IT Procurement Officer', 'ic']];
const STUDENT_TITLES = ['Student', 'MBA Student', 'Marketing Intern', 'Software Engineering Intern', 'PhD student', 'Intern'];
// Real titles that merely contain "intern": funnel.mql must not treat them as interns.
const INTERN_LOOKALIKES = [['International Sales Manager', 'manager'], ['Internal Audit Director', 'director']];

const COVERED = ['US', 'CA', 'GB', 'DE', 'FR', 'NL'];
const COUNTRY_TABLE = [
  ['US', 30], ['GB', 10], ['DE', 9], ['CA', 7], ['FR', 6], ['NL', 6],
  ['AU', 4], ['IN', 5], ['BR', 3], ['JP', 2], ['ES', 3], ['IT', 2], ['SE', 2], ['SG', 2], ['MX', 2], ['ZA', 1],
  [undefined, 6],
];
// fictional-looking numbers per country; '#' is a random digit (US/CA use the 555-01xx range)
const PHONE_FORMAT = {
  US: '+1 415 555 01##', CA: '+1 416 555 01##', GB: '+44 20 7946 0###', DE: '+49 30 #######',
  FR: '+33 1 ## ## ## ##', NL: '+31 20 ### ####', AU: '+61 2 5550 ####', IN: '+91 22 #### ####',
  BR: '+55 11 ####-####', JP: '+81 3 #### ####', ES: '+34 91 ### ## ##', IT: '+39 02 #### ####',
  SE: '+46 8 ### ### ##', SG: '+65 6### ####', MX: '+52 55 #### ####', ZA: '+27 21 ### ####',
};

const SENIORITY_TABLE = [['ic', 34], ['manager', 24], ['director', 15], ['vp', 9], ['cxo', 6], [undefined, 12]];
const INDUSTRY_TABLE = [
  ['software', 26], ['it_services', 12], ['finance', 12], ['healthcare', 10], ['education', 8],
  ['government', 7], ['retail', 9], ['other', 8], [undefined, 8],
];
const SOURCE_TABLE = [
  ['organic', 30], ['paid_social', 18], ['webinar', 14], ['referral', 10], ['event', 10], ['outbound', 10], [undefined, 8],
];
const EMPLOYEE_BANDS = [[[1, 49], 20], [[50, 199], 22], [[200, 999], 25], [[1000, 5000], 18], [[5001, 120000], 15]];

const PRICING_URLS = ['/pricing', '/pricing', '/pricing', '/pricing/enterprise', '/pricing?plan=team', '/pricing/enterprise#contact'];
const OTHER_URLS = [
  '/', '/', '/product', '/product/scoring', '/product/routing', '/integrations', '/integrations/salesforce',
  '/integrations/hubspot', '/docs/getting-started', '/docs/api', '/customers', '/customers/globex', '/blog',
  '/blog/what-is-an-mql', '/blog/lead-scoring-101', '/blog/pricing-models-explained', '/about', '/careers',
  '/security', '/contact', '/events', '/webinars',
];
const ASSETS = ['state-of-lead-scoring-2026.pdf', 'buyers-guide.pdf', 'roi-calculator.xlsx', 'security-whitepaper.pdf',
  'case-study-globex.pdf', 'benchmark-report-q3.pdf', 'mql-playbook.pdf'];
const WEBINARS = ['Q3 launch', 'Scoring 101', 'Pipeline, forecasting and you', 'Customer panel: fintech',
  'Office hours #12', 'RevOps roundtable', 'What\'s new in routing'];
const CAMPAIGNS = ['nl-2026-09', 'nl-2026-10', 'product-update-oct', 'webinar-invite-q4', 'nurture-3', 'case-study-drip',
  'event-follow-up'];

// Invalid-record kinds for --invalid (each invalid record has exactly one of these defects).
const INVALID_KINDS = ['missing_email', 'employees_not_number', 'unparsable_event_at', 'enum_not_member'];
const BAD_EMPLOYEES = ['about 200', '1,200', '200-500'];
const BAD_AT = ['not-a-date', '2026-13-45T25:61:00Z', 'yesterday'];
const BAD_ENUMS = [['seniority', 'svp'], ['Lead Source', 'trade_show'], ['company.industry', 'sofware']];

// ---------------------------------------------------------------------------------------------
// One lead

const leadId = (index) => 'L' + String(index + 1).padStart(7, '0');

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dayPrefix = new Map(); // days since the epoch -> "YYYY-MM-DDT"

/** 2026-10-31T13:45:12Z: second precision keeps the files smaller (ms must be whole seconds). */
function isoSeconds(ms) {
  // Date#toISOString per event dominated the run time; days repeat, so cache their prefix.
  const day = Math.floor(ms / DAY);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefix.set(day, prefix);
  }
  const secs = Math.floor((ms - day * DAY) / 1000);
  return prefix + TWO_DIGITS[Math.floor(secs / 3600)] + ':' + TWO_DIGITS[Math.floor(secs / 60) % 60] + ':' +
    TWO_DIGITS[secs % 60] + 'Z';
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** fit per funnel.mql, used only to make good-fit leads engage more often (as real ones do). */
function approxFit(lead) {
  let fit = 0;
  const ind = lead.company.industry;
  const emp = lead.company.employees;
  if (ind === 'software' || ind === 'it_services' || ind === 'finance') fit += 15;
  if (emp !== undefined && emp >= 200 && emp <= 5000) fit += 10;
  if (emp !== undefined && emp > 5000) fit += 5;
  if (lead.seniority === 'director' || lead.seniority === 'vp' || lead.seniority === 'cxo') fit += 20;
  if (lead.seniority === 'manager') fit += 10;
  if (lead.country && COVERED.includes(lead.country.toUpperCase())) fit += 10;
  return fit;
}

/**
 * Draws lead number `index`. Returns { record, events } where record holds the lead fields keyed as
 * the input expects (from-names), and events are [{ type, at, ...attrs }] sorted by time.
 */
function makeLead(seed, index, opts) {
  const r = new Rng(leadSeed(seed, index));
  const now = opts.nowMs;

  // --- who
  const [firstName, firstAscii] = r.pick(FIRST_NAMES);
  const lastName = r.pick(LAST_NAMES);
  let seniority = r.weighted(SENIORITY_TABLE);
  let title;
  const titleRoll = r.next();
  if (titleRoll < 0.025) {
    [title, seniority] = r.pick(PROCUREMENT_TITLES);
  } else if (titleRoll < 0.05) {
    title = r.pick(STUDENT_TITLES);
    seniority = r.chance(0.5) ? 'ic' : undefined;
  } else if (titleRoll < 0.054) {
    [title, seniority] = r.pick(INTERN_LOOKALIKES);
  } else if (titleRoll < 0.13) {
    title = undefined; // not filled in
  } else {
    title = r.pick(TITLES[seniority ?? 'unknown']);
  }

  // --- company
  const industry = r.weighted(INDUSTRY_TABLE);
  let employees;
  if (r.chance(0.82)) {
    const [lo, hi] = r.weighted(EMPLOYEE_BANDS);
    // log-uniform inside the band; now and then exactly on a rule boundary
    employees = r.chance(0.03)
      ? r.pick([199, 200, 5000, 5001])
      : Math.round(Math.exp(Math.log(lo) + r.next() * (Math.log(hi) - Math.log(lo))));
  }
  const companyName = r.pick(COMPANY_PREFIX) + ' ' + r.pick(COMPANY_SUFFIX[industry ?? 'other']);
  const company = {};
  if (r.chance(0.94)) company.name = companyName;
  if (industry !== undefined) company.industry = industry;
  if (employees !== undefined) company.employees = employees;

  // --- where
  let country = r.weighted(COUNTRY_TABLE);
  if (country !== undefined) {
    const caseRoll = r.next();
    if (caseRoll < 0.1) country = country.toLowerCase();
    else if (caseRoll < 0.14) country = country[0] + country[1].toLowerCase();
  }

  // --- email
  let domain;
  let domainKind = 'work';
  const mailRoll = r.next();
  if (mailRoll < 0.15) {
    domain = r.pick(FREEMAIL);
    domainKind = 'freemail';
  } else if (mailRoll < 0.156) {
    domain = r.pick(COMPETITORS);
    domainKind = 'competitor';
  } else {
    domain = slug(companyName) + '.example';
  }
  if (r.chance(0.05)) domain = domain.toUpperCase();
  const local = r.weighted([
    [`${firstAscii}.${lastName}`, 5], [`${firstAscii}${lastName[0]}`, 2], [`${firstAscii[0]}${lastName}`, 2],
    [`${firstAscii}.${lastName}${r.int(1, 99)}`, domainKind === 'freemail' ? 4 : 0.2],
  ]);
  const email = (r.chance(0.06) ? local[0].toUpperCase() + local.slice(1) : local) + '@' + domain;

  const source = r.weighted(SOURCE_TABLE);
  const consent = r.chance(0.86);
  const createdMs = now - r.int(1, 420) * DAY - r.int(0, 86_399) * 1000;
  const createdRoll = r.next();
  const created = createdRoll < 0.03 ? undefined : createdRoll < 0.08 ? createdMs : isoSeconds(createdMs);
  let interests;
  if (r.chance(0.6)) {
    const n = r.int(1, 3);
    interests = [];
    while (interests.length < n) {
      const i = r.pick(INTERESTS);
      if (!interests.includes(i)) interests.push(i);
    }
  }

  const partial = { company, seniority, country };
  const fit = approxFit(partial) - (domainKind === 'freemail' ? 30 : 0);

  // --- how engaged (a latent tier; good-fit leads engage more, competitors download everything)
  const tier =
    domainKind === 'competitor'
      ? r.weighted([['hot', 6], ['warm', 3], ['cold', 1]])
      : fit >= 30
        ? r.weighted([['hot', 52], ['warm', 28], ['cold', 13], ['dormant', 7]])
        : r.weighted([['hot', 13], ['warm', 28], ['cold', 40], ['dormant', 19]]);

  // --- reachable? sales-enriched phone numbers are commoner for engaged, senior leads
  const phoneP = tier === 'hot' ? 0.65 : tier === 'warm' ? 0.52 : 0.42;
  let phone;
  if (r.chance(phoneP)) {
    const cc = country ? country.toUpperCase() : 'US';
    phone = (PHONE_FORMAT[cc] ?? PHONE_FORMAT.US).replace(/#/g, () => String(r.int(0, 9)));
    if (r.chance(0.15)) phone = phone.replace(/ /g, '');
  }

  // --- BANT, filled in by sales during discovery: mostly for hot, good-fit leads
  const bant = {};
  const bantP = tier === 'hot' && fit >= 30 ? 0.62 : tier === 'hot' || tier === 'warm' ? 0.08 : 0.03;
  if (r.chance(bantP)) {
    bant.buy_cycle = r.chance(0.9);
    bant.influencer = r.chance(0.88);
    if (r.chance(0.92)) bant.timeframe_days = r.pick([30, 45, 60, 90, 90, 120, 180, 365]);
    if (r.chance(0.9)) bant.deal_size = r.int(5, 250) * 1000;
    bant.follow_up_ok = r.chance(0.92);
  } else if (r.chance(0.05)) {
    bant.follow_up_ok = r.chance(0.5); // a stray checkbox from an old form
  }

  // --- events: "signal" events per tier, then filler up to this lead's event count
  const events = [];
  const ago = (minDays, maxDays) => now - Math.floor((minDays + r.next() * (maxDays - minDays)) * DAY / 1000) * 1000;
  const pageView = (at, url) => events.push({ type: 'page_view', at, url });
  const download = (at) => events.push({ type: 'download', at, asset: r.pick(ASSETS) });
  const webinar = (at, attended) => events.push({ type: 'webinar', at, name: r.pick(WEBINARS), attended });
  const click = (at) => events.push({ type: 'email_click', at, campaign: r.pick(CAMPAIGNS) });

  if (tier === 'hot') {
    const binge = r.chance(0.12) ? 2 : r.int(3, 6); // two views are not a binge yet
    for (let i = 0; i < binge; i++) pageView(ago(0, 13), r.pick(PRICING_URLS));
    for (let i = r.int(0, 3); i > 0; i--) download(ago(0, 40));
    if (r.chance(0.6)) webinar(ago(1, 90), true);
    for (let i = r.int(0, 4); i > 0; i--) click(ago(0, 45));
    if (r.chance(0.09)) events.push({ type: 'demo_request', at: ago(0, 25) });
  } else if (tier === 'warm') {
    for (let i = r.int(0, 3); i > 0; i--) pageView(ago(0, 45), r.pick(PRICING_URLS));
    for (let i = r.int(0, 2); i > 0; i--) download(ago(2, 100));
    if (r.chance(0.4)) webinar(ago(5, 200), r.chance(0.65));
    for (let i = r.int(0, 3); i > 0; i--) click(ago(0, 90));
    if (r.chance(0.02)) events.push({ type: 'demo_request', at: ago(20, 120) });
  } else if (tier === 'cold') {
    if (r.chance(0.3)) pageView(ago(30, 200), r.pick(PRICING_URLS));
    if (r.chance(0.25)) download(ago(60, 200));
    if (r.chance(0.15)) webinar(ago(30, 200), r.chance(0.4));
  } // dormant: filler only, all of it old
  if (r.chance(tier === 'cold' || tier === 'dormant' ? 0.04 : 0.015)) {
    events.push({ type: 'unsubscribe', at: ago(0, 180) });
  }
  if (r.chance(0.035)) {
    // a few events in the future (scheduled, or clock skew): never counted by any query
    const at = now + Math.floor((0.02 + r.next() * 20) * DAY / 1000) * 1000;
    const kind = r.weighted([['pricing', 5], ['webinar', 3], ['demo', 2]]);
    if (kind === 'pricing') pageView(at, r.pick(PRICING_URLS));
    else if (kind === 'webinar') webinar(at, r.chance(0.3));
    else events.push({ type: 'demo_request', at });
  }

  const target = opts.eventsPerLead === 0 ? 0 : Math.round(opts.eventsPerLead * r.gamma2());
  const fillFrom = tier === 'dormant' ? 95 : 0;
  while (events.length < target) {
    const roll = r.next();
    const at = ago(fillFrom, 200);
    if (roll < 0.84) pageView(at, r.pick(OTHER_URLS));
    else if (roll < 0.86 && at < now - 30 * DAY) pageView(at, r.pick(PRICING_URLS));
    else click(at);
  }
  if (opts.eventsPerLead === 0) events.length = 0;
  events.sort((a, b) => a.at - b.at);

  const outcome = drawOutcome(leadSeed(seed, index), { fit, tier, domainKind, titleRoll, bant, employees, events, now });

  // --- assemble in schema order, keyed by from-names
  const record = { id: leadId(index), Email: email };
  if (r.chance(0.95)) record['First Name'] = firstName;
  if (title !== undefined) record['Job Title'] = title;
  if (seniority !== undefined) record.seniority = seniority;
  if (country !== undefined) record.country = country;
  if (source !== undefined) record['Lead Source'] = source;
  record.consent = consent;
  if (phone !== undefined) record.phone = phone;
  else if (r.chance(0.05)) record.phone = null; // an explicit null is missing too
  if (created !== undefined) record.Created = created;
  if (interests !== undefined) record.interests = interests;
  record.company = company;
  Object.assign(record, bant);
  record.converted = outcome.converted;
  if (outcome.amount !== undefined) record.amount = outcome.amount;
  for (const e of events) e.at = isoSeconds(e.at);
  return { record, events };
}

/**
 * Whether the lead bought (`converted`) and for how much (`amount`, converted leads only): what
 * sales reported afterwards, for `mql backtest`. Buying depends on the latent fit, the engagement
 * tier, a recent demo request, BANT answers, and noise the rules cannot see; free-mail addresses,
 * students, procurement and competitors rarely buy. The amount grows with company size (or the
 * deal size sales noted). Drawn from a PRNG of its own, so every other field is as before.
 */
function drawOutcome(seed, lead) {
  const r = new Rng(fmix32(seed ^ 0x0c0ffee5));
  const { fit, tier, domainKind, titleRoll, bant, employees, events, now } = lead;
  const demo = events.some((e) => e.type === 'demo_request' && e.at <= now && e.at >= now - 30 * DAY);
  const bantScore = bant.buy_cycle && bant.influencer ? 1 : bant.buy_cycle || bant.influencer ? 0.5 : 0;
  let logit = -3.1 + 0.035 * fit + { hot: 1.5, warm: 0.7, cold: 0, dormant: -0.7 }[tier] + (demo ? 0.9 : 0) + 1.1 * bantScore;
  if (domainKind === 'competitor') logit -= 4;
  if (titleRoll < 0.05) logit -= 2; // procurement and students (drawn with titleRoll above)
  logit += 0.9 * r.gaussian();
  const converted = r.next() < 1 / (1 + Math.exp(-logit));
  if (!converted) return { converted };
  const size = employees ?? 150;
  const expected = bant.deal_size ?? 6000 * Math.pow(size / 100, 0.4);
  const amount = Math.max(500, Math.round((expected * Math.exp(0.45 * r.gaussian())) / 100) * 100);
  return { converted, amount };
}

/** Applies one defect of `kind` to the lead; returns the field path it breaks. */
function makeInvalid(lead, kind, k) {
  const { record, events } = lead;
  switch (kind) {
    case 'missing_email':
      delete record.Email;
      return 'Email';
    case 'employees_not_number':
      record.company.employees = BAD_EMPLOYEES[k % BAD_EMPLOYEES.length];
      return 'company.employees';
    case 'unparsable_event_at': {
      if (events.length === 0) events.push({ type: 'page_view', at: '', url: '/' });
      const i = k % events.length;
      events[i].at = BAD_AT[k % BAD_AT.length];
      return `events[${i}].at`;
    }
    case 'enum_not_member': {
      const [path, value] = BAD_ENUMS[k % BAD_ENUMS.length];
      if (path === 'company.industry') record.company.industry = value;
      else record[path] = value;
      return path;
    }
  }
  throw new Error(`unknown invalid kind ${kind}`);
}

/** Which lead indexes get a defect: spread deterministically over the run, from the seed. */
function chooseInvalid(seed, leads, count) {
  const r = new Rng(fmix32(seed ^ 0x1badf00d));
  const picked = new Set();
  if (count * 2 > leads) {
    const all = Array.from({ length: leads }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(r.next() * (leads - i));
      [all[i], all[j]] = [all[j], all[i]];
      picked.add(all[i]);
    }
  } else {
    while (picked.size < count) picked.add(Math.floor(r.next() * leads));
  }
  const sorted = [...picked].sort((a, b) => a - b);
  return new Map(sorted.map((index, k) => [index, k]));
}

// ---------------------------------------------------------------------------------------------
// Output

const LEAD_COLUMNS = [
  ['id', (l) => l.id], ['Email', (l) => l.Email], ['First Name', (l) => l['First Name']],
  ['Job Title', (l) => l['Job Title']], ['seniority', (l) => l.seniority], ['country', (l) => l.country],
  ['Lead Source', (l) => l['Lead Source']], ['consent', (l) => l.consent], ['phone', (l) => l.phone],
  ['Created', (l) => l.Created], ['interests', (l) => (l.interests ? l.interests.join(';') : undefined)],
  ['company.name', (l) => l.company.name], ['company.industry', (l) => l.company.industry],
  ['company.employees', (l) => l.company.employees], ['buy_cycle', (l) => l.buy_cycle],
  ['influencer', (l) => l.influencer], ['timeframe_days', (l) => l.timeframe_days],
  ['deal_size', (l) => l.deal_size], ['follow_up_ok', (l) => l.follow_up_ok],
  ['converted', (l) => l.converted], ['amount', (l) => l.amount],
];
const EVENT_COLUMNS = ['lead_id', 'type', 'at', 'url', 'asset', 'name', 'attended', 'campaign'];

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

function csvCell(value) {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') return String(value);
  return NEEDS_QUOTES.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
}

/** The url..campaign cells of an events.csv row, with the newline (only one attribute applies per type). */
function eventTail(e) {
  switch (e.type) {
    case 'page_view':
      return ',' + csvCell(e.url) + ',,,,\n';
    case 'download':
      return ',,' + csvCell(e.asset) + ',,,\n';
    case 'webinar':
      return ',,,' + csvCell(e.name) + ',' + csvCell(e.attended) + ',\n';
    case 'email_click':
      return ',,,,,' + csvCell(e.campaign) + '\n';
    default:
      return ',,,,,\n';
  }
}

/** Buffers text and writes it in ~1 MB chunks, waiting for 'drain' when the stream asks to. */
class ChunkedWriter {
  constructor(path) {
    this.stream = createWriteStream(path);
    this.parts = [];
    this.size = 0;
    this.failed = null;
    this.stream.on('error', (err) => (this.failed = err));
  }
  add(text) {
    this.parts.push(text);
    this.size += text.length;
  }
  get full() {
    return this.size >= 1 << 20;
  }
  async flush() {
    if (this.failed) throw this.failed;
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
  async close() {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
    if (this.failed) throw this.failed;
  }
}

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      leads: { type: 'string', default: '5000' },
      'events-per-lead': { type: 'string', default: '13' },
      seed: { type: 'string', default: '42' },
      now: { type: 'string', default: '2026-11-01T00:00:00Z' },
      out: { type: 'string' },
      format: { type: 'string', default: 'jsonl,csv' },
      invalid: { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const count = (name, text) => {
    if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
    return Number(text);
  };
  const leads = count('leads', values.leads);
  const invalid = count('invalid', values.invalid);
  const eventsPerLead = Number(values['events-per-lead']);
  if (!Number.isFinite(eventsPerLead) || eventsPerLead < 0 || values['events-per-lead'].trim() === '') {
    throw new Error(`--events-per-lead must be a non-negative number, got "${values['events-per-lead']}"`);
  }
  const nowMs = Date.parse(values.now);
  if (Number.isNaN(nowMs)) throw new Error(`--now must be an ISO-8601 date-time, got "${values.now}"`);
  if (invalid > leads) throw new Error(`--invalid ${invalid} is more than --leads ${leads}`);
  const formats = new Set(values.format.split(',').map((f) => f.trim().toLowerCase()).filter(Boolean));
  for (const f of formats) if (f !== 'jsonl' && f !== 'csv') throw new Error(`unknown --format "${f}" (jsonl, csv)`);
  if (formats.size === 0) throw new Error('--format names no format');
  const seed = seedFrom(values.seed);
  const out = values.out === undefined ? join(HERE, 'data') : resolve(values.out);
  mkdirSync(out, { recursive: true });

  const started = performance.now();
  const opts = { nowMs, eventsPerLead };
  const invalidAt = chooseInvalid(seed, leads, invalid);
  const bad = [];

  const jsonl = formats.has('jsonl') ? new ChunkedWriter(join(out, 'leads.jsonl')) : null;
  const leadsCsv = formats.has('csv') ? new ChunkedWriter(join(out, 'leads.csv')) : null;
  const eventsCsv = formats.has('csv') ? new ChunkedWriter(join(out, 'events.csv')) : null;
  leadsCsv?.add(LEAD_COLUMNS.map(([h]) => csvCell(h)).join(',') + '\n');
  eventsCsv?.add(EVENT_COLUMNS.join(',') + '\n');

  let eventTotal = 0;
  for (let i = 0; i < leads; i++) {
    const lead = makeLead(seed, i, opts);
    const k = invalidAt.get(i);
    if (k !== undefined) {
      const kind = INVALID_KINDS[k % INVALID_KINDS.length];
      const path = makeInvalid(lead, kind, Math.floor(k / INVALID_KINDS.length));
      bad.push({ id: lead.record.id, kind, path });
    }
    const { record, events } = lead;
    eventTotal += events.length;
    if (jsonl) {
      record.events = events;
      jsonl.add(JSON.stringify(record) + '\n');
      if (jsonl.full) await jsonl.flush();
    }
    if (leadsCsv) {
      let row = '';
      for (let c = 0; c < LEAD_COLUMNS.length; c++) row += (c ? ',' : '') + csvCell(LEAD_COLUMNS[c][1](record));
      leadsCsv.add(row + '\n');
      if (leadsCsv.full) await leadsCsv.flush();
      let rows = '';
      const id = record.id;
      for (const e of events) rows += id + ',' + e.type + ',' + csvCell(e.at) + eventTail(e);
      eventsCsv.add(rows);
      if (eventsCsv.full) await eventsCsv.flush();
    }
  }
  await Promise.all([jsonl?.close(), leadsCsv?.close(), eventsCsv?.close()]);

  const files = [jsonl && 'leads.jsonl', leadsCsv && 'leads.csv', eventsCsv && 'events.csv'].filter(Boolean);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const avg = leads ? (eventTotal / leads).toFixed(1) : '0';
  let summary =
    `generate-data: ${leads} leads, ${eventTotal} events (${avg}/lead), seed ${values.seed}, now ${values.now}` +
    ` -> ${out} [${files.join(', ')}] in ${secs}s\n`;
  if (bad.length) {
    summary += `generate-data: ${bad.length} invalid records:\n`;
    for (const b of bad) summary += `  invalid ${b.id} ${b.kind} ${b.path}\n`;
  }
  process.stderr.write(summary);
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`generate-data: ${err.message}\n`);
  process.exitCode = 1;
});
