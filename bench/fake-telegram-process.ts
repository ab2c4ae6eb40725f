// The fake Bot API server in a process of its own, for bench/telegram-send.ts (forked with `--import tsx`).
// Telegram is another machine: sharing the bench's event loop would stamp acceptance times late whenever the bench itself is
// busy (recording outcomes, talking to Postgres), an artefact that real Telegram's clock does not have. Here the fake's
// clock and loop are its own. Commands over IPC: addBot, enforce, report, stop; each answered with { id, result }.

import type { FakeBotInfo } from '../server/test/fakes/telegram/fake-bot.ts';
import { FakeTelegram } from '../server/test/fakes/telegram/index.ts';

type Command =
  | { id: number; type: 'addBot'; info: FakeBotInfo }
  | { id: number; type: 'enforce'; token: string; on: boolean }
  | { id: number; type: 'report'; token: string }
  | { id: number; type: 'stop' };

const tg = await FakeTelegram.start({ enforceLimits: false });
process.send?.({ id: 0, result: { apiRoot: tg.apiRoot } });

process.on('message', async (cmd: Command) => {
  let result: unknown = null;
  switch (cmd.type) {
    case 'addBot':
      tg.addBot(cmd.info);
      break;
    case 'enforce':
      tg.bot(cmd.token).enforceLimits = cmd.on;
      break;
    case 'report': {
      const bot = tg.bot(cmd.token);
      result = {
        sent: bot.sent.map((s) => ({ method: s.method, chatId: s.chatId, at: s.at })),
        rejected: bot.rejected.map((r) => ({ limit: r.limit, chatId: r.chatId, at: r.at })),
      };
      break;
    }
    case 'stop':
      await tg.stop();
      process.send?.({ id: cmd.id, result: null }, () => process.exit(0));
      return;
  }
  process.send?.({ id: cmd.id, result });
});
