// Quick exit: the "Quitter" button, or Shift pressed three times within two
// seconds, blanks the page at once and replaces it in the history with a
// neutral site, so that "back" does not return here. Without this script the
// button is a plain link to the same site.

const PRESSES = 3;
const WINDOW_MS = 2000;

export function armQuickExit(doc) {
  const link = doc.querySelector("[data-quick-exit]");
  if (!link) {
    return;
  }
  const leave = () => {
    doc.documentElement.classList.add("is-leaving");
    doc.body.hidden = true;
    doc.title = "";
    window.location.replace(link.href);
  };
  link.addEventListener("click", (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    event.preventDefault();
    leave();
  });
  let presses = [];
  doc.addEventListener("keydown", (event) => {
    if (event.key !== "Shift" || event.repeat) {
      return;
    }
    presses = presses.filter((time) => event.timeStamp - time < WINDOW_MS);
    presses.push(event.timeStamp);
    if (presses.length >= PRESSES) {
      leave();
    }
  });
}
