// mystmd runs this with CONTENT_CDN (its content server) and BUILD_DIRECTORY (book/_build/html) set:
// write every page's JSON, as served to a theme, into the HTML folder.
import { mkdir, writeFile } from "node:fs/promises";

const cdn = process.env.CONTENT_CDN;
const out = process.env.BUILD_DIRECTORY;
const config = await (await fetch(`${cdn}/config.json`)).json();
await mkdir(out, { recursive: true });
for (const project of config.projects) {
  for (const slug of [project.index, ...project.pages.map((p) => p.slug).filter(Boolean)]) {
    const page = await fetch(`${cdn}/content/${slug}.json`);
    if (!page.ok) throw new Error(`${slug}.json: HTTP ${page.status}`);
    await writeFile(`${out}/${slug}.json`, await page.text());
  }
}
