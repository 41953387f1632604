import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../shared/article.js';
import type { ArticleEvents, ArticleFinished } from '../shared/ports.js';

/** One event as EventBridge hands it to a rule's target. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': typeof EVENT_DETAIL_TYPE;
  source: typeof EVENT_SOURCE;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: ArticleFinished;
}

/**
 * The local stack's event bus: each event appended to a JSON-lines file in
 * the data folder, in the envelope EventBridge delivers to a rule's target,
 * so a script written against the file reads AWS's events unchanged.
 */
export class FileArticleEvents implements ArticleEvents {
  constructor(private readonly file: string) {}

  async finished(event: ArticleFinished): Promise<void> {
    const envelope: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': EVENT_DETAIL_TYPE,
      source: EVENT_SOURCE,
      account: '000000000000',
      time: event.finishedAt.replace(/\.\d{3}Z$/, 'Z'),
      region: 'local',
      resources: [],
      detail: event,
    };
    await appendFile(this.file, `${JSON.stringify(envelope)}\n`);
  }
}
