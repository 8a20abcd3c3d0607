/** The `sway` client against the real local service, as a user runs it: `npx sway …`. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engagements } from '../support/interactions';
import { repoRoot, startLocalService, type LocalService } from '../support/local-service';

const run = promisify(execFile);
const workDir = mkdtempSync(join(tmpdir(), 'sway-cli-'));
let service: LocalService;

const sway = async (...args: string[]) => {
  try {
    const { stdout } = await run('npx', ['sway', ...args], {
      cwd: repoRoot,
      env: { ...process.env, SWAY_URL: service.url, SWAY_ADMIN_TOKEN: service.adminToken, SWAY_SECRET_GENERIC: service.genericSecret },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

beforeAll(async () => {
  service = await startLocalService({ dataDir: join(workDir, 'data') });
});

afterAll(async () => {
  await service?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('npx sway against npm start', () => {
  it('imports a JSON Lines file, recomputes and shows the leaderboard', async () => {
    const lines = [...engagements('ada', 6, 'reply', ['compilers']), ...engagements('grace', 3, 'share', ['compilers'])].map((interaction) =>
      JSON.stringify(interaction),
    );
    lines.splice(2, 0, '{"id": "broken"');
    const file = join(workDir, 'interactions.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const imported = await sway('import', file, '--json');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ accepted: 9, duplicates: 0, rejected: 1 });
    const rejected = readFileSync(`${file}.rejected.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rejected).toEqual([expect.objectContaining({ line: 3, input: '{"id": "broken"' })]);

    const again = await sway('import', file, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ accepted: 0, duplicates: 9 });

    const recompute = await sway('recompute', '--wait', '--json');
    expect(recompute.code).toBe(0);
    expect(JSON.parse(recompute.stdout)).toMatchObject({ status: 'succeeded', topics: 1 });

    const board = await sway('leaderboard', 'compilers', '--json');
    expect((JSON.parse(board.stdout) as { items: { id: string }[] }).items.map((item) => item.id)).toEqual(['ada', 'grace']);
    const table = await sway('leaderboard', 'compilers');
    expect(table.stdout).toMatch(/1\s+100(\.0)?\s+x\s+ada/);

    const score = await sway('score', 'x:ada', '--json');
    expect(JSON.parse(score.stdout)).toMatchObject({ id: 'ada', score: 100, topics: [{ topic: 'compilers', rank: 1 }] });

    const explained = await sway('score', 'x:ada', '--topic', 'compilers', '--explain');
    expect(explained.code).toBe(0);
    expect(explained.stdout).toMatch(/Response/);
    expect(explained.stdout).toMatch(/ada-fan-/);

    const stats = await sway('stats', '--json');
    expect(JSON.parse(stats.stdout)).toMatchObject({ interactions: 9, pending: 0, deadLetters: 0 });
  });

  it('exits 1 with the problem for a failed request and 2 for bad usage', async () => {
    const missing = await sway('score', 'x:nobody');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not found/i);
    expect((await sway('frobnicate')).code).toBe(2);
  });
});
