// Builds the patient chat page into dist/: one JS bundle (our widget + socket.io-client),
// the stylesheet and the static files. Nothing is loaded from a CDN at run time.
import { build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "src");
const dist = join(here, "dist");

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

await build({
  entryPoints: [join(src, "main.js")],
  outfile: join(dist, "app.js"),
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2020", "chrome87", "edge88", "firefox78", "safari15"],
  minify: true,
  legalComments: "eof",
  logLevel: "warning",
});

await build({
  entryPoints: [join(src, "style.css")],
  outfile: join(dist, "app.css"),
  bundle: true,
  minify: true,
  target: ["chrome87", "edge88", "firefox78", "safari15"],
  logLevel: "warning",
});

for (const file of ["index.html", "favicon.svg"]) {
  await copyFile(join(src, file), join(dist, file));
}
console.log(`built ${dist}`);
