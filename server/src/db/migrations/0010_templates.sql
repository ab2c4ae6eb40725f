-- Message templates (LiquidJS, rendered per recipient by broadcasts and notifications).
-- A template has a default body plus optional bodies per language; buttons may carry templated texts and URLs.
create table templates (
  id uuid primary key default gen_random_uuid(),
  -- Optional human key for built-ins and API callers ("welcome", "payment_success.telegram").
  key text unique check (key ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
  name text not null,
  -- How inserted values are escaped and what the literal markup may be: Telegram's HTML subset, email HTML, plain text.
  format text not null default 'telegram_html' check (format in ('telegram_html', 'email_html', 'text')),
  -- The default body, used when no variant matches the recipient's language (its language is the workspace's).
  body text not null,
  -- {"en": "…", "ru": "…"}: bodies per language tag.
  variants jsonb not null default '{}',
  -- Rows of buttons: [[{"kind": "url", "text": "…", "url": "…", "textVariants": {"en": "…"}}, …], …].
  buttons jsonb not null default '[]',
  attachment_id uuid references attachments (id) on delete set null,
  -- Example `data` used by previews and by validation at save.
  sample_data jsonb not null default '{}',
  built_in boolean not null default false,
  -- Bumped on every change: renderers cache parsed templates by (id, version).
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index templates_name_idx on templates (lower(name));

-- Built-in templates a school or a shop needs from day one. Russian first; the default body is Russian as well, so a
-- workspace whose default language is Russian needs no variant lookup. Editable, not deletable; re-running is a no-op.
insert into templates (key, name, format, body, variants, buttons, sample_data, built_in) values
(
  'welcome', 'Приветствие / Welcome', 'telegram_html',
  E'Здравствуйте, {{ contact.firstName | default: "друг" }}! 👋\n\nСпасибо, что подписались на <b>{{ workspace.name }}</b>. Здесь мы будем присылать важные новости, напоминания и специальные предложения — не чаще, чем это действительно нужно.\n\nЕсли появится вопрос, просто напишите в этот чат: вам ответит живой человек.',
  jsonb_build_object(
    'ru', E'Здравствуйте, {{ contact.firstName | default: "друг" }}! 👋\n\nСпасибо, что подписались на <b>{{ workspace.name }}</b>. Здесь мы будем присылать важные новости, напоминания и специальные предложения — не чаще, чем это действительно нужно.\n\nЕсли появится вопрос, просто напишите в этот чат: вам ответит живой человек.',
    'en', E'Hello, {{ contact.firstName | default: "friend" }}! 👋\n\nThank you for subscribing to <b>{{ workspace.name }}</b>. We will send you important news, reminders and special offers here — only when it really matters.\n\nIf you have a question, just write to this chat: a real person will answer.'
  ),
  '[]', '{}', true
),
(
  'newsletter', 'Новости / Newsletter', 'telegram_html',
  E'<b>{{ data.title | default: "Новости недели" }}</b>\n\n{{ contact.firstName | default: "Здравствуйте" }}, вот что нового в {{ workspace.name }}:\n\n{{ data.summary }}\n\nПодробности — по кнопке ниже.',
  jsonb_build_object(
    'ru', E'<b>{{ data.title | default: "Новости недели" }}</b>\n\n{{ contact.firstName | default: "Здравствуйте" }}, вот что нового в {{ workspace.name }}:\n\n{{ data.summary }}\n\nПодробности — по кнопке ниже.',
    'en', E'<b>{{ data.title | default: "This week''s news" }}</b>\n\n{{ contact.firstName | default: "Hello" }}, here is what''s new at {{ workspace.name }}:\n\n{{ data.summary }}\n\nMore details behind the button below.'
  ),
  jsonb_build_array(jsonb_build_array(jsonb_build_object(
    'kind', 'url', 'text', 'Читать полностью', 'url', '{{ data.url | default: "https://example.com/news" }}',
    'textVariants', jsonb_build_object('en', 'Read more')
  ))),
  jsonb_build_object(
    'title', 'Новый курс по английскому',
    'summary', 'Открыта запись на весенний поток: 12 занятий с преподавателем и разговорный клуб по пятницам.',
    'url', 'https://example.com/news/spring-course'
  ),
  true
),
(
  'promo', 'Промокод / Promo code', 'telegram_html',
  E'🎁 {{ contact.firstName | default: "Здравствуйте" }}, у нас для вас подарок!\n\nСкидка <b>{{ data.discount | default: "10" }}%</b> по промокоду <code>{{ data.code }}</code>{% if data.validUntil %} — действует до {{ data.validUntil | local_date: "date" }}{% endif %}.\n\nУспейте воспользоваться!',
  jsonb_build_object(
    'ru', E'🎁 {{ contact.firstName | default: "Здравствуйте" }}, у нас для вас подарок!\n\nСкидка <b>{{ data.discount | default: "10" }}%</b> по промокоду <code>{{ data.code }}</code>{% if data.validUntil %} — действует до {{ data.validUntil | local_date: "date" }}{% endif %}.\n\nУспейте воспользоваться!',
    'en', E'🎁 {{ contact.firstName | default: "Hello" }}, we have a gift for you!\n\nGet <b>{{ data.discount | default: "10" }}% off</b> with the promo code <code>{{ data.code }}</code>{% if data.validUntil %} — valid until {{ data.validUntil | local_date: "date" }}{% endif %}.\n\nDon''t miss it!'
  ),
  jsonb_build_array(jsonb_build_array(jsonb_build_object(
    'kind', 'url', 'text', 'Воспользоваться', 'url', '{{ data.url | default: "https://example.com/shop" }}',
    'textVariants', jsonb_build_object('en', 'Use it now')
  ))),
  jsonb_build_object('code', 'SPRING15', 'discount', 15, 'validUntil', '2026-12-31T20:59:00Z', 'url', 'https://example.com/shop'),
  true
),
(
  'maintenance', 'Технические работы / Maintenance notice', 'telegram_html',
  E'🛠 <b>Плановые технические работы</b>\n\nНачало: {{ data.startsAt | local_date: "long" }}{% if data.endsAt %}\nОкончание: {{ data.endsAt | local_date: "long" }}{% endif %}\n\nВ это время {{ workspace.name }} будет недоступен{% if data.reason %} ({{ data.reason }}){% endif %}. Приносим извинения за неудобства. Все данные сохранятся, ничего делать не нужно.',
  jsonb_build_object(
    'ru', E'🛠 <b>Плановые технические работы</b>\n\nНачало: {{ data.startsAt | local_date: "long" }}{% if data.endsAt %}\nОкончание: {{ data.endsAt | local_date: "long" }}{% endif %}\n\nВ это время {{ workspace.name }} будет недоступен{% if data.reason %} ({{ data.reason }}){% endif %}. Приносим извинения за неудобства. Все данные сохранятся, ничего делать не нужно.',
    'en', E'🛠 <b>Scheduled maintenance</b>\n\nStarts: {{ data.startsAt | local_date: "long" }}{% if data.endsAt %}\nEnds: {{ data.endsAt | local_date: "long" }}{% endif %}\n\nDuring this time {{ workspace.name }} will be unavailable{% if data.reason %} ({{ data.reason }}){% endif %}. We apologise for the inconvenience. All your data is safe and there is nothing you need to do.'
  ),
  '[]',
  jsonb_build_object('startsAt', '2026-12-05T20:00:00Z', 'endsAt', '2026-12-05T22:00:00Z'),
  true
)
on conflict (key) do nothing;
