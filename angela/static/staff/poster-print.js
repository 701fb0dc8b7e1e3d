// The poster preview's « Imprimer » button: it only shows when this script
// runs; without it, the browser's own Print menu prints the same sheet.

const button = document.querySelector("[data-print]");
if (button) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
