/** `npx tsx bench/higgs-distribution.ts`: the score distribution of the Higgs activity, as reported in docs/SCORING.md. */
import { benchWholeScoring } from './scoring';

benchWholeScoring().then(({ results, distribution }) => {
  for (const result of results) console.log(`${result.name}: ${result.value} ${result.unit} — ${result.notes}`);
  for (const topic of distribution) {
    console.log(`\ntopic ${topic.topic}: ${topic.accounts} scored accounts, median ${topic.median}, 95th percentile ${topic.p95}`);
    console.log(topic.top.map((entry, i) => `${i + 1}. ${entry.account} ${entry.score}`).join('\n'));
  }
});
