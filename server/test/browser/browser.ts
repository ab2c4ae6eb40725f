import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';

/** Debian's Chromium: CI installs it with apt (.ci/run); playwright-core downloads no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Screenshots of each page, kept after the run for people to look at (gitignored). */
export const SCREENSHOTS = path.join(ROOT, 'test-artifacts', 'screenshots');

/**
 * The web app built from the current sources, so the browser never tests a stale bundle: the global setup builds it once
 * per run (test/support/global-setup.ts); this fails the calling file with the build's error if that build failed.
 */
export async function buildWebApp(): Promise<void> {
  const error = inject('webBuildError');
  if (error) throw new Error(`building the web app failed: ${error}`);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile; fails (never skips) when Chromium is missing. */
export async function launchBrowser(options: { locale: string }): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the browser tests need it. Install it with "apt-get install -y chromium" (.ci/run does).`,
    );
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'switchboard-chromium-'));
  // A persistent context is how playwright takes a user-data dir of our choosing: a fresh one each run.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: options.locale,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot under test-artifacts/screenshots. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
