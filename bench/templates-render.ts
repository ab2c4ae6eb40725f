/**
 * Micro-benchmark of per-recipient template rendering (services/templates/render.ts): a cached, typical
 * Telegram template with a variant, filters and a button, rendered for varied contacts. Prints renders/s.
 * Run: npx tsx bench/templates-render.ts [seconds]
 */
import { renderTemplate } from '../server/src/services/templates/render.ts';
import type { TemplateSource } from '../server/src/services/templates/types.ts';

const seconds = Number(process.argv[2] ?? 3);
const template: TemplateSource = {
  id: 'bench',
  version: 1,
  format: 'telegram_html',
  body: 'Здравствуйте, <b>{{ contact.firstName | default: "друг" }}</b>! Урок {{ data.lessonAt | local_date: "long" }}. Осталось {{ data.left }} {{ data.left | plural: "урок", "урока", "уроков" }}, к оплате {{ data.amount | money: "RUB" }}.',
  variants: {
    en: 'Hello, <b>{{ contact.firstName | default: "friend" }}</b>! Lesson on {{ data.lessonAt | local_date: "long" }}. {{ data.left }} {{ data.left | plural: "lesson", "lessons" }} left, {{ data.amount | money: "RUB" }} due.',
  },
  buttons: [
    [
      {
        kind: 'url',
        text: 'Открыть',
        url: 'https://school.example/l/{{ data.lessonId }}',
        textVariants: { en: 'Open' },
      },
    ],
  ],
};
const workspace = { name: 'Школа', timezone: 'Europe/Moscow', locale: 'ru' };
const zones = ['Europe/Moscow', 'Asia/Novosibirsk', 'Europe/Berlin', null];
const contacts = Array.from({ length: 1000 }, (_, i) => ({
  firstName: i % 7 === 0 ? '<Иван & Co>' : `Имя${i}`,
  language: i % 3 === 0 ? 'en' : 'ru',
  timezone: zones[i % zones.length],
}));

let n = 0;
const started = performance.now();
const until = started + seconds * 1000;
while (performance.now() < until) {
  for (let i = 0; i < 100; i++, n++) {
    const c = contacts[n % contacts.length]!;
    renderTemplate(template, {
      contact: c,
      workspace,
      data: { lessonAt: '2026-11-22T07:00:00Z', left: n % 30, amount: 1990, lessonId: n },
    });
  }
}
const elapsed = (performance.now() - started) / 1000;
console.log(
  `${n} renders in ${elapsed.toFixed(2)} s: ${Math.round(n / elapsed)} renders/s (${((elapsed / n) * 1e6).toFixed(1)} µs each)`,
);
