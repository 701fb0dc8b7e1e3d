// "Partager ce refuge", on a refuge's page: the page someone sends a friend.
// The server renders a plain SMS link holding the refuge and its page's
// address; with this script, the phone's own share sheet replaces it when
// there is one, and otherwise "Copier le lien" comes beside it. What is
// shared is the refuge's page, never her position: nothing here reads it.

import { _ } from "./i18n.js";

// Translators: said once the refuge page's link is copied, to be pasted in a message.
const COPIED = _("Lien copié");
const NOT_COPIED = _("Le lien n'a pas pu être copié : envoyez-le par SMS.");
const NOT_SHARED = _("Le partage n'a pas abouti : envoyez le lien par SMS.");

export function armShare(block) {
  const { shareTitle: title, shareText: text, shareUrl: url } = block.dataset;
  const sms = block.querySelector("[data-share-sms]");
  const native = block.querySelector("[data-share-native]");
  const copy = block.querySelector("[data-share-copy]");
  const status = block.querySelector("[data-share-status]");
  // Emptied first, so that saying the same words again is heard again.
  const say = (words) => {
    status.textContent = "";
    setTimeout(() => {
      status.textContent = words;
    }, 50);
  };
  const canCopy = typeof navigator.clipboard?.writeText === "function";
  const offerSms = () => {
    sms.hidden = false;
    copy.hidden = !canCopy;
  };
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(url);
      say(COPIED);
    } catch {
      say(NOT_COPIED);
    }
  });
  const data = { title, text, url };
  if (typeof navigator.share !== "function" || navigator.canShare?.(data) === false) {
    offerSms();
    return;
  }
  sms.hidden = true;
  native.hidden = false;
  native.addEventListener("click", async () => {
    status.textContent = "";
    try {
      await navigator.share(data);
    } catch (error) {
      // She closed the share sheet: her choice, nothing to say.
      if (error.name === "AbortError") {
        return;
      }
      offerSms();
      say(NOT_SHARED);
    }
  });
}
