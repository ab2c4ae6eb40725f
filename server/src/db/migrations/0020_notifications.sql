-- Notifications (issue 6): types a business's system triggers by key, each notification with its log, idempotency
-- keys, and digests. Email templates gain a subject rendered by the same engine as the body.

alter table templates
  -- Email only: the subject line (a template, plain-text escaping) and its per-language variants {"en": "…"}.
  add column subject text,
  add column subject_variants jsonb not null default '{}';

-- What a business can trigger: a key its system uses, the channels to try in order, a template per channel kind.
create table notification_types (
  id uuid primary key default gen_random_uuid(),
  key text not null unique check (key ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
  name text not null check (length(name) between 1 and 200),
  description text,
  -- Marketing honours the global unsubscribe (contacts.subscribed) and quiet hours; transactional only per-type and
  -- per-channel opt-outs; critical ignores opt-outs altogether (it cannot be turned off, so it cannot be marketing).
  category text not null check (category in ('transactional', 'marketing')),
  critical boolean not null default false check (not (critical and category = 'marketing')),
  -- Channel kinds in order of preference; the contact's preferred channel, when allowed here, goes first.
  channels text[] not null default '{telegram,email}'
    check (cardinality(channels) between 1 and 2 and channels <@ array['telegram', 'email']),
  -- The template per channel kind (telegram_html for Telegram, email_html for email). A deleted template leaves the
  -- kind without one: delivery skips that channel with the reason.
  telegram_template_id uuid references templates (id) on delete set null,
  email_template_id uuid references templates (id) on delete set null,
  -- The email channel to send from; null = the default sender (first active email channel, else SMTP_URL).
  email_channel_id uuid references channels (id) on delete set null,
  -- At most throttle_limit sent per contact per throttle_period_seconds; the rest are skipped as `throttled`.
  throttle_limit integer check (throttle_limit between 1 and 100000),
  throttle_period_seconds integer check (throttle_period_seconds between 1 and 31622400),
  check ((throttle_limit is null) = (throttle_period_seconds is null)),
  -- Events for one contact within this window merge into one message; null = every event is its own message.
  digest_window_seconds integer check (digest_window_seconds between 1 and 86400),
  enabled boolean not null default true,
  built_in boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Digests: the open one per (contact, type) collects events until flush_at; the unique partial index makes "one open
-- digest" a fact the database keeps, so concurrent triggers join the same digest and exactly one message goes out.
create table notification_digests (
  id uuid primary key default gen_random_uuid(),
  contact_id uuid not null references contacts (id) on delete cascade,
  type_id uuid not null references notification_types (id) on delete cascade,
  status text not null default 'open' check (status in ('open', 'closed')),
  flush_at timestamptz not null,
  -- The member notification that carries the merged message (set at flush).
  carrier_id uuid,
  created_at timestamptz not null default now(),
  closed_at timestamptz
);
create unique index notification_digests_open_idx on notification_digests (contact_id, type_id) where status = 'open';

-- One notification to one contact. Its status is the truth; notification_log is the history of how it got there.
create table notifications (
  id uuid primary key default gen_random_uuid(),
  -- The type may be deleted later (custom types); its key stays for the record.
  type_id uuid references notification_types (id) on delete set null,
  type_key text not null,
  contact_id uuid not null references contacts (id) on delete cascade,
  data jsonb not null default '{}',
  -- The caller's channel order for this one notification (null: preferences, then the type's order).
  channels text[] check (channels <@ array['telegram', 'email']),
  idempotency_key text,
  -- queued (waiting for its job), delayed (quiet hours), sending (request on the wire: a job finding this was
  -- interrupted and must not resend), sent, skipped (a preference or rule), failed, digested (merged into a carrier).
  status text not null default 'queued'
    check (status in ('queued', 'delayed', 'sending', 'sent', 'skipped', 'failed', 'digested')),
  channel text check (channel in ('telegram', 'email')),
  channel_id uuid references channels (id) on delete set null,
  -- Telegram message id or the email's Message-ID.
  external_id text,
  reason text,
  send_at timestamptz,
  digest_id uuid references notification_digests (id) on delete set null,
  sending_at timestamptz,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table notification_digests
  add constraint notification_digests_carrier_fk foreign key (carrier_id) references notifications (id) on delete set null;
create index notifications_list_idx on notifications (created_at desc, id desc);
create index notifications_contact_idx on notifications (contact_id, created_at desc, id desc);
create index notifications_type_idx on notifications (type_key, created_at desc, id desc);
create index notifications_status_idx on notifications (status, created_at desc, id desc);
create index notifications_digest_idx on notifications (digest_id) where digest_id is not null;
-- Throttling counts what went out (or is going out) per contact and type within the period.
create index notifications_throttle_idx on notifications (contact_id, type_id, sending_at) where sending_at is not null;

-- Idempotency: the key row is inserted before the notification in the same transaction, so of concurrent identical
-- calls exactly one inserts (the unique key decides) and the rest read its notification. A key older than 24 h is
-- taken over by the next call that uses it.
create table notification_idempotency_keys (
  key text primary key,
  notification_id uuid not null references notifications (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null
);

-- Every state change of a notification, in order.
create table notification_log (
  id bigint generated always as identity primary key,
  notification_id uuid not null references notifications (id) on delete cascade,
  event text not null
    check (event in ('queued', 'delayed', 'sending', 'sent', 'skipped', 'failed', 'fallback', 'retry', 'digested')),
  channel text,
  detail jsonb not null default '{}',
  at timestamptz not null default now()
);
create index notification_log_notification_idx on notification_log (notification_id, id);

-- The topic form (POST /notifications/topic) is a broadcast of the type's Telegram template: it carries the call's data
-- (templates see it as data.*, as in a notification) and the type it was sent for.
alter table broadcasts
  add column data jsonb not null default '{}',
  add column notification_type_id uuid references notification_types (id) on delete set null;

-- Built-in templates for the built-in types: Telegram HTML and email HTML (with subject), Russian and English.
insert into templates (key, name, format, body, variants, subject, subject_variants, sample_data, built_in) values
(
  'payment_success.telegram', E'Оплата получена / Payment received (Telegram)', 'telegram_html',
  E'✅ <b>Оплата получена</b>\n\n{{ contact.firstName | default: "Здравствуйте" }}, мы получили {{ data.amount | money: data.currency }}{% if data.description %} за «{{ data.description }}»{% endif %}.{% if data.orderId %}\nНомер заказа: <code>{{ data.orderId }}</code>{% endif %}\n\nСпасибо, что выбрали {{ workspace.name }}!',
  jsonb_build_object('ru', E'✅ <b>Оплата получена</b>\n\n{{ contact.firstName | default: "Здравствуйте" }}, мы получили {{ data.amount | money: data.currency }}{% if data.description %} за «{{ data.description }}»{% endif %}.{% if data.orderId %}\nНомер заказа: <code>{{ data.orderId }}</code>{% endif %}\n\nСпасибо, что выбрали {{ workspace.name }}!', 'en', E'✅ <b>Payment received</b>\n\n{{ contact.firstName | default: "Hello" }}, we have received {{ data.amount | money: data.currency }}{% if data.description %} for “{{ data.description }}”{% endif %}.{% if data.orderId %}\nOrder number: <code>{{ data.orderId }}</code>{% endif %}\n\nThank you for choosing {{ workspace.name }}!'),
  null, '{}',
  E'{"amount": 4900, "currency": "RUB", "description": "Курс «Английский B1», март", "orderId": "A-1042"}'::jsonb, true
),
(
  'payment_success.email', E'Оплата получена / Payment received (email)', 'email_html',
  E'<p>Здравствуйте{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>Мы получили оплату <b>{{ data.amount | money: data.currency }}</b>{% if data.description %} за «{{ data.description }}»{% endif %}.</p>\n{% if data.orderId %}<p>Номер заказа: {{ data.orderId }}</p>\n{% endif %}<p>Спасибо, что выбрали {{ workspace.name }}!</p>',
  jsonb_build_object('ru', E'<p>Здравствуйте{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>Мы получили оплату <b>{{ data.amount | money: data.currency }}</b>{% if data.description %} за «{{ data.description }}»{% endif %}.</p>\n{% if data.orderId %}<p>Номер заказа: {{ data.orderId }}</p>\n{% endif %}<p>Спасибо, что выбрали {{ workspace.name }}!</p>', 'en', E'<p>Hello{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>We have received your payment of <b>{{ data.amount | money: data.currency }}</b>{% if data.description %} for “{{ data.description }}”{% endif %}.</p>\n{% if data.orderId %}<p>Order number: {{ data.orderId }}</p>\n{% endif %}<p>Thank you for choosing {{ workspace.name }}!</p>'),
  E'Оплата получена{% if data.orderId %}: заказ {{ data.orderId }}{% endif %}', jsonb_build_object('ru', E'Оплата получена{% if data.orderId %}: заказ {{ data.orderId }}{% endif %}', 'en', E'Payment received{% if data.orderId %}: order {{ data.orderId }}{% endif %}'),
  E'{"amount": 4900, "currency": "RUB", "description": "Курс «Английский B1», март", "orderId": "A-1042"}'::jsonb, true
),
(
  'payment_failed.telegram', E'Оплата не прошла / Payment failed (Telegram)', 'telegram_html',
  E'⚠️ <b>Оплата не прошла</b>\n\n{{ contact.firstName | default: "Здравствуйте" }}, платёж на {{ data.amount | money: data.currency }}{% if data.orderId %} (заказ <code>{{ data.orderId }}</code>){% endif %} не прошёл{% if data.reason %}: {{ data.reason }}{% endif %}.\n\n{% if data.url %}Попробовать ещё раз: {{ data.url }}{% else %}Попробуйте оплатить ещё раз или напишите нам в этот чат.{% endif %}',
  jsonb_build_object('ru', E'⚠️ <b>Оплата не прошла</b>\n\n{{ contact.firstName | default: "Здравствуйте" }}, платёж на {{ data.amount | money: data.currency }}{% if data.orderId %} (заказ <code>{{ data.orderId }}</code>){% endif %} не прошёл{% if data.reason %}: {{ data.reason }}{% endif %}.\n\n{% if data.url %}Попробовать ещё раз: {{ data.url }}{% else %}Попробуйте оплатить ещё раз или напишите нам в этот чат.{% endif %}', 'en', E'⚠️ <b>Payment failed</b>\n\n{{ contact.firstName | default: "Hello" }}, your payment of {{ data.amount | money: data.currency }}{% if data.orderId %} (order <code>{{ data.orderId }}</code>){% endif %} did not go through{% if data.reason %}: {{ data.reason }}{% endif %}.\n\n{% if data.url %}Try again: {{ data.url }}{% else %}Please try again or write to us in this chat.{% endif %}'),
  null, '{}',
  E'{"amount": 4900, "currency": "RUB", "reason": "Недостаточно средств", "url": "https://example.com/pay/A-1042", "orderId": "A-1042"}'::jsonb, true
),
(
  'payment_failed.email', E'Оплата не прошла / Payment failed (email)', 'email_html',
  E'<p>Здравствуйте{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>Платёж на <b>{{ data.amount | money: data.currency }}</b>{% if data.orderId %} (заказ {{ data.orderId }}){% endif %} не прошёл{% if data.reason %}: {{ data.reason }}{% endif %}.</p>\n{% if data.url %}<p><a href="{{ data.url }}">Оплатить ещё раз</a></p>\n{% endif %}<p>Если деньги списались, ответьте на это письмо: мы разберёмся.</p>',
  jsonb_build_object('ru', E'<p>Здравствуйте{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>Платёж на <b>{{ data.amount | money: data.currency }}</b>{% if data.orderId %} (заказ {{ data.orderId }}){% endif %} не прошёл{% if data.reason %}: {{ data.reason }}{% endif %}.</p>\n{% if data.url %}<p><a href="{{ data.url }}">Оплатить ещё раз</a></p>\n{% endif %}<p>Если деньги списались, ответьте на это письмо: мы разберёмся.</p>', 'en', E'<p>Hello{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>Your payment of <b>{{ data.amount | money: data.currency }}</b>{% if data.orderId %} (order {{ data.orderId }}){% endif %} did not go through{% if data.reason %}: {{ data.reason }}{% endif %}.</p>\n{% if data.url %}<p><a href="{{ data.url }}">Pay again</a></p>\n{% endif %}<p>If you were charged anyway, reply to this email and we will sort it out.</p>'),
  E'Оплата не прошла{% if data.orderId %}: заказ {{ data.orderId }}{% endif %}', jsonb_build_object('ru', E'Оплата не прошла{% if data.orderId %}: заказ {{ data.orderId }}{% endif %}', 'en', E'Payment failed{% if data.orderId %}: order {{ data.orderId }}{% endif %}'),
  E'{"amount": 4900, "currency": "RUB", "reason": "Недостаточно средств", "url": "https://example.com/pay/A-1042", "orderId": "A-1042"}'::jsonb, true
),
(
  'new_lesson.telegram', E'Новый урок / New lesson (Telegram)', 'telegram_html',
  E'📚 <b>Новый урок</b>{% if data.course %} в курсе «{{ data.course }}»{% endif %}\n\n{{ data.lesson }}{% if data.url %}\n\nОткрыть: {{ data.url }}{% endif %}',
  jsonb_build_object('ru', E'📚 <b>Новый урок</b>{% if data.course %} в курсе «{{ data.course }}»{% endif %}\n\n{{ data.lesson }}{% if data.url %}\n\nОткрыть: {{ data.url }}{% endif %}', 'en', E'📚 <b>New lesson</b>{% if data.course %} in “{{ data.course }}”{% endif %}\n\n{{ data.lesson }}{% if data.url %}\n\nOpen it: {{ data.url }}{% endif %}'),
  null, '{}',
  E'{"course": "Английский B1", "lesson": "Урок 5. Present Perfect", "url": "https://example.com/lessons/5"}'::jsonb, true
),
(
  'new_lesson.email', E'Новый урок / New lesson (email)', 'email_html',
  E'<p>Здравствуйте{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>Открыт новый урок{% if data.course %} в курсе «{{ data.course }}»{% endif %}: <b>{{ data.lesson }}</b>.</p>\n{% if data.url %}<p><a href="{{ data.url }}">Перейти к уроку</a></p>{% endif %}',
  jsonb_build_object('ru', E'<p>Здравствуйте{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>Открыт новый урок{% if data.course %} в курсе «{{ data.course }}»{% endif %}: <b>{{ data.lesson }}</b>.</p>\n{% if data.url %}<p><a href="{{ data.url }}">Перейти к уроку</a></p>{% endif %}', 'en', E'<p>Hello{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>A new lesson is available{% if data.course %} in “{{ data.course }}”{% endif %}: <b>{{ data.lesson }}</b>.</p>\n{% if data.url %}<p><a href="{{ data.url }}">Go to the lesson</a></p>{% endif %}'),
  E'Новый урок: {{ data.lesson }}', jsonb_build_object('ru', E'Новый урок: {{ data.lesson }}', 'en', E'New lesson: {{ data.lesson }}'),
  E'{"course": "Английский B1", "lesson": "Урок 5. Present Perfect", "url": "https://example.com/lessons/5"}'::jsonb, true
),
(
  'course_completed.telegram', E'Курс пройден / Course completed (Telegram)', 'telegram_html',
  E'🎓 <b>Поздравляем!</b>\n\nКурс «{{ data.course }}» пройден{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!{% if data.certificateUrl %}\n\nСертификат: {{ data.certificateUrl }}{% endif %}\n\nСпасибо, что учитесь с {{ workspace.name }}!',
  jsonb_build_object('ru', E'🎓 <b>Поздравляем!</b>\n\nКурс «{{ data.course }}» пройден{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!{% if data.certificateUrl %}\n\nСертификат: {{ data.certificateUrl }}{% endif %}\n\nСпасибо, что учитесь с {{ workspace.name }}!', 'en', E'🎓 <b>Congratulations!</b>\n\nYou have completed “{{ data.course }}”{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!{% if data.certificateUrl %}\n\nCertificate: {{ data.certificateUrl }}{% endif %}\n\nThank you for learning with {{ workspace.name }}!'),
  null, '{}',
  E'{"course": "Английский B1", "certificateUrl": "https://example.com/certificates/1042"}'::jsonb, true
),
(
  'course_completed.email', E'Курс пройден / Course completed (email)', 'email_html',
  E'<p>{{ contact.firstName | default: "Здравствуйте" }}, поздравляем!</p>\n<p>Вы прошли курс <b>«{{ data.course }}»</b>.</p>\n{% if data.certificateUrl %}<p><a href="{{ data.certificateUrl }}">Скачать сертификат</a></p>\n{% endif %}<p>Спасибо, что учитесь с {{ workspace.name }}!</p>',
  jsonb_build_object('ru', E'<p>{{ contact.firstName | default: "Здравствуйте" }}, поздравляем!</p>\n<p>Вы прошли курс <b>«{{ data.course }}»</b>.</p>\n{% if data.certificateUrl %}<p><a href="{{ data.certificateUrl }}">Скачать сертификат</a></p>\n{% endif %}<p>Спасибо, что учитесь с {{ workspace.name }}!</p>', 'en', E'<p>Congratulations{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>You have completed <b>“{{ data.course }}”</b>.</p>\n{% if data.certificateUrl %}<p><a href="{{ data.certificateUrl }}">Download your certificate</a></p>\n{% endif %}<p>Thank you for learning with {{ workspace.name }}!</p>'),
  E'Курс «{{ data.course }}» пройден', jsonb_build_object('ru', E'Курс «{{ data.course }}» пройден', 'en', E'You have completed “{{ data.course }}”'),
  E'{"course": "Английский B1", "certificateUrl": "https://example.com/certificates/1042"}'::jsonb, true
),
(
  'promo_code_available.telegram', E'Промокод / Promo code (Telegram)', 'telegram_html',
  E'🎁 {{ contact.firstName | default: "Здравствуйте" }}, для вас промокод <code>{{ data.code }}</code>: скидка <b>{{ data.discount | default: "10" }}%</b>{% if data.validUntil %} до {{ data.validUntil | local_date: "date" }}{% endif %}.{% if data.url %}\n\n{{ data.url }}{% endif %}',
  jsonb_build_object('ru', E'🎁 {{ contact.firstName | default: "Здравствуйте" }}, для вас промокод <code>{{ data.code }}</code>: скидка <b>{{ data.discount | default: "10" }}%</b>{% if data.validUntil %} до {{ data.validUntil | local_date: "date" }}{% endif %}.{% if data.url %}\n\n{{ data.url }}{% endif %}', 'en', E'🎁 {{ contact.firstName | default: "Hello" }}, here is your promo code <code>{{ data.code }}</code>: <b>{{ data.discount | default: "10" }}% off</b>{% if data.validUntil %} until {{ data.validUntil | local_date: "date" }}{% endif %}.{% if data.url %}\n\n{{ data.url }}{% endif %}'),
  null, '{}',
  E'{"code": "SPRING15", "discount": 15, "validUntil": "2026-12-31T20:59:00Z", "url": "https://example.com/shop"}'::jsonb, true
),
(
  'promo_code_available.email', E'Промокод / Promo code (email)', 'email_html',
  E'<p>{{ contact.firstName | default: "Здравствуйте" }}, у нас для вас подарок!</p>\n<p>Скидка <b>{{ data.discount | default: "10" }}%</b> по промокоду <b>{{ data.code }}</b>{% if data.validUntil %}, действует до {{ data.validUntil | local_date: "date" }}{% endif %}.</p>\n{% if data.url %}<p><a href="{{ data.url }}">Воспользоваться</a></p>{% endif %}',
  jsonb_build_object('ru', E'<p>{{ contact.firstName | default: "Здравствуйте" }}, у нас для вас подарок!</p>\n<p>Скидка <b>{{ data.discount | default: "10" }}%</b> по промокоду <b>{{ data.code }}</b>{% if data.validUntil %}, действует до {{ data.validUntil | local_date: "date" }}{% endif %}.</p>\n{% if data.url %}<p><a href="{{ data.url }}">Воспользоваться</a></p>{% endif %}', 'en', E'<p>{{ contact.firstName | default: "Hello" }}, we have a gift for you!</p>\n<p>Get <b>{{ data.discount | default: "10" }}% off</b> with the promo code <b>{{ data.code }}</b>{% if data.validUntil %}, valid until {{ data.validUntil | local_date: "date" }}{% endif %}.</p>\n{% if data.url %}<p><a href="{{ data.url }}">Use it now</a></p>{% endif %}'),
  E'Скидка {{ data.discount | default: "10" }}% по промокоду {{ data.code }}', jsonb_build_object('ru', E'Скидка {{ data.discount | default: "10" }}% по промокоду {{ data.code }}', 'en', E'{{ data.discount | default: "10" }}% off with the code {{ data.code }}'),
  E'{"code": "SPRING15", "discount": 15, "validUntil": "2026-12-31T20:59:00Z", "url": "https://example.com/shop"}'::jsonb, true
),
(
  'support_response.telegram', E'Ответ поддержки / Support response (Telegram)', 'telegram_html',
  E'💬 <b>Ответ поддержки</b>{% if data.ticket %} по обращению №{{ data.ticket }}{% endif %}\n\n{{ data.answer }}{% if data.agent %}\n\n— {{ data.agent }}, {{ workspace.name }}{% endif %}',
  jsonb_build_object('ru', E'💬 <b>Ответ поддержки</b>{% if data.ticket %} по обращению №{{ data.ticket }}{% endif %}\n\n{{ data.answer }}{% if data.agent %}\n\n— {{ data.agent }}, {{ workspace.name }}{% endif %}', 'en', E'💬 <b>Support reply</b>{% if data.ticket %} to request #{{ data.ticket }}{% endif %}\n\n{{ data.answer }}{% if data.agent %}\n\n— {{ data.agent }}, {{ workspace.name }}{% endif %}'),
  null, '{}',
  E'{"ticket": "1042", "agent": "Мария", "answer": "Доступ к курсу открыт, обновите страницу.", "url": "https://example.com/support/1042"}'::jsonb, true
),
(
  'support_response.email', E'Ответ поддержки / Support response (email)', 'email_html',
  E'<p>Здравствуйте{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>{{ data.answer }}</p>\n{% if data.url %}<p><a href="{{ data.url }}">Открыть обращение</a></p>\n{% endif %}<p>{% if data.agent %}{{ data.agent }}, {% endif %}{{ workspace.name }}</p>',
  jsonb_build_object('ru', E'<p>Здравствуйте{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>{{ data.answer }}</p>\n{% if data.url %}<p><a href="{{ data.url }}">Открыть обращение</a></p>\n{% endif %}<p>{% if data.agent %}{{ data.agent }}, {% endif %}{{ workspace.name }}</p>', 'en', E'<p>Hello{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>{{ data.answer }}</p>\n{% if data.url %}<p><a href="{{ data.url }}">Open the request</a></p>\n{% endif %}<p>{% if data.agent %}{{ data.agent }}, {% endif %}{{ workspace.name }}</p>'),
  E'Ответ поддержки{% if data.ticket %} по обращению №{{ data.ticket }}{% endif %}', jsonb_build_object('ru', E'Ответ поддержки{% if data.ticket %} по обращению №{{ data.ticket }}{% endif %}', 'en', E'Support reply{% if data.ticket %} to request #{{ data.ticket }}{% endif %}'),
  E'{"ticket": "1042", "agent": "Мария", "answer": "Доступ к курсу открыт, обновите страницу.", "url": "https://example.com/support/1042"}'::jsonb, true
),
(
  'system_maintenance.telegram', E'Технические работы / Maintenance (Telegram)', 'telegram_html',
  E'🛠 <b>Технические работы</b>\n\nНачало: {{ data.startsAt | local_date: "long" }}{% if data.endsAt %}\nОкончание: {{ data.endsAt | local_date: "long" }}{% endif %}\n\nВ это время {{ workspace.name }} будет недоступен{% if data.reason %} ({{ data.reason }}){% endif %}. Данные сохранятся, ничего делать не нужно.',
  jsonb_build_object('ru', E'🛠 <b>Технические работы</b>\n\nНачало: {{ data.startsAt | local_date: "long" }}{% if data.endsAt %}\nОкончание: {{ data.endsAt | local_date: "long" }}{% endif %}\n\nВ это время {{ workspace.name }} будет недоступен{% if data.reason %} ({{ data.reason }}){% endif %}. Данные сохранятся, ничего делать не нужно.', 'en', E'🛠 <b>Maintenance</b>\n\nStarts: {{ data.startsAt | local_date: "long" }}{% if data.endsAt %}\nEnds: {{ data.endsAt | local_date: "long" }}{% endif %}\n\nDuring this time {{ workspace.name }} will be unavailable{% if data.reason %} ({{ data.reason }}){% endif %}. Your data is safe and there is nothing you need to do.'),
  null, '{}',
  E'{"startsAt": "2026-12-05T20:00:00Z", "endsAt": "2026-12-05T22:00:00Z"}'::jsonb, true
),
(
  'system_maintenance.email', E'Технические работы / Maintenance (email)', 'email_html',
  E'<p>Здравствуйте{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>{{ data.startsAt | local_date: "long" }}{% if data.endsAt %} — {{ data.endsAt | local_date: "long" }}{% endif %} {{ workspace.name }} будет недоступен из-за технических работ{% if data.reason %} ({{ data.reason }}){% endif %}.</p>\n<p>Ваши данные сохранятся, ничего делать не нужно. Приносим извинения за неудобства.</p>',
  jsonb_build_object('ru', E'<p>Здравствуйте{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>{{ data.startsAt | local_date: "long" }}{% if data.endsAt %} — {{ data.endsAt | local_date: "long" }}{% endif %} {{ workspace.name }} будет недоступен из-за технических работ{% if data.reason %} ({{ data.reason }}){% endif %}.</p>\n<p>Ваши данные сохранятся, ничего делать не нужно. Приносим извинения за неудобства.</p>', 'en', E'<p>Hello{% if contact.firstName %}, {{ contact.firstName }}{% endif %}!</p>\n<p>From {{ data.startsAt | local_date: "long" }}{% if data.endsAt %} to {{ data.endsAt | local_date: "long" }}{% endif %} {{ workspace.name }} will be unavailable for maintenance{% if data.reason %} ({{ data.reason }}){% endif %}.</p>\n<p>Your data is safe and there is nothing you need to do. We apologise for the inconvenience.</p>'),
  E'Технические работы {{ data.startsAt | local_date: "date" }}', jsonb_build_object('ru', E'Технические работы {{ data.startsAt | local_date: "date" }}', 'en', E'Maintenance on {{ data.startsAt | local_date: "date" }}'),
  E'{"startsAt": "2026-12-05T20:00:00Z", "endsAt": "2026-12-05T22:00:00Z"}'::jsonb, true
),
(
  'welcome.telegram', E'Приветствие / Welcome (Telegram)', 'telegram_html',
  E'Здравствуйте, {{ contact.firstName | default: "друг" }}! 👋\n\nДобро пожаловать в <b>{{ workspace.name }}</b>. Здесь будут приходить важные уведомления. Если появится вопрос, просто напишите в этот чат: вам ответит живой человек.',
  jsonb_build_object('ru', E'Здравствуйте, {{ contact.firstName | default: "друг" }}! 👋\n\nДобро пожаловать в <b>{{ workspace.name }}</b>. Здесь будут приходить важные уведомления. Если появится вопрос, просто напишите в этот чат: вам ответит живой человек.', 'en', E'Hello, {{ contact.firstName | default: "friend" }}! 👋\n\nWelcome to <b>{{ workspace.name }}</b>. Important notifications will arrive here. If you have a question, just write to this chat: a real person will answer.'),
  null, '{}',
  E'{}'::jsonb, true
),
(
  'welcome.email', E'Приветствие / Welcome (email)', 'email_html',
  E'<p>Здравствуйте, {{ contact.firstName | default: "друг" }}!</p>\n<p>Добро пожаловать в <b>{{ workspace.name }}</b>. Мы будем присылать сюда важные уведомления.</p>\n<p>Если появится вопрос, просто ответьте на это письмо: вам ответит живой человек.</p>',
  jsonb_build_object('ru', E'<p>Здравствуйте, {{ contact.firstName | default: "друг" }}!</p>\n<p>Добро пожаловать в <b>{{ workspace.name }}</b>. Мы будем присылать сюда важные уведомления.</p>\n<p>Если появится вопрос, просто ответьте на это письмо: вам ответит живой человек.</p>', 'en', E'<p>Hello, {{ contact.firstName | default: "friend" }}!</p>\n<p>Welcome to <b>{{ workspace.name }}</b>. We will send important notifications here.</p>\n<p>If you have a question, just reply to this email: a real person will answer.</p>'),
  E'Добро пожаловать в {{ workspace.name }}', jsonb_build_object('ru', E'Добро пожаловать в {{ workspace.name }}', 'en', E'Welcome to {{ workspace.name }}'),
  E'{}'::jsonb, true
)
on conflict (key) do nothing;

-- Built-in types. Editable (channels, templates, throttle, digest, enabled), not deletable; re-running is a no-op.
-- payment_failed is critical: a customer must learn that a payment did not go through whatever they turned off.
insert into notification_types (key, name, category, critical, channels, telegram_template_id, email_template_id, built_in)
select v.key, v.name, v.category, v.critical, '{telegram,email}',
  (select id from templates where key = v.key || '.telegram'), (select id from templates where key = v.key || '.email'), true
from (values
  ('payment_success', 'Оплата получена / Payment received', 'transactional', false),
  ('payment_failed', 'Оплата не прошла / Payment failed', 'transactional', true),
  ('new_lesson', 'Новый урок / New lesson', 'transactional', false),
  ('course_completed', 'Курс пройден / Course completed', 'transactional', false),
  ('promo_code_available', 'Промокод / Promo code', 'marketing', false),
  ('support_response', 'Ответ поддержки / Support response', 'transactional', false),
  ('system_maintenance', 'Технические работы / Maintenance', 'transactional', false),
  ('welcome', 'Приветствие / Welcome', 'transactional', false)
) as v (key, name, category, critical)
on conflict (key) do nothing;
