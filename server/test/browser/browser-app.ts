import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { FakeTelegram } from '../fakes/telegram/index.ts';
import type { TestApp } from '../support/test-app.ts';
import { connectBot, newBot } from '../telegram/receiving.helpers.ts';
import { type Browser, launchBrowser } from './browser.ts';

/** The address the test app's HTTP server answers on. */
export function appUrl(app: TestApp): string {
  return `http://127.0.0.1:${(app.http!.server.address() as AddressInfo).port}`;
}

/**
 * A fresh headless Chromium in the given browser language, pointed at the test app: its page waits up to `wait` ms
 * for anything.
 */
export async function openAppInBrowser(
  app: TestApp,
  locale: string,
  wait: number,
): Promise<{ browser: Browser; page: Page; baseUrl: string }> {
  const browser = await launchBrowser({ locale });
  browser.page.setDefaultTimeout(wait);
  return { browser, page: browser.page, baseUrl: appUrl(app) };
}

/** Closes what a test file started, the browser first (it talks to the app), skipping whatever never started. */
export async function closeAll(
  ...parts: Array<{ close(): Promise<void> } | { stop(): Promise<void> } | undefined>
): Promise<void> {
  for (const part of parts) {
    if (!part) continue;
    if ('close' in part) await part.close();
    else await part.stop();
  }
}

/**
 * A bot on the fake Telegram server connected as a channel, with the auto-reply off: the fake's record of sent
 * messages then holds only what the test itself makes Switchboard send.
 */
export async function connectQuietBot(app: TestApp, tg: FakeTelegram) {
  const created = newBot(tg);
  const channelId = await connectBot(app, created.token);
  await app.services.ctx.repos.channels.update(channelId, {
    inboxSettings: JSON.stringify({ autoReply: { enabled: false } }),
  });
  return { ...created, channelId };
}

/** The sign-in form's words in each language the browser may read it in. */
const SIGN_IN = {
  ru: { email: 'Эл. почта', password: 'Пароль', submit: 'Войти' },
  en: { email: 'Email', password: 'Password', submit: 'Sign in' },
} as const;

/** Opens `url` (the sign-in form shows first) and signs in through the form; the caller waits for what comes next. */
export async function signIn(
  page: Page,
  url: string,
  { email, password, language }: { email: string; password: string; language: keyof typeof SIGN_IN },
): Promise<void> {
  const words = SIGN_IN[language];
  await page.goto(url);
  await page.getByLabel(words.email).fill(email);
  await page.getByLabel(words.password).fill(password);
  await page.getByRole('button', { name: words.submit }).click();
}

/** Signs the page in with an API token, as the app itself keeps a session (for tests whose subject is not signing in). */
export async function signInWithToken(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.evaluate(
    ([t]) =>
      localStorage.setItem(
        'switchboard.session',
        JSON.stringify({ token: t, expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
      ),
    [token],
  );
}
