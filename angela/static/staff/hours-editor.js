// The opening-hours editor of the merchant form: adds and removes time
// ranges, shows only the chosen input (day rows or free text) and reads the
// result in French as one types. The server writes both the text and the
// reading (angela/staff/hours.py), so the rule lives in one place; without
// this script every row, the free text and the choice are plain inputs.

const editor = document.querySelector("[data-hours-editor]");
if (editor) setUp(editor);

function setUp(editor) {
  const form = editor.closest("form");
  const prefix = editor.dataset.prefix;
  const maxSpans = Number(editor.dataset.maxSpans);
  const radios = [...editor.querySelectorAll(`input[name="${prefix}_source"]`)];
  const readingText = editor.querySelector("[data-hours-reading-text]");
  const osmLine = editor.querySelector("[data-hours-osm-line]");
  const osm = editor.querySelector("[data-hours-osm]");
  let timer = null;
  let asked = 0;

  const source = () => radios.find((radio) => radio.checked)?.value ?? "text";

  const showPanels = () => {
    for (const panel of editor.querySelectorAll("[data-hours-panel]")) {
      panel.hidden = panel.dataset.hoursPanel !== source();
    }
  };

  const say = (text, isError = false) => {
    readingText.textContent = text;
    readingText.classList.toggle("error", isError);
  };

  const read = async () => {
    const ticket = ++asked;
    try {
      const response = await fetch(editor.dataset.readingUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
      });
      const answer = await response.json();
      if (ticket !== asked) return; // a newer question is on its way
      if (!response.ok) {
        say(answer.error || "Ces horaires ne peuvent pas être lus.", true);
        osmLine.hidden = true; // what would be saved is not known
        return;
      }
      say(answer.reading);
      osm.textContent = answer.text;
      osmLine.hidden = !answer.text;
    } catch {
      if (ticket === asked) {
        osmLine.hidden = true;
        say("La lecture en clair n'est pas disponible pour l'instant ; l'enregistrement vérifiera les horaires.", true);
      }
    }
  };

  const readSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(read, 300);
  };

  for (const day of editor.querySelectorAll("[data-hours-day]")) setUpDay(day, maxSpans, readSoon);
  for (const radio of radios) {
    radio.addEventListener("change", () => {
      showPanels();
      readSoon();
    });
  }
  editor.addEventListener("input", readSoon);
  editor.addEventListener("change", readSoon);
  showPanels();
}

function setUpDay(day, maxSpans, changed) {
  const list = day.querySelector("[data-hours-spans]");
  const state = day.querySelector("[data-hours-state]");
  const add = day.querySelector("[data-hours-add]");
  const spans = () => [...list.querySelectorAll("[data-hours-span]")];
  const filled = (span) => [...span.querySelectorAll("input")].some((input) => input.value);
  const model = spans()[0].cloneNode(true);

  // The server drew one blank range to fill without script: keep it only
  // for a day with no range yet; "Ajouter une plage" makes more.
  const blanks = spans().filter((span) => !filled(span));
  for (const span of blanks.slice(spans().some(filled) ? 0 : 1)) span.remove();

  const refresh = () => {
    const open = state.value === "hours";
    list.hidden = !open;
    add.hidden = !open || spans().length >= maxSpans;
  };

  const wire = (span) => {
    const remove = span.querySelector("[data-hours-remove]");
    remove.hidden = false;
    remove.addEventListener("click", () => {
      if (spans().length > 1) {
        span.remove();
      } else {
        for (const input of span.querySelectorAll("input")) input.value = "";
      }
      refresh();
      (spans().length < maxSpans ? add : state).focus();
      changed();
    });
  };

  add.addEventListener("click", () => {
    const used = new Set(spans().map((span) => span.querySelector("[data-hours-start]").name.split("-").pop()));
    const index = [...Array(maxSpans).keys()].find((i) => !used.has(String(i)));
    if (index === undefined) return;
    const span = numbered(model.cloneNode(true), index);
    list.append(span);
    wire(span);
    refresh();
    span.querySelector("input").focus();
    changed();
  });

  for (const span of spans()) wire(span);
  state.addEventListener("change", refresh);
  refresh();
}

// A copy of a range's inputs, blank, under the index `index` (names end
// with it; the hidden words for screen readers count from 1).
function numbered(span, index) {
  for (const element of span.querySelectorAll("[id], [name], [for]")) {
    for (const attribute of ["id", "name", "for"]) {
      const value = element.getAttribute(attribute);
      if (value) element.setAttribute(attribute, value.replace(/-\d+$/, `-${index}`));
    }
  }
  for (const input of span.querySelectorAll("input")) input.value = "";
  for (const words of span.querySelectorAll(".visually-hidden")) {
    words.textContent = words.textContent.replace(/\d+/, String(index + 1));
  }
  return span;
}
