// Denial queue keyboard (j/k move, Enter opens, n takes the next denial) and htmx
// error display: a refused action answers 400 with a message that must be shown.
(() => {
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  const typing = (el) =>
    el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

  const rows = () => Array.from(document.querySelectorAll("#queue-table tbody tr[data-href]"));
  let index = -1;

  const select = (next) => {
    const all = rows();
    if (!all.length) return;
    index = Math.max(0, Math.min(all.length - 1, next));
    all.forEach((row, i) => {
      row.classList.toggle("selected", i === index);
      row.setAttribute("aria-selected", String(i === index));
    });
    all[index].scrollIntoView({ block: "nearest" });
    const link = all[index].querySelector("a");
    if (link) link.focus({ preventScroll: true });
  };

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === "n") {
      const button = document.getElementById("next-denial");
      if (button) {
        event.preventDefault();
        button.form.requestSubmit ? button.form.requestSubmit() : button.form.submit();
      }
      return;
    }
    if (!document.getElementById("queue-table")) return;
    if (event.key === "j") {
      event.preventDefault();
      select(index + 1);
    } else if (event.key === "k") {
      event.preventDefault();
      select(index - 1);
    } else if (event.key === "Enter" && index >= 0 && event.target.tagName !== "A") {
      const row = rows()[index];
      if (row) window.location.assign(row.dataset.href);
    }
  });

  // A new result set (search, paging) starts the selection over.
  document.addEventListener("htmx:afterSwap", () => { index = -1; });
})();
