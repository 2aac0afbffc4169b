// axe, the rule engine DAISY Ace runs on an EPUB's content documents, run on web pages.
//
//   node tests/axe_pages.js ACE_CLI PAGE.html...
//
// ACE_CLI is Ace's command (ace-cli, or the file it links to): Ace's own axe-core build and
// its puppeteer are found from there, so the pages meet the very rules and version the
// EPUBs meet. One headless Chromium (PUPPETEER_EXECUTABLE_PATH) loads every page in turn;
// every rule axe enables by default runs, those Ace turns off for e-books included (a web
// page needs its landmarks and a way past repeated blocks). Prints one JSON object: for
// each page, its violations as {rule, impact, html}. Used by tests/test_ace.py.
'use strict';

const fs = require('fs');
const { createRequire } = require('module');
const { pathToFileURL } = require('url');

// Each package is found from the one that depends on it, as Node.js would load it, so
// nested and flat installs alike resolve.
const from = (base, name) => createRequire(base).resolve(name);

async function main() {
  const [aceCli, ...pages] = process.argv.slice(2);
  const cli = fs.realpathSync(aceCli);
  const runner = from(cli, '@daisy/ace-axe-runner-puppeteer');
  const puppeteer = require(from(runner, 'puppeteer'));
  const core = from(from(cli, '@daisy/ace-cli-shared'), '@daisy/ace-core');
  const axe = fs.readFileSync(from(core, '@daisy/axe-core-for-ace/axe.min.js'), 'utf8');

  // As Ace launches it (ace-axe-runner-puppeteer).
  const browser = await puppeteer.launch({
    args: ['--no-sandbox', '--disable-setuid-sandbox'],
    headless: true,
  });
  const out = {};
  try {
    for (const file of pages) {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.addScriptTag({ content: axe });
      const result = await page.evaluate(() => window.axe.run(document));
      out[file] = result.violations.flatMap((rule) =>
        rule.nodes.map((node) => ({ rule: rule.id, impact: rule.impact, html: node.html })),
      );
      await page.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
