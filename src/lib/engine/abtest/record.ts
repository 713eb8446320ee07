import type { ModelKind } from '../ml/model';
import type { AbTestStatus } from './analysis';
import type { Arm } from './routing';

/** How an A/B test was sized: the accuracy it starts from, the smallest difference worth finding, α, power. */
export interface AbTestDesign {
  baselineAccuracy: number;
  mde: number;
  alpha: number;
  power: number;
  minimumPerArm: number;
}

/** One A/B test as stored and as the pages see it: its design, and once concluded, its final numbers and verdict. */
export interface AbTest {
  id?: number;
  workspaceId: string;
  createdAt: number;
  status: 'running' | 'concluded';
  mode: 'split' | 'shadow';
  champion: { versionId: number; version: number; kind: ModelKind };
  challenger: { versionId: number; version: number; kind: ModelKind };
  /** Split mode: share of rows the challenger answers. */
  challengerShare: number;
  design: AbTestDesign;
  autoConclude: boolean;
  conclusion?: { at: number; by: 'user' | 'auto'; winner: Arm; reason: string; status: AbTestStatus };
}
