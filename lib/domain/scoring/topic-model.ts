import type { Calibration } from './calibration';
import type { ScoringModel } from './model';

/**
 * What the per-author phase of a topic's full pass used from its global phase, frozen so that an
 * incremental run can rescore some authors exactly as that pass would have, without redoing it:
 * each engager's weight α(e) and discount (activity × lockstep), what an engager the pass did not
 * know gets, the calibration, and the constants.
 */
export interface TopicModel {
  /** When the full pass ran. */
  asOf: Date;
  constants: ScoringModel;
  /** Every account of the pass's window (engager or author), distinct, in UTF-16 code unit order. */
  accounts: string[];
  /** α(e) of `accounts[i]`. */
  weight: Float64Array;
  /** Activity discount × lockstep factor of `accounts[i]`. */
  discount: Float64Array;
  /** Own anti-gaming flags of `accounts[i]` (ring, lockstep, farm): FLAGS bits. */
  flags: Uint8Array;
  /**
   * An account the pass did not see: nobody links to it, so its authority is the jump mass its
   * trust prior's floor draws, and it engaged few authors and no lockstep group, so no discount.
   */
  unknownEngager: { weight: number; discount: number };
  calibration: Calibration;
  /** Accounts the pass scored. */
  scoredCount: number;
}

/** A TopicModel as JSON: numbers are written exactly (the shortest decimal that reads back as the same double). */
export interface TopicModelJSON {
  version: 1;
  asOf: string;
  constants: ScoringModel;
  accounts: string[];
  weight: number[];
  discount: number[];
  /** Absent in models written before flags: none flagged. */
  flags?: number[];
  unknownEngager: { weight: number; discount: number };
  calibration: Calibration;
  scoredCount: number;
}

export const topicModelToJSON = (model: TopicModel): TopicModelJSON => ({
  version: 1,
  asOf: model.asOf.toISOString(),
  constants: model.constants,
  accounts: model.accounts,
  weight: Array.from(model.weight),
  discount: Array.from(model.discount),
  flags: Array.from(model.flags),
  unknownEngager: { ...model.unknownEngager },
  calibration: { logScores: [...model.calibration.logScores], scores: [...model.calibration.scores] },
  scoredCount: model.scoredCount,
});

export const topicModelFromJSON = (json: TopicModelJSON): TopicModel => {
  if (json.version !== 1) throw new Error(`unknown topic model version ${String(json.version)}`);
  const { accounts, weight, discount } = json;
  if (weight.length !== accounts.length || discount.length !== accounts.length) throw new Error('topic model columns differ in length');
  for (let i = 1; i < accounts.length; i++) if (!(accounts[i - 1]! < accounts[i]!)) throw new Error('topic model accounts are not sorted and distinct');
  return {
    asOf: new Date(json.asOf),
    constants: json.constants,
    accounts,
    weight: Float64Array.from(weight),
    discount: Float64Array.from(discount),
    flags: json.flags && json.flags.length === accounts.length ? Uint8Array.from(json.flags) : new Uint8Array(accounts.length),
    unknownEngager: { ...json.unknownEngager },
    calibration: { logScores: [...json.calibration.logScores], scores: [...json.calibration.scores] },
    scoredCount: json.scoredCount,
  };
};
