import { z } from 'zod';
import type { HandleClaim } from '../interactions/queued';
import type { Retraction } from '../interactions/retraction';
import { MAX_TOPICS_PER_INTERACTION, type Interaction } from '../interactions/schema';
import { toTopicSlug } from '../topics/extract';

/** What one provider delivery means to Sway. */
export interface Normalized {
  interactions: Interaction[];
  retractions: Retraction[];
  /** Provider events in the delivery that carry no interaction: acknowledged, counted, not stored. */
  ignored: number;
  /** Handles accounts published for themselves. */
  handles?: HandleClaim[];
}

export const ignoredEvents = (count = 1): Normalized => ({ interactions: [], retractions: [], ignored: count });

export const combine = (parts: Normalized[]): Normalized => {
  const handles = parts.flatMap((part) => part.handles ?? []);
  return {
    interactions: parts.flatMap((part) => part.interactions),
    retractions: parts.flatMap((part) => part.retractions),
    ignored: parts.reduce((sum, part) => sum + part.ignored, 0),
    ...(handles.length > 0 ? { handles } : {}),
  };
};

/**
 * Provider times, but never later than when the delivery arrived: a clock ahead, or a forged
 * date, must not let an interaction dodge decay or a retraction block what comes after it.
 */
export const notAfter = (normalized: Normalized, receivedAt: Date): Normalized => {
  const latest = receivedAt.toISOString();
  const cap = (time: string) => (Date.parse(time) > receivedAt.getTime() ? latest : time);
  return {
    interactions: normalized.interactions.map((interaction) => ({ ...interaction, occurredAt: cap(interaction.occurredAt) })),
    retractions: normalized.retractions.map((retraction) => ({ ...retraction, retractedAt: cap(retraction.retractedAt) })),
    ignored: normalized.ignored,
  };
};

const MAX_TEXT_CHARACTERS = 20_000;

/** Text as the canonical interaction takes it: at most 20,000 characters, never cut inside a surrogate pair. */
export const canonicalText = (text: string | null | undefined): string | undefined => {
  if (!text) return undefined;
  if (text.length <= MAX_TEXT_CHARACTERS) return text;
  const cut = text.slice(0, MAX_TEXT_CHARACTERS);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
};

/** Provider labels (hashtags, channels, categories, repository topics) as distinct topic slugs, at most 20. */
export const topicSlugs = (labels: (string | null | undefined)[]): string[] | undefined => {
  const slugs = [...new Set(labels.flatMap((label) => (label ? [toTopicSlug(label)] : [])).filter((slug) => slug !== null))];
  return slugs.length ? slugs.slice(0, MAX_TOPICS_PER_INTERACTION) : undefined;
};

/** `{key: value}` when there is a value, `{}` otherwise: optional fields stay absent rather than undefined. */
export const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);

/** An account reference without an empty handle. */
export const account = (id: string, handle?: string | null): Interaction['actor'] => (handle ? { id, handle: handle.slice(0, 256) } : { id });

/** A Date's ISO form, or undefined when the value is no usable time (so nothing downstream throws). */
export const isoTime = (value: Date): string | undefined => {
  const ms = value.getTime();
  if (!Number.isFinite(ms)) return undefined;
  const iso = value.toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
};

const fromEpochMilliseconds = (ms: number) => isoTime(new Date(ms));

/**
 * A provider field Sway reads but can do without: absent, null or malformed, it reads as
 * undefined — never a reason to refuse a delivery (CONTRACT §3).
 */
export const whenUsable = <T extends z.ZodType>(schema: T) =>
  schema
    .nullish()
    .transform((value) => value ?? undefined)
    .catch(undefined);

/**
 * An id as a string of at most `maxLength`, or as a JSON number small enough to be exact: some
 * providers send ids as numbers, and a larger one already lost digits in JSON.parse.
 */
export const idStringOrSafeNumber = (maxLength: number) =>
  z.union([z.string().min(1).max(maxLength), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String)]);

/** Schemas of the time formats providers send, each turned into an ISO-8601 string. */
export const times = {
  /** `Wed Oct 10 20:19:24 +0000 2018`, RFC 3339, … anything Date.parse reads. */
  dateString: z.string().transform((value, ctx) => {
    const iso = isoTime(new Date(value));
    if (!iso) ctx.addIssue({ code: 'custom', message: 'not a readable date' });
    return iso ?? z.NEVER;
  }),
  /** Milliseconds since the epoch, as a number or a string of digits. */
  epochMilliseconds: z.union([z.string().regex(/^\d{1,16}$/), z.number().int().nonnegative()]).transform((value, ctx) => {
    const iso = fromEpochMilliseconds(Number(value));
    if (!iso) ctx.addIssue({ code: 'custom', message: 'not a time' });
    return iso ?? z.NEVER;
  }),
};
