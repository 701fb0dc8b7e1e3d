// The refuges' snapshot on the page: asked for once when the page loads —
// through the service worker, which answers at once from the phone's copy
// and checks the server behind it — and kept in memory for the taps. It
// knows where its copy comes from: current, or kept on the phone because
// the server could not be reached, and when the server last confirmed it.

import { prepare } from "./nearest.js";

const NOTICE = "angela-snapshot";

// The moment in an HTTP date, or null; a header sent twice arrives joined
// by a comma ("Sun, 29 Nov 2026 13:02:00 GMT, Sun, …"): the first counts.
function httpDate(text) {
  const first = /^[^,]*,[^,]*GMT/.exec(text ?? "");
  const date = new Date(first ? first[0] : NaN);
  return Number.isNaN(date.getTime()) ? null : date;
}

function confirmedAt(response) {
  return httpDate(response.headers.get("Date"));
}

export function watchSnapshot(url) {
  // index: the prepared snapshot, or null; offline/failed: the last check
  // with the server could not reach it / got an error; checkedAt: when the
  // server last confirmed the copy in use; pending: a check is under way.
  const state = { index: null, offline: false, failed: false, checkedAt: null, pending: true };
  let loading = Promise.resolve();
  let settle;
  const settled = new Promise((resolve) => {
    settle = resolve;
  });
  const done = () => {
    state.pending = false;
    settle();
  };

  const read = async () => {
    const response = await fetch(url);
    if (!response.ok) {
      throw new Error(`snapshot: HTTP ${response.status}`);
    }
    const kept = response.headers.get("X-Angela-Source") === "cache";
    const snapshot = await response.json();
    state.index = prepare(snapshot);
    state.checkedAt = confirmedAt(response);
    return kept;
  };

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      const notice = event.data;
      if (notice?.type !== NOTICE) {
        return;
      }
      state.offline = notice.outcome === "offline";
      state.failed = notice.outcome === "failed";
      if (notice.outcome === "updated") {
        loading = loading.then(read).catch(() => {}).then(done);
        return;
      }
      if (notice.outcome === "unchanged") {
        state.checkedAt = httpDate(notice.checkedAt) ?? state.checkedAt;
      }
      loading = loading.then(done);
    });
    navigator.serviceWorker.startMessages();
  }

  loading = read().then(
    (kept) => {
      if (!kept) {
        done();
      }
    },
    () => {
      // No copy on the phone, and the server out of reach.
      state.offline = true;
      done();
    },
  );

  return {
    state,
    // Resolves once the server's answer is known, or after `ms`.
    settled(ms) {
      return Promise.race([settled, new Promise((resolve) => setTimeout(resolve, ms))]);
    },
  };
}
