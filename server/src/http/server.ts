import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from '../lib/metrics.ts';
import type { RealtimeHub } from '../realtime/hub.ts';
import type { Services } from '../services/index.ts';
import { registerAuth } from './auth.ts';
import { errorHandler } from './errors.ts';
import { guardInput } from './input-guard.ts';
import { apiKeyRoutes } from './routes/api-keys.routes.ts';
import { assignmentRoutes } from './routes/assignment.routes.ts';
import { attachmentRoutes } from './routes/attachments.routes.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { automationRoutes } from './routes/automations.routes.ts';
import { broadcastRedirectRoutes } from './routes/broadcast-redirect.routes.ts';
import { broadcastRoutes } from './routes/broadcasts.routes.ts';
import { cannedResponseRoutes } from './routes/canned-responses.routes.ts';
import { channelRoutes } from './routes/channels.routes.ts';
import { contactMessageRoutes } from './routes/contact-messages.routes.ts';
import { contactTimelineRoutes } from './routes/contact-timeline.routes.ts';
import { contactRoutes } from './routes/contacts.routes.ts';
import { conversationMessageRoutes } from './routes/conversation-messages.routes.ts';
import { conversationStreamRoutes } from './routes/conversation-stream.routes.ts';
import { conversationRoutes } from './routes/conversations.routes.ts';
import { couponCampaignRoutes } from './routes/coupon-campaigns.routes.ts';
import { couponReportRoutes } from './routes/coupon-reports.routes.ts';
import { couponRoutes } from './routes/coupons.routes.ts';
import { csatRoutes } from './routes/csat.routes.ts';
import { eventRoutes } from './routes/events.routes.ts';
import { importRoutes } from './routes/imports.routes.ts';
import { inboxSettingsRoutes } from './routes/inbox-settings.routes.ts';
import { labelRoutes } from './routes/labels.routes.ts';
import { meNotificationRoutes } from './routes/me-notifications.routes.ts';
import { membershipRoutes } from './routes/memberships.routes.ts';
import { notificationTypesRoutes } from './routes/notification-types.routes.ts';
import { notificationsRoutes } from './routes/notifications.routes.ts';
import { preferencesRoutes } from './routes/preferences.routes.ts';
import { realtimeRoutes } from './routes/realtime.routes.ts';
import { reportRoutes } from './routes/reports.routes.ts';
import { segmentVocabularyRoutes } from './routes/segment-vocabulary.routes.ts';
import { segmentRoutes } from './routes/segments.routes.ts';
import { settingsRoutes } from './routes/settings.routes.ts';
import { staffRoutes } from './routes/staff.routes.ts';
import { systemRoutes } from './routes/system.routes.ts';
import { systemAdminRoutes } from './routes/system-admin.routes.ts';
import { teamRoutes } from './routes/teams.routes.ts';
import { telegramWebhookRoutes } from './routes/telegram-webhook.routes.ts';
import { templateRoutes } from './routes/templates.routes.ts';
import { userRoutes } from './routes/users.routes.ts';
import { webAppRoutes } from './routes/web-app.routes.ts';
import { ErrorBody } from './schemas.ts';
import { sharedSerializers } from './serializers.ts';

/** What route files receive. */
export interface HttpDeps {
  services: Services;
  metrics: Metrics;
  hub: RealtimeHub;
}

export type Http = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  Logger,
  TypeBoxTypeProvider
>;

/** Builds the Fastify app: plugins, auth, error handler, every route. Listening is the caller's business. */
export async function buildHttp(deps: HttpDeps, log: Logger): Promise<Http> {
  const { config } = deps.services.ctx;
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
    trustProxy: config.trustProxy,
    // A malformed URL never reaches a route; answer it in the same error shape as everything else.
    frameworkErrors: (err, req, reply) => {
      reply.header('x-request-id', req.id);
      errorHandler(err as FastifyError, req, reply);
    },
    schemaController: { compilersFactory: { buildSerializer: sharedSerializers() as never } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as Http;

  app.setErrorHandler(errorHandler);
  app.addHook('preValidation', guardInput);
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}`, details: [] },
    }),
  );
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.addSchema(ErrorBody);
  registerAuth(app, deps);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        version: '1',
        description:
          'Customer communication platform API. Authenticate with `Authorization: Bearer <session token or API key>`.',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (json.$id as string) ?? `def-${i}` },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(multipart, { limits: { fileSize: 2 * 1024 * 1024 * 1024, files: 1 } });

  for (const routes of [
    systemRoutes,
    systemAdminRoutes,
    authRoutes,
    userRoutes,
    apiKeyRoutes,
    settingsRoutes,
    auditRoutes,
    contactRoutes,
    contactTimelineRoutes,
    eventRoutes,
    automationRoutes,
    segmentRoutes,
    segmentVocabularyRoutes,
    broadcastRoutes,
    broadcastRedirectRoutes,
    conversationRoutes,
    conversationMessageRoutes,
    contactMessageRoutes,
    csatRoutes,
    cannedResponseRoutes,
    meNotificationRoutes,
    assignmentRoutes,
    membershipRoutes,
    attachmentRoutes,
    importRoutes,
    channelRoutes,
    inboxSettingsRoutes,
    labelRoutes,
    teamRoutes,
    telegramWebhookRoutes,
    realtimeRoutes,
    conversationStreamRoutes,
    reportRoutes,
    templateRoutes,
    notificationTypesRoutes,
    notificationsRoutes,
    preferencesRoutes,
    couponCampaignRoutes,
    couponRoutes,
    couponReportRoutes,
    staffRoutes,
    webAppRoutes,
  ]) {
    await app.register(async (scope) => routes(scope as unknown as Http, deps));
  }
  return app;
}
