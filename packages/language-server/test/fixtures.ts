// A small two-file program used by the protocol tests: a schema and rules that import it.

export const SCHEMA = `// The shape of a lead.
lead {
  /// Work email address.
  email: email
  title?: string
  seniority?: "ic" | "manager" | "director" | "vp" | "cxo"
  consent: bool
  company: {
    industry?: "software" | "finance" | "retail"
    /// Head count.
    employees?: number
  }
}

/// A visit to a page of our website.
event page_view { url: string }
event purchase { amount: number, currency: string }
`;

export const RULES = `import "./schema.mql"

/// Free web-mail providers.
list freemail = ["gmail.com", "yahoo.com"]

segment decision_maker = seniority in ["director", "vp", "cxo"]

/// How well the lead fits.
score fit {
  range 0 to 50
  "Target industry": +15 when company.industry == "software"
  "Decision maker":  +20 when decision_maker
  "Free-mail":       -30 when email.domain in freemail
}

score engagement {
  "Pricing views": +5 per page_view within 30d where url contains "/pricing" max 15
  "Buyer":         +10 when any(purchase where amount > 100)
}

score priority = 0.5 * fit + engagement

grade profile {
  A when fit >= 30
  else B
}

stage MQL "Marketing qualified lead" {
  require "Fits": fit >= 30
  reject "Free-mail": email.domain in freemail
}

stage SAL after MQL {
  require consent
}

test "A director at a software company" {
  lead { email: "dana@acme.io", consent: true, seniority: "director", company: { industry: "software" } }
  expect stage SAL
  expect profile == "A"
  expect priority >= 17.5
}
`;
