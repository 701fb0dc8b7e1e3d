// Score one page the way the MDN HTTP Observatory does, with its own
// library (pinned in package.json): the same retrieval, the same tests,
// the same grading as its `scan()`, which cannot be given ports or a path.
//
//   node scan.mjs HOST HTTP_PORT HTTPS_PORT PATH
//
// Prints one JSON object: {"scan": {score, grade, ...}, "tests": {name: {...}}}.
import { retrieve } from "@mdn/mdn-http-observatory/src/retriever/retriever.js";
import { ALL_TESTS, NUM_TESTS } from "@mdn/mdn-http-observatory/src/constants.js";
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from "@mdn/mdn-http-observatory/src/grader/charts.js";
import {
  getGradeForScore,
  getScoreModifier,
} from "@mdn/mdn-http-observatory/src/grader/grader.js";

const [host, httpPort, httpsPort, path] = process.argv.slice(2);
const requests = await retrieve(host, { httpPort, httpsPort, path });
if (!requests.responses.auto) {
  console.log(JSON.stringify({ error: "The site seems to be down." }));
  process.exit(1);
}

let passed = 0;
let withExtraCredit = 100;
let uncurved = 100;
const tests = {};
for (const test of ALL_TESTS) {
  const result = test(requests);
  if (result.result) {
    result.scoreModifier = getScoreModifier(result.result);
    passed += result.pass ? 1 : 0;
    withExtraCredit += result.scoreModifier;
    if (result.scoreModifier < 0) uncurved += result.scoreModifier;
  }
  tests[result.constructor.name] = {
    pass: result.pass,
    result: result.result,
    scoreModifier: result.scoreModifier,
  };
}
const score = uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved;
const final = getGradeForScore(score);
console.log(
  JSON.stringify({
    scan: {
      score: final.score,
      grade: final.grade,
      status: requests.responses.auto.status,
      verified: Boolean(requests.responses.auto.verified),
      testsPassed: passed,
      testsQuantity: NUM_TESTS,
    },
    tests,
  })
);
