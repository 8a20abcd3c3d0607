/**
 * Audience overlap from bottom-k sketches: each account's explanation in a topic keeps the number
 * of its distinct engagers and the smallest hashes of their names
 * (lib/app/aggregation/topic-window.ts). While both audiences fit in their sketches the count of shared
 * engagers is exact; past that it is Broder's estimate: the share of the union's smallest hashes
 * found in both sketches estimates the Jaccard index.
 */
export interface AudienceSketch {
  engagers: number;
  /** Ascending 32-bit hashes, at most AUDIENCE_SKETCH_SIZE. */
  sketch: number[];
}

/** As stored with an explanation: the hashes as big-endian 32-bit words in base64. */
export interface StoredAudience {
  engagers: number;
  sketch: string;
}

export const encodeAudienceSketch = ({ engagers, sketch }: AudienceSketch): StoredAudience => {
  const bytes = Buffer.alloc(sketch.length * 4);
  sketch.forEach((hash, i) => {
    bytes.writeUInt32BE(hash, i * 4);
  });
  return { engagers, sketch: bytes.toString('base64') };
};

export const decodeAudienceSketch = ({ engagers, sketch }: StoredAudience): AudienceSketch => {
  const bytes = Buffer.from(sketch, 'base64');
  return { engagers, sketch: Array.from({ length: Math.floor(bytes.length / 4) }, (_, i) => bytes.readUInt32BE(i * 4)) };
};

export interface AudienceOverlap {
  engagers: number;
  withEngagers: number;
  shared: number;
  jaccard: number;
  estimated: boolean;
}

const rounded = (value: number) => Math.round(value * 1000) / 1000;

export const audienceOverlap = (a: AudienceSketch, b: AudienceSketch): AudienceOverlap => {
  const inB = new Set(b.sketch);
  const estimated = a.engagers > a.sketch.length || b.engagers > b.sketch.length;
  if (!estimated) {
    const shared = a.sketch.filter((hash) => inB.has(hash)).length;
    const union = a.engagers + b.engagers - shared;
    return { engagers: a.engagers, withEngagers: b.engagers, shared, jaccard: union === 0 ? 0 : rounded(shared / union), estimated };
  }
  const inA = new Set(a.sketch);
  // The union's k smallest hashes, k the size of the smaller partial sketch: up to there, both sketches hold every hash of their audience.
  const k = Math.min(...[a, b].filter((audience) => audience.engagers > audience.sketch.length).map((audience) => audience.sketch.length));
  const union = [...new Set([...a.sketch, ...b.sketch])].sort((x, y) => x - y).slice(0, k);
  const both = union.filter((hash) => inA.has(hash) && inB.has(hash)).length;
  const jaccard = union.length === 0 ? 0 : both / union.length;
  const shared = Math.min(a.engagers, b.engagers, Math.round((jaccard * (a.engagers + b.engagers)) / (1 + jaccard)));
  return { engagers: a.engagers, withEngagers: b.engagers, shared, jaccard: rounded(jaccard), estimated };
};
