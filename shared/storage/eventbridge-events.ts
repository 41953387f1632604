import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../article.js';
import type { ArticleEvents, ArticleFinished } from '../ports.js';

/**
 * Terminal states on an EventBridge bus (the account's default one unless
 * named). The SDK retries throttling and 5xx; an entry the bus still refuses
 * is reported to `onError`, never thrown: the article is saved either way.
 */
export class EventBridgeArticleEvents implements ArticleEvents {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly onError: (message: string, details: Record<string, unknown>) => void,
  ) {}

  async finished(event: ArticleFinished): Promise<void> {
    try {
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.busName,
              Source: EVENT_SOURCE,
              DetailType: EVENT_DETAIL_TYPE,
              Time: new Date(event.finishedAt),
              Resources: [],
              Detail: JSON.stringify(event),
            },
          ],
        }),
      );
      if (result.FailedEntryCount) {
        const entry = result.Entries?.[0];
        this.onError('event not published', {
          articleId: event.articleId,
          code: entry?.ErrorCode,
          reason: entry?.ErrorMessage,
        });
      }
    } catch (error) {
      this.onError('event not published', { articleId: event.articleId, error: (error as Error).message });
    }
  }
}
