// The test page's script: MyST's own anywidget renderer (npm's @myst-theme/anywidget, the code the
// book theme runs) mounted with React. esbuild bundles this file with its npm dependencies; the
// widget module itself (quiz.mjs) is imported by that renderer at run time from the node's `esm` URL,
// as in the published book.
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { ANY_RENDERERS, MystAnyModel } from "@myst-theme/anywidget";

const Renderer = ANY_RENDERERS.anywidget;
let root = null;

// Render one `anywidget` AST node (what the book's {quiz} plugin emits) and wait for the widget.
window.mountMystNode = async (node) => {
  root?.unmount();
  const mount = document.getElementById("mount");
  mount.replaceChildren();
  root = createRoot(mount);
  root.render(createElement(Renderer, { node }));
  for (let i = 0; i < 200; i++) {
    const shadow = mount.querySelector(".myst-anywidget")?.shadowRoot;
    if (shadow?.querySelector(".ck-quiz")) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the renderer showed no widget: ${mount.innerText}`);
};

// What the theme's model does when called (read by the test, to prove it is the real one).
window.mystModelBehaviour = () => {
  const model = new MystAnyModel({ value: null });
  const tryCall = (f) => {
    try {
      f();
      return "ok";
    } catch (e) {
      return String(e.message);
    }
  };
  return {
    save_changes: tryCall(() => model.save_changes()),
    off: tryCall(() => model.off("change:value", () => {})),
    send: tryCall(() => model.send({})),
  };
};
window.mystReady = true;
