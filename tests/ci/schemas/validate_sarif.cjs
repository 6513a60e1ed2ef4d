// node validate_sarif.cjs FILE...: each file against the SARIF 2.1.0 JSON
// schema (draft-04, with its formats: a uri must be a URI reference).
// Prints "ok - FILE" or "not ok - FILE: the errors"; exits 1 if any failed.
const fs = require('fs');
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');
// The schema's language pattern is not valid as a Unicode regular expression.
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
let failed = 0;
for (const file of process.argv.slice(2)) {
  let ok = false, why = '';
  try {
    // SARIF is UTF-8: a byte that is not fails here, not silently replaced.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(file));
    ok = validate(JSON.parse(text));
    why = JSON.stringify(validate.errors);
  } catch (e) {
    why = String(e);
  }
  console.log(ok ? `ok - ${file}` : `not ok - ${file}: ${why.slice(0, 600)}`);
  if (!ok) failed++;
}
process.exit(failed ? 1 : 0);
