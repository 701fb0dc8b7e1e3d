// The public page's service worker, written by hand (no build step). The
// server serves it at /sw.js with SETTINGS filled in (angela.public.offline):
// the deploy's version, the app shell to keep, the snapshot's address.
//
// - The app shell (the page, its styles and modules, icons, the emergency
//   numbers in the page) is kept at install, under a cache named for the
//   deploy; a new deploy installs its own, takes over at once and deletes
//   the old ones.
// - The refuges' snapshot: answered at once from the phone's copy, checked
//   with the server behind it (stale-while-revalidate); the page is told
//   whether the copy is current, was updated, or the server was unreachable.
// - Pages: from the network, falling back to the kept page after a short
//   wait or when the network fails. Each language has its home page
//   (`/`, `/en/`, `/ar/`…): French's is kept at install, with those of the
//   pages open then and their catalogues, and each language's from its
//   first visit; a page falls back to the home of its own language.
// - Map tiles (another origin) are never fetched or kept here: only what
//   the browser's own cache already holds may show.
// - The staff face, the API (but the snapshot) and anything not GET are
//   left to the browser.

const SHELL = `angela-shell-${SETTINGS.version}`;
const RUNTIME = `angela-runtime-${SETTINGS.version}`;
const DATA = `angela-data-v${SETTINGS.snapshotFormat}`;
const KEEP = new Set([SHELL, RUNTIME, DATA]);
const NOTICE = "angela-snapshot";
const FINGERPRINTED = new RegExp(SETTINGS.fingerprinted);

// Fingerprinted files never change; the rest is checked with the server.
const fresh = (url) => new Request(url, { cache: url.startsWith(SETTINGS.staticPrefix) ? "default" : "no-cache" });

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL);
      await shell.addAll([...SETTINGS.precache, ...(await openLanguages())].map(fresh));
      try {
        const response = await fetch(fresh(SETTINGS.snapshotUrl));
        if (response.ok) {
          await (await caches.open(DATA)).put(SETTINGS.snapshotUrl, response);
        }
      } catch {
        // Kept from before, or asked again when the page loads.
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith("angela-") && !KEEP.has(name)).map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname === SETTINGS.snapshotUrl) {
    event.respondWith(snapshot(event));
  } else if (request.mode === "navigate") {
    if (SETTINGS.pages.some((prefix) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`))) {
      event.respondWith(page(event, url));
    }
  } else if (url.pathname.startsWith(SETTINGS.staticPrefix)) {
    event.respondWith(staticFile(request));
  }
});

// The language of a public address: "en" for /en/…, null for French.
function languageOf(pathname) {
  const first = pathname.split("/")[1];
  return Object.hasOwn(SETTINGS.homes, first) ? first : null;
}

function homeOf(pathname) {
  const language = languageOf(pathname);
  return language ? SETTINGS.homes[language] : SETTINGS.homeUrl;
}

// The home pages and catalogues of the other languages the open pages speak.
async function openLanguages() {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const found = new Set(windows.map((client) => languageOf(new URL(client.url).pathname)));
  found.delete(null);
  return [...found].flatMap((language) => [SETTINGS.homes[language], SETTINGS.catalogues[language]]);
}

async function tell(clientId, message) {
  const client = clientId ? await self.clients.get(clientId) : null;
  client?.postMessage({ type: NOTICE, ...message });
}

// The phone's copy at once, marked as such; the server's behind it.
async function snapshot(event) {
  const cache = await caches.open(DATA);
  const kept = await cache.match(SETTINGS.snapshotUrl);
  const check = (async () => {
    try {
      const response = await fetch(fresh(SETTINGS.snapshotUrl));
      if (!response.ok) {
        return { outcome: "failed", response };
      }
      await cache.put(SETTINGS.snapshotUrl, response.clone());
      const same = kept && kept.headers.get("ETag") === response.headers.get("ETag");
      return { outcome: same ? "unchanged" : "updated", response, checkedAt: response.headers.get("Date") };
    } catch {
      return { outcome: "offline", response: null };
    }
  })();
  if (!kept) {
    const { response } = await check;
    return response ?? Response.error();
  }
  event.waitUntil(
    check.then(({ outcome, checkedAt }) => tell(event.clientId, { outcome, checkedAt: checkedAt ?? null })),
  );
  const headers = new Headers(kept.headers);
  headers.set("X-Angela-Source", "cache");
  return new Response(kept.body, { status: kept.status, statusText: kept.statusText, headers });
}

// The network first; the kept page when it fails or is slow.
async function page(event, url) {
  const network = fetch(event.request);
  const home = homeOf(url.pathname);
  if (url.pathname === home && url.search === "") {
    event.waitUntil(
      network
        .then(async (response) => {
          if (response.ok) {
            await (await caches.open(SHELL)).put(home, response.clone());
          }
        })
        .catch(() => {}),
    );
  }
  // The kept home of the page's language, or the French one.
  const kept = (await caches.match(home)) ?? (await caches.match(SETTINGS.homeUrl));
  if (!kept) {
    return network;
  }
  const late = new Promise((resolve) => {
    setTimeout(() => resolve(kept), SETTINGS.navigationTimeoutMs);
  });
  try {
    return await Promise.race([network.then((response) => response.clone()), late]);
  } catch {
    return kept;
  }
}

async function staticFile(request) {
  const kept = await caches.match(request);
  if (kept) {
    return kept;
  }
  const response = await fetch(request);
  if (response.ok && FINGERPRINTED.test(new URL(request.url).pathname)) {
    await (await caches.open(RUNTIME)).put(request, response.clone());
  }
  return response;
}
