import type { EngagementType } from '../interactions/schema';

/** Counts of engagements of one engager with one author's content, in one topic, on one day. */
export interface EngagementAggregate {
  author: string;
  engager: string;
  /** YYYY-MM-DD (UTC) of the engagements. */
  day: string;
  counts: Partial<Record<EngagementType, number>>;
}

/** Posts of one author in one topic on one day. */
export interface PostAggregate {
  author: string;
  day: string;
  posts: number;
}

/** Responses to one piece of content of an author in one topic. */
export interface ContentAggregate {
  author: string;
  contentId: string;
  responses: number;
}
