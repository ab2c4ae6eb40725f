import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { ru } from './ru.ts';
import { browserLocale, translate } from './translate.ts';

const SRC = path.resolve(import.meta.dirname, '..');

/** Every component and module of the app, tests and catalogs left out. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) &&
      !/\.test\.tsx?$/.test(name) &&
      !full.includes(`${path.sep}i18n${path.sep}`)
      ? [full]
      : [];
  });
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('have the same keys in Russian and English', () => {
    const ruKeys = Object.keys(ru).sort();
    const enKeys = Object.keys(en).sort();
    expect(
      ruKeys.filter((k) => !enKeys.includes(k)),
      'in ru.ts only',
    ).toEqual([]);
    expect(
      enKeys.filter((k) => !ruKeys.includes(k)),
      'in en.ts only',
    ).toEqual([]);
  });

  it('have no empty text and the same placeholders in both languages', () => {
    for (const [key, text] of Object.entries(en)) {
      const other = (ru as Record<string, string>)[key] ?? '';
      expect(text.trim(), `en ${key}`).not.toBe('');
      expect(other.trim(), `ru ${key}`).not.toBe('');
      expect(placeholders(other), key).toEqual(placeholders(text));
    }
  });

  it('know every key a component asks for with t(…)', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(10);
    const missing: string[] = [];
    let calls = 0;
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      for (const m of code.matchAll(/\bt\(\s*(['"`])([^'"`]+)\1/g)) {
        calls += 1;
        if (!(m[2]! in en) || !(m[2]! in ru)) missing.push(`${path.relative(SRC, file)}: ${m[2]}`);
      }
    }
    expect(missing).toEqual([]);
    expect(calls).toBeGreaterThan(50);
  });

  it('finds no hard-coded words between JSX tags or in labels, placeholders and titles', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles().filter((f) => f.endsWith('.tsx'))) {
      const code = readFileSync(file, 'utf8');
      // Text directly inside an element (`>Save<`), skipping expressions and the app's brand name.
      for (const m of code.matchAll(/>([^<>{}()=;]*[A-Za-zА-Яа-яЁё]{2,}[^<>{}()=;]*)</g)) {
        const text = m[1]!.trim();
        if (text && text !== 'Switchboard') offenders.push(`${path.relative(SRC, file)}: ${text}`);
      }
      for (const m of code.matchAll(
        /\b(aria-label|placeholder|title|alt)="([^"]*[A-Za-zА-Яа-я]{2,}[^"]*)"/g,
      )) {
        offenders.push(`${path.relative(SRC, file)}: ${m[1]}="${m[2]}"`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'inbox.unread', { count: 3 })).toBe('3 unread');
    expect(translate('ru', 'inbox.unread', { count: 3 })).toBe('Непрочитанных: 3');
    expect(translate('en', 'inbox.unread')).toBe('{count} unread');
  });

  it('takes the first browser language it speaks, English for any other', () => {
    expect(browserLocale(['ru-RU', 'en-US'])).toBe('ru');
    expect(browserLocale(['de-DE', 'en-GB', 'ru'])).toBe('en');
    expect(browserLocale(['uk', 'ru'])).toBe('ru');
    expect(browserLocale(['fr'])).toBe('en');
    expect(browserLocale([])).toBe('en');
  });
});
