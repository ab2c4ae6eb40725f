-- Calendar triggers of automations (issue 8): schedules, date attributes, inactivity and segment entry are found by
-- periodic passes (services/automations/calendar.ts) rather than by events. Plus the built-in rules with their notification
-- types, and the indexes the passes and the retention cleanup need.

-- Where each rule's pass stands: the next pass looks at (last_pass_at, now]. The row is locked for the pass, so two
-- workers running the same minute take turns and the second finds an empty window (the runs' unique key is the backstop).
create table automation_calendar_passes (
  automation_id uuid primary key references automations (id) on delete cascade,
  last_pass_at timestamptz not null,
  updated_at timestamptz not null default now()
);

-- Segment-entry rules: the members seen at the last pass. A contact in the segment now and not here has entered; a row
-- whose contact left is deleted, so leaving and coming back is a new entry.
create table automation_segment_members (
  automation_id uuid not null references automations (id) on delete cascade,
  contact_id uuid not null references contacts (id) on delete cascade,
  entered_at timestamptz not null,
  primary key (automation_id, contact_id)
);
-- Contact deletion cascades through this.
create index automation_segment_members_contact_idx on automation_segment_members (contact_id);

-- Birthdays by month and day (MMDD as an integer): a pass reads the two or three days around today, about 1% of the
-- contacts, instead of scanning them all. extract() on a date is immutable, so it can be indexed.
create index contacts_birthday_md_idx
  on contacts (((extract(month from birthday) * 100 + extract(day from birthday))::int))
  where birthday is not null;

-- Retention walks old rows oldest first and stops at the cutoff; without these it would read the whole table each time.
create index telegram_updates_received_idx on telegram_updates (received_at);
create index email_inbound_received_idx on email_inbound (received_at);
create index broadcasts_finished_idx on broadcasts (finished_at) where finished_at is not null;

-- Templates of the built-in rules' notifications, Telegram HTML and email HTML, Russian and English. The birthday greeting
-- carries the coupon the rule's previous step issued (data.coupon, from the run's context); the cart reminder reads the
-- cart_abandoned event's properties (data.event.properties: total, currency, url).
insert into templates (key, name, format, body, variants, subject, subject_variants, sample_data, built_in) values
(
  'birthday_greeting.telegram', E'С днём рождения / Birthday greeting (Telegram)', 'telegram_html',
  E'🎂 {{ contact.firstName | default: "Здравствуйте" }}, с днём рождения!\n\nКоманда {{ workspace.name }} поздравляет вас и дарит подарок{% if data.coupon.code %}: промокод <code>{{ data.coupon.code }}</code>{% if data.coupon.validUntil %}, действует до {{ data.coupon.validUntil | local_date: "date" }}{% endif %}{% endif %}.',
  jsonb_build_object('ru', E'🎂 {{ contact.firstName | default: "Здравствуйте" }}, с днём рождения!\n\nКоманда {{ workspace.name }} поздравляет вас и дарит подарок{% if data.coupon.code %}: промокод <code>{{ data.coupon.code }}</code>{% if data.coupon.validUntil %}, действует до {{ data.coupon.validUntil | local_date: "date" }}{% endif %}{% endif %}.', 'en', E'🎂 Happy birthday, {{ contact.firstName | default: "friend" }}!\n\nEveryone at {{ workspace.name }} wishes you a wonderful day. Here is a gift{% if data.coupon.code %}: the promo code <code>{{ data.coupon.code }}</code>{% if data.coupon.validUntil %}, valid until {{ data.coupon.validUntil | local_date: "date" }}{% endif %}{% endif %}.'),
  null, '{}',
  E'{"coupon": {"code": "K7PX-M3QR", "validUntil": "2026-12-21T20:59:00Z"}}'::jsonb, true
),
(
  'birthday_greeting.email', E'С днём рождения / Birthday greeting (email)', 'email_html',
  E'<p>{{ contact.firstName | default: "Здравствуйте" }}, с днём рождения!</p>\n<p>Команда {{ workspace.name }} поздравляет вас{% if data.coupon.code %} и дарит промокод <b>{{ data.coupon.code }}</b>{% if data.coupon.validUntil %} (действует до {{ data.coupon.validUntil | local_date: "date" }}){% endif %}{% endif %}.</p>',
  jsonb_build_object('ru', E'<p>{{ contact.firstName | default: "Здравствуйте" }}, с днём рождения!</p>\n<p>Команда {{ workspace.name }} поздравляет вас{% if data.coupon.code %} и дарит промокод <b>{{ data.coupon.code }}</b>{% if data.coupon.validUntil %} (действует до {{ data.coupon.validUntil | local_date: "date" }}){% endif %}{% endif %}.</p>', 'en', E'<p>Happy birthday, {{ contact.firstName | default: "friend" }}!</p>\n<p>Everyone at {{ workspace.name }} wishes you a wonderful day{% if data.coupon.code %}. Your gift is the promo code <b>{{ data.coupon.code }}</b>{% if data.coupon.validUntil %} (valid until {{ data.coupon.validUntil | local_date: "date" }}){% endif %}{% endif %}.</p>'),
  E'С днём рождения!', jsonb_build_object('ru', E'С днём рождения!', 'en', E'Happy birthday!'),
  E'{"coupon": {"code": "K7PX-M3QR", "validUntil": "2026-12-21T20:59:00Z"}}'::jsonb, true
),
(
  'winback.telegram', E'Мы скучаем / We miss you (Telegram)', 'telegram_html',
  E'👋 {{ contact.firstName | default: "Здравствуйте" }}, давно вас не было в {{ workspace.name }}!\n\nУ нас много нового. Если есть вопрос или пожелание, просто напишите в этот чат.',
  jsonb_build_object('ru', E'👋 {{ contact.firstName | default: "Здравствуйте" }}, давно вас не было в {{ workspace.name }}!\n\nУ нас много нового. Если есть вопрос или пожелание, просто напишите в этот чат.', 'en', E'👋 {{ contact.firstName | default: "Hello" }}, we have not seen you at {{ workspace.name }} for a while!\n\nThere is a lot that is new. If you have a question or a wish, just write to this chat.'),
  null, '{}', E'{}'::jsonb, true
),
(
  'winback.email', E'Мы скучаем / We miss you (email)', 'email_html',
  E'<p>{{ contact.firstName | default: "Здравствуйте" }}, давно вас не было в {{ workspace.name }}!</p>\n<p>У нас много нового. Если есть вопрос или пожелание, просто ответьте на это письмо.</p>',
  jsonb_build_object('ru', E'<p>{{ contact.firstName | default: "Здравствуйте" }}, давно вас не было в {{ workspace.name }}!</p>\n<p>У нас много нового. Если есть вопрос или пожелание, просто ответьте на это письмо.</p>', 'en', E'<p>{{ contact.firstName | default: "Hello" }}, we have not seen you at {{ workspace.name }} for a while!</p>\n<p>There is a lot that is new. If you have a question or a wish, just reply to this email.</p>'),
  E'Мы скучаем по вам', jsonb_build_object('ru', E'Мы скучаем по вам', 'en', E'We miss you'),
  E'{}'::jsonb, true
),
(
  'cart_reminder.telegram', E'Брошенная корзина / Cart reminder (Telegram)', 'telegram_html',
  E'🛒 {{ contact.firstName | default: "Здравствуйте" }}, вы оставили товары в корзине{% if data.event.properties.total %} на {{ data.event.properties.total | money: data.event.properties.currency }}{% endif %}.{% if data.event.properties.url %}\n\nВернуться к заказу: {{ data.event.properties.url }}{% endif %}',
  jsonb_build_object('ru', E'🛒 {{ contact.firstName | default: "Здравствуйте" }}, вы оставили товары в корзине{% if data.event.properties.total %} на {{ data.event.properties.total | money: data.event.properties.currency }}{% endif %}.{% if data.event.properties.url %}\n\nВернуться к заказу: {{ data.event.properties.url }}{% endif %}', 'en', E'🛒 {{ contact.firstName | default: "Hello" }}, you left something in your cart{% if data.event.properties.total %} worth {{ data.event.properties.total | money: data.event.properties.currency }}{% endif %}.{% if data.event.properties.url %}\n\nBack to your order: {{ data.event.properties.url }}{% endif %}'),
  null, '{}',
  E'{"event": {"name": "cart_abandoned", "properties": {"cartId": "C-1042", "total": 2990, "currency": "RUB", "url": "https://example.com/cart/C-1042"}}}'::jsonb, true
),
(
  'cart_reminder.email', E'Брошенная корзина / Cart reminder (email)', 'email_html',
  E'<p>{{ contact.firstName | default: "Здравствуйте" }}, вы оставили товары в корзине{% if data.event.properties.total %} на {{ data.event.properties.total | money: data.event.properties.currency }}{% endif %}.</p>\n{% if data.event.properties.url %}<p><a href="{{ data.event.properties.url }}">Вернуться к заказу</a></p>{% endif %}',
  jsonb_build_object('ru', E'<p>{{ contact.firstName | default: "Здравствуйте" }}, вы оставили товары в корзине{% if data.event.properties.total %} на {{ data.event.properties.total | money: data.event.properties.currency }}{% endif %}.</p>\n{% if data.event.properties.url %}<p><a href="{{ data.event.properties.url }}">Вернуться к заказу</a></p>{% endif %}', 'en', E'<p>{{ contact.firstName | default: "Hello" }}, you left something in your cart{% if data.event.properties.total %} worth {{ data.event.properties.total | money: data.event.properties.currency }}{% endif %}.</p>\n{% if data.event.properties.url %}<p><a href="{{ data.event.properties.url }}">Back to your order</a></p>{% endif %}'),
  E'Ваша корзина ждёт вас', jsonb_build_object('ru', E'Ваша корзина ждёт вас', 'en', E'Your cart is waiting'),
  E'{"event": {"name": "cart_abandoned", "properties": {"cartId": "C-1042", "total": 2990, "currency": "RUB", "url": "https://example.com/cart/C-1042"}}}'::jsonb, true
)
on conflict (key) do nothing;

-- Marketing: they honour the global unsubscribe and quiet hours (a birthday greeting at 09:00 local is outside them anyway).
insert into notification_types (key, name, category, critical, channels, telegram_template_id, email_template_id, built_in)
select v.key, v.name, 'marketing', false, '{telegram,email}',
  (select id from templates where key = v.key || '.telegram'), (select id from templates where key = v.key || '.email'), true
from (values
  ('birthday_greeting', 'С днём рождения / Birthday greeting'),
  ('winback', 'Мы скучаем / We miss you'),
  ('cart_reminder', 'Брошенная корзина / Cart reminder')
) as v (key, name)
on conflict (key) do nothing;

-- The built-in rules, off until an owner enables them (PATCH enabled). Schedules run in the workspace's time zone as it
-- is at install time; the newsletter needs a template, a segment and a channel chosen before it can be enabled.
insert into automations (name, description, enabled, trigger, conditions, actions, builtin_key)
select v.name, v.description, false, v.trigger, '{}', v.actions, v.key
from (values
  ('birthday', 'С днём рождения / Birthday greeting',
    E'Поздравляет в 09:00 по местному времени клиента и дарит купон кампании «Birthday». 29 февраля отмечается 28 февраля в невисокосный год. / Greets at 09:00 in the customer''s time zone with a coupon of the "Birthday" campaign. A 29 February birthday is celebrated on 28 February in other years.',
    '{"kind": "date_attribute", "attribute": "birthday", "offsetDays": 0, "atLocalTime": "09:00"}'::jsonb,
    jsonb_build_array(
      jsonb_build_object('type', 'issue_coupon', 'campaignId', (select id::text from coupon_campaigns where builtin_key = 'birthday'), 'deliver', false),
      '{"type": "send_notification", "notificationType": "birthday_greeting"}'::jsonb)),
  ('winback', 'Возврат клиентов / Win-back',
    E'Пишет клиенту, который 30 дней ничего не делал, один раз за каждый такой период. / Writes to a customer after 30 days without activity, once per quiet spell.',
    '{"kind": "inactivity", "days": 30}'::jsonb,
    '[{"type": "send_notification", "notificationType": "winback"}]'::jsonb),
  ('abandoned_cart', 'Брошенная корзина / Abandoned cart',
    E'Через час после события cart_abandoned напоминает о корзине, если за это время не было покупки (purchase) с тем же cartId. / An hour after cart_abandoned, reminds about the cart unless a purchase with the same cartId arrived meanwhile.',
    '{"kind": "event", "event": "cart_abandoned", "occurrenceProperty": "cartId"}'::jsonb,
    '[{"type": "wait", "seconds": 3600}, {"type": "stop_if_event", "event": "purchase", "sameOccurrence": true}, {"type": "send_notification", "notificationType": "cart_reminder"}]'::jsonb),
  ('weekly_newsletter', 'Еженедельная рассылка / Weekly newsletter',
    E'По понедельникам в 10:00 рассылает шаблон сегменту. Перед включением выберите шаблон, сегмент и канал. / Sends a template to a segment on Mondays at 10:00. Choose the template, the segment and the channel before enabling it.',
    jsonb_build_object('kind', 'schedule', 'cron', '0 10 * * 1', 'timezone',
      coalesce((select value #>> '{}' from settings where key = 'default_timezone'), 'Europe/Moscow')),
    '[{"type": "send_broadcast", "templateId": "", "segmentId": "", "channelId": ""}]'::jsonb),
  ('support_report', 'Ежедневный отчёт поддержки / Daily support report',
    E'Каждый день в 09:00 присылает руководителям через бота для сотрудников вчерашние цифры: обращения, время ответа и решения, CSAT, ждущие ответа. / Every day at 09:00 sends managers yesterday''s figures through the staff bot: conversations, response and resolution times, CSAT, unanswered.',
    jsonb_build_object('kind', 'schedule', 'cron', '0 9 * * *', 'timezone',
      coalesce((select value #>> '{}' from settings where key = 'default_timezone'), 'Europe/Moscow')),
    '[{"type": "support_report"}]'::jsonb),
  ('retention_cleanup', 'Очистка старых данных / Retention cleanup',
    E'Каждый день в 03:00 удаляет старые служебные данные небольшими порциями; сроки хранения задаются переменными RETENTION_*. / Every day at 03:00 deletes old raw data in small batches; the periods are set by the RETENTION_* variables.',
    jsonb_build_object('kind', 'schedule', 'cron', '0 3 * * *', 'timezone',
      coalesce((select value #>> '{}' from settings where key = 'default_timezone'), 'Europe/Moscow')),
    '[{"type": "retention_cleanup"}]'::jsonb)
) as v (key, name, description, trigger, actions)
on conflict (builtin_key) do nothing;
