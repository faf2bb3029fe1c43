/**
 * Writes each GraphQL request's sensitive reads as one audit event when the request ends. If that
 * write fails, the response loses its data: personal information is never handed out unrecorded.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../common/logger';
import type { GraphQLContext } from '../../http/graphql-context';

export function readAuditPlugin(logger: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const { ctx, services } = (contextValue ?? {}) as Partial<GraphQLContext>;
          if (!ctx?.reads?.size || !services) return;
          try {
            await services.audit.flushReads(ctx);
          } catch (e) {
            logger.error('could not record sensitive reads; the response was withheld', { requestId: ctx.requestId, error: e });
            if (response.body.kind === 'single') {
              response.body.singleResult = { errors: [{ message: 'the read could not be recorded in the audit trail, so no data is returned; retry later', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: ctx.requestId } }] };
            }
          }
        },
      };
    },
  };
}
