#!/usr/bin/env node
// Makes the README's picture of the HTML report from the lab, never by hand: runs `amlprobe lab`
// (loopback only), opens its HTML page in headless Chromium, opens the first failed row's panel
// (its path picture and proof commands) and saves a PNG. Needs `npm run build` and /usr/bin/chromium.
//
//   node scripts/lab-report-screenshot.mjs [OUT.png]     (default docs/lab-report.png)

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'docs', 'lab-report.png'));
const work = mkdtempSync(join(tmpdir(), 'amlprobe-lab-shot-'));
try {
  const page = join(work, 'lab.html');
  execFileSync(process.execPath, [join(root, 'dist', 'src', 'cli.js'), 'lab', '--output', page], { stdio: ['ignore', 'inherit', 'inherit'] });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const tab = await browser.newPage({ viewport: { width: 1180, height: 900 }, deviceScaleFactor: 1 });
    await tab.goto(pathToFileURL(page).href);
    // The lab's explanations repeat the causes in the picture: fold them so the grid and a path show.
    await tab.evaluate(() => document.getElementById('lab')?.remove());
    await tab.click('tr.row[data-id="keyvault:443"]');
    // Down to the panel's path picture and proof commands, in page coordinates (the click scrolled).
    const bottom = await tab.evaluate(() => {
      const cmds = document.querySelector('tr.detail:not([hidden]) pre.cmds');
      return Math.ceil((cmds?.getBoundingClientRect().bottom ?? 800) + window.scrollY + 12);
    });
    await tab.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1180, height: Math.min(bottom, 1700) } });
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${out} (${Math.round(statSync(out).size / 1024)} KiB)\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
