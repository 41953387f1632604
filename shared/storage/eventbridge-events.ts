import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../article.js';
import type { ArticleEvents, ArticleFinished } from '../ports.js';

/** The bus did not take the event: the record keeps it pending, for the sweep. */
export class EventNotPublishedError extends Error {
  override readonly name = 'EventNotPublishedError';
}

/**
 * Terminal states on an EventBridge bus (the account's default one unless
 * named). The SDK retries throttling and 5xx; an entry the bus still refuses
 * is reported to `onError` and rejected (EventNotPublishedError), so the article
 * keeps its event pending for the sweep: the article is saved either way.
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
        throw new EventNotPublishedError(`The event bus refused the event (${entry?.ErrorCode}).`);
      }
    } catch (error) {
      if (error instanceof EventNotPublishedError) throw error;
      this.onError('event not published', { articleId: event.articleId, error: (error as Error).message });
      throw new EventNotPublishedError('The event bus could not be reached.', { cause: error });
    }
  }
}
