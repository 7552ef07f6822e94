// A live character counter for text areas with a length limit (progressive enhancement: the
// limit is stated in the page and enforced by the server; without this script nothing breaks).
// <textarea maxlength="N" data-counter="ID"> and <p id="ID" data-template="… {count} …" hidden>.
// Characters are counted as the server counts them (Unicode scalar values), not UTF-16 units.
const count = (s) => Array.from(s).length;

for (const area of document.querySelectorAll("textarea[data-counter]")) {
  const out = document.getElementById(area.dataset.counter);
  const limit = Number(area.getAttribute("maxlength") || area.dataset.limit || 0);
  if (!out || !limit) continue;
  const template = out.dataset.template || "{count} / {limit}";
  const update = () => {
    const n = count(area.value);
    out.textContent = template.replace("{count}", String(n)).replace("{limit}", String(limit));
    out.classList.toggle("over", n > limit);
  };
  area.addEventListener("input", update);
  out.hidden = false;
  update();
}
