import type { Run } from '../api/schemas';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import type { RunsStore } from '../../adapters/dynamodb/runs-store';
import { planKey, readJson, readManifest, RunPlanSchema } from './run-state';
import type { FailedInput } from './units';

export interface FailedUnitPorts {
  objects: ObjectStore;
  runs: RunsStore;
  now?: () => Date;
}

/**
 * A run that failed, timed out or was aborted: marked failed (never left `running`), its lock
 * released, and the state files it wrote but never committed deleted. The committed state is as the
 * last run that succeeded left it, so the next run reads the same log again and loses nothing.
 */
export const runFailedUnit = async (input: FailedInput, ports: FailedUnitPorts): Promise<Run | null> => {
  const run = await ports.runs.run(input.runId);
  if (run && run.status === 'running') {
    await ports.runs.finishRun({ ...run, status: 'failed', finishedAt: (ports.now ?? (() => new Date()))().toISOString(), error: input.error ?? 'failed' });
  }
  await ports.runs.releaseRunLock(input.runId);
  const plan = await readJson(ports.objects, planKey(input.runId), RunPlanSchema);
  // A run that committed before it failed (its finish died after the manifest) keeps what it wrote:
  // the next run starts from it. Only a run that never committed leaves files nobody will read.
  const manifest = await readManifest(ports.objects);
  if (plan && manifest.version !== plan.version) {
    const uncommitted = (await ports.objects.list('state/')).filter((key) => key.includes(plan.version) && key !== 'state/manifest.json');
    await ports.objects.delete(uncommitted);
  }
  return run ? await ports.runs.run(input.runId) : null;
};
