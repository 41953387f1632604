import type { Price } from '../../config.js';
import type { ModelDirectory, ServerModelInfo } from '../ports.js';
import { MODEL_TABLE } from './model-table.js';
import { type CapabilityOverrides, capabilitiesOf, type ModelCapabilities, shutdownNotice } from './models.js';

export interface KnowledgeSettings {
  /** The family of models whose names do not say (Azure deployments). */
  family?: string;
  /** The server's context window, when configuration says it. */
  contextTokens?: number;
  /** Capability table fields by model name. */
  capabilities: Record<string, CapabilityOverrides>;
  prices: Record<string, Price>;
}

/**
 * What precis knows about each model it calls, from four sources, each
 * over the one before: the capability table, configuration
 * (PRECIS_MODEL_FAMILY, PRECIS_CONTEXT_TOKENS, PRECIS_MODEL_CAPABILITIES,
 * PRECIS_PRICES), the server's model list (its context window, output cap
 * and shutdown date, asked once per model), and what the server showed by
 * refusing or cutting a prompt (its context window, learnt). A window the
 * server reports replaces the table's guess, but never widens one that
 * configuration or a refusal set.
 */
export class ModelKnowledge {
  private readonly asked = new Map<string, Promise<void>>();
  private readonly told = new Map<string, ServerModelInfo>();
  private readonly learnedContext = new Map<string, number>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly settings: KnowledgeSettings,
    private readonly directory: ModelDirectory | undefined,
    private readonly warn: ((message: string) => void) | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Asks the server about a model, once; a shutdown it announces within 30 days is told to the user. */
  ready(model: string): Promise<void> {
    let asking = this.asked.get(model);
    if (!asking) {
      asking = (async () => {
        const info = await this.directory?.describe(model).catch(() => null);
        if (info) this.told.set(model, info);
        const notice = shutdownNotice(model, this.capabilitiesOf(model).shutdown, this.now());
        if (notice && this.told.get(model)?.shutdownDate) this.warnOnce(`shutdown:${model}`, notice);
      })();
      this.asked.set(model, asking);
    }
    return asking;
  }

  /** What the server said about the model, when it was asked and said anything. */
  serverInfo(model: string): ServerModelInfo | null {
    return this.told.get(model) ?? null;
  }

  capabilitiesOf(model: string): ModelCapabilities {
    const s = this.settings;
    const overrides = s.capabilities[model];
    const caps = capabilitiesOf(model, { family: s.family, prices: s.prices, overrides });
    const configured = overrides?.contextTokens ?? s.contextTokens;
    if (configured) caps.contextTokens = configured;
    const server = this.told.get(model);
    if (server?.contextTokens) {
      caps.contextTokens = configured ? Math.min(configured, server.contextTokens) : server.contextTokens;
    }
    if (server?.maxOutputTokens) caps.maxOutputTokens = Math.min(caps.maxOutputTokens, server.maxOutputTokens);
    // A date the server gives is the provider's word now; "none announced" does not clear the table's.
    if (server?.shutdownDate) {
      caps.shutdown = { date: server.shutdownDate, replacement: caps.shutdown?.replacement ?? null, source: 'server' };
    }
    const learned = this.learnedContext.get(model);
    if (learned) caps.contextTokens = Math.min(caps.contextTokens, learned);
    return caps;
  }

  /**
   * Whether the model's context window is known rather than guessed: set by
   * configuration, reported by the server, learnt from it, or the table's
   * row for a hosted model (an open-weight family's window is the server's
   * to choose, and the unknown model's is a guess).
   */
  windowKnown(model: string): boolean {
    const s = this.settings;
    if (s.capabilities[model]?.contextTokens || s.contextTokens) return true;
    if (this.told.get(model)?.contextTokens || this.learnedContext.has(model)) return true;
    const family = this.capabilitiesOf(model).family;
    return family !== 'unknown' && !MODEL_TABLE[family]?.prefix;
  }

  /** A context window the server showed by refusing or cutting a prompt. */
  learnContext(model: string, tokens: number): void {
    this.learnedContext.set(model, Math.min(tokens, this.learnedContext.get(model) ?? Number.POSITIVE_INFINITY));
  }

  /** Says something a user should know, once per process. */
  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn?.(message);
  }
}
