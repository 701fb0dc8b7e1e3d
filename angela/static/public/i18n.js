// The page's words in the page's language. French is the source: a message
// is written in French where it is used, `_("Lien copié")`, and Babel
// extracts it with the server's messages into the same catalogues
// (angela.core.i18n). For another language, the page names the small JSON
// of the messages these modules use (`<html data-words>`, fingerprinted,
// kept by the service worker); it is read once, before any module that
// imports this one runs. If it cannot be read, the page speaks French
// rather than not work.
//
// Placeholders are named as on the server: _("Refuges à %(name)s", { name }).

const root = document.documentElement;

// The page's language ("fr", "en", "ar"…), as <html lang> says.
export const lang = root.lang || "fr";

async function load(url) {
  if (!url) {
    return null;
  }
  try {
    const response = await fetch(url);
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

const catalogue = await load(root.dataset.words);
const messages = catalogue?.messages ?? {};

// How dates, times and numbers are written ("en-GB" for English), and the
// hours of a time of day as the server's Babel writes them.
export const locale = catalogue?.locale ?? lang;
export const clockOptions = catalogue?.clock ?? { hour: "2-digit", hourCycle: "h23" };
const plurals = new Intl.PluralRules(lang);

function fill(text, values) {
  return text.replace(/%\((\w+)\)[sd]|%%/g, (found, name) => (name ? String(values[name]) : "%"));
}

// `message` in the page's language, `values` filled in.
export function _(message, values = {}) {
  return fill(messages[message] ?? message, values);
}

// The form of `singular`/`plural` for `count` (also given as %(count)s).
export function ngettext(singular, plural, count, values = {}) {
  const forms = messages[singular];
  let text;
  if (Array.isArray(forms)) {
    const index = catalogue.plural[plurals.select(count)] ?? catalogue.plural.other;
    text = forms[index] ?? forms[forms.length - 1];
  } else {
    // French, the source: 0 and 1 take the singular ("Encore 0 caractère").
    text = plurals.select(count) === "one" ? singular : plural;
  }
  return fill(text, { count, ...values });
}
