// The facts the general-purpose engines (JSON Logic, json-rules-engine, CEL, ZEN) evaluate: the raw
// lead with what MQL does implicitly made explicit, because not all of them can do it themselves:
// strings lower-cased (MQL compares case-insensitively), the email's domain split off, event times
// parsed and turned into an age in ms (JSON Logic cannot see `now` inside `filter`), missing values
// as null (ZEN takes JSON). The benchmark times this preparation as part of each of those engines,
// and reports it alone too, so the engines' own share can be read off.

import type { RawLead } from './lead.js';

export interface FactEvent {
  type: string;
  /** now - at, in ms; negative for future events. */
  age: number;
  url: string | null;
  attended: boolean | null;
}

export interface Facts {
  domain: string | null;
  title: string | null;
  seniority: string | null;
  country: string | null;
  industry: string | null;
  employees: number | null;
  consent: boolean;
  phone: string | null;
  buy_cycle: boolean | null;
  deal_size: number | null;
  events: FactEvent[];
}

export function prepareFacts(lead: RawLead, now: number): Facts {
  const email = lead.Email.toLowerCase();
  const at = email.lastIndexOf('@');
  return {
    domain: at < 0 ? null : email.slice(at + 1),
    title: lower(lead['Job Title']),
    seniority: lower(lead.seniority),
    country: lower(lead.country),
    industry: lower(lead.company.industry),
    employees: lead.company.employees ?? null,
    consent: lead.consent,
    phone: lead.phone ?? null,
    buy_cycle: lead.buy_cycle ?? null,
    deal_size: lead.deal_size ?? null,
    events: (lead.events ?? []).map((e) => ({
      type: e.type,
      age: now - (typeof e.at === 'number' ? e.at : Date.parse(e.at)),
      url: lower(e.url),
      attended: e.attended ?? null,
    })),
  };
}

function lower(text: string | null | undefined): string | null {
  return text == null ? null : text.toLowerCase();
}
