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
