import type { ServiceContext } from './context.ts';

/** What the filter builder offers to pick from; every list is capped so an answer stays small. */
export interface SegmentVocabulary {
  tags: Array<{ name: string; count: number }>;
  eventNames: string[];
  attributeKeys: string[];
}

export const VOCABULARY_LIMITS = { tags: 200, eventNames: 500, attributeKeys: 200 };

/** Suggestions for the segment builder's inputs (tags, event names, custom attribute names). */
export class SegmentVocabularyService {
  constructor(private readonly ctx: ServiceContext) {}

  async get(): Promise<SegmentVocabulary> {
    const repo = this.ctx.repos.segmentVocabulary;
    const [tags, eventNames, attributeKeys] = await Promise.all([
      repo.tags(VOCABULARY_LIMITS.tags),
      repo.eventNames(VOCABULARY_LIMITS.eventNames),
      repo.attributeKeys(VOCABULARY_LIMITS.attributeKeys),
    ]);
    return { tags, eventNames, attributeKeys };
  }
}
