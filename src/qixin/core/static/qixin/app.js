// Small behaviours without inline scripts (so the content security policy can forbid them).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.dataset.autosubmit !== undefined) {
    target.form.submit();
  }
});

// The organization tree: the first click loads the children (htmx), later clicks fold and unfold.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button.toggle") : null;
  if (!button || button.getAttribute("aria-expanded") === "false") return;
  const list = button.parentElement.querySelector(":scope > ul.children");
  const open = button.getAttribute("aria-expanded") === "true";
  list.hidden = open;
  button.setAttribute("aria-expanded", open ? "folded" : "true");
  button.textContent = open ? "▸" : "▾";
});
document.addEventListener("htmx:afterSwap", (event) => {
  const button = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (button instanceof HTMLButtonElement && button.classList.contains("toggle")) {
    button.setAttribute("aria-expanded", "true");
    button.textContent = "▾";
  }
});

// On a phone, a table becomes a list of cards: each cell is labelled with its column's heading
// (copied here from the table's own <th>, so no template repeats it). Tables whose heading spans
// columns keep their grid and scroll sideways.
function labelCells(root) {
  root.querySelectorAll(".table-wrap > table").forEach((table) => {
    const heads = table.tHead ? Array.from(table.tHead.rows[0]?.cells || []) : [];
    if (!heads.length || table.tHead.rows.length > 1 || heads.some((th) => th.colSpan > 1)) return;
    table.classList.add("stacks");
    Array.from(table.tBodies).forEach((body) => {
      Array.from(body.rows).forEach((row) => {
        Array.from(row.cells).forEach((cell, i) => {
          if (cell.colSpan === 1 && heads[i] && !cell.dataset.label) {
            cell.dataset.label = heads[i].textContent.trim();
          }
        });
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", () => labelCells(document));
document.addEventListener("htmx:afterSettle", (event) => labelCells(event.target.closest("main") || document));
