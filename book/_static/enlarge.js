// Click a figure to see it at full size over the page; click again or press Escape to close.
// (book/_ext/mem_book.py adds this file to every page.)
document.addEventListener("DOMContentLoaded", () => {
  const box = document.createElement("div");
  box.className = "mem-lightbox";
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-label", "Enlarged figure (click or press Escape to close)");
  box.hidden = true;
  const big = document.createElement("img");
  box.appendChild(big);
  document.body.appendChild(box);
  const close = () => { box.hidden = true; };
  box.addEventListener("click", close);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
  document.querySelectorAll("article .cell_output img, article figure img").forEach((img) => {
    img.classList.add("mem-enlargeable");
    img.title = "Click to enlarge";
    img.tabIndex = 0;
    // Sphinx wraps a sized image in a link to the file: the viewer replaces that navigation
    const open = (e) => { e.preventDefault(); e.stopPropagation();
      big.src = img.currentSrc || img.src; big.alt = img.alt; box.hidden = false; };
    img.addEventListener("click", open);
    img.addEventListener("keydown", (e) => { if (e.key === "Enter") open(e); });
  });
});
