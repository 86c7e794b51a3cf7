// line.mjs: the line under a graded question, saying what is recorded for it. The kernel keeps it up to
// date as the student answers, so it never contradicts the question's widget. Imports nothing.

const ICONS = { recorded: "●", incomplete: "◐", unanswered: "○", cleared: "○", problem: "⚠" };

/** Call an optional model method; a missing or throwing one (a host without a kernel) is not an error. */
function tryModel(model, method, ...args) {
  try {
    if (typeof model[method] === "function") model[method](...args);
  } catch {
    // nothing to sync without a kernel
  }
}

function render({ model, el }) {
  const icon = document.createElement("span");
  icon.setAttribute("aria-hidden", "true");
  const words = document.createElement("span");
  const line = document.createElement("p");
  line.className = "ck-line";
  line.setAttribute("role", "status");
  line.append(icon, words);
  const show = () => {
    const state = model.get("state") || "unanswered";
    line.dataset.state = state;
    icon.textContent = `${ICONS[state] || "○"} `;
    words.textContent = model.get("text") || "";
  };
  show();
  el.append(line);
  tryModel(model, "on", "change:text", show);
  tryModel(model, "on", "change:state", show);
  return () => {
    tryModel(model, "off", "change:text", show);
    tryModel(model, "off", "change:state", show);
  };
}

export default { render };
