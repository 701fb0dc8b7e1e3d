// Sending a street report, and keeping it on the phone while there is no
// network. A kept report holds only what the server needs (the form's
// fields, the refuge's report address, the moment it was made) and is
// deleted as soon as the server has answered for good. Sending takes a
// lock shared by every tab and page of the site, so that two pages loading
// at once never send the same kept report twice.

const STORE = "angela-reports";
const LOCK = "angela-reports";
const JSON_ONLY = { Accept: "application/json" };
// The token was refused: a fresh one is fetched and the report sent once more.
const STALE_TOKEN = new Set(["token_expired", "token_invalid"]);

// The moment as ISO 8601 with the phone's offset: 2026-11-29T21:04:05+01:00.
export function isoWithOffset(date) {
  const pad = (number) => String(Math.abs(number)).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}

async function errorOf(response) {
  try {
    return (await response.json()).error ?? null;
  } catch {
    return null;
  }
}

// What the server said, as one of: sent; busy (429, try later); down (5xx);
// refused (anything else, with its error). A network failure throws.
async function outcomeOf(response) {
  if (response.ok) {
    return { kind: "sent" };
  }
  if (response.status === 429) {
    return { kind: "busy", retryAfter: response.headers.get("Retry-After"), error: await errorOf(response) };
  }
  if (response.status >= 500) {
    return { kind: "down" };
  }
  return { kind: "refused", status: response.status, error: await errorOf(response) };
}

async function token(url) {
  const response = await fetch(url, { headers: JSON_ONLY, cache: "no-store" });
  if (!response.ok) {
    return { outcome: await outcomeOf(response) };
  }
  return { token: (await response.json()).token };
}

// Send one report with a fresh token; return its outcome (see outcomeOf).
export async function deliver(report, retried = false) {
  const issued = await token(report.url);
  if (issued.outcome) {
    return issued.outcome;
  }
  const body = new URLSearchParams({
    token: issued.token,
    reason: report.reason,
    text: report.text,
    email: report.email,
    made_at: report.made_at,
    site_web: "", // the honeypot: only robots fill it
  });
  const response = await fetch(report.url, { method: "POST", headers: JSON_ONLY, body, cache: "no-store" });
  const outcome = await outcomeOf(response);
  if (!retried && response.status === 400 && STALE_TOKEN.has(outcome.error?.code)) {
    return deliver(report, true);
  }
  return outcome;
}

function kept() {
  try {
    const reports = JSON.parse(localStorage.getItem(STORE) ?? "[]");
    return Array.isArray(reports) ? reports : [];
  } catch {
    return [];
  }
}

function store(reports) {
  if (reports.length === 0) {
    localStorage.removeItem(STORE);
  } else {
    localStorage.setItem(STORE, JSON.stringify(reports));
  }
}

// Keep a report on the phone until sendKept sends it (under the lock, so
// that a page sending the kept ones meanwhile cannot write over it).
export function keep(report) {
  return exclusively(() => store([...kept(), report]));
}

function forget(id) {
  store(kept().filter((report) => report.id !== id));
}

let inPage = Promise.resolve();

// One sender at a time across the site's pages (the Web Locks API), or at
// least within this page where the browser has no such lock.
function exclusively(task) {
  if (navigator.locks?.request) {
    return navigator.locks.request(LOCK, task);
  }
  inPage = inPage.then(task, task);
  return inPage;
}

// Send the kept reports, oldest first, each with the moment it was made;
// `told(report, outcome)` hears of each one answered for good. Stops at the
// first that cannot go yet (no network, server busy or down).
export function sendKept(told) {
  return exclusively(async () => {
    if (!navigator.onLine) {
      return;
    }
    for (const report of kept()) {
      let outcome;
      try {
        outcome = await deliver(report);
      } catch {
        return;
      }
      if (outcome.kind === "busy" || outcome.kind === "down") {
        return;
      }
      forget(report.id);
      told(report, outcome);
    }
  });
}
