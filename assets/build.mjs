// Copy the front-end files that `sass` does not produce into static/build/,
// then check that every url(...) in the compiled CSS points at a file that
// exists. Run by `npm run build` after the CSS is compiled. No dependencies
// beyond Node's standard library (Node 20+).
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'static', 'build')
const nodeModules = join(root, 'node_modules')
const govuk = join(nodeModules, 'govuk-frontend', 'dist', 'govuk')
const moj = join(nodeModules, '@ministryofjustice', 'frontend', 'moj')

mkdirSync(join(out, 'assets', 'images'), { recursive: true })
mkdirSync(join(out, 'images'), { recursive: true })

/** Copy one file, creating the destination folder. */
function copy(from, to) {
  if (!existsSync(from)) {
    throw new Error(`build: missing source file ${relative(root, from)}`)
  }
  mkdirSync(dirname(to), { recursive: true })
  copyFileSync(from, to)
  console.log(`  ${relative(root, from)} -> ${relative(root, to)}`)
}

/** Copy every file of a folder (not recursive). */
function copyDir(from, to) {
  for (const name of readdirSync(from)) {
    copy(join(from, name), join(to, name))
  }
}

console.log('Copying front-end assets into static/build/')

// JavaScript: ES module bundles, with their source maps (Django's
// ManifestStaticFilesStorage follows `sourceMappingURL` comments and fails
// collectstatic if the map is missing).
for (const name of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
  copy(join(govuk, name), join(out, name))
}
for (const name of ['moj-frontend.min.js', 'moj-frontend.min.js.map']) {
  copy(join(moj, name), join(out, name))
}
copy(join(nodeModules, 'axe-core', 'axe.min.js'), join(out, 'axe.min.js'))
copy(join(root, 'assets', 'js', 'app.js'), join(out, 'app.js'))

// Images referenced by the compiled CSS (icons etc.), taken from GOV.UK
// Frontend or MOJ Frontend. Only what the CSS uses is copied: no GOV.UK crown
// favicons, logos or fonts (the council build uses system fonts).
const imageSources = [join(govuk, 'assets', 'images'), join(moj, 'assets', 'images')]
const cssPath = join(out, 'app.css')
const css = readFileSync(cssPath, 'utf8')
const cssUrls = [...css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)].map((m) => m[2].trim())
for (const url of new Set(cssUrls)) {
  const match = url.match(/^assets\/images\/([^?#/]+)/)
  if (!match) continue
  const source = imageSources.map((dir) => join(dir, match[1])).find((file) => existsSync(file))
  if (source) copy(source, join(out, 'assets', 'images', match[1]))
}

// Our own images (council favicon: no GOV.UK crown)
copyDir(join(root, 'assets', 'images'), join(out, 'images'))

// Check the compiled CSS: every url(...) must resolve to a file in static/build
const missing = []
let checked = 0
for (const url of cssUrls) {
  if (/^(data:|https?:|\/\/|#)/.test(url)) continue
  const path = url.split(/[?#]/)[0]
  let file
  if (path.startsWith('/static/')) {
    file = join(root, path.slice(1))
  } else if (path.startsWith('/')) {
    missing.push(`${url} (absolute URL outside /static/)`)
    continue
  } else {
    file = resolve(dirname(cssPath), path)
  }
  checked += 1
  if (!existsSync(file)) missing.push(`${url} -> ${relative(root, file)}`)
}
if (missing.length) {
  console.error('build: app.css references files that do not exist:')
  for (const m of missing) console.error(`  ${m}`)
  process.exit(1)
}
if (/GDS Transport|@font-face/.test(css)) {
  console.error('build: app.css still includes the GDS Transport font')
  process.exit(1)
}
console.log(`Checked ${checked} url(...) references in static/build/app.css: all present`)
