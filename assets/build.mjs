// Builds the editor bundle into the app's static files: node build.mjs (make assets).
// Deterministic: the same lock file gives the same bytes, which CI checks (.ci/run).
import { readFileSync, writeFileSync } from "node:fs";
import * as esbuild from "esbuild";

const OUT = "../feedback/static";
const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const shipped = Object.entries(lock.packages).filter(
  ([path]) => /^node_modules\/(prosemirror-|orderedmap|rope-sequence|w3c-keyname)/.test(path),
);

await esbuild.build({
  entryPoints: { editor: "editor/main.js" },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  charset: "utf8",
  legalComments: "none",
  banner: { js: "/* feedback editor; third-party licences in editor.LICENSES.txt */", css: "/* feedback editor */" },
  outdir: OUT,
  logLevel: "warning",
});

// The MIT licences of what the bundle contains, next to it.
const notices = shipped.map(([path, info]) => {
  const name = path.slice("node_modules/".length);
  const licence = readFileSync(`${path}/LICENSE`, "utf8").trim();
  return `${name} ${info.version} (${info.license})\n\n${licence}\n`;
});
writeFileSync(`${OUT}/editor.LICENSES.txt`, notices.join("\n" + "-".repeat(72) + "\n\n"));
