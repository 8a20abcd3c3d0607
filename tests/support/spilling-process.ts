/**
 * A process that spills, for tests of what a killed one leaves: it opens the process's DuckDB
 * (its spill folder in the process's scratch folder) under a small memory limit, prints the
 * scratch folder, and sorts more than fits until it is killed. With `exit` as its argument it only
 * makes its scratch folder and exits normally.
 */
import { duckDb } from '../../lib/adapters/duckdb/duckdb';
import { scratchFolder } from '../../lib/adapters/scratch-folder';

const main = async () => {
  process.env.SWAY_DUCKDB_MEMORY = '32MB';
  const db = await duckDb();
  console.log(scratchFolder());
  if (process.argv[2] === 'exit') return;
  for (;;) await db.run('CREATE OR REPLACE TEMP TABLE sorted AS SELECT md5(range::VARCHAR) AS text FROM range(2000000) ORDER BY text');
};

void main();
